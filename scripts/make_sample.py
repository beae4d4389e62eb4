"""Cut the bundled real sample (data/hokkaido-iburi-sample/) from ../shared/datasets/hokkaido-iburi.

The sample is the part of the 2018 Hokkaido Eastern Iburi earthquake scene with the densest landslide scars
(post-event Sentinel-2 B4, B3, B2, uint16, EPSG:4326, ~10 m) and the matching part of the 30 m DSM, windows
copied unchanged (same CRS, pixel grid, dtype, nodata). MIT licence; the licence text is copied beside it.

    .venv/bin/python scripts/make_sample.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import rasterio
from rasterio.windows import Window, from_bounds

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "datasets" / "hokkaido-iburi"
OUT = ROOT / "data" / "hokkaido-iburi-sample"
WINDOW = Window(col_off=250, row_off=200, width=650, height=450)  # in the post-event image's pixels


def copy_window(src_path: Path, dst_path: Path, window: Window) -> None:
    with rasterio.open(src_path) as src:
        window = window.round_offsets().round_lengths()
        profile = src.profile
        profile.update(width=int(window.width), height=int(window.height),
                       transform=rasterio.windows.transform(window, src.transform), compress="deflate",
                       predictor=2, tiled=False)
        profile.pop("blockxsize", None)
        profile.pop("blockysize", None)
        with rasterio.open(dst_path, "w", **profile) as dst:
            dst.write(src.read(window=window))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for band in ("B4", "B3", "B2"):
        copy_window(SRC / "post-event" / f"download.{band}.tif", OUT / f"post_{band}.tif", WINDOW)
    with rasterio.open(OUT / "post_B4.tif") as opt:
        bounds = opt.bounds
    with rasterio.open(SRC / "dem" / "download.DSM.tif") as dem:
        w = from_bounds(*bounds, transform=dem.transform)
        w = Window(int(w.col_off) - 2, int(w.row_off) - 2, int(w.width) + 5, int(w.height) + 5)
    copy_window(SRC / "dem" / "download.DSM.tif", OUT / "dsm.tif", w)
    shutil.copy(SRC / "LICENSE", OUT / "LICENSE")
    print(f"sample written to {OUT}")


if __name__ == "__main__":
    main()
