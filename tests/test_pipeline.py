"""The detection pipeline end to end, on generated rasters with known answers and on the real Hokkaido pair."""

from __future__ import annotations

from pathlib import Path

import fiona
import numpy as np
import pytest
import rasterio
import synthetic
from affine import Affine
from detect_options import detect
from rasterio.crs import CRS
from rasterio.features import shapes
from rasterio.warp import transform as warp_transform
from shapely import unary_union
from shapely.geometry import shape

from landslide_mapper.errors import CancelledError, InputError, ModelFileError

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
HOKKAIDO = SHARED / "datasets" / "hokkaido-iburi"


def read_polygons(path, layer="landslides"):
    kw = {"layer": layer} if str(path).endswith(".gpkg") else {}
    with fiona.open(path, **kw) as src:
        return [shape(f["geometry"]) for f in src], [dict(f["properties"]) for f in src], src.crs


def expected_geometry(mask, raster):
    with rasterio.open(raster) as src:
        tr = src.transform
    return unary_union([shape(g) for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=tr)])


def iou(a, b):
    return a.intersection(b).area / a.union(b).area


@pytest.mark.parametrize("engine", ["torch", "onnx"])
def test_oracle_polygons_match_expected_geometry(tmp_path, oracle, blob_scene, engine):
    opt, dem, mask = blob_scene
    model = oracle[0] if engine == "torch" else oracle[1]
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=model, engine=engine)
    polys, props, crs = read_polygons(tmp_path / "out.gpkg")
    assert r.count == len(polys) == 4  # four separate discs, one feature each
    assert CRS.from_user_input(crs) == synthetic.UTM
    assert iou(unary_union(polys), expected_geometry(mask, opt)) > 0.99
    for p, a in zip(polys, props):
        assert a["area_m2"] == pytest.approx(p.area, rel=1e-6)
        assert a["perimeter_m"] == pytest.approx(p.length, rel=1e-6)
        assert a["mean_prob"] > 0.99 and a["max_prob"] <= 1.0
        assert a["mean_elev_m"] == pytest.approx(150.0, abs=1e-3) and a["relief_m"] == pytest.approx(0, abs=1e-3)
        assert 0 <= a["mean_slope_deg"] <= a["max_slope_deg"] <= 90
    assert sorted(a["id"] for a in props) == list(range(1, 5))


def test_result_independent_of_tiling_batch_and_engine(tmp_path, oracle, blob_scene):
    opt, dem, mask = blob_scene
    runs = [dict(tile=128, overlap=16, batch=1, engine="torch"), dict(tile=64, overlap=0, batch=3, engine="onnx"),
            dict(tile=96, overlap=24, batch=7, engine="onnx"), dict(tile=256, overlap=100, batch=2, engine="torch")]
    ref = None
    for i, kw in enumerate(runs):
        model = oracle[0] if kw["engine"] == "torch" else oracle[1]
        detect(opt, tmp_path / f"o{i}.gpkg", dem=dem, model=model, **kw)
        polys, _, _ = read_polygons(tmp_path / f"o{i}.gpkg")
        assert len(polys) == 4  # chips and seams never split a landslide
        geom = unary_union(polys)
        if ref is None:
            ref = geom
        # within one pixel (2 m) of the boundary
        assert geom.symmetric_difference(ref).area <= ref.boundary.length * 2.0


def test_probability_raster_is_blended_without_seams(tmp_path, oracle, tmp_path_factory):
    # a smooth DEM ramp: the oracle's probability is a smooth function, so any seam would show as a jump
    h, w = 200, 260
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    cols = np.arange(w, dtype=np.float32)
    ramp = np.broadcast_to(100.0 + (cols - w / 2) * 0.002, (h, w)).astype(np.float32)
    opt = synthetic.write_raster(tmp_path / "o.tif", np.full((3, h, w), 120, np.uint8), tr, synthetic.UTM)
    dem = synthetic.write_raster(tmp_path / "d.tif", ramp, tr, synthetic.UTM)
    detect(opt, tmp_path / "x.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "p.tif", tile=64, overlap=16)
    with rasterio.open(tmp_path / "p.tif") as src:
        p = src.read(1)
        assert src.crs == synthetic.UTM and src.transform == tr and src.nodata == -1.0
        assert src.profile["tiled"] and src.compression is not None
    expected = 1 / (1 + np.exp(-50 * (ramp - 100.0)))
    assert np.abs(p - expected).max() < 1e-4


def test_dem_in_degrees_lands_within_one_output_pixel(tmp_path, oracle):
    # optical: UTM 33N at 2 m; DEM: EPSG:4326 at ~30 m, elevation linear in longitude, 100 m on meridian L0.
    h, w = 150, 200
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "o.tif", np.full((3, h, w), 100, np.uint8), tr, synthetic.UTM)
    (lon0,), (lat0,) = warp_transform(synthetic.UTM, "EPSG:4326", [synthetic.ORIGIN[0] + w], [synthetic.ORIGIN[1] - h])
    step = 30.0 / 111320.0
    dem_tr = Affine(step, 0, lon0 - 40 * step, 0, -step, lat0 + 40 * step)
    lons = dem_tr.c + (np.arange(80) + 0.5) * step
    z = np.broadcast_to(100.0 + (lons - lon0) * 2.0e4, (80, 80)).astype(np.float32)
    dem = synthetic.write_raster(tmp_path / "dem4326.tif", z, dem_tr, CRS.from_epsg(4326), nodata=-32768)
    detect(opt, tmp_path / "x.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "p.tif", tile=64,
           overlap=8)
    with rasterio.open(tmp_path / "p.tif") as src:
        p = src.read(1)
    rows = np.arange(5, h - 5, 10)
    xs, _ = warp_transform("EPSG:4326", synthetic.UTM, [lon0] * len(rows),
                           [float(rasterio.warp.transform(synthetic.UTM, "EPSG:4326", [synthetic.ORIGIN[0]],
                                                          [synthetic.ORIGIN[1] - 2.0 * (r + 0.5)])[1][0])
                            for r in rows])
    for r, x in zip(rows, xs):
        expected_col = (x - synthetic.ORIGIN[0]) / 2.0            # the 100 m contour, in pixel units
        found = np.argmax(p[r] > 0.5)                             # first pixel whose centre is above 100 m
        assert abs((found - 0.5) - expected_col) <= 1.0, (r, found, expected_col)


@pytest.mark.skipif(not HOKKAIDO.exists(), reason="needs ../shared/datasets/hokkaido-iburi")
def test_real_hokkaido_pair_end_to_end(tmp_path):
    # oracle: "landslide" where the real DSM is above 150 m; three single-band uint16 Sentinel-2 files in EPSG:4326
    ckpt, _ = synthetic.oracle_files(tmp_path, level=150.0, tile=256, overlap=32)
    bands = [HOKKAIDO / "post-event" / f"download.B{b}.tif" for b in (4, 3, 2)]
    out = tmp_path / "hokkaido.gpkg"
    r = detect(bands, out, dem=HOKKAIDO / "dem" / "download.DSM.tif", model=ckpt, resolution=20.0,
               min_area=2000.0, probability=tmp_path / "p.tif")
    polys, props, crs = read_polygons(out)
    assert CRS.from_user_input(crs) == CRS.from_epsg(4326)
    assert r.count == len(polys) > 0
    assert all(a["area_m2"] >= 2000.0 for a in props)
    # areas are metric: compare with the same polygon projected to UTM 54N
    from rasterio.warp import transform_geom
    from shapely.geometry import mapping
    for p, a in list(zip(polys, props))[:5]:
        metric = shape(transform_geom("EPSG:4326", "EPSG:32654", mapping(p)))
        assert a["area_m2"] == pytest.approx(metric.area, rel=0.01)
        assert a["mean_elev_m"] > 150.0 - 1e-6
    with rasterio.open(tmp_path / "p.tif") as src:
        assert src.crs == CRS.from_epsg(32654) and src.res == (20.0, 20.0)


# ---- bad inputs: one clear message, no output file ------------------------------------------------------------

def _no_outputs(folder: Path):
    return [p.name for p in folder.iterdir() if p.suffix in (".gpkg", ".tif", ".shp") and p.name.startswith("out")
            or p.name.startswith(".")]


def test_dem_not_overlapping(tmp_path, oracle, blob_scene):
    opt, _, _ = blob_scene
    far = Affine(30.0, 0, 100000.0, 0, -30.0, 1000000.0)
    dem = synthetic.write_raster(tmp_path / "far.tif", np.ones((20, 20), np.float32), far, synthetic.UTM)
    with pytest.raises(InputError, match="does not overlap"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1])
    assert _no_outputs(tmp_path) == []


def test_raster_without_crs(tmp_path, oracle, blob_scene):
    _, dem, _ = blob_scene
    opt = synthetic.write_raster(tmp_path / "nocrs.tif", np.ones((3, 50, 50), np.uint8), Affine.identity(), None)
    with pytest.raises(InputError, match="no coordinate reference system"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1])
    assert _no_outputs(tmp_path) == []


@pytest.mark.parametrize("bands, message", [((5, 2, 1), "out of range"), ((1, 2), "exactly 3 band")])
def test_bad_band_numbers(tmp_path, oracle, blob_scene, bands, message):
    opt, dem, _ = blob_scene
    with pytest.raises(InputError, match=message):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], bands=bands)
    assert _no_outputs(tmp_path) == []


def test_fewer_than_three_bands(tmp_path, oracle, blob_scene):
    _, dem, _ = blob_scene
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "two.tif", np.ones((2, 50, 50), np.uint8), tr, synthetic.UTM)
    with pytest.raises(InputError, match="3 \\(R, G, B\\) are needed"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1])


def test_all_nodata_image_gives_valid_empty_layer(tmp_path, oracle, blob_scene):
    _, dem, _ = blob_scene
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "empty.tif", np.zeros((3, 100, 100), np.uint16), tr, synthetic.UTM,
                                 nodata=0)
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1])
    assert r.count == 0 and any("no valid pixel" in w for w in r.warnings)
    polys, _, crs = read_polygons(tmp_path / "out.gpkg")
    assert polys == [] and CRS.from_user_input(crs) == synthetic.UTM


def test_nodata_pixels_are_never_landslides(tmp_path, oracle, blob_scene):
    opt, dem, mask = blob_scene
    with rasterio.open(opt) as src:
        data, profile = src.read(), src.profile
    data[:, :, :210] = 0  # left half nodata
    profile.update(nodata=0)
    with rasterio.open(tmp_path / "half.tif", "w", **profile) as dst:
        dst.write(data)
    detect(tmp_path / "half.tif", tmp_path / "out.gpkg", dem=dem, model=oracle[1])
    polys, _, _ = read_polygons(tmp_path / "out.gpkg")
    assert all(p.bounds[0] >= synthetic.ORIGIN[0] + 210 * 2.0 - 1e-6 for p in polys)
    half = mask.copy()
    half[:, :210] = False
    assert iou(unary_union(polys), expected_geometry(half, opt)) > 0.99


@pytest.mark.parametrize("kind", ["missing", "corrupt", "pickled"])
def test_bad_model_files(tmp_path, blob_scene, kind):
    import torch
    opt, dem, _ = blob_scene
    path = tmp_path / "model.pt"
    if kind == "corrupt":
        path = tmp_path / "model.safetensors"
        path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    elif kind == "pickled":
        torch.save(torch.nn.Conv2d(4, 1, 1), path)
    with pytest.raises(ModelFileError):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=path)
    assert _no_outputs(tmp_path) == []


def test_unwritable_output(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    with pytest.raises(InputError, match="does not exist"):
        detect(opt, tmp_path / "no" / "such" / "out.gpkg", dem=dem, model=oracle[1])
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        import os
        if os.access(ro, os.W_OK):  # root ignores permissions: use a path below a file instead
            (tmp_path / "file").write_text("x")
            target = tmp_path / "file" / "out.gpkg"
        else:
            target = ro / "out.gpkg"
        with pytest.raises(InputError, match="cannot write"):
            detect(opt, target, dem=dem, model=oracle[1])
    finally:
        ro.chmod(0o700)
    with pytest.raises(InputError, match="unsupported output format"):
        detect(opt, tmp_path / "out.txt", dem=dem, model=oracle[1])


def test_model_needing_dem_without_dem(tmp_path, oracle, blob_scene):
    opt, _, _ = blob_scene
    with pytest.raises(InputError, match="give a DEM"):
        detect(opt, tmp_path / "out.gpkg", model=oracle[1])


def test_cancel_mid_run_leaves_no_output(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    calls = {"n": 0}

    def cancel_after_two():
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(CancelledError):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "out_p.tif",
               tile=64, overlap=0, batch=1, is_cancelled=cancel_after_two)
    assert calls["n"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_cli_detect_and_one_line_errors(tmp_path, oracle, blob_scene):
    import subprocess
    import sys
    opt, dem, _ = blob_scene
    cmd = [sys.executable, "-m", "landslide_mapper", "detect", "--optical", str(opt), "--dem", str(dem),
           "--model", str(oracle[1]), "--output", str(tmp_path / "cli.gpkg"), "--bands", "3,2,1", "--tile", "128"]
    ok = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
    assert ok.returncode == 0, ok.stderr
    assert "4 landslide(s)" in ok.stdout and "chips/s" in ok.stdout
    assert "ETA" in ok.stderr or "100.0%" in ok.stderr
    bad = subprocess.run(cmd[:-4] + ["--bands", "9,2,1"], capture_output=True, text=True, cwd="/")
    assert bad.returncode == 2
    lines = [ln for ln in bad.stderr.strip().splitlines() if ln.strip()]
    assert lines[-1].startswith("landslide_mapper: error: band number(s) 9 out of range")
    assert "Traceback" not in bad.stderr


def test_quicklook_draws_the_polygons(tmp_path, oracle, blob_scene):
    from landslide_mapper.detection.quicklook import quicklook

    opt, dem, mask = blob_scene
    detect(opt, tmp_path / "q.gpkg", dem=dem, model=oracle[1])
    png = quicklook(opt, tmp_path / "q.gpkg", tmp_path / "q.png", max_side=420)
    with rasterio.open(png) as src:
        rgb = src.read()
    red = (rgb[0] == 255) & (rgb[1] == 40) & (rgb[2] == 40)
    # outlines: every red pixel lies within one pixel of a landslide boundary
    grown, shrunk = mask.copy(), mask.copy()
    for axis in (0, 1):
        for shift in (-1, 1):
            grown |= np.roll(mask, shift, axis=axis)
            shrunk &= np.roll(mask, shift, axis=axis)
    ring = grown & ~shrunk
    assert red.sum() > 200 and not (red & ~ring).any()


def test_web_mercator_image_gets_true_ground_areas(tmp_path, oracle):
    # at 45 degrees N, Web Mercator map distances are 1/cos(45) = 1.41x ground distances (areas 2x)
    from rasterio.warp import transform as tr_pts
    (x0,), (y0,) = tr_pts("EPSG:4326", "EPSG:3857", [15.0], [45.0])
    h = w = 160
    tr = Affine(3.0, 0, x0, 0, -3.0, y0)
    mask = synthetic.blobs_mask(h, w, [(80, 80, 40)])
    merc = CRS.from_epsg(3857)
    opt = synthetic.write_raster(tmp_path / "o.tif", np.full((3, h, w), 90, np.uint8), tr, merc)
    dem = synthetic.write_raster(tmp_path / "d.tif", np.where(mask, 150.0, 50.0).astype(np.float32), tr, merc)
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], tile=128, overlap=16)
    assert r.grid.crs.to_epsg() == 32633  # processed on the UTM zone, not on Web Mercator "metres"
    polys, props, crs = read_polygons(tmp_path / "out.gpkg")
    assert CRS.from_user_input(crs) == merc and len(polys) == 1
    map_area = polys[0].area                       # in Web Mercator units
    lat = np.radians(45.0 - 80 * 3.0 / 111320.0 / np.sqrt(2))  # roughly the disc centre's latitude
    assert props[0]["area_m2"] == pytest.approx(map_area * np.cos(lat) ** 2, rel=0.03)


def test_shapes_spanning_many_strips_stay_one_feature(tmp_path, oracle):
    # a "U" (arms joined only at the bottom) and an "n" (legs joined only at the top), each crossing ~5 strips
    h, w = 330, 260
    mask = np.zeros((h, w), bool)
    mask[20:300, 20:40] = mask[20:300, 90:110] = mask[280:300, 20:110] = True      # U
    mask[20:40, 150:240] = mask[20:310, 150:170] = mask[20:310, 220:240] = True    # n
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "o.tif", np.full((3, h, w), 100, np.uint8), tr, synthetic.UTM)
    dem = synthetic.write_raster(tmp_path / "d.tif", np.where(mask, 150.0, 50.0).astype(np.float32), tr, synthetic.UTM)
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], tile=64, overlap=0, batch=3)
    polys, props, _ = read_polygons(tmp_path / "out.gpkg")
    assert r.count == len(polys) == 2
    assert iou(unary_union(polys), expected_geometry(mask, opt)) > 0.99
    assert sorted(round(a["area_m2"]) for a in props) == sorted(
        [round(float(mask[:, :130].sum()) * 4), round(float(mask[:, 130:].sum()) * 4)])


def test_dem_aligned_per_segment_equals_chip_by_chip(tmp_path):
    # Aligning the DEM once per run of chips (DemTiles) must give every chip exactly what aligning that chip alone
    # gives (the channels, computed with their margin), and free every segment once its chips are served.
    from landslide_mapper.detection.dem import DemReader, DemTiles, channel_margin, dem_channels
    from landslide_mapper.detection.raster_io import processing_grid
    from landslide_mapper.detection.tiling import chip_windows

    h, w = 300, 420
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "o.tif", np.full((3, h, w), 100, np.uint8), tr, synthetic.UTM)
    yy, xx = np.mgrid[0:40, 0:50]
    z = (300 + 40 * np.sin(xx / 3.0) * np.cos(yy / 4.0) + 2.0 * yy).astype(np.float32)
    dem_tr = Affine(30.0, 0, synthetic.ORIGIN[0] - 90, 0, -30.0, synthetic.ORIGIN[1] + 90)
    dem = synthetic.write_raster(tmp_path / "dem.tif", z, dem_tr, synthetic.UTM, nodata=-32768)
    grid = processing_grid(str(opt), 2.0)
    specs = [{"name": "relative_elevation", "radius_m": 20.0, "scale": 50.0}, {"name": "slope", "scale": 90.0}]
    windows = [win for _, win in chip_windows(grid.height, grid.width, 96, 16)]
    tiles = DemTiles(str(dem), grid, windows, specs, 0.0, chips_per_segment=2)
    margin = channel_margin(specs, grid.resolution)
    reader = DemReader(str(dem), grid, margin)
    try:
        for i, win in enumerate(windows):
            if i == 3:
                tiles.release(win)  # a nodata chip never asks
                continue
            channels = tiles.get(win)
            zz = reader.elevation(win, margin)
            np.testing.assert_allclose(channels, dem_channels(zz, specs, grid.resolution, margin), atol=1e-4)
            assert channels.shape == (2, win.height, win.width)
        assert not tiles._segments
    finally:
        reader.close()
        tiles.close()
    # a hole is filled from its surroundings (so its values depend on how much surrounding DEM a reader sees):
    # every window still gets finite elevations within the DEM's range, and away from the hole nothing changes,
    # whatever the reader's margin (the intermediate grid is anchored on the processing grid)
    z[20:23, 30:33] = -32768
    holed = synthetic.write_raster(tmp_path / "holed.tif", z, dem_tr, synthetic.UTM, nodata=-32768)
    holed_reader, whole = DemReader(str(holed), grid, margin), DemReader(str(dem), grid, 0)
    try:
        lo, hi = z[z > -32768].min(), z.max()
        for win in windows:
            elevation = holed_reader.elevation(win, margin)[margin:-margin, margin:-margin]
            assert np.isfinite(elevation).all() and lo - 1 <= elevation.min() and elevation.max() <= hi + 1
            # the hole: grid rows >= 255, cols >= 405; a DEM pixel (15 px) plus the kernels around it
            rows = np.arange(win.row_off, win.row_off + win.height)[:, None]
            cols = np.arange(win.col_off, win.col_off + win.width)[None, :]
            far = (rows < 220) | (cols < 370)
            np.testing.assert_allclose(elevation[far], whole.elevation(win, 0)[far], atol=1e-3)
    finally:
        holed_reader.close()
        whole.close()


def test_dem_holes_are_filled_smoothly_however_large():
    """``dem.fill_holes`` (its speed: ``benchmarks/bench_width.py``): a small hole exactly as GDAL's unbounded fill
    gives it; a hole far wider than the search distance (most of a wide window: a DSM covering part of the scene)
    filled everywhere, within the DEM's range, without steps where the coarse pass's blocks meet (neighbouring
    filled pixels differ by about the surface's own gradient, 0.1 a pixel down and up to 0.2 across: blocks upsampled
    without interpolation step by 0.8 and 1.2)."""
    from rasterio.fill import fillnodata

    from landslide_mapper.detection.dem import FILL_SEARCH, fill_holes

    rows, cols = np.mgrid[0:260, 0:6000].astype(np.float32)
    z = 1000.0 + 0.05 * cols + 0.1 * rows + 3.0 * np.sin(cols / 40.0)  # a tilted, gently rippled surface
    small = np.ones(z.shape, bool)
    small[100:110, 2000:2012] = False
    exact = fillnodata(np.where(small, z, 0), mask=small.astype(np.uint8), max_search_distance=12000,
                       smoothing_iterations=0)
    np.testing.assert_array_equal(fill_holes(z, small), exact)

    large = np.ones(z.shape, bool)
    large[:, 800:5200] = False  # 4400 px of hole across, over 30 times the search distance
    assert 4400 > 30 * FILL_SEARCH
    filled = fill_holes(z, large)
    assert np.isfinite(filled).all() and np.array_equal(filled[large], z[large])
    assert z[large].min() - 1 <= filled.min() and filled.max() <= z[large].max() + 1
    hole = filled[:, 800:5200]
    assert np.abs(np.diff(hole, axis=1)).max() < 1.0 and np.abs(np.diff(hole, axis=0)).max() < 0.3


def test_terrain_attributes_from_a_planar_dem(tmp_path):
    # The landslide is a bright rectangle (RGB oracle) on a plane rising 0.2 m per m northwards, sampled at the
    # optical pixel centres: slope atan(0.2) everywhere, elevation mean = the plane at the centroid, relief = rise
    # between the first and last pixel row. The chips (64 px) cut it into several strips and segments.
    _, model = synthetic.oracle_files(tmp_path, rgb_only=True, tile=64, overlap=8)
    h, w = 200, 260
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    img = np.full((3, h, w), 40, np.uint8)
    img[:, 40:120, 50:150] = 220
    opt = synthetic.write_raster(tmp_path / "o.tif", img, tr, synthetic.UTM)
    rows = np.arange(h + 40) - 20  # the DEM reaches 20 px beyond the image on each side
    z = np.broadcast_to((500.0 + 0.2 * 2.0 * (h - 0.5 - rows))[:, None], (h + 40, w + 40)).astype(np.float32)
    dem_tr = Affine(2.0, 0, synthetic.ORIGIN[0] - 40, 0, -2.0, synthetic.ORIGIN[1] + 40)
    dem = synthetic.write_raster(tmp_path / "dem.tif", np.ascontiguousarray(z), dem_tr, synthetic.UTM)
    r = detect(opt, tmp_path / "out.gpkg", dem=dem, model=model)
    polys, props, _ = read_polygons(tmp_path / "out.gpkg")
    assert r.count == 1
    a = props[0]
    assert a["mean_slope_deg"] == pytest.approx(np.degrees(np.arctan(0.2)), abs=0.01)
    assert a["max_slope_deg"] == pytest.approx(np.degrees(np.arctan(0.2)), abs=0.01)
    assert a["mean_elev_m"] == pytest.approx(500.0 + 0.4 * (h - 0.5 - 79.5), abs=0.01)  # rows 40..119
    assert a["relief_m"] == pytest.approx(0.4 * 79, abs=0.01)


def test_two_step_dem_warp_matches_a_one_step_warp(tmp_path):
    # DemReader reprojects a coarse DEM onto an intermediate grid (about a third of the DEM pixel) and upsamples
    # that with GDAL's resampled read; against GDAL's one-step bilinear warp of a 4326 DEM with strong relief
    # (+-40 m over 90 m) it must agree to a small fraction of the relief.
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT
    from rasterio.windows import Window

    from landslide_mapper.detection.dem import DemReader
    from landslide_mapper.detection.raster_io import processing_grid

    h, w = 600, 800
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    opt = synthetic.write_raster(tmp_path / "o.tif", np.full((3, h, w), 100, np.uint8), tr, synthetic.UTM)
    (lon0,), (lat0,) = warp_transform(synthetic.UTM, "EPSG:4326", [synthetic.ORIGIN[0]], [synthetic.ORIGIN[1]])
    step = 30.0 / 111320.0
    dem_tr = Affine(step, 0, lon0 - 10 * step, 0, -step, lat0 + 10 * step)
    yy, xx = np.mgrid[0:80, 0:90]
    z = (500 + 40 * np.sin(xx / 3.0) * np.cos(yy / 4.0)).astype(np.float32)
    dem = synthetic.write_raster(tmp_path / "dem.tif", z, dem_tr, CRS.from_epsg(4326), nodata=-32768)
    grid = processing_grid(str(opt), 2.0)
    reader = DemReader(str(dem), grid, 0)
    assert reader.k >= 3  # a ~30 m DEM on a 2 m grid: an intermediate pixel of 6-10 m
    two_step = reader.elevation(Window(0, 0, grid.width, grid.height), 0)
    reader.close()
    with rasterio.open(dem) as src, WarpedVRT(src, crs=grid.crs, transform=grid.transform, width=grid.width,
                                              height=grid.height, resampling=Resampling.bilinear) as vrt:
        one_step = vrt.read(1)
    diff = np.abs(two_step - one_step)
    assert diff.mean() < 0.2 and diff.max() < 1.5, (diff.mean(), diff.max())
    assert np.corrcoef(two_step.ravel(), one_step.ravel())[0, 1] > 0.999


def test_blender_hands_on_the_same_rows_whatever_the_chunk_size():
    # and its weight sums (two 1-D profiles) equal the sums of the chips' 2-D weights
    from landslide_mapper.detection.stitching import StripBlender
    from landslide_mapper.detection.tiling import blend_weights, chip_windows

    rng = np.random.default_rng(0)
    height, width, tile, overlap = 150, 170, 64, 12
    chips = [(w, rng.random((tile, tile)).astype(np.float32), rng.random((w.height, w.width)) > 0.1)
             for _, w in chip_windows(height, width, tile, overlap)]
    weights = blend_weights(tile, overlap)
    acc, wsum, valid = np.zeros((height, width)), np.zeros((height, width)), np.zeros((height, width), bool)
    for w, p, v in chips:
        rows, cols = slice(w.row_off, w.row_off + w.height), slice(w.col_off, w.col_off + w.width)
        acc[rows, cols] += p[:w.height, :w.width] * weights[:w.height, :w.width]
        wsum[rows, cols] += weights[:w.height, :w.width]
        valid[rows, cols] |= v
    expected = np.where(valid, acc / wsum, np.nan)
    results = []
    for chunk in (5, 1000):
        rows: dict = {}

        def keep(r0, p, rows=rows):
            rows[r0] = p.copy()

        blender = StripBlender(width, height, tile, overlap, keep, chunk_rows=chunk)
        for w, p, v in chips:
            blender.add(w, p, v)
        blender.finish()
        assert max(len(p) for p in rows.values()) <= chunk
        prob = np.concatenate([rows[k] for k in sorted(rows)])
        assert prob.shape == (height, width)
        np.testing.assert_allclose(prob, expected, rtol=1e-5, atol=1e-6)
        results.append(prob)
    np.testing.assert_array_equal(results[0], results[1])
