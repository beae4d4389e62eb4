"""Reading and writing real image files (issue 14): scene statistics in bounded time whatever the layout, the
probability GeoTIFF written once per block, and the outputs built off the engine's thread with the same results,
the same cancel and the same errors as before."""

from __future__ import annotations

import threading
from pathlib import Path

import fiona
import numpy as np
import pytest
import rasterio
import synthetic
from affine import Affine
from detect_options import detect

from landslide_mapper.detection import pipeline
from landslide_mapper.detection.raster_io import resolve_optical, scene_statistics
from landslide_mapper.errors import CancelledError, InputError

LAYOUTS = {
    "tiled DEFLATE, pixel-interleaved": {"tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate",
                                         "interleave": "pixel"},
    "tiled DEFLATE, band-interleaved": {"tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate",
                                        "interleave": "band"},
    "stripped DEFLATE": {"tiled": False, "blockysize": 8, "compress": "deflate"},
    "stripped uncompressed": {"tiled": False},
    "tiled uncompressed": {"tiled": True, "blockxsize": 128, "blockysize": 128},
}


def _image(dtype: str, height: int = 1100, width: int = 1300, patch: bool = True) -> np.ndarray:
    """Bands with spatial structure (a gradient, a texture, a bright patch) and a nodata corner (0)."""
    rng = np.random.default_rng(3)
    rr, cc = np.mgrid[0:height, 0:width].astype(np.float32)
    top = 250.0 if dtype == "uint8" else 9000.0
    bands = []
    for k in range(3):
        x = 0.35 * rr / height + 0.25 * cc / width + 0.1 * np.sin(cc / (37.0 + k)) * np.cos(rr / 53.0)
        x += rng.normal(0, 0.08, (height, width))
        if patch:
            x[300:420, 700:900] += 0.5  # a bright patch (a town, a landslide scar)
        bands.append(np.clip(1 + x * top / 1.5, 1, top).astype(dtype))
    data = np.stack(bands)
    data[:, :150, :200] = 0
    return data


def _write(path: Path, data: np.ndarray, **layout) -> Path:
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype.name, crs=synthetic.UTM, transform=tr, nodata=0, **layout) as dst:
        dst.write(data)
    return path


def _exact(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    valid = np.all(data != 0, axis=0)
    return (np.array([np.percentile(b[valid], 2.0) for b in data]),
            np.array([np.percentile(b[valid], 98.0) for b in data]))


@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_scene_statistics_match_exact_percentiles(tmp_path, layout, dtype):
    data = _image(dtype)
    path = _write(tmp_path / "scene.tif", data, **LAYOUTS[layout])
    lo, hi = _exact(data)
    stats = scene_statistics(resolve_optical([path], (1, 2, 3)))
    # every pixel of a scene within the budget is counted: the same percentiles as the exact computation
    assert stats["pixels_read"] == data.shape[1] * data.shape[2]
    np.testing.assert_allclose(stats["low"], lo, atol=1e-9)
    np.testing.assert_allclose(stats["high"], hi, atol=1e-9)
    assert stats["valid_fraction"] == pytest.approx(np.all(data != 0, axis=0).mean())


@pytest.mark.parametrize("layout", ["tiled DEFLATE, pixel-interleaved", "stripped DEFLATE"])
def test_scene_statistics_beyond_the_budget_read_a_bounded_sample(tmp_path, layout):
    # a scene 4 times the budget: whole blocks spread over the scene, no more pixels than the budget, percentiles
    # within 1 grey level of the exact ones on a scene of even texture
    rng = np.random.default_rng(5)
    data = np.clip(rng.normal(120, 35, (3, 2048, 2048)), 1, 255).astype(np.uint8)
    data[:, :100, :300] = 0
    path = _write(tmp_path / "big.tif", data, **LAYOUTS[layout])
    budget = (1 << 20) * (4 if "stripped" in layout else 1)  # stripped files read a quarter of the budget
    stats = scene_statistics(resolve_optical([path], None), budget_px=budget)
    assert 0.5 * (1 << 20) <= stats["pixels_read"] <= 1 << 20
    lo, hi = _exact(data)
    assert np.abs(np.array(stats["low"]) - lo).max() <= 1.0, (stats["low"], lo)
    assert np.abs(np.array(stats["high"]) - hi).max() <= 1.0, (stats["high"], hi)


@pytest.mark.parametrize("size, block, budget", [((6000, 6000), (256, 256), 1 << 23), ((45000, 45000), (256, 256),
                                                  1 << 26), ((8000, 8000), (1, 8000), 1 << 22),
                                                 ((3000, 5000), (128, 128), 1 << 21)])
def test_sample_windows_are_whole_blocks_spread_over_the_scene(size, block, budget):
    from landslide_mapper.detection.raster_io import _sample_windows

    height, width = size
    windows = _sample_windows(width, height, block, budget)
    assert sum(w.width * w.height for w in windows) <= budget
    assert all(w.row_off % block[0] == 0 and w.col_off % block[1] == 0 for w in windows)
    assert all(w.col_off + w.width <= width and w.row_off + w.height <= height for w in windows)
    # spread: every tenth of the scene's height and of its width holds a window
    assert {int(10 * (w.row_off + w.height / 2) / height) for w in windows} == set(range(10))
    assert {int(10 * (w.col_off + w.width / 2) / width) for w in windows} == (set(range(10)) if block[1] < width
                                                                              else {5})


def test_scene_statistics_of_three_single_band_files_and_a_float_scene(tmp_path):
    data = _image("uint8")
    paths = [_write(tmp_path / f"b{i}.tif", data[i:i + 1], tiled=True, blockxsize=256, blockysize=256,
                    compress="deflate") for i in range(3)]
    lo, hi = _exact(data)
    stats = scene_statistics(resolve_optical(paths, None))
    np.testing.assert_allclose(stats["low"], lo, atol=1e-9)
    np.testing.assert_allclose(stats["high"], hi, atol=1e-9)
    f = data.astype(np.float32) / 7.0
    path = _write(tmp_path / "float.tif", f, tiled=True, blockxsize=256, blockysize=256, compress="deflate")
    stats = scene_statistics(resolve_optical([path], None))
    valid = np.all(f != 0, axis=0)
    assert stats["low"] == pytest.approx([np.percentile(b[valid], 2.0) for b in f], abs=1.0 / 7.0)
    assert stats["high"] == pytest.approx([np.percentile(b[valid], 98.0) for b in f], abs=1.0 / 7.0)


# ---- the probability GeoTIFF and the output worker ----------------------------------------------------------------

@pytest.fixture(scope="module")
def varied_scene(tmp_path_factory):
    """A 1100 x 900 px scene (5 x 4 probability blocks) whose oracle probability varies smoothly everywhere (DEM
    within a few cm of the oracle's 100 m level), so the probability blocks do not compress to nothing."""
    folder = tmp_path_factory.mktemp("varied")
    h, w = 900, 1100
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    rr, cc = np.mgrid[0:h, 0:w].astype(np.float32)
    z = 100.0 + 0.08 * np.sin(cc / 23.0) * np.cos(rr / 31.0) + 0.02 * np.sin(rr / 7.0 + cc / 11.0)
    mask = synthetic.blobs_mask(h, w, [(200, 300, 60), (600, 800, 90), (450, 150, 40)])
    z = np.where(mask, 150.0, z).astype(np.float32)
    rng = np.random.default_rng(0)
    opt = synthetic.write_raster(folder / "o.tif", rng.integers(20, 200, (3, h, w), dtype=np.uint8), tr,
                                 synthetic.UTM)
    dem = synthetic.write_raster(folder / "d.tif", z, tr, synthetic.UTM)
    return opt, dem


def _one_pass_copy(path: Path, out: Path) -> int:
    with rasterio.open(path) as src:
        data, profile = src.read(), src.profile
    profile.update(pipeline.PROB_CREATION)
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(data)
    return out.stat().st_size


def test_gdal_cache_is_given_in_megabytes():
    # rasterio hands GDAL_CACHEMAX to GDALSetCacheMax64, in bytes: the run's cache must be its size in MiB, not bytes
    import ctypes
    import ctypes.util
    from pathlib import Path as _Path

    libs = sorted((_Path(rasterio.__file__).parent.parent / "rasterio.libs").glob("libgdal*"))
    gdal = ctypes.CDLL(str(libs[0]) if libs else ctypes.util.find_library("gdal"))
    gdal.GDALGetCacheMax64.restype = ctypes.c_int64
    with pipeline.gdal_cache(24):
        assert gdal.GDALGetCacheMax64() == 24 << 20


def test_probability_geotiff_blocks_are_written_once(tmp_path, oracle, varied_scene, monkeypatch):
    # GDAL's block cache far smaller than a row of probability blocks: a block written in parts would be compressed
    # and stored again at each eviction, and the file would grow
    monkeypatch.setattr(pipeline, "gdal_cache_mb", lambda width, reading=0: 1)
    opt, dem = varied_scene
    detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "p.tif", tile=128,
           overlap=16)
    size = (tmp_path / "p.tif").stat().st_size
    copy = _one_pass_copy(tmp_path / "p.tif", tmp_path / "copy.tif")
    assert copy > 500_000  # the blocks hold real data
    assert size <= 1.05 * copy, (size, copy)
    with rasterio.open(tmp_path / "p.tif") as src:
        assert src.block_shapes[0] == (256, 256) and src.profile["tiled"] and src.compression is not None


class _InlineWorker:
    """The output stages run in the engine's thread, one item at a time (the reference)."""

    def __init__(self, handle, finish, maxsize):
        self.handle, self.finish = handle, finish

    def put(self, *item):
        self.handle(*item)

    def close(self):
        self.finish()

    def abort(self):
        pass


def _features(path: Path) -> list[tuple[bytes, dict]]:
    import shapely

    with fiona.open(path, layer="landslides") as src:
        return [(shapely.to_wkb(shapely.geometry.shape(f["geometry"])), dict(f["properties"])) for f in src]


def test_outputs_built_off_the_engine_thread_are_the_same(tmp_path, oracle, varied_scene, monkeypatch):
    opt, dem = varied_scene
    threads = set()
    add_rows = pipeline.vectorize.StreamingVectorizer.add_rows

    def spy(self, row0, prob):
        threads.add(threading.current_thread().name)
        return add_rows(self, row0, prob)

    monkeypatch.setattr(pipeline.vectorize.StreamingVectorizer, "add_rows", spy)
    kw = dict(dem=dem, model=oracle[1], tile=128, overlap=16, batch=3)
    r = detect(opt, tmp_path / "a.gpkg", probability=tmp_path / "a.tif", **kw)
    assert threads == {"landslide-output"}  # vectorising ran in the worker thread
    threads.clear()
    monkeypatch.setattr(pipeline, "_OutputWorker", _InlineWorker)
    ref = detect(opt, tmp_path / "b.gpkg", probability=tmp_path / "b.tif", **kw)
    assert threads == {threading.current_thread().name}
    assert r.count == ref.count > 0
    assert _features(tmp_path / "a.gpkg") == _features(tmp_path / "b.gpkg")
    with rasterio.open(tmp_path / "a.tif") as a, rasterio.open(tmp_path / "b.tif") as b:
        assert np.array_equal(a.read(), b.read())


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("out", ".")))


def _worker_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "landslide-output"]


def test_error_inside_the_writer_thread_leaves_no_output(tmp_path, oracle, varied_scene, monkeypatch):
    opt, dem = varied_scene
    raised_in = []

    def fail(self, *args, **kwargs):  # the probability GeoTIFF's disk fills up
        raised_in.append(threading.current_thread().name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rasterio.io.DatasetWriter, "write", fail)
    with pytest.raises(OSError, match="No space left on device") as info:
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "out_p.tif",
               tile=128, overlap=16)
    assert raised_in == ["landslide-output"]  # raised once, in the worker, and handed to the caller unchanged
    assert info.value.errno == 28
    assert _leftovers(tmp_path) == []
    assert _worker_threads() == []


def test_error_inside_the_writer_thread_is_one_line_on_the_cli(tmp_path, oracle, varied_scene):
    import subprocess
    import sys

    opt, dem = varied_scene
    script = (
        "import sys\n"
        "from landslide_mapper import cli\n"
        "from landslide_mapper.errors import InputError\n"
        "from landslide_mapper.detection import vectorize\n"
        "def fail(*a, **k):\n"
        "    raise InputError('cannot write the polygons: disk full')\n"
        "vectorize.FeatureWriter.write = fail\n"
        "sys.exit(cli.main(sys.argv[1:]))\n")
    cmd = [sys.executable, "-c", script, "detect", "--optical", str(opt), "--dem", str(dem), "--model",
           str(oracle[1]), "--output", str(tmp_path / "out.gpkg"), "--probability", str(tmp_path / "out_p.tif"),
           "--tile", "128"]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
    assert res.returncode == 2, res.stderr
    lines = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
    assert lines[-1] == "landslide_mapper: error: cannot write the polygons: disk full", res.stderr
    assert res.stderr.count("disk full") == 1 and "Traceback" not in res.stderr
    assert _leftovers(tmp_path) == []


def test_cancel_while_the_writer_thread_is_busy(tmp_path, oracle, varied_scene, monkeypatch):
    import time

    opt, dem = varied_scene
    add_rows = pipeline.vectorize.StreamingVectorizer.add_rows

    def slow(self, row0, prob):
        time.sleep(0.05)
        return add_rows(self, row0, prob)

    monkeypatch.setattr(pipeline.vectorize.StreamingVectorizer, "add_rows", slow)
    calls = {"n": 0}

    def cancel_later():
        calls["n"] += 1
        return calls["n"] > 25

    with pytest.raises(CancelledError, match="no output was written"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "out_p.tif",
               tile=128, overlap=16, batch=2, is_cancelled=cancel_later)
    assert calls["n"] == 26
    assert _leftovers(tmp_path) == []
    assert _worker_threads() == []


def test_bad_input_still_fails_before_any_work(tmp_path, oracle, varied_scene):
    opt, dem = varied_scene
    with pytest.raises(InputError, match="must be a GeoTIFF"):
        detect(opt, tmp_path / "out.gpkg", dem=dem, model=oracle[1], probability=tmp_path / "out_p.png")
    assert _leftovers(tmp_path) == [] and _worker_threads() == []


# ---- reading: the block cache sized to a row of chips, all bands in one read -------------------------------------

def test_reader_cache_holds_the_blocks_under_a_row_of_chips(tmp_path):
    from landslide_mapper.detection.raster_io import Grid, OpticalReader, reader_cache_bytes

    data = _image("uint8", 1000, 1300)
    tr = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    grid = Grid(synthetic.UTM, tr, 1300, 1000)
    tiled = _write(tmp_path / "t.tif", data, **LAYOUTS["tiled DEFLATE, pixel-interleaved"])
    band = _write(tmp_path / "b.tif", data, **LAYOUTS["tiled DEFLATE, band-interleaved"])
    strips = _write(tmp_path / "s.tif", data, **LAYOUTS["stripped uncompressed"])
    raw = _write(tmp_path / "r.tif", data, **LAYOUTS["tiled uncompressed"])
    # tile 256 + three rows of 256 px blocks, across the width rounded up to whole blocks, 3 bands of 1 byte
    assert reader_cache_bytes(resolve_optical([tiled], None), grid, 256) == min(1000, 256 + 3 * 256) * 1536 * 3
    assert reader_cache_bytes(resolve_optical([band], (1, 2, 3)), grid, 256) == min(1000, 256 + 3 * 256) * 1536 * 3
    assert reader_cache_bytes(resolve_optical([band], (1, 1, 2)), grid, 256) == min(1000, 256 + 3 * 256) * 1536 * 2
    with rasterio.open(strips) as src:
        bh = src.block_shapes[0][0]
    assert reader_cache_bytes(resolve_optical([strips], None), grid, 256) == (256 + 3 * bh) * 1300 * 3
    assert reader_cache_bytes(resolve_optical([raw], None), grid, 256) == 0  # copies, not decompression
    # one read for all bands gives what three band reads give
    from rasterio.windows import Window

    for path in (tiled, band, strips):
        reader = OpticalReader(resolve_optical([path], (3, 1, 2)), grid)
        got, valid = reader.read(Window(100, 200, 300, 250))
        reader.close()
        np.testing.assert_array_equal(got, data[[2, 0, 1], 200:450, 100:400].astype(np.float32))
        np.testing.assert_array_equal(valid, np.all(data[:, 200:450, 100:400] != 0, axis=0))
