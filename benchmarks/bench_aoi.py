"""Does the work scale with the area of interest, not the scene? (issue 17)

A generated 8192 x 8192 px scene (3-band uint8, tiled DEFLATE GeoTIFF in UTM at 2 m, with a smooth red pattern so
about a third of the pixels are "landslides" and vectorising has real work) and the red-band oracle model (tile
512, overlap 64: the pipeline's own cost dominates, the model is nearly free). One whole-scene run, then areas of
interest of 1/64, 1/16 and 1/4 of the scene, placed in the middle and at the bottom-right corner (all the rows of
nodata above an area still go through the blender), each in the same process, one after the other. Printed per run:
chips read, seconds, and seconds / whole-scene seconds against chips / whole-scene chips.

    .venv/bin/python benchmarks/bench_aoi.py [--size 8192] [--folder DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import fiona
import numpy as np
import rasterio
from affine import Affine
from shapely.geometry import box, mapping

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import synthetic  # noqa: E402

from landslide_mapper.detection.options import DetectOptions  # noqa: E402
from landslide_mapper.detection.pipeline import detect  # noqa: E402
from landslide_mapper.model.checkpoint import save_checkpoint  # noqa: E402
from landslide_mapper.model.export import export_onnx  # noqa: E402
from landslide_mapper.model.registry import build_model  # noqa: E402


def make_scene(path: Path, size: int) -> Affine:
    transform = Affine(2.0, 0, synthetic.ORIGIN[0], 0, -2.0, synthetic.ORIGIN[1])
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=3, dtype="uint8",
                       crs=synthetic.UTM, transform=transform, tiled=True, blockxsize=256, blockysize=256,
                       compress="deflate") as dst:
        for r0 in range(0, size, 1024):
            rows = min(1024, size - r0)
            yy, xx = np.mgrid[r0:r0 + rows, 0:size].astype(np.float32)
            red = 128 + 110 * np.sin(xx / 45.0) * np.sin(yy / 63.0)
            band = np.clip(red, 0, 255).astype(np.uint8)
            dst.write(np.stack([band, np.full_like(band, 90), np.full_like(band, 80)]),
                      window=rasterio.windows.Window(0, r0, size, rows))
    return transform


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=8192)
    ap.add_argument("--folder")
    args = ap.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-aoi-"))
    folder.mkdir(parents=True, exist_ok=True)
    card = synthetic.oracle_card(tile=512, overlap=64, rgb_only=True)
    model = build_model(card.config).eval()
    save_checkpoint(folder / "oracle.safetensors", model, card)
    onnx = export_onnx(model, card, folder / "oracle.onnx")
    scene = folder / "scene.tif"
    size = args.size
    transform = make_scene(scene, size)
    x0, y0 = transform.c, transform.f
    full = 2.0 * size

    def run(name: str, aoi: Path | None):
        t = time.perf_counter()
        r = detect(DetectOptions.from_flat(optical=scene, output=folder / f"{name}.gpkg", model=onnx,
                                           probability=folder / f"{name}.tif", aoi=aoi, min_area=0.0, simplify=0.0))
        return r, time.perf_counter() - t

    whole, whole_s = run("whole", None)
    n_whole = whole.chips + whole.chips_skipped
    print(f"# .venv/bin/python benchmarks/bench_aoi.py --size {size}")
    print(f"scene {size} x {size} px, {n_whole} chips of 512 px (overlap 64), red-band oracle on ONNX Runtime")
    print("| area of interest | chips | chips / whole | seconds | seconds / whole | landslides |")
    print("|---|---|---|---|---|---|")
    print(f"| whole scene | {n_whole} | 1.000 | {whole_s:.1f} | 1.000 | {whole.count} |")
    for share in (64, 16, 4):
        side = full / np.sqrt(share)
        for where, (cx, cy) in (("middle", (x0 + full / 2, y0 - full / 2)),
                                ("bottom-right", (x0 + full - side / 2, y0 - full + side / 2))):
            area = box(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
            path = folder / f"aoi_{share}_{where}.gpkg"
            with fiona.open(path, "w", driver="GPKG", crs="EPSG:32633",
                            schema={"geometry": "Polygon", "properties": {}}) as dst:
                dst.write({"geometry": mapping(area), "properties": {}})
            r, s = run(f"aoi_{share}_{where}", path)
            n = r.chips + r.chips_skipped
            print(f"| 1/{share} ({where}) | {n} | {n / n_whole:.3f} | {s:.1f} | {s / whole_s:.3f} | {r.count} |")


if __name__ == "__main__":
    main()
