"""Area of interest on a REAL image file: a centred square of 1/4, 1/16 and 1/64 of the scene against the whole
scene, with the bundled model (overlap 51, threshold 0.7): chips processed and seconds.

    .venv/bin/python benchmarks/bench_aoi_real.py tiled_deflate.tif   (benchmarks/make_real_scenes.py writes it)

Run it alone on the machine (under the CPU lock).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import fiona
import rasterio
from shapely.geometry import box, mapping

from landslide_mapper.detection.options import DetectOptions
from landslide_mapper.detection.pipeline import detect

OPTIONS = {"overlap": 51, "threshold": 0.7, "min_area": 0.0, "simplify": 0.0}


def square(path: Path, bounds, crs: str, side: float) -> Path:
    """A GeoJSON square centred on the scene, ``side`` of its width and height."""
    left, bottom, right, top = bounds
    cx, cy, w, h = (left + right) / 2, (bottom + top) / 2, (right - left) * side, (top - bottom) * side
    with fiona.open(path, "w", driver="GeoJSON", crs=crs, schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)), "properties": {}})
    return path


def timed(src: str, out: Path, **kw):
    start = time.perf_counter()
    result = detect(DetectOptions.from_flat(optical=src, output=out, **OPTIONS, **kw))
    return result, time.perf_counter() - start


def main() -> None:
    src = sys.argv[1]
    tmp = Path(tempfile.mkdtemp(prefix="bench-aoi-real-"))
    with rasterio.open(src) as ds:
        bounds, crs = ds.bounds, ds.crs.to_string()
    whole, whole_s = timed(src, tmp / "whole.gpkg")
    print(f"whole scene: {whole.chips + whole.chips_skipped} chips, {whole_s:.1f} s, {whole.count} landslides")
    for side in (0.5, 0.25, 0.125):
        aoi = square(tmp / f"aoi_{side}.geojson", bounds, crs, side)
        r, s = timed(src, tmp / f"out_{side}.gpkg", aoi=aoi)
        print(f"area {side * side:.4f} of the scene: {r.chips + r.chips_skipped} of {r.scene_chips} chips, "
              f"{s:.1f} s ({s / whole_s:.2f}x the whole scene), {r.count} landslides")


if __name__ == "__main__":
    main()
