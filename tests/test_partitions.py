"""One scene in partitions (``detection/partitions.py``): row partitions on several Dask worker processes, and the
column stripes of a scene wider than ``STRIPE_WIDTH``.

A generated scene, 700 x 900 px at 2 m with 128 px chips, cut into 2 and 3 row partitions (seams at rows 256 and
512, where landslides cross them) gives, on a local cluster of 2 worker processes, the same probability raster as the
single-process run (bit for bit: the same chips blended in the same order) and the same landslides (each one
feature, the same shape after simplification, the same attributes). With ``STRIPE_WIDTH`` lowered to 512 px the
scene is too wide for one stripe: ``detect`` in this process runs it in two column stripes (a seam at column 512,
which a landslide crosses) with the same outputs, and so do row partitions and stripes together on the workers. On
the command line ``detect --workers 2`` runs the partitions; a cancel leaves no output and no worker process.
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
import time

import fiona
import numpy as np
import pytest
import rasterio
import synthetic
from detect_options import detect, detect_partitions, plan_detection
from shapely.geometry import shape

from landslide_mapper.detection import partitions
from landslide_mapper.detection.partitions import Part, partition_columns, partition_rows, partition_windows
from landslide_mapper.errors import CancelledError

# blobs (row, col, radius) in pixels; (256, 450, 40) and (500, 600, 60) cross the seams at rows 256 and 512;
# (100, 512, 30) the seam at column 512 of two column stripes, and (256, 545, 35) both the row seam 256 and it
BLOBS = [(200, 200, 40), (256, 450, 40), (500, 600, 60), (620, 100, 30), (512, 820, 25), (100, 512, 30),
         (256, 545, 35)]


@pytest.fixture(scope="module")
def scene(tmp_path_factory, oracle):
    root = tmp_path_factory.mktemp("partitions")
    opt, dem, _ = synthetic.scene(root, height=700, width=900, blobs=BLOBS)
    reference = detect(opt, root / "one.gpkg", dem=dem, model=oracle[1], tile=128, probability=root / "one.tif")
    assert reference.count == len(BLOBS)
    return opt, dem, root


def features(path):
    with fiona.open(path) as src:
        feats = [(shape(f["geometry"]), dict(f["properties"])) for f in src]
    return sorted(feats, key=lambda f: (round(f[0].centroid.x, 3), round(f[0].centroid.y, 3)))


def check_same(root, out, prob) -> None:
    with rasterio.open(root / "one.tif") as a, rasterio.open(prob) as b:
        assert (a.transform, a.shape, a.block_shapes) == (b.transform, b.shape, b.block_shapes)
        assert np.array_equal(a.read(1), b.read(1))
    one, many = features(root / "one.gpkg"), features(out)
    assert len(many) == len(one) == len(BLOBS)
    for (g1, p1), (g2, p2) in zip(one, many):
        assert g1.equals_exact(g2, 1e-6), "a landslide's shape differs from the single-process run"
        for key in ("area_m2", "perimeter_m", "mean_prob", "max_prob", "mean_slope_deg", "mean_elev_m"):
            assert p1[key] == pytest.approx(p2[key], rel=1e-6), key
    assert sorted(p["id"] for _, p in many) == list(range(1, len(BLOBS) + 1))


def test_partition_rows_are_whole_blocks_and_cover_the_chips(scene, oracle):
    opt, dem, _ = scene
    plan, eng = plan_detection(opt, dem, oracle[1], tile=128)
    assert (plan.device, plan.batch) == (eng.device, 1 if eng.device == "cpu" else 4)  # the automatic batch
    assert partition_rows(plan, 1) == [(0, 700)]
    assert partition_rows(plan, 2) == [(0, 256), (256, 700)]
    assert partition_rows(plan, 3) == [(0, 256), (256, 512), (512, 700)]
    assert partition_rows(plan, 9) == [(0, 256), (256, 512), (512, 700)]  # no more partitions than blocks of rows
    # chip rows start every 112 rows; the seam at 256 is inside the chip row 224-352 only: one chip row twice
    rows = [sorted({int(w.row_off) for w in partition_windows(plan, Part(a, b, 0, 900))})
            for a, b in partition_rows(plan, 3)]
    assert rows == [[0, 112, 224], [224, 336, 448], [448, 560, 572]]


def test_a_scene_wider_than_a_stripe_is_cut_into_column_stripes(scene, oracle, monkeypatch):
    opt, dem, _ = scene
    plan, _ = plan_detection(opt, dem, oracle[1], tile=128)
    assert partition_columns(plan) == [(0, 900)]  # 900 px: one stripe of 16384
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 512)
    assert partition_columns(plan) == [(0, 512), (512, 900)]
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 300)  # three stripes: seams at multiples of 256 near 300, 600
    assert partition_columns(plan) == [(0, 256), (256, 512), (512, 900)]
    # a seam where the fewest chips straddle it: 512 px chips 416 apart, the equal split at 1280 falls where the
    # chips 832-1344 and 1248-1760 overlap (two chip columns twice); a block to the left, 1024, inside one chip only
    assert (partitions.straddling(2560, 512, 96, 1280), partitions.straddling(2560, 512, 96, 1024)) == (2, 1)
    assert partitions.seams(2560, 2, 512, 96) == [1024]
    assert partitions.seams(2560, 2, 512, 64) == [1280]  # 448 apart: 1280 is inside one chip (896-1408)
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 512)
    assert partitions.partitions(plan, 2) == [Part(0, 256, 0, 512), Part(0, 256, 512, 900),
                                              Part(256, 700, 0, 512), Part(256, 700, 512, 900)]
    cols = [sorted({int(w.col_off) for w in partition_windows(plan, Part(0, 700, a, b))}) for a, b in
            partition_columns(plan)]
    assert cols[1][0] == 448 and cols[0][-1] == 448  # the chip column 448-576 straddles the seam at 512: twice


@pytest.mark.parametrize("count", [2, 3])
def test_partitions_on_two_workers_equal_the_single_process(tmp_path, scene, oracle, count):
    opt, dem, root = scene
    out, prob = tmp_path / "parts.gpkg", tmp_path / "parts.tif"
    logs: list[str] = []
    progress: list[float] = []
    result = detect_partitions(opt, out, dem=dem, model=oracle[1], tile=128, probability=prob, processes=2,
                          partitions=count, log=logs.append, progress=lambda f, m: progress.append((f, m)))
    check_same(root, out, prob)
    assert any(line.startswith(f"{count} partition(s): rows 0-256, rows 256-") for line in logs)
    assert any("dashboard http" in line for line in logs)
    assert result.chips + result.chips_skipped == len(plan_detection(opt, dem, oracle[1], tile=128)[0].windows)
    fractions = [f for f, _ in progress]
    assert fractions[-1] == 1.0 and max(fractions[:-1]) < 1.0
    assert any(re.fullmatch(r"\d+/\d+ chips, \d/\d partitions done", m) for _, m in progress)  # across workers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts.gpkg", "parts.tif"]


def test_cli_workers_runs_partitions(tmp_path, scene, oracle):
    opt, dem, root = scene
    out = tmp_path / "cli.gpkg"
    cmd = [sys.executable, "-m", "landslide_mapper", "detect", "--optical", str(opt), "--dem", str(dem),
           "--model", str(oracle[1]), "--tile", "128", "--workers", "2", "--simplify", "0", "--min-area", "0",
           "--probability", str(tmp_path / "p.tif"), "--output", str(out), "--quiet"]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
    assert run.returncode == 0, run.stderr
    assert "2 partition(s): rows 0-256, rows 256-700" in run.stderr
    check_same(root, out, tmp_path / "p.tif")


def test_cancel_stops_the_partitions_and_leaves_nothing(tmp_path, scene, oracle):
    opt, dem, _ = scene
    seen: list[float] = []
    with pytest.raises(CancelledError):
        detect_partitions(opt, tmp_path / "x.gpkg", dem=dem, model=oracle[1], tile=128, batch=1, processes=2,
                     probability=tmp_path / "x.tif", progress=lambda f, m: seen.append(f) if f > 0 else None,
                     is_cancelled=lambda: bool(seen))
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    deadline = time.monotonic() + 20
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("stripe, runs", [(partitions.STRIPE_WIDTH, 2), (512, 4), (300, 4)])
def test_partitions_with_an_area_of_interest_equal_the_single_process(tmp_path, scene, oracle, stripe, runs,
                                                                     monkeypatch):
    """An area of interest from row 380 down: the first row partition (rows 0-256) has no chip to infer and is not
    run (its rows stay nodata, unwritten); the others equal the single-process run with the same area, landslides
    cut to it included; also in two column stripes (the area's columns 500-880 reach into the first one by 12 px),
    and in three, the first of which (columns 0-256) has no chip either. Blocks of nodata are not stored
    (GDAL's sparse GeoTIFF)."""
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", stripe)
    from shapely.geometry import box, mapping

    opt, dem, _ = scene
    x0, y0 = synthetic.ORIGIN
    area = box(x0 + 2 * 500, y0 - 2 * 690, x0 + 2 * 880, y0 - 2 * 380)  # columns 500-880, rows 380-690 (2 m)
    aoi = tmp_path / "area.geojson"
    with fiona.open(aoi, "w", driver="GeoJSON", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(area), "properties": {}})
    kw = {"dem": dem, "model": oracle[1], "tile": 128, "aoi": aoi}
    one = detect(opt, tmp_path / "one.gpkg", probability=tmp_path / "one.tif", **kw)
    plan, _ = plan_detection(opt, dem, oracle[1], tile=128, aoi=aoi)
    assert partition_windows(plan, Part(0, 256, 0, 900)) == []
    logs: list[str] = []
    many = detect_partitions(opt, tmp_path / "many.gpkg", probability=tmp_path / "many.tif", processes=1, partitions=3,
                             log=logs.append, **kw)
    assert any(line.startswith(f"{runs} partition(s): rows 256-512") for line in logs), logs
    assert (many.chips + many.chips_skipped, many.scene_chips) == (one.chips + one.chips_skipped, one.scene_chips)
    with rasterio.open(tmp_path / "one.tif") as a, rasterio.open(tmp_path / "many.tif") as b:
        assert np.array_equal(a.read(1), b.read(1))
        assert (b.read(1)[:380] == -1).all()
        stored = [b.get_tag_item(f"BLOCK_OFFSET_{c}_{r}", "TIFF", bidx=1) for r in range(3) for c in range(4)]
        assert sum(x is not None for x in stored) <= 6  # of 12 blocks: the area's 2 block rows x 3 block columns
    first, second = features(tmp_path / "one.gpkg"), features(tmp_path / "many.gpkg")
    assert len(first) == len(second) == one.count == 2  # the blobs at (500, 600) and (512, 820), cut to the area
    for (g1, _), (g2, _) in zip(first, second):
        assert g1.equals_exact(g2, 1e-6)


def test_detect_runs_a_scene_wider_than_a_stripe_in_stripes_with_the_same_outputs(tmp_path, scene, oracle,
                                                                                   monkeypatch):
    """``detect_scene`` (what the dispatcher runs) in this process: two column stripes, one after the other, the
    landslides at (100, 512) and (256, 545) joined across the seam at column 512; the same outputs as the scene in
    one piece, no temporary file left."""
    opt, dem, root = scene
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 512)
    out, prob = tmp_path / "stripes.gpkg", tmp_path / "stripes.tif"
    logs: list[str] = []
    result = detect_partitions(opt, out, dem=dem, model=oracle[1], tile=128, probability=prob, log=logs.append)
    assert "2 partition(s): rows 0-700 columns 0-512, rows 0-700 columns 512-900" in logs
    assert any(line.startswith("2 partition(s): 7 chip(s) inferred twice") for line in logs)  # one chip column
    check_same(root, out, prob)
    assert result.count == len(BLOBS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stripes.gpkg", "stripes.tif"]


def test_stripes_without_a_probability_raster(tmp_path, scene, oracle, monkeypatch):
    opt, dem, root = scene
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 300)
    out = tmp_path / "stripes.gpkg"
    detect_partitions(opt, out, dem=dem, model=oracle[1], tile=128)
    one, many = features(root / "one.gpkg"), features(out)
    assert len(many) == len(one) == len(BLOBS)
    for (g1, _), (g2, _) in zip(one, many):
        assert g1.equals_exact(g2, 1e-6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stripes.gpkg"]


def test_row_partitions_and_column_stripes_on_two_workers_equal_the_single_process(tmp_path, scene, oracle,
                                                                                    monkeypatch):
    opt, dem, root = scene
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 512)
    out, prob = tmp_path / "parts.gpkg", tmp_path / "parts.tif"
    logs: list[str] = []
    detect_partitions(opt, out, dem=dem, model=oracle[1], tile=128, probability=prob, processes=2, partitions=2,
                      log=logs.append)
    assert any(line.startswith("4 partition(s): rows 0-256 columns 0-512, rows 0-256 columns 512-900, ")
               for line in logs)
    check_same(root, out, prob)


def test_cancel_in_stripes_leaves_nothing(tmp_path, scene, oracle, monkeypatch):
    """A cancel during the second of two column stripes run in this process: no output, no probability raster, no
    temporary file (the first stripe's landslides and probabilities were already written to temporary ones)."""
    opt, dem, _ = scene
    monkeypatch.setattr(partitions, "STRIPE_WIDTH", 512)
    seen: list[float] = []
    with pytest.raises(CancelledError):
        detect_partitions(opt, tmp_path / "x.gpkg", dem=dem, model=oracle[1], tile=128, batch=1,
                          probability=tmp_path / "x.tif", progress=lambda f, m: seen.append(f),
                          is_cancelled=lambda: bool(seen) and seen[-1] > 0.6)
    assert seen and max(seen) > 0.6
    assert sorted(p.name for p in tmp_path.iterdir()) == []
