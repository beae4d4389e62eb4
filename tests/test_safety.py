"""Never lose a user's file, never show a traceback (issue 29): each case is one test here, run for real.

* Outputs never alias inputs: the same file, a symbolic link to it, a relative path to it; refused before any work,
  naming both, the input byte-identical.
* A GeoPackage layer is replaced in one SQLite transaction: a child killed (SIGKILL) or interrupted (SIGINT, as
  Ctrl-C) at the moment the GeoPackage's journal appears leaves the old layer and every other layer as they were,
  or (when the kill came after the commit) the complete new layer; never a missing or partial one.
* A full disk (a real 3 MB tmpfs) gives one sentence, exit 2, the GeoPackage byte-identical and nothing left behind.
* Temporary files are unique per run; a crashed run's leftovers are removed by the next run in that folder.
* Damaged inputs (a truncated GeoTIFF), an impossible grid, bad numbers: one sentence, exit 2, no traceback.
* Many scenes: a damaged scene is reported and skipped, the good one's layer is kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import fiona
import pytest
import synthetic
from detect_options import detect, detect_scenes
from shapely.geometry import box, mapping

from landslide_mapper.detection import leftovers, vectorize
from landslide_mapper.errors import InputError

CLI = [sys.executable, "-m", "landslide_mapper", "detect", "--quiet"]
X0, Y0 = synthetic.ORIGIN
MARKER = {"geometry": mapping(box(0, 0, 1, 1)), "properties": {}}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd="/", timeout=300, **kw)


def one_sentence(run: subprocess.CompletedProcess) -> str:
    """The run's error: exit 2, no traceback, one 'error:' line."""
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if "landslide_mapper: error:" in line]
    assert len(lines) == 1, run.stderr
    return lines[0]


def user_gpkg(path: Path) -> Path:
    """A user's GeoPackage: an 'other' layer and an old 'landslides' layer (one marker feature, schema of ours)."""
    with fiona.open(path, "w", driver="GPKG", layer="other", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {"note": "str"}}) as dst:
        dst.write({"geometry": MARKER["geometry"], "properties": {"note": "keep me"}})
    props = {k: (0 if t.startswith("int") else 0.0) for k, t in vectorize.SCHEMA["properties"].items()}
    with fiona.open(path, "w", driver="GPKG", layer="landslides", crs="EPSG:32633", schema=vectorize.SCHEMA) as dst:
        dst.write({"geometry": MARKER["geometry"], "properties": {**props, "id": 999}})
    return path


def layer_state(path: Path) -> dict:
    with fiona.open(path, layer="other") as src:
        other = [f["properties"]["note"] for f in src]
    layers = fiona.listlayers(path)
    if "landslides" not in layers:
        return {"other": other, "landslides": None}
    with fiona.open(path, layer="landslides") as src:
        ids = sorted(f["properties"]["id"] for f in src)
    return {"other": other, "landslides": ids}


# ---- outputs never alias inputs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["probability is the DEM", "probability is the optical", "probability links to "
                                  "the DEM", "relative path to the DEM", "output is the area of interest",
                                  "output is the probability"])
def test_an_output_that_is_an_input_is_refused(tmp_path, oracle, blob_scene, case):
    opt, dem, _ = blob_scene
    work = tmp_path / "w"
    work.mkdir()
    dem_copy, opt_copy = Path(shutil.copy(dem, work / "dem.tif")), Path(shutil.copy(opt, work / "opt.tif"))
    area = work / "area.geojson"
    with fiona.open(area, "w", driver="GeoJSON", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(box(X0, Y0 - 600, X0 + 800, Y0)), "properties": {}})
    before = {p: digest(p) for p in (dem_copy, opt_copy, area)}
    args = ["--optical", opt_copy, "--dem", dem_copy, "--model", oracle[1], "--output", work / "out.gpkg"]
    if case == "probability is the DEM":
        args += ["--probability", dem_copy]
    elif case == "probability is the optical":
        args += ["--probability", opt_copy]
    elif case == "probability links to the DEM":
        (work / "link.tif").symlink_to(dem_copy)
        args += ["--probability", work / "link.tif"]
    elif case == "relative path to the DEM":
        args += ["--probability", os.path.relpath(dem_copy, "/")]
    elif case == "output is the area of interest":
        args = [*args[:-1], area, "--aoi", area]
    else:
        args = [*args[:-1], work / "same.tif", "--probability", work / "same.tif"]
    line = one_sentence(run_cli(*args))
    assert "would be overwritten" in line or "are the same file" in line, line
    assert {p: digest(p) for p in before} == before
    assert not (work / "out.gpkg").exists()


def test_a_geopackage_may_be_the_area_of_interest_and_the_output_of_another_layer(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    gpkg = user_gpkg(tmp_path / "project.gpkg")
    with fiona.open(gpkg, "w", driver="GPKG", layer="area", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(box(X0, Y0 - 600, X0 + 840, Y0)), "properties": {}})
    r = detect(opt, gpkg, dem=dem, model=oracle[1], aoi=f"{gpkg}|layername=area")
    assert r.count == 4 and layer_state(gpkg)["other"] == ["keep me"]
    with pytest.raises(InputError, match="would be overwritten"):  # the same layer: refused
        detect(opt, gpkg, dem=dem, model=oracle[1], aoi=f"{gpkg}|layername=area", layer="area")


# ---- the GeoPackage layer is replaced atomically ---------------------------------------------------------------
def _run_and_signal(tmp_path, oracle, blob_scene, sig, nth: int):
    opt, dem, _ = blob_scene
    gpkg = user_gpkg(tmp_path / "user.gpkg")
    journal = Path(f"{gpkg}-journal")
    proc = subprocess.Popen([*CLI, "--optical", opt, "--dem", dem, "--model", oracle[1], "--output", gpkg,
                             "--tile", "128", "--min-area", "0", "--simplify", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/")
    seen, signalled = 0, False
    deadline = time.monotonic() + 120
    was = False
    while proc.poll() is None and time.monotonic() < deadline:
        now = journal.exists()
        if now and not was:
            seen += 1
            if seen == nth:
                proc.send_signal(sig)
                signalled = True
                break
        was = now
    out, err = proc.communicate(timeout=120)
    return gpkg, proc.returncode, err, signalled


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_kill_when_the_journal_appears_never_loses_the_layer(tmp_path, oracle, blob_scene, nth):
    gpkg, rc, err, signalled = _run_and_signal(tmp_path, oracle, blob_scene, signal.SIGKILL, nth)
    state = layer_state(gpkg)
    assert state["other"] == ["keep me"]
    assert state["landslides"] in ([999], [1, 2, 3, 4]), (state, rc, signalled)  # the old, or the whole new one
    if not signalled:  # fewer journals than nth: the run finished
        assert rc == 0 and state["landslides"] == [1, 2, 3, 4], err
    import sqlite3

    con = sqlite3.connect(gpkg)  # (the hot journal is rolled back here, as GDAL does on open)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_ctrl_c_when_the_journal_appears_keeps_the_old_layer(tmp_path, oracle, blob_scene):
    gpkg, rc, err, signalled = _run_and_signal(tmp_path, oracle, blob_scene, signal.SIGINT, 1)
    state = layer_state(gpkg)
    assert state["other"] == ["keep me"]
    if rc == 130:  # interrupted: "no output was written" must be true
        assert "no output was written" in err and state["landslides"] == [999], (state, err)
    else:  # the commit was done before the signal arrived
        assert rc == 0 and state["landslides"] == [1, 2, 3, 4], (rc, err)
    assert not [p for p in gpkg.parent.iterdir() if p.name.startswith(".landslide-mapper-")]


def test_replacing_keeps_styles_and_the_spatial_index(tmp_path, oracle, blob_scene):
    import sqlite3

    opt, dem, _ = blob_scene
    gpkg = user_gpkg(tmp_path / "user.gpkg")
    con = sqlite3.connect(gpkg)
    con.execute("CREATE TABLE layer_styles (id INTEGER PRIMARY KEY, f_table_name TEXT, styleQML TEXT)")
    con.execute("INSERT INTO layer_styles (f_table_name, styleQML) VALUES ('landslides', '<qgis/>')")
    con.commit()
    con.close()
    for _ in range(2):
        detect(opt, gpkg, dem=dem, model=oracle[1])
    assert layer_state(gpkg) == {"other": ["keep me"], "landslides": [1, 2, 3, 4]}
    con = sqlite3.connect(gpkg)
    assert con.execute("SELECT count(*) FROM layer_styles WHERE f_table_name = 'landslides'").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM rtree_landslides_geom").fetchone() == (4,)
    assert con.execute("SELECT count(*) FROM gpkg_contents WHERE table_name = 'landslides'").fetchone() == (1,)
    con.close()
    with fiona.open(gpkg, layer="landslides") as src:  # GDAL's spatial filter goes through the copied index
        assert len(list(src.items(bbox=src.bounds))) == 4


def test_a_layer_that_is_not_polygons_is_not_replaced(tmp_path, oracle, blob_scene):
    import sqlite3

    opt, dem, _ = blob_scene
    gpkg = user_gpkg(tmp_path / "user.gpkg")
    con = sqlite3.connect(gpkg)
    con.execute("UPDATE gpkg_contents SET data_type = 'attributes' WHERE table_name = 'other'")
    con.commit()
    con.close()
    before = digest(gpkg)
    with pytest.raises(InputError, match="already holds a attributes layer named 'other'"):
        detect(opt, gpkg, dem=dem, model=oracle[1], layer="other")
    assert digest(gpkg) == before


def test_a_locked_geopackage_is_one_sentence_and_unchanged(tmp_path, oracle, blob_scene, monkeypatch):
    import sqlite3

    from landslide_mapper.detection import geopackage

    opt, dem, _ = blob_scene
    gpkg = user_gpkg(tmp_path / "user.gpkg")
    before = digest(gpkg)
    monkeypatch.setattr(geopackage, "LOCK_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(gpkg, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing to it
    try:
        with pytest.raises(InputError, match="in use by another program"):
            detect(opt, gpkg, dem=dem, model=oracle[1])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert digest(gpkg) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["user.gpkg"]


# ---- a full disk --------------------------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A real 3 MB filesystem (tmpfs; root only)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.fail("the full-disk test needs root (mount -t tmpfs); run the suite as root, as CI does")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_leaves_the_geopackage_and_the_folder_as_they_were(tmp_path, oracle, blob_scene, small_disk):
    opt, dem, _ = blob_scene
    gpkg = user_gpkg(small_disk / "user.gpkg")
    filler = small_disk / "filler.bin"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(0, free - 60_000))  # room for almost nothing
    before = digest(gpkg)
    run = run_cli("--optical", opt, "--dem", dem, "--model", oracle[1], "--output", gpkg,
                  "--probability", small_disk / "p.tif")
    line = one_sentence(run)
    assert "no space left" in line, line
    assert digest(gpkg) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin", "user.gpkg"]


# ---- temporary files ----------------------------------------------------------------------------------------------
def test_temporary_names_are_unique_per_run(tmp_path):
    target = tmp_path / "p.tif"
    names = {leftovers.temp_file(target) for _ in range(50)}
    assert len(names) == 50 and all(n.name.startswith(".landslide-mapper-") for n in names)
    assert all(str(os.getpid()) in n.name for n in names)


def test_leftovers_of_crashed_runs_are_removed_by_the_next_run(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a process id that no longer runs
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale_dir = tmp_path / f".landslide-mapper-layer-{dead}-abc123"
        stale_dir.mkdir()
        (stale_dir / "landslides.gpkg").write_bytes(b"x" * 1000)
        stale_part = tmp_path / f".landslide-mapper-{dead}-0a1b2c.p.tif.part.tif"
        stale_part.write_bytes(b"x")
        legacy = tmp_path / ".p.tif.part.tif"  # what versions before the run tag left
        legacy.write_bytes(b"x")
        os.utime(legacy, (time.time() - 3600, time.time() - 3600))
        busy = tmp_path / f".landslide-mapper-layer-{alive.pid}-def456"  # a run still going on: kept
        busy.mkdir()
        logs: list[str] = []
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "p.tif", log=logs.append)
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == sorted(["out.gpkg", "p.tif", busy.name]), names
        assert sum("left in" in line and "by a run that was stopped" in line for line in logs) == 3, logs
    finally:
        alive.kill()
        alive.wait()


def test_cleanup_happens_even_when_closing_raises(tmp_path, monkeypatch):
    from rasterio.crs import CRS

    writer = vectorize.FeatureWriter(tmp_path / "out.gpkg", CRS.from_epsg(32633))

    def broken_close():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.dst, "close", broken_close)
    writer.abort()
    assert list(tmp_path.iterdir()) == []


# ---- damaged inputs and impossible values: one sentence ----------------------------------------------------------
def test_a_truncated_geotiff_is_one_sentence(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    data = Path(opt).read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) // 2])
    line = one_sentence(run_cli("--optical", cut, "--dem", dem, "--model", oracle[1], "--output",
                                tmp_path / "out.gpkg"))
    assert "cut.tif" in line or "damaged" in line or "truncated" in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.tif"]


@pytest.mark.parametrize("flag, value, message", [
    ("--resolution", "0.0001", "the processing grid would be"),
    ("--resolution", "0", "processing resolution must be > 0"),
    ("--tile", "0", "tile size must be a multiple of 32"),
    ("--workers", "10000", "worker processes must be <="),
    ("--min-area", "nan", "minimum area must be a finite number"),
    ("--simplify", "nan", "simplification tolerance must be a finite number"),
    ("--threshold", "inf", "threshold must be a finite number"),
])
def test_impossible_values_are_refused_before_any_work(tmp_path, oracle, blob_scene, flag, value, message):
    opt, dem, _ = blob_scene
    line = one_sentence(run_cli("--optical", opt, "--dem", dem, "--model", oracle[1], "--output",
                                tmp_path / "out.gpkg", flag, value))
    assert message in line, line
    assert list(tmp_path.iterdir()) == []


def test_an_onnx_graph_without_a_probability_output_is_one_sentence(tmp_path, oracle, blob_scene):
    import onnx

    from landslide_mapper.errors import ModelFileError

    opt, dem, _ = blob_scene
    proto = onnx.load(str(oracle[1]))
    old = proto.graph.output[0].name
    proto.graph.output[0].name = "logits"
    for node in proto.graph.node:
        node.output[:] = ["logits" if o == old else o for o in node.output]
    bad = tmp_path / "bad.onnx"
    onnx.save(proto, str(bad))
    with pytest.raises(ModelFileError, match="expected an output named 'probability'"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=bad)


def test_many_scenes_keep_the_good_ones_when_one_is_damaged(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    folder = tmp_path / "scenes"
    folder.mkdir()
    shutil.copy(opt, folder / "good.tif")
    data = Path(opt).read_bytes()
    (folder / "damaged.tif").write_bytes(data[: int(len(data) * 0.6)])
    out = tmp_path / "inventory.gpkg"
    result = detect_scenes([folder], out, dem=dem, model=oracle[1])
    assert list(result.scenes) == ["good"] and list(result.failures) == ["damaged"]
    assert "Traceback" not in result.failures["damaged"]
    assert set(fiona.listlayers(out)) == {"landslides", "landslides_good"}


# ---- interrupts: Ctrl-C and SIGTERM to the whole process group, as a terminal or a batch system sends them -------
@pytest.fixture(scope="module")
def slow_scene(tmp_path_factory):
    """A scene the bundled model takes several seconds over (about 50 chips at 1 m)."""
    folder = tmp_path_factory.mktemp("slow")
    opt, _, _ = synthetic.scene(folder, height=1200, width=1200, blobs=[(300, 300, 60), (800, 700, 90)])
    return opt


def _signal_group_when(args, started: str, sig) -> tuple[subprocess.Popen, str, float]:
    import threading

    def as_a_terminal_starts_it() -> None:  # Ctrl-C neither ignored nor blocked, whatever this process inherited
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])

    proc = subprocess.Popen([*CLI, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd="/", start_new_session=True,  # its own process group, as in a terminal
                            preexec_fn=as_a_terminal_starts_it)
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if started in line:
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert seen.wait(180), "".join(lines)
    time.sleep(1.5)  # inside the chips
    sent = time.monotonic()
    os.killpg(proc.pid, sig)
    proc.wait(timeout=120)
    stopped = time.monotonic() - sent
    reader.join(timeout=10)
    return proc, "".join(lines), stopped


def _no_worker_left(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_ctrl_c_stops_every_worker_process_and_writes_nothing(tmp_path, slow_scene):
    out = tmp_path / "out"
    out.mkdir()
    proc, err, stopped = _signal_group_when(["--optical", slow_scene, "--output", out / "x.gpkg", "--workers", "2",
                                             "--probability", out / "p.tif"], "partition(s): rows", signal.SIGINT)
    assert proc.returncode == 130, err
    assert "interrupted; no output was written" in err and "Traceback" not in err, err
    assert stopped < 60
    assert list(out.iterdir()) == []
    deadline = time.monotonic() + 30
    while not _no_worker_left(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _no_worker_left(proc.pid), "a worker process of the group is still running"


@pytest.mark.slow
def test_sigterm_stops_the_run_and_writes_nothing(tmp_path, slow_scene):
    out = tmp_path / "out"
    out.mkdir()
    proc, err, _ = _signal_group_when(["--optical", slow_scene, "--output", out / "x.gpkg", "--probability",
                                       out / "p.tif"], "Processing grid", signal.SIGTERM)
    assert proc.returncode == 143, err
    assert "terminated; no output was written" in err and "Traceback" not in err, err
    assert list(out.iterdir()) == []


# ---- training commands: one sentence, no empty folder left -----------------------------------------------------
def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landslide_mapper", *map(str, args)], capture_output=True,
                          text=True, cwd="/", timeout=300)


def test_train_with_an_unknown_architecture_is_one_sentence_and_leaves_no_folder(tmp_path):
    run = _cli("train", "--data", tmp_path / "chips", "--out", tmp_path / "run", "--arch", "nosucharch", "--quiet")
    line = one_sentence(run)
    assert "unknown model configuration 'nosucharch'" in line and "unexpected" not in line, line
    assert list(tmp_path.iterdir()) == []


def test_training_and_model_outputs_never_overwrite_their_inputs(tmp_path, oracle):
    ckpt = Path(oracle[0])
    before = digest(ckpt)
    run = _cli("export-onnx", ckpt, ckpt.parent / "." / ckpt.name)
    assert "is also the checkpoint" in one_sentence(run)
    run = _cli("evaluate", "--model", ckpt, "--data", tmp_path, "--report", ckpt)
    assert "is also the model" in one_sentence(run)
    run = _cli("evaluate", "--model", ckpt, "--data", tmp_path, "--report", tmp_path / "eval.md")
    assert "are the same file" in one_sentence(run)  # the JSON report and its Markdown twin
    weights = tmp_path / "run" / "best.safetensors"
    weights.parent.mkdir()
    weights.write_bytes(ckpt.read_bytes())
    run = _cli("train", "--data", tmp_path, "--out", tmp_path / "run", "--encoder-weights", weights, "--quiet")
    assert "is also the encoder weights file" in one_sentence(run)
    assert digest(ckpt) == before and digest(weights) == before


def test_prepare_chips_output_that_is_a_file_and_zero_stride(tmp_path, blob_scene):
    opt, dem, _ = blob_scene
    inventory = tmp_path / "inv.geojson"
    with fiona.open(inventory, "w", driver="GeoJSON", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(box(X0 + 100, Y0 - 200, X0 + 200, Y0 - 100)), "properties": {}})
    afile = tmp_path / "afile"
    afile.write_text("mine")
    line = one_sentence(_cli("prepare-chips", "--optical", opt, "--inventory", inventory, "--output", afile))
    assert "is a file, not a folder" in line and afile.read_text() == "mine"
    line = one_sentence(_cli("prepare-chips", "--optical", opt, "--inventory", inventory, "--output",
                             tmp_path / "chips", "--stride", "0"))
    assert "stride must be between 1 and the chip size" in line
    line = one_sentence(_cli("prepare-chips", "--optical", opt, "--inventory", inventory, "--output",
                             tmp_path / "chips", "--negative-ratio", "nan"))
    assert "negative ratio must be a number" in line
    assert not (tmp_path / "chips").exists()  # no empty folder left behind


def test_import_labelme_failure_leaves_no_folder(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    line = one_sentence(_cli("import-labelme", bad, "--output", tmp_path / "chips"))
    assert "not a readable LabelMe JSON file" in line
    assert not (tmp_path / "chips").exists()


@pytest.mark.parametrize("address", ["nonsense://nowhere", "tcp://127.0.0.1:9"])
def test_a_wrong_or_unreachable_scheduler_is_one_sentence(tmp_path, oracle, blob_scene, address):
    opt, dem, _ = blob_scene
    line = one_sentence(run_cli("--optical", opt, "--dem", dem, "--model", oracle[1], "--output",
                                tmp_path / "out.gpkg", "--scheduler", address))
    assert "cannot reach the Dask scheduler" in line, line
    assert list(tmp_path.iterdir()) == []


# ---- a DEM without valid elevation over the image ----------------------------------------------------------------
def test_a_dem_without_valid_elevation_gives_null_terrain_and_a_warning(tmp_path, oracle, blob_scene):
    import numpy as np
    import rasterio

    opt, dem, mask = blob_scene
    with rasterio.open(dem) as src:
        transform, shape = src.transform, src.shape
    nodata_dem = synthetic.write_raster(tmp_path / "nodata_dem.tif", np.full(shape, -9999.0, np.float32), transform,
                                        synthetic.UTM, nodata=-9999.0)
    # a model that needs the DEM: one sentence, nothing written
    with pytest.raises(InputError, match="no valid elevation over the image .*needs DEM channels"):
        detect(opt, tmp_path / "a.gpkg", dem=nodata_dem, model=oracle[1])
    # an RGB model: detection runs; slope, elevation and relief are NULL (not 0), with a warning
    red = np.where(mask, 230, 20).astype(np.uint8)
    rgb = synthetic.write_raster(tmp_path / "red.tif", np.stack([red, red, red]), transform, synthetic.UTM)
    (tmp_path / "rgb").mkdir()
    _, rgb_model = synthetic.oracle_files(tmp_path / "rgb", rgb_only=True)
    r = detect(rgb, tmp_path / "b.gpkg", dem=nodata_dem, model=rgb_model)
    assert r.count == 4 and any("no valid elevation over the image" in w for w in r.warnings), r.warnings
    with fiona.open(tmp_path / "b.gpkg") as src:
        props = [dict(f["properties"]) for f in src]
    assert all(p["mean_slope_deg"] is None and p["mean_elev_m"] is None and p["relief_m"] is None for p in props)
    # a DEM that covers the left half of the image: a warning that says how much
    half = np.full(shape, -9999.0, np.float32)
    half[:, : shape[1] // 2] = 100.0
    half_dem = synthetic.write_raster(tmp_path / "half_dem.tif", half, transform, synthetic.UTM, nodata=-9999.0)
    r = detect(opt, tmp_path / "c.gpkg", dem=half_dem, model=oracle[1])
    assert any("valid elevation over only 50 % of the image" in w for w in r.warnings), r.warnings


# ---- model files that do not match, a resume point that must not be loaded -------------------------------------
def test_weights_that_do_not_match_name_the_tensors(tmp_path):
    from landslide_mapper.errors import ModelFileError
    from landslide_mapper.model.card import default_card
    from landslide_mapper.model.checkpoint import load_checkpoint, save_checkpoint
    from landslide_mapper.model.registry import build_model, get_config

    card = default_card("small", get_config("unet", fusion="none", dem_channels=0))
    other = get_config("unet", fusion="none", dem_channels=0, unet_channels=[8, 16, 32, 64, 128])
    path = save_checkpoint(tmp_path / "m.safetensors", build_model(other), card)  # another network's weights
    with pytest.raises(ModelFileError, match=r"tensor\(s\) of another shape: \S+ \(\d+"):
        load_checkpoint(path)


def test_resuming_from_a_pickled_or_damaged_last_pt_is_one_sentence(tmp_path):
    import torch
    from test_train import _chips, _config

    from landslide_mapper.training.train import train

    data = _chips(tmp_path / "chips")
    run = tmp_path / "run"
    run.mkdir()
    torch.save({"model": _Payload()}, run / "last.pt")  # a pickled object: weights_only refuses it
    with pytest.raises(InputError, match="cannot resume from .*last.pt: it holds Python objects") as err:
        train(data, run, _config(epochs=1))
    assert "weights_only=False" not in str(err.value)
    (run / "last.pt").write_bytes(b"not a checkpoint at all")
    with pytest.raises(InputError, match="cannot resume from .*last.pt"):
        train(data, run, _config(epochs=1))


class _Payload:
    """Stands for code a malicious checkpoint would run when unpickled."""


def test_tensorrt_gets_an_engine_cache_and_cuda_follows(monkeypatch, tmp_path):
    """(No GPU here: the provider list ONNX Runtime is given, for the providers a GPU machine has.)"""
    from landslide_mapper.detection.engines import TRT_CACHE_ENV, execution_providers

    monkeypatch.setenv(TRT_CACHE_ENV, str(tmp_path / "trt"))
    gpu = ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"]
    trt, cuda, cpu = execution_providers(gpu, "auto")
    assert trt == ("TensorrtExecutionProvider", {"trt_engine_cache_enable": True,
                                                 "trt_engine_cache_path": str(tmp_path / "trt"),
                                                 "trt_fp16_enable": False})
    assert (cuda, cpu) == ("CUDAExecutionProvider", "CPUExecutionProvider")
    assert execution_providers(gpu, "cpu") == ["CPUExecutionProvider"]
    assert execution_providers(["CPUExecutionProvider"], "auto") == ["CPUExecutionProvider"]
