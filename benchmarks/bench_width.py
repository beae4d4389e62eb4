"""Peak memory against the scene's width (issue 26: "peak memory stays flat with scene size").

A strip of real imagery as wide as a satellite swath: the real Jinsha area A orthophoto (0.5 m) and its DSM, each
mirrored into N copies side by side (every copy's edges meeting their mirror image), the orthophoto resampled to the
bundled model's 1 m and written as users' files are (uint8 RGB, pixel-interleaved, tiled 512, DEFLATE), the DSM as
a 2 m DEM (float32, tiled, DEFLATE). For each N the whole detection runs in a separate process through the
dispatcher (``dispatch.run_detection``, as the command line runs it; the bundled model on ONNX Runtime on the CPU;
polygons and the probability raster written), twice:

- ``stripes``: as shipped: a scene wider than ``partitions.STRIPE_WIDTH`` (16384 px) runs in column stripes;
- ``one piece``: ``STRIPE_WIDTH`` raised above the scene's width (how every scene ran before the stripes).

Printed per N: the scene's size, chips, seconds, peak RSS (VmHWM) and landslides of each run.

    .venv/bin/python benchmarks/bench_width.py [--copies 7 14 28 56] [--modes stripes one-piece]

The data stay under the licence of the source (../shared/datasets/jinsha-rgbdem): written into a scratch folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "datasets" / "jinsha-rgbdem"


def make_strip(folder: Path, copies: int) -> tuple[Path, Path]:
    """``folder/strip_<copies>.tif`` (1 m RGB) and ``folder/dem_<copies>.tif`` (2 m), made once."""
    optical, dem = folder / f"strip_{copies}.tif", folder / f"dem_{copies}.tif"
    if optical.exists() and dem.exists():
        return optical, dem
    with rasterio.open(SHARED / "area_A_rgb.tif") as src:
        h, w = src.height // 2, src.width // 2
        rgb = src.read(out_shape=(3, h, w), resampling=Resampling.average)  # 1 m
        t, crs = src.transform * Affine.scale(src.width / w, src.height / h), src.crs
    rgb = np.pad(rgb, ((0, 0), (0, 0), (0, (copies - 1) * w)), "symmetric")
    with rasterio.open(optical, "w", driver="GTiff", width=rgb.shape[2], height=h, count=3, dtype="uint8", crs=crs,
                       transform=t, tiled=True, blockxsize=512, blockysize=512, compress="deflate",
                       interleave="pixel", photometric="RGB") as dst:
        dst.write(rgb)
    del rgb
    with rasterio.open(SHARED / "area_A_dsm.tif") as src:
        f = round(2.0 / src.transform.a)
        dh, dw = src.height // f, src.width // f
        z = src.read(1, out_shape=(dh, dw), resampling=Resampling.average, masked=True).filled(np.nan)
        dt = src.transform * Affine.scale(src.width / dw, src.height / dh)
    z = np.pad(z, ((0, 0), (0, (copies - 1) * dw)), "symmetric").astype(np.float32)
    with rasterio.open(dem, "w", driver="GTiff", width=z.shape[1], height=dh, count=1, dtype="float32", crs=crs,
                       transform=dt, nodata=np.nan, tiled=True, compress="deflate") as dst:
        dst.write(z, 1)
    return optical, dem


def run_child(optical: str, dem: str, out: str, stripe: str) -> dict:
    from bench_product import peak_rss_mb

    from landslide_mapper.detection import partitions
    from landslide_mapper.detection.dispatch import run_detection
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import default_model_path

    if stripe != "default":
        partitions.STRIPE_WIDTH = int(stripe)
    t = time.perf_counter()
    r = run_detection(DetectOptions.from_flat(optical=optical, dem=dem, output=out, probability=out + ".tif",
                                              model=default_model_path(), engine="onnx", device="cpu"))
    return {"seconds": time.perf_counter() - t, "chips": r.chips, "landslides": r.count,
            "peak_rss_mb": peak_rss_mb(), "width": r.grid.width, "height": r.grid.height}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, nargs="*", default=[7, 14, 28, 56])
    ap.add_argument("--modes", nargs="*", default=["stripes", "one-piece"], choices=["stripes", "one-piece"])
    ap.add_argument("--folder", default=None, help="where the strips are made (default: a new scratch folder)")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    if args.child:
        print(json.dumps(run_child(*args.child)))
        return
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-width-"))
    folder.mkdir(parents=True, exist_ok=True)
    for copies in args.copies:
        optical, dem = make_strip(folder, copies)
        for mode in args.modes:
            out = folder / f"out_{copies}_{mode}.gpkg"
            for f in (out, Path(str(out) + ".tif")):
                f.unlink(missing_ok=True)
            stripe = "default" if mode == "stripes" else str(10**7)
            run = subprocess.run([sys.executable, __file__, "--child", str(optical), str(dem), str(out), stripe],
                                 capture_output=True, text=True)
            if run.returncode:
                print(run.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{copies} copies, {mode}: failed")
            r = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{copies} copies: {r['width']} x {r['height']} px at 1 m, {r['chips']} chips; {mode}: "
                  f"{r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, {r['landslides']} landslides",
                  flush=True)


if __name__ == "__main__":
    main()
