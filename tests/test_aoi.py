"""The area of interest (``detection/aoi.py``): only the chips touching it are read and inferred, pixels outside it
are nodata, polygons are cut to it, and inside it the result is the whole-scene run's (oracle model)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import fiona
import numpy as np
import pytest
import rasterio
import synthetic
from detect_options import detect, plan_detection
from rasterio.crs import CRS
from rasterio.warp import transform_geom
from rasterio.windows import Window
from shapely import union_all
from shapely.geometry import box, mapping, shape

from landslide_mapper.detection import aoi as aoi_mod
from landslide_mapper.detection import pipeline
from landslide_mapper.detection.stitching import StripBlender
from landslide_mapper.detection.tiling import chip_windows
from landslide_mapper.errors import InputError

RES = 2.0
H, W = 600, 840  # tile 128, overlap 16 (the oracle's): 6 rows x 8 columns of chips = 48
BLOBS = [(60, 80, 30), (150, 300, 55), (250, 120, 20), (140, 200, 12), (400, 600, 60), (500, 200, 40),
         (280, 500, 35)]
X0, Y0 = synthetic.ORIGIN


def px_box(col0, row0, col1, row1):
    """A rectangle of the scene's pixels (columns col0..col1, rows row0..row1), in its UTM CRS."""
    return box(X0 + RES * col0, Y0 - RES * row1, X0 + RES * col1, Y0 - RES * row0)


def write_polygons(path: Path, geoms, crs: str, layer: str | None = None) -> Path:
    schema = {"geometry": "Polygon", "properties": {"id": "int"}}
    kw = {"layer": layer} if layer else {}
    with fiona.open(path, "w", driver="GPKG" if path.suffix == ".gpkg" else "GeoJSON", schema=schema, crs=crs,
                    **kw) as dst:
        dst.writerecords({"geometry": mapping(g), "properties": {"id": i}} for i, g in enumerate(geoms))
    return path


def polygons(path: Path):
    with fiona.open(path) as src:
        return [shape(f["geometry"]) for f in src], src.crs


@pytest.fixture(scope="module")
def big_scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("aoi-scene")
    opt, dem, _ = synthetic.scene(folder, height=H, width=W, blobs=BLOBS)
    return opt, dem


@pytest.fixture(scope="module")
def whole_run(tmp_path_factory, big_scene, oracle):
    folder = tmp_path_factory.mktemp("aoi-whole")
    opt, dem = big_scene
    r = detect(opt, folder / "whole.gpkg", dem=dem, model=oracle[1], probability=folder / "whole.tif",
               min_area=0, simplify=0)
    with rasterio.open(folder / "whole.tif") as src:
        prob = src.read(1)
    return r, prob, polygons(folder / "whole.gpkg")[0]


@pytest.fixture
def read_windows(monkeypatch):
    """The chip windows actually read (every chip goes through ChipSource.prepare)."""
    seen: list[Window] = []
    original = pipeline.ChipSource.prepare

    def prepare(self, window):
        seen.append(window)
        return original(self, window)

    monkeypatch.setattr(pipeline.ChipSource, "prepare", prepare)
    return seen


def test_quarter_of_the_scene_reads_only_its_chips_and_equals_the_whole_run(tmp_path, oracle, big_scene, whole_run,
                                                                            read_windows):
    opt, dem = big_scene
    whole, whole_prob, whole_polys = whole_run
    # a quarter of the scene's area: columns 100-520, rows 50-300 (420 x 250 of 840 x 600 px), edges on pixels
    area = px_box(100, 50, 520, 300)
    aoi = write_polygons(tmp_path / "aoi.gpkg", [area], "EPSG:32633")
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "p.tif",
               min_area=0, simplify=0, aoi=aoi)
    # chips start every 112 px (0, 112, 224, 336, 448, 472 down; 0 .. 672, 712 across) and are 128 px: rows of
    # chips starting at 0, 112, 224 reach rows 50-300, columns starting at 0, 112, 224, 336, 448 reach 100-520
    assert whole.scene_chips is None and whole.chips + whole.chips_skipped == 48
    assert r.scene_chips == 48 and r.chips + r.chips_skipped == 15
    assert len(read_windows) == 15
    assert sorted({int(w.row_off) for w in read_windows}) == [0, 112, 224]
    assert sorted({int(w.col_off) for w in read_windows}) == [0, 112, 224, 336, 448]
    assert "15 of the scene's 48 chips" in r.summary()
    # the probability raster: the scene's grid, nodata outside the area, the whole run's values inside
    with rasterio.open(tmp_path / "p.tif") as src:
        prob = src.read(1)
        assert (src.width, src.height) == (W, H) and src.nodata == -1.0
    inside = np.zeros((H, W), bool)
    inside[50:300, 100:520] = True
    assert (prob[~inside] == -1.0).all()
    assert np.array_equal(prob[inside], whole_prob[inside])
    assert (whole_prob[inside] > 0.5).any() and (whole_prob[~inside] > 0.5).any()  # landslides on both sides
    # polygons: none outside, and the whole run's landslides cut to the area
    polys, _ = polygons(tmp_path / "out.gpkg")
    got = union_all(polys)
    expected = union_all(whole_polys).intersection(area)
    assert r.count == len(polys) == 5 < len(whole_polys) == 7  # discs inside or cut by its edges; two outside
    assert got.difference(area).area == 0.0
    assert got.symmetric_difference(expected).area < 1e-6 * expected.area


def test_aoi_in_degrees_with_several_polygons(tmp_path, oracle, big_scene, whole_run, read_windows):
    opt, dem = big_scene
    _, whole_prob, whole_polys = whole_run
    # two polygons given in EPSG:4326: one over the disc at (150, 300), one over the disc at (500, 200)
    parts_utm = [px_box(230, 80, 380, 220), px_box(140, 440, 270, 560)]
    parts_deg = [shape(transform_geom("EPSG:32633", "EPSG:4326", mapping(g))) for g in parts_utm]
    aoi = write_polygons(tmp_path / "aoi4326.geojson", parts_deg, "EPSG:4326")
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "p.tif",
               min_area=0, simplify=0, aoi=aoi)
    area_utm = union_all([shape(transform_geom("EPSG:4326", "EPSG:32633", mapping(g))) for g in parts_deg])
    # every chip read meets the area; every chip that meets it was read
    boxes = aoi_mod.window_boxes(read_windows, whole_run[0].grid)
    assert all(b.intersects(area_utm) for b in boxes)
    all_windows = [w for _, w in chip_windows(H, W, 128, 16)]
    expected = sum(aoi_mod.window_boxes([w], whole_run[0].grid)[0].intersects(area_utm) for w in all_windows)
    assert len(read_windows) == r.chips + r.chips_skipped == expected < 48
    polys, crs = polygons(tmp_path / "out.gpkg")
    assert CRS.from_user_input(crs) == synthetic.UTM and r.count == len(polys) == 2
    got = union_all(polys)
    assert got.difference(area_utm.buffer(1e-6)).area == 0.0
    assert got.symmetric_difference(union_all(whole_polys).intersection(area_utm)).area < 1e-6 * got.area
    with rasterio.open(tmp_path / "p.tif") as src:
        prob = src.read(1)
    kept = prob != -1.0
    assert np.array_equal(prob[kept], whole_prob[kept])
    assert kept.sum() < 0.1 * kept.size


def test_aoi_outside_the_image_is_one_clear_error(tmp_path, oracle, big_scene, read_windows):
    opt, dem = big_scene
    far = write_polygons(tmp_path / "far.gpkg", [px_box(2000, 2000, 2100, 2100)], "EPSG:32633")
    with pytest.raises(InputError, match="does not overlap the image"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], aoi=far)
    assert read_windows == [] and not (tmp_path / "out.gpkg").exists()


def test_aoi_sources_layers_and_bad_files(tmp_path, big_scene):
    opt, _ = big_scene
    grid = pipeline.processing_grid(str(opt), RES)
    gpkg = write_polygons(tmp_path / "two.gpkg", [px_box(0, 0, 100, 100)], "EPSG:32633", layer="a")
    write_polygons(gpkg, [px_box(200, 200, 300, 300)], "EPSG:32633", layer="b")
    assert aoi_mod.parse_source(f"{gpkg}|layername=b") == (str(gpkg), "b")
    assert aoi_mod.parse_source(f"{gpkg}:b") == (str(gpkg), "b")
    assert aoi_mod.area_on_grid(f"{gpkg}:b", grid).equals(px_box(200, 200, 300, 300))
    with pytest.raises(InputError, match="several layers"):
        aoi_mod.area_on_grid(gpkg, grid)
    with pytest.raises(InputError, match="no layer 'c'"):
        aoi_mod.area_on_grid(f"{gpkg}|layername=c", grid)
    with pytest.raises(InputError, match="not found"):
        aoi_mod.area_on_grid(tmp_path / "missing.gpkg", grid)
    points = tmp_path / "points.geojson"
    with fiona.open(points, "w", driver="GeoJSON", schema={"geometry": "Point", "properties": {}},
                    crs="EPSG:32633") as dst:
        dst.write({"geometry": {"type": "Point", "coordinates": (X0 + 10, Y0 - 10)}, "properties": {}})
    with pytest.raises(InputError, match="no polygons"):
        aoi_mod.area_on_grid(points, grid)
    # an extent with its CRS, intersected with a polygon layer
    extent = {"bounds": [X0, Y0 - 2 * 150, X0 + 2 * 50, Y0], "crs": "EPSG:32633"}
    assert aoi_mod.area_on_grid([f"{gpkg}:a", extent], grid).equals(px_box(0, 0, 50, 100))


def test_cli_aoi(tmp_path, oracle, big_scene):
    opt, dem = big_scene
    gpkg = write_polygons(tmp_path / "areas.gpkg", [px_box(100, 50, 520, 300)], "EPSG:32633", layer="valley")
    write_polygons(gpkg, [px_box(2000, 2000, 2100, 2100)], "EPSG:32633", layer="elsewhere")
    cmd = [sys.executable, "-m", "landslide_mapper", "detect", "--optical", str(opt), "--dem", str(dem),
           "--model", str(oracle[1]), "--output", str(tmp_path / "cli.gpkg"), "--quiet"]
    ok = subprocess.run(cmd + ["--aoi", f"{gpkg}:valley"], capture_output=True, text=True, cwd="/")
    assert ok.returncode == 0, ok.stderr
    assert "15 of the scene's 48 chips" in ok.stdout
    bad = subprocess.run(cmd + ["--aoi", f"{gpkg}|layername=elsewhere"], capture_output=True, text=True, cwd="/")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    lines = [ln for ln in bad.stderr.strip().splitlines() if ln.strip()]
    assert lines[-1].startswith("landslide_mapper: error: the area of interest (areas.gpkg) does not overlap")


def test_blender_with_whole_rows_of_chips_left_out():
    # 3 x 3 chips of 64 px, overlap 16, on a 160 x 160 scene; only the top-left and bottom-right chips arrive
    h = w = 160
    windows = [wd for _, wd in chip_windows(h, w, 64, 16)]
    assert len(windows) == 9
    rows = {}

    def on_rows(row0, prob):
        rows[row0] = prob.copy()

    full = np.full((h, w), np.nan, np.float32)
    blender = StripBlender(w, h, 64, 16, on_rows, chunk_rows=16)
    ones = np.ones((64, 64), np.float32)
    for wd in (windows[0], windows[-1]):
        blender.add(wd, ones, np.ones((int(wd.height), int(wd.width)), bool))
    blender.finish()
    for r0, prob in rows.items():
        full[r0:r0 + prob.shape[0]] = prob
    assert sorted(rows) == list(range(0, h, 16)) and sum(p.shape[0] for p in rows.values()) == h
    # the pixels only the top-left chip covers hold its value; those no chip reached are nodata (NaN), never a
    # division by a zero weight
    assert np.allclose(full[:48, :48], 1.0)
    assert np.isnan(full[64:96]).all() and np.isnan(full[:64, 64:]).all()
    assert np.allclose(full[112:, 112:], 1.0)


def test_plan_with_an_area_is_picklable(tmp_path, oracle, big_scene):
    """A worker process gets the plan pickled: the area travels with it and selects the same chips there."""
    import pickle

    opt, dem = big_scene
    aoi = write_polygons(tmp_path / "aoi.gpkg", [px_box(100, 50, 520, 300)], "EPSG:32633")
    plan, _ = plan_detection(opt, dem, oracle[1], aoi=aoi)
    copy = pickle.loads(pickle.dumps(plan))
    assert copy.area.equals(plan.area) and copy.windows == plan.windows and len(copy.windows) == 15
    assert copy.scene_chips == 48
