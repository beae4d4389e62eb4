"""Satellite products as delivered (issue 26): a synthetic GF-6 PMS Level-1A product made from the real Jinsha
orthophoto and DSM through a known RPC camera (``tests/data/gf_product.py``), orthorectified back through
``detection.products`` with the DEM and compared with the truth; pansharpening; the archive read in place; bad
products refused with one sentence and no output; ``detect`` and ``prepare-scene`` end to end on the CLI."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import fiona
import numpy as np
import pytest
import rasterio
from conftest import SHARED
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT

from landslide_mapper.detection import products
from landslide_mapper.errors import CancelledError, InputError

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
import gf_product  # noqa: E402

pytestmark = pytest.mark.skipif(not (SHARED / "datasets" / "jinsha-rgbdem").is_dir(),
                                reason="needs ../shared/datasets/jinsha-rgbdem")
NAME = gf_product.NAME


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """The synthetic product as an archive (.tar.gz), with its truth."""
    folder = tmp_path_factory.mktemp("gf6")
    return gf_product.make_product(folder, crop=1200)


@pytest.fixture(scope="module")
def coordinates(tmp_path_factory):
    """The product's folder whose PAN image holds, per pixel, the easting and northing that pixel sees."""
    folder = tmp_path_factory.mktemp("gf6xy")
    return gf_product.make_product(folder, pack=False, coordinates=True, crop=1200)


def unpacked(archive: Path, folder: Path) -> Path:
    target = folder / NAME
    target.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target)  # noqa: S202 (our own archive)
    return target


def geolocation_error(scene: products.Scene) -> np.ndarray:
    """Per pixel of the orthorectified coordinate image: the distance (m) between where the pixel is on the map
    and the ground point that the camera saw there."""
    with rasterio.open(scene.path) as src:
        e, n = src.read().astype(np.float64)
        rows, cols = np.mgrid[0: src.height, 0: src.width] + 0.5
        x, y = src.transform * (cols, rows)
    ok = (e != 0) & np.isfinite(e) & np.isfinite(n)
    # leave out the footprint's edge, where the cubic kernel reaches outside the image
    ok[:8], ok[-8:], ok[:, :8], ok[:, -8:] = False, False, False, False
    return np.hypot(e - x, n - y)[ok]


def test_geolocation_with_the_dem_within_one_pan_pixel(coordinates, tmp_path):
    path, truth = coordinates
    assert truth.relief >= 1000, truth.relief  # the test's terrain: at least 1000 m of relief
    found = products.find_product(path)
    with_dem = products.build(found, tmp_path / "dem", str(truth.dem), image="pan")
    without = products.build(found, tmp_path / "none", None, image="pan")
    err, err0 = geolocation_error(with_dem), geolocation_error(without)
    rms, rms0 = float(np.sqrt(np.mean(err ** 2))), float(np.sqrt(np.mean(err0 ** 2)))
    print(f"geolocation RMS with the DEM {rms:.2f} m (p99 {np.percentile(err, 99):.2f} m, {err.size} px); "
          f"without {rms0:.1f} m")
    assert err.size > 100_000
    assert rms < gf_product.PAN_GSD, rms
    # without the DEM the relief displaces the ground by up to half the relief x tan(off-nadir): what the DEM removes
    assert rms0 > 10 * rms and rms0 > 0.1 * truth.relief * truth.tan_off_nadir, (rms0, rms)
    assert any("no DEM" in w and "misplaced by up to" in w for w in without.warnings), without.warnings


def _on_truth_grid(path: str, truth, resampling=Resampling.bilinear) -> np.ndarray:
    h, w = truth.ortho.shape[1:]
    with rasterio.open(path) as src, WarpedVRT(src, crs=truth.crs, transform=truth.grid_transform, width=w,
                                               height=h, resampling=resampling, nodata=0) as vrt:
        return vrt.read().astype(np.float64)


def test_pansharpened_bands_beat_the_upsampled_mux(product, tmp_path):
    path, truth = product
    found = products.find_product(path)
    sharp = products.build(found, tmp_path / "p", str(truth.dem), image="pansharpened")
    mux = products.build(found, tmp_path / "m", str(truth.dem), image="mux")
    assert (sharp.bands, sharp.resolution, mux.bands, mux.resolution) == (4, 2.0, 4, 8.0)
    a, b = _on_truth_grid(sharp.path, truth), _on_truth_grid(mux.path, truth)
    ok = np.all(a != 0, axis=0) & np.all(b != 0, axis=0) & np.all(truth.ortho != 0, axis=0)
    ok[:16], ok[-16:], ok[:, :16], ok[:, -16:] = False, False, False, False
    assert ok.sum() > 100_000
    for k, band in enumerate(("blue", "green", "red", "NIR")):
        r_sharp = np.corrcoef(a[k][ok], truth.ortho[k][ok])[0, 1]
        r_mux = np.corrcoef(b[k][ok], truth.ortho[k][ok])[0, 1]
        print(f"{band}: pansharpened r={r_sharp:.3f}, MUX upsampled r={r_mux:.3f}")
        assert r_sharp > r_mux + 0.02, (band, r_sharp, r_mux)


def test_archive_folder_and_loose_files_give_identical_scenes(product, tmp_path):
    path, truth = product
    before = sorted(p.name for p in path.parent.iterdir())
    folder = unpacked(path, tmp_path / "unpacked")
    scenes = {}
    for label, given in (("archive", path), ("folder", folder), ("PAN file", folder / f"{NAME}-PAN.tiff"),
                         ("MUX file", folder / f"{NAME}-MUX.tiff")):
        with products.opened(str(given), str(truth.dem)) as scene:
            vrts = Path(scene.path).parent
            # nothing but small VRTs is written, and the DEM in WGS 84 for the RPC transformer: DEM-sized
            assert {p.name for p in vrts.iterdir() if p.suffix != ".vrt"} == {"dem_wgs84.tif"}
            with rasterio.open(truth.dem) as d, rasterio.open(vrts / "dem_wgs84.tif") as g:
                assert g.crs.is_geographic and g.width * g.height < 1.5 * d.width * d.height
            if label == "archive":  # read in place through /vsitar/, never unpacked
                assert f"/vsitar/{path.resolve()}/" in (vrts / "pansharpened_ortho.vrt").read_text()
            with rasterio.open(scene.path) as src:
                scenes[label] = (src.read(), src.transform, src.crs)
        assert not vrts.exists()  # the run's VRTs go with it
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing unpacked beside the archive
    ref = scenes["archive"]
    assert ref[0].any()
    for label, (data, transform, crs) in scenes.items():
        assert transform == ref[1] and crs == ref[2], label
        np.testing.assert_array_equal(data, ref[0], err_msg=label)


@pytest.mark.parametrize("naming, kind", [
    ("GF6_PMS_E114.4_N27.6_20190123_L1A1119841901-PAN.tiff", "PAN"),
    ("GF6_PMS_E114.4_N27.6_20190123_L1A1119841901-MUX.tiff", "MUX"),
    ("GF1_PMS1_E113.5_N34.7_20150410_L1A0000752521-MSS1.tiff", "MUX"),
    ("GF1_PMS2_E113.5_N34.7_20150410_L1A0000752522-PAN2.tiff", "PAN"),
    ("GF1D_PMS_E116.9_N36.6_20210915_L1A1256948137-MUX.tiff", "MUX"),
    ("GF2_PMS1_E116.4_N39.9_20160327_L1A0001491417-PAN1.tiff", "PAN"),
    ("GF7_DLC_E116.3_N39.9_20200618_L1A0000130015-BWDMUX.tiff", "MUX"),
    ("GF7_DLC_E116.3_N39.9_20200618_L1A0000130015-BWDPAN.tiff", "PAN"),
    ("GF7_DLC_E129.3_N45.9_20200429_L1L0000091709-BWDMUX.tif", "MUX"),
    ("GF2_PMS1__L1A0000647768-MSS1.tif", "MUX"),
    ("GF6_WFV_E114.4_N27.6_20190123_L1A1119841901.tiff", None),
    ("S2A_MSIL1C_20180907T014651.tif", None),
])
def test_gf_naming(naming, kind):
    assert products._kind(naming) == kind


def _break(folder: Path, case: str, tmp_path: Path, truth) -> tuple[Path, str | None]:
    """A bad product made from a good folder: (the path to give, the DEM to give)."""
    dem = str(truth.dem)
    if case == "missing .rpb":
        (folder / f"{NAME}-MUX.rpb").unlink()
    elif case == "PAN without MUX":
        for f in folder.glob(f"{NAME}-MUX.*"):
            f.unlink()
    elif case == "corrupt .xml":
        xml = folder / f"{NAME}-PAN.xml"
        xml.write_text(xml.read_text()[:200])
    elif case == "DEM short of the scene":
        with rasterio.open(dem) as src:
            profile, z = src.profile, src.read(1)
        z[:, : z.shape[1] // 2] = profile["nodata"]  # the western half of the DEM has no height
        dem = str(tmp_path / "short_dem.tif")
        with rasterio.open(dem, "w", **profile) as dst:
            dst.write(z, 1)
    elif case == "archive that is not a GF product":
        other = tmp_path / "S2A_MSIL1C_20180907T014651.tar.gz"
        with tarfile.open(other, "w:gz") as tar:
            (tmp_path / "MTD_MSIL1C.xml").write_text("<n1:Level-1C_User_Product/>")
            tar.add(tmp_path / "MTD_MSIL1C.xml", arcname="MTD_MSIL1C.xml")
            tar.add(truth.dem, arcname="T54TWN_B04.tif")
        return other, dem
    return folder, dem


BAD = {"missing .rpb": "has no .rpb file",
       "PAN without MUX": "no MUX image, so it cannot be pansharpened",
       "corrupt .xml": "is damaged (not valid XML",
       "DEM short of the scene": "does not cover the scene",
       "archive that is not a GF product": "is not a GF-1/GF-2/GF-6/GF-7 product"}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_products_get_one_sentence_and_no_output(product, tmp_path, case):
    path, truth = product
    given, dem = _break(unpacked(path, tmp_path / "p"), case, tmp_path, truth)
    out = tmp_path / "out" / "scene.tif"
    out.parent.mkdir()
    run = subprocess.run([sys.executable, "-m", "landslide_mapper", "prepare-scene", "--quiet", "--product",
                          str(given), "--dem", dem, "--output", str(out)], capture_output=True, text=True,
                         cwd="/", timeout=300)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if "landslide_mapper: error:" in line]
    assert len(lines) == 1 and BAD[case] in lines[0], run.stderr
    if case == "DEM short of the scene":  # how much is missing, as a share and an area
        assert " % of it (" in lines[0] and "km²) has no height" in lines[0], lines[0]
    assert list(out.parent.iterdir()) == []


def test_prepare_scene_writes_a_cog_and_cancel_leaves_nothing(product, tmp_path):
    path, truth = product
    out = tmp_path / "scene.tif"
    run = subprocess.run([sys.executable, "-m", "landslide_mapper", "prepare-scene", "--quiet", "--product",
                          str(path), "--dem", str(truth.dem), "--output", str(out)], capture_output=True, text=True,
                         cwd="/", timeout=300)
    assert run.returncode == 0, run.stderr
    assert "4 band(s) at 2 m" in run.stdout and "vertical datum" in run.stderr
    with rasterio.open(out) as src:
        assert src.count == 4 and src.res == (2.0, 2.0) and src.crs == rasterio.crs.CRS.from_string(truth.crs)
        assert src.profile["tiled"] and src.overviews(1) and src.compression is not None
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        data = src.read()
    with products.opened(str(path), str(truth.dem)) as scene, rasterio.open(scene.path) as src:
        scene_data = src.read().astype(np.int32)
    # the file is the scene that detection reads, up to rounding: the map-to-geographic step is interpolated
    # between points that depend on the windows read (to a millimetre), which moves a few digital numbers by 1-2
    off = np.abs(scene_data - data.astype(np.int32))
    assert off.max() <= 2 and (off > 0).mean() < 0.005, (off.max(), (off > 0).mean())

    calls = []
    cancelled = tmp_path / "cancelled.tif"
    with pytest.raises(CancelledError):
        products.write_scene(str(path), str(truth.dem), str(cancelled), block=256,
                             progress=lambda f, m: calls.append(f), is_cancelled=lambda: len(calls) >= 2)
    assert calls and not cancelled.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.tif"]  # no partial or temporary file

    with pytest.raises(InputError, match="give a .tif"):
        products.write_scene(str(path), str(truth.dem), str(tmp_path / "scene.gpkg"))
    with pytest.raises(InputError, match=r"the pixel size \(m\) must be > 0"):
        products.write_scene(str(path), str(truth.dem), str(tmp_path / "zero.tif"), resolution=0.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.tif"]


def test_detect_reads_the_archive_end_to_end(product, tmp_path):
    path, truth = product
    out = tmp_path / "landslides.gpkg"
    run = subprocess.run([sys.executable, "-m", "landslide_mapper", "detect", "--quiet", "--optical", str(path),
                          "--dem", str(truth.dem), "--output", str(out)], capture_output=True, text=True, cwd="/",
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert "orthorectified with the DEM" in run.stderr and "Pansharpening weights" in run.stderr, run.stderr
    with fiona.open(out) as layer:
        assert layer.crs.to_epsg() == 32647
        feats = list(layer)
    assert feats, run.stderr
    # the polygons lie on the scene, within the orthophoto's area
    h, w = truth.ortho.shape[1:]
    left, top = truth.grid_transform.c, truth.grid_transform.f
    for f in feats:
        x, y = f.geometry["coordinates"][0][0]
        assert left - 50 <= x <= left + 2 * w + 50 and top - 2 * h - 50 <= y <= top + 50, (x, y)
    assert not any(p.name.startswith("landslide-mapper-product-") for p in Path(tmp_path).iterdir())


def test_a_product_wider_than_a_stripe_gives_the_same_result_in_stripes(product, tmp_path, monkeypatch):
    """The product's scene (about 1200 px wide at 1 m) in one piece and, with ``STRIPE_WIDTH`` lowered to 512 px,
    in column stripes through the dispatcher (one reader shared by the threads, per stripe): the same probabilities
    and the same landslides."""
    from landslide_mapper.detection import partitions
    from landslide_mapper.detection.dispatch import run_detection
    from landslide_mapper.detection.options import DetectOptions

    path, truth = product
    runs = {}
    for name, stripe in (("one", partitions.STRIPE_WIDTH), ("stripes", 512)):
        monkeypatch.setattr(partitions, "STRIPE_WIDTH", stripe)
        logs: list[str] = []
        out = tmp_path / f"{name}.gpkg"
        result = run_detection(DetectOptions.from_flat(optical=str(path), dem=str(truth.dem), output=str(out),
                                                       probability=str(tmp_path / f"{name}.tif")), log=logs.append)
        with rasterio.open(tmp_path / f"{name}.tif") as src, fiona.open(out) as layer:
            runs[name] = (src.read(1), sorted(round(f.properties["area_m2"], 1) for f in layer), result, logs)
    (p1, a1, r1, _), (p2, a2, r2, logs) = runs["one"], runs["stripes"]
    assert r2.count == r1.count
    assert r1.grid.width > 2 * 512 and any(" partition(s): rows 0-" in m and " columns 512-" in m for m in logs)
    assert np.array_equal(p1, p2)
    assert a1 == a2 and len(a1) == r1.count > 0


def test_a_missing_dem_is_one_sentence_and_leaves_no_vrts(product, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path, truth = product
    with pytest.raises(InputError, match="the DEM missing_dem.tif does not exist"):
        with products.opened(str(path), str(tmp_path / "missing_dem.tif")):
            pass
    assert not list(tmp_path.glob("landslide-mapper-product-*"))  # the run's VRT folder goes with the refusal


_DATUM_RUN = """
import json, sys
import numpy as np, rasterio
from pathlib import Path
from landslide_mapper.detection import products
product, dem, folder = sys.argv[1:4]
scene = products.build(products.find_product(product), Path(folder), dem, image="pan")
with rasterio.open(scene.path) as src:
    e, n = src.read().astype(np.float64)
    rows, cols = np.mgrid[0: src.height, 0: src.width] + 0.5
    x, y = src.transform * (cols, rows)
ok = (e != 0) & np.isfinite(e)
print(json.dumps({"rms": float(np.sqrt(np.mean(np.hypot(e - x, n - y)[ok] ** 2))), "warnings": scene.warnings}))
"""


def test_a_dem_above_the_geoid_is_converted_or_warned_about(coordinates, tmp_path):
    # the DEM in EGM96 heights (ellipsoidal minus the geoid's undulation, about -35 m here), its CRS saying so
    # (EPSG:32647+5773): with PROJ's EGM96 grid GDAL converts the heights and the scene stays in place; without
    # the grid (rasterio's own PROJ data holds none) a warning says the heights could not be converted; a DEM
    # with the same heights that names no datum is misplaced by the undulation x tan(off-nadir), with a warning
    import json
    import os

    from rasterio.crs import CRS
    from rasterio.warp import transform as warp_transform

    path, truth = coordinates
    grid = Path("/usr/share/proj/egm96_15.gtx")  # PROJ's EGM96 grid, from Debian's proj-data (QGIS's dependency)
    assert grid.is_file(), "proj-data's egm96_15.gtx is missing: scripts/setup.sh installs QGIS, which brings it"
    proj = tmp_path / "proj"  # rasterio's PROJ data plus the grid
    proj.mkdir()
    own = Path(rasterio.__file__).parent / "proj_data"
    for f in own.iterdir():
        (proj / f.name).symlink_to(f)
    (proj / grid.name).symlink_to(grid)
    with rasterio.open(truth.dem) as src:
        profile, z = src.profile, src.read(1)
        cx, cy = src.transform * (z.shape[1] / 2, z.shape[0] / 2)
    lon, lat = warp_transform(truth.crs, "EPSG:4326", [cx], [cy])
    undulation = -34.83  # EGM96 at the scene's centre (checked below through PROJ with the grid)
    dems = {}
    for name, crs in (("compound", "EPSG:32647+5773"), ("plain", "EPSG:32647")):
        profile.update(crs=CRS.from_string(crs))
        dems[name] = tmp_path / f"dem_{name}.tif"
        with rasterio.open(dems[name], "w", **profile) as dst:
            dst.write(np.where(z == profile["nodata"], z, z - undulation).astype(np.float32), 1)

    def run(dem: Path, proj_data: Path | None) -> dict:
        env = dict(os.environ)
        env.pop("PROJ_LIB", None)
        if proj_data:
            env["PROJ_DATA"] = str(proj_data)
        else:
            env.pop("PROJ_DATA", None)
        out = subprocess.run([sys.executable, "-c", _DATUM_RUN, str(path), str(dem), str(tmp_path / f"v{len(runs)}")],
                             capture_output=True, text=True, env=env, cwd="/", timeout=300)
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        return runs[-1]

    runs: list[dict] = []
    check = subprocess.run([sys.executable, "-c", "from rasterio.warp import transform; from rasterio.crs import CRS; "
                            f"print(transform(CRS.from_epsg(4979), CRS.from_string('EPSG:4326+5773'), [{lon[0]}], "
                            f"[{lat[0]}], zs=[0.0])[2][0])"], capture_output=True, text=True,
                           env={**os.environ, "PROJ_DATA": str(proj)}, cwd="/", timeout=60)
    assert abs(-float(check.stdout.strip()) - undulation) < 0.5, check.stdout + check.stderr
    converted = run(dems["compound"], proj)
    assert converted["rms"] < gf_product.PAN_GSD and converted["warnings"] == [], converted
    plain = run(dems["plain"], proj)
    assert plain["rms"] > 0.5 * abs(undulation) * truth.tan_off_nadir, plain
    assert any("does not say which vertical datum" in w for w in plain["warnings"])
    no_grid = run(dems["compound"], None)
    assert any("EGM96 height" in w and "grid of that geoid is not installed" in w for w in no_grid["warnings"]), no_grid
    print(f"EGM96 DEM: RMS {converted['rms']:.2f} m converted, {plain['rms']:.2f} m with no datum named")


def test_a_picture_of_the_whole_scene_comes_from_overviews(product, tmp_path, monkeypatch):
    """The orthorectifying VRTs have overviews, so the DEM coverage check reads the scene's valid area from a coarse
    one (an orthorectification of the whole scene at full resolution cost as much as the run's own reads); the share
    it finds agrees with the full-resolution one."""
    from landslide_mapper.detection import dem as dem_module
    from landslide_mapper.detection.dem import coarse_overview, dem_coverage
    from landslide_mapper.detection.raster_io import Grid

    path, truth = product
    scene = products.build(products.find_product(path), tmp_path, str(truth.dem), resolution=1.0)
    with rasterio.open(scene.path) as src:
        assert src.overviews(1), "the pansharpened VRT has no overviews"
        grid = Grid(src.crs, src.transform, src.width, src.height)
        level = coarse_overview(src, 64)
        assert level is not None and src.overviews(1)[level] >= 4, (level, src.overviews(1))
        full = src.read_masks(1) > 0
        factor = src.overviews(1)[level]
        coarse = src.read_masks(1, out_shape=(src.height // factor, src.width // factor)) > 0
    assert abs(coarse.mean() - full.mean()) < 0.02, (coarse.mean(), full.mean())
    # a DEM with its western half missing: the share found through the overview is the one found at full resolution
    with rasterio.open(truth.dem) as src:
        profile, z = src.profile, src.read(1)
    z[:, : z.shape[1] // 2] = profile["nodata"] if profile["nodata"] is not None else np.nan
    half = tmp_path / "half_dem.tif"
    with rasterio.open(half, "w", **profile) as dst:
        dst.write(z, 1)
    through_overview = dem_coverage(str(half), grid, scene.path, max_side=64)
    monkeypatch.setattr(dem_module, "coarse_overview", lambda src, side: None)
    at_full_resolution = dem_coverage(str(half), grid, scene.path, max_side=64)
    assert 0.2 < at_full_resolution < 0.8, at_full_resolution
    assert abs(through_overview - at_full_resolution) < 0.03, (through_overview, at_full_resolution)


def test_one_reader_serves_every_thread_for_a_computed_scene(product, tmp_path):
    """GDAL caches blocks per open dataset: a reader per thread made each thread compute the orthorectified blocks
    its chips share with their neighbours again (twice the work on 2 threads). A product's chips are read through
    one reader, one read at a time; a file keeps a reader per thread."""
    from detect_options import plan_detection

    from landslide_mapper.detection.pipeline import ChipSource
    from landslide_mapper.detection.raster_io import OpticalSpec, computed_blocks

    path, truth = product
    with products.opened(str(path), str(truth.dem), resolution=1.0) as scene:
        assert computed_blocks(OpticalSpec((scene.path,), (3, 2, 1)))
        plan, _ = plan_detection(scene.path, str(truth.dem), chip_threads=2)
        with ChipSource(plan, plan.windows[:8]) as chips:
            prepared = list(chips)
            assert len(chips._readers) == 1 and chips._shared is not None
        assert len(prepared) == 8 and any(p.chip is not None for p in prepared)
    assert not computed_blocks(OpticalSpec((str(truth.dem),) * 3, (1, 1, 1)))


def test_a_model_trained_across_2_m_reads_a_2_m_product_at_2_m(product, tmp_path, monkeypatch):
    """A product's own pixel size (the PAN's 2 m) is the run's when the model was trained across it: orthorectified
    straight onto the 2 m grid, a quarter of the chips of the model's 1 m. The archive is streamed through once per
    run (a delivered GF-6 archive is gigabytes of gzip)."""
    import dataclasses

    from synthetic import oracle_card

    from landslide_mapper.detection.dispatch import run_detection
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.model.checkpoint import save_checkpoint
    from landslide_mapper.model.registry import build_model

    path, truth = product
    streamed = []
    read_archive = products._read_archive
    monkeypatch.setattr(products, "_read_archive", lambda p: streamed.append(p) or read_archive(p))
    grids = {}
    for label, span in (("range", [1.0, 2.0]), ("none", None)):
        card = dataclasses.replace(oracle_card(rgb_only=True), resolution_m=1.0, resolution_range_m=span)
        model = save_checkpoint(tmp_path / f"{label}.safetensors", build_model(card.config).eval(), card)
        result = run_detection(DetectOptions.from_flat(optical=str(path), dem=str(truth.dem), model=str(model),
                                                       output=str(tmp_path / f"{label}.gpkg")))
        grids[label] = (result.grid.resolution, result.chips + result.chips_skipped)
    assert grids["range"][0] == 2.0 and grids["none"][0] == 1.0, grids
    assert grids["range"][1] * 3 < grids["none"][1], grids  # about 4 times fewer chips
    assert len(streamed) == 2, streamed  # once per run


def test_the_dem_is_copied_into_wgs84_only_while_it_is_small(product, tmp_path, monkeypatch):
    """The RPC transformer reads a geographic DEM fastest, so a projected DEM is copied into WGS 84 over the scene;
    a DEM whose copy would be large (a fine lidar DEM over a whole scene) is read as it is."""
    path, truth = product
    found = products.find_product(path)
    scene = products.build(found, tmp_path / "small", str(truth.dem), image="pan")
    assert f"<DEMPath>{tmp_path / 'small' / 'dem_wgs84.tif'}</DEMPath>" in Path(scene.path).read_text()
    monkeypatch.setattr(products, "GEOGRAPHIC_DEM_MAX_PX", 1000)
    scene = products.build(found, tmp_path / "large", str(truth.dem), image="pan")
    assert f"<DEMPath>{truth.dem}</DEMPath>" in Path(scene.path).read_text()
    assert not (tmp_path / "large" / "dem_wgs84.tif").exists()


def test_only_the_map_to_geographic_step_is_approximated(coordinates, tmp_path, monkeypatch):
    """GDAL's RPC transformer over the DEM stays exact (an interpolated one misses cliffs), but the UTM-to-WGS 84
    step inside it is interpolated between exact points to a millimetre, which halves the orthorectification's
    cost: the orthorectified coordinates match the wholly exact transformer's to within float32 rounding."""
    path, truth = coordinates
    found = products.find_product(path)
    fast = products.build(found, tmp_path / "fast", str(truth.dem), image="pan")
    xml = Path(fast.path).read_text()
    reproject = xml[xml.index("<ReprojectTransformer>"): xml.index("</ReprojectTransformer>")]
    assert f"<MaxErrorReverse>{float(products.REPROJECTION_MAX_ERROR_DEG):g}</MaxErrorReverse>" in reproject, reproject
    assert "<MaxError>0</MaxError>" in xml  # the RPC transformer with the DEM: exact
    monkeypatch.setattr(products, "REPROJECTION_MAX_ERROR_DEG", "0")
    monkeypatch.setattr(products, "REPROJECTION_MAX_ERROR_M", "0")
    exact = products.build(found, tmp_path / "exact", str(truth.dem), image="pan")
    with rasterio.open(fast.path) as a, rasterio.open(exact.path) as b:
        ea, eb = a.read().astype(np.float64), b.read().astype(np.float64)
    ok = np.all((ea != 0) & np.isfinite(ea) & (eb != 0) & np.isfinite(eb), axis=0)
    diff = np.abs(ea - eb)[:, ok]
    step = np.spacing(np.abs(eb[:, ok]).astype(np.float32)).astype(np.float64)  # float32 steps: 3-6 cm, 25 cm
    print(f"approximated - exact: max {diff.max():.4f} m, mean {diff.mean():.5f} m over {ok.sum()} px")
    assert ok.sum() > 100_000
    assert np.all(diff <= step) and diff.mean() < 0.01, (diff.max(), diff.mean())
