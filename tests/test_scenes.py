"""Many scenes in one run (``detection/scenes.py``), in this process and on a Dask cluster.

Three generated scenes, one of them bad (its DEM does not overlap it): two scene layers and a merged layer with a
``scene`` attribute for the good ones, the bad one named with its reason, a non-zero exit on the command line. On
a local Dask cluster of 2 worker processes the result is the same; a worker killed mid-task (by its pid) has its
task run again; a cancel leaves no output and no worker process.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import fiona
import numpy as np
import pytest
import synthetic
from affine import Affine
from detect_options import detect_scenes

from landslide_mapper.detection.scenes import scene_jobs
from landslide_mapper.errors import CancelledError

BIG = {"height": 700, "width": 900}  # about 60 chips of 128 px: long enough to kill a worker mid-task


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, oracle):
    """(scene folder, [dem per scene], expected landslides per good scene)."""
    root = tmp_path_factory.mktemp("scenes")
    folder = root / "scenes"
    folder.mkdir()
    made = {}
    for name, blobs in (("scene_a", None), ("scene_b", [(200, 200, 40), (500, 600, 60)]), ("scene_c", None)):
        (root / name).mkdir()
        opt, dem, _ = synthetic.scene(root / name, blobs=blobs, **BIG)
        shutil.copy(opt, folder / f"{name}.tif")
        made[name] = dem
    far = Affine(30.0, 0, 100000.0, 0, -30.0, 1000000.0)  # scene_c's DEM lies elsewhere: a bad scene
    made["scene_c"] = synthetic.write_raster(root / "far.tif", np.ones((20, 20), np.float32), far, synthetic.UTM)
    return folder, [made["scene_a"], made["scene_b"], made["scene_c"]], {"scene_a": 4, "scene_b": 2}


def layer_rows(path: Path, layer: str) -> list[tuple]:
    with fiona.open(path, layer=layer) as src:
        return sorted((f["properties"].get("scene"), round(f["properties"]["area_m2"], 3),
                       round(f["properties"]["mean_prob"], 6)) for f in src)


def check_result(result, out: Path, expected: dict) -> None:
    assert sorted(result.scenes) == ["scene_a", "scene_b"]
    assert list(result.failures) == ["scene_c"] and "does not overlap" in result.failures["scene_c"]
    assert {name: s["count"] for name, s in result.scenes.items()} == expected
    assert sorted(fiona.listlayers(str(out))) == ["landslides", "landslides_scene_a", "landslides_scene_b"]
    merged = layer_rows(out, "landslides")
    assert len(merged) == sum(expected.values())
    assert sorted({row[0] for row in merged}) == ["scene_a", "scene_b"]
    with fiona.open(out, layer="landslides") as src:
        assert sorted(f["properties"]["id"] for f in src) == list(range(1, len(merged) + 1))


def test_scenes_in_this_process(tmp_path, oracle, scenes):
    folder, dems, expected = scenes
    out = tmp_path / "inventory.gpkg"
    jobs = scene_jobs([folder], dems)
    assert [(j.name, Path(j.dem).name) for j in jobs] == [("scene_a", "dem.tif"), ("scene_b", "dem.tif"),
                                                          ("scene_c", "far.tif")]
    result = detect_scenes([folder], out, dem=dems, model=oracle[1], tile=128, simplify=0)
    check_result(result, out, expected)
    assert layer_rows(out, "landslides_scene_b") == sorted(
        (None, a, p) for s, a, p in layer_rows(out, "landslides") if s == "scene_b")


def test_cli_many_scenes_names_the_bad_one_and_fails(tmp_path, oracle, scenes):
    folder, dems, expected = scenes
    out = tmp_path / "inventory.gpkg"
    cmd = [sys.executable, "-m", "landslide_mapper", "detect", "--scenes", str(folder / "scene_*.tif"),
           "--dem", *map(str, dems), "--model", str(oracle[1]), "--tile", "128", "--output", str(out), "--quiet"]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
    assert run.returncode == 1, run.stderr
    assert "2 scene(s): 6 landslide(s)" in run.stdout
    errors = [line for line in run.stderr.splitlines() if line.startswith("landslide_mapper: error:")]
    assert len(errors) == 1 and "scene scene_c: the DEM far.tif does not overlap" in errors[0]
    assert sorted(fiona.listlayers(str(out))) == ["landslides", "landslides_scene_a", "landslides_scene_b"]
    # one scene with two DEMs is refused
    bad = subprocess.run(cmd[:4] + ["--optical", str(folder / "scene_a.tif"), "--dem", *map(str, dems[:2]),
                                    "--output", str(tmp_path / "x.gpkg"), "--model", str(oracle[1])],
                         capture_output=True, text=True, cwd="/")
    assert bad.returncode == 2 and "one scene takes one DEM" in bad.stderr


def test_dask_cluster_gives_the_same_result_and_survives_a_killed_worker(tmp_path, oracle, scenes):
    """A scheduler and two worker processes started here on 127.0.0.1 (``--scheduler``); once the scenes run,
    the test kills a worker that is processing one (SIGKILL by pid): its task runs again elsewhere."""
    from distributed import Client, LocalCluster

    folder, dems, expected = scenes
    reference = tmp_path / "reference.gpkg"
    detect_scenes([folder], reference, dem=dems, model=oracle[1], tile=128, simplify=0)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)
        killed: list = []

        def kill_a_busy_worker(fraction: float, message: str) -> None:
            if killed or fraction <= 0.0:
                return
            busy = [w for w, keys in client.processing().items() if keys and w in pids]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])

        out = tmp_path / "dask.gpkg"
        logs: list[str] = []
        result = detect_scenes([folder], out, dem=dems, model=oracle[1], tile=128, simplify=0,
                               scheduler=cluster.scheduler_address, progress=kill_a_busy_worker, log=logs.append)
    assert killed, "no worker was busy when the progress came: nothing was killed"
    check_result(result, out, expected)
    for layer in ("landslides", "landslides_scene_a", "landslides_scene_b"):
        assert layer_rows(out, layer) == layer_rows(reference, layer)
    assert any("dashboard http" in line for line in logs)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".landslide-mapper")]


def test_cancel_on_a_local_cluster_leaves_no_output_and_no_worker(tmp_path, oracle, scenes):
    folder, dems, _ = scenes
    out = tmp_path / "inventory.gpkg"
    seen: list[float] = []

    def cancel_once_running() -> bool:
        return bool(seen)

    start = time.monotonic()
    with pytest.raises(CancelledError):
        detect_scenes([folder], out, dem=dems, model=oracle[1], tile=128, processes=2,
                      progress=lambda f, m: seen.append(f) if f > 0 else None, is_cancelled=cancel_once_running)
    assert time.monotonic() - start < 120
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    deadline = time.monotonic() + 20
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert multiprocessing.active_children() == []
