"""Real-format benchmark scenes from the shared Hokkaido Iburi Sentinel-2 bands (issue 14).

The post-event B4, B3, B2 bands (uint16, EPSG:4326, ~10 m) are reprojected to UTM 54N (EPSG:32654) at 1 m,
bilinear, and the central part is written in the layouts real image files arrive in:

- ``tiled_deflate.tif``: 6000 x 6000 RGB uint8 (each band stretched between its 2nd and 98th percentiles), tiled
  256, pixel-interleaved, DEFLATE: the way most GIS tools save an RGB image;
- ``tiled_raw.tif``: the same, uncompressed;
- ``tiled_deflate_band.tif``: the same, band-interleaved DEFLATE;
- ``stripped_uint16.tif``: about 8k x 8k (8000 x 8000), 4 bands uint16 (blue, green, red and a stand-in for
  near-infrared, the mean of the three, all reflectance x 10000), stripped (not tiled), uncompressed: the layout
  many satellite products (GF-6 PMS among them) arrive in;
- ``vrt_bands.vrt``: a VRT stacking three single-band files (R, G, B), each like ``tiled_deflate.tif``.

The data stay under the licence of the source (MIT, see ../shared/datasets/hokkaido-iburi/LICENSE): generate them
into a scratch folder, never into the repository.

    .venv/bin/python benchmarks/make_real_scenes.py OUT_FOLDER
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.warp import calculate_default_transform, reproject

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "datasets" / "hokkaido-iburi" / "post-event"
CRS_UTM = CRS.from_epsg(32654)
RGB_SIZE = 6000
STRIPPED_SIZE = 8000
SCENES = ("tiled_deflate", "tiled_raw", "tiled_deflate_band", "stripped_uint16", "vrt_bands")
TILED = {"tiled": True, "blockxsize": 256, "blockysize": 256}


def scene_path(folder: Path, name: str) -> Path:
    return folder / (f"{name}.vrt" if name == "vrt_bands" else f"{name}.tif")


def _central_grid(size: int) -> tuple[Affine, int, int]:
    """The central ``size`` x ``size`` window of the bands' extent in UTM 54N at 1 m."""
    with rasterio.open(SOURCE / "download.B4.tif") as src:
        tr, w, h = calculate_default_transform(src.crs, CRS_UTM, src.width, src.height, *src.bounds, resolution=1.0)
    if size > min(w, h):
        raise SystemExit(f"the source covers {w} x {h} m only")
    col, row = (w - size) // 2, (h - size) // 2
    return tr * Affine.translation(col, row), size, size


def _warp(data: np.ndarray, src_path: Path, transform: Affine, size: int, nodata) -> np.ndarray:
    with rasterio.open(src_path) as src:
        out = np.zeros((size, size), data.dtype)
        reproject(data, out, src_transform=src.transform, src_crs=src.crs, dst_transform=transform,
                  dst_crs=CRS_UTM, resampling=Resampling.bilinear, src_nodata=nodata, dst_nodata=nodata)
    return out


def _stretched(band: str) -> np.ndarray:
    with rasterio.open(SOURCE / f"download.{band}.tif") as src:
        raw = src.read(1).astype(np.float64)
        valid = raw != src.nodata
    lo, hi = np.percentile(raw[valid], [2.0, 98.0])
    out = np.clip((raw - lo) / (hi - lo) * 255.0, 0, 255).round().astype(np.uint8)
    out[~valid] = 0
    return out


def _write(path: Path, data: np.ndarray, transform: Affine, **options) -> None:
    profile = {"driver": "GTiff", "width": data.shape[2], "height": data.shape[1], "count": data.shape[0],
               "dtype": data.dtype.name, "crs": CRS_UTM, "transform": transform, **options}
    tmp = path.with_name(f".{path.name}.part")
    with rasterio.open(tmp, "w", **profile) as dst:
        for r in range(0, data.shape[1], 1024):  # in strips: GDAL writes each block once
            dst.write(data[:, r:r + 1024], window=((r, min(r + 1024, data.shape[1])), (0, data.shape[2])))
    os.replace(tmp, path)


def _vrt(path: Path, parts: list[Path], transform: Affine, size: int) -> None:
    bands = []
    for i, p in enumerate(parts, start=1):
        bands.append(
            f'  <VRTRasterBand dataType="Byte" band="{i}">\n'
            f'    <SimpleSource>\n'
            f'      <SourceFilename relativeToVRT="1">{escape(p.name)}</SourceFilename>\n'
            f'      <SourceBand>1</SourceBand>\n'
            f'      <SourceProperties RasterXSize="{size}" RasterYSize="{size}" DataType="Byte" BlockXSize="256" '
            f'BlockYSize="256"/>\n'
            f'      <SrcRect xOff="0" yOff="0" xSize="{size}" ySize="{size}"/>\n'
            f'      <DstRect xOff="0" yOff="0" xSize="{size}" ySize="{size}"/>\n'
            f'    </SimpleSource>\n'
            f'  </VRTRasterBand>\n')
    gt = ", ".join(repr(v) for v in transform.to_gdal())
    path.write_text(f'<VRTDataset rasterXSize="{size}" rasterYSize="{size}">\n'
                    f'  <SRS>{escape(CRS_UTM.to_wkt())}</SRS>\n  <GeoTransform>{gt}</GeoTransform>\n'
                    + "".join(bands) + "</VRTDataset>\n")


def make_scenes(folder: Path, names: tuple[str, ...] = SCENES) -> dict[str, Path]:
    """Write the scenes that are missing from ``folder``; returns ``{name: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {n: scene_path(folder, n) for n in names}
    if any(not paths[n].exists() for n in names if n != "stripped_uint16"):
        tr, _, _ = _central_grid(RGB_SIZE)
        rgb = np.stack([_warp(_stretched(b), SOURCE / f"download.{b}.tif", tr, RGB_SIZE, 0)
                        for b in ("B4", "B3", "B2")])
        if "tiled_deflate" in names and not paths["tiled_deflate"].exists():
            _write(paths["tiled_deflate"], rgb, tr, **TILED, interleave="pixel", compress="deflate")
        if "tiled_raw" in names and not paths["tiled_raw"].exists():
            _write(paths["tiled_raw"], rgb, tr, **TILED, interleave="pixel")
        if "tiled_deflate_band" in names and not paths["tiled_deflate_band"].exists():
            _write(paths["tiled_deflate_band"], rgb, tr, **TILED, interleave="band", compress="deflate")
        if "vrt_bands" in names and not paths["vrt_bands"].exists():
            parts = [folder / f"vrt_band_{b}.tif" for b in ("B4", "B3", "B2")]
            for part, plane in zip(parts, rgb):
                _write(part, plane[None], tr, **TILED, compress="deflate")
            _vrt(paths["vrt_bands"], parts, tr, RGB_SIZE)
        del rgb
    if "stripped_uint16" in names and not paths["stripped_uint16"].exists():
        tr, _, _ = _central_grid(STRIPPED_SIZE)
        planes = []
        for b in ("B2", "B3", "B4"):
            with rasterio.open(SOURCE / f"download.{b}.tif") as src:
                planes.append(_warp(src.read(1), SOURCE / f"download.{b}.tif", tr, STRIPPED_SIZE, 0))
        nir = (np.stack(planes).astype(np.uint32).sum(axis=0) // 3).astype(np.uint16)
        _write(paths["stripped_uint16"], np.stack(planes + [nir]), tr, tiled=False, nodata=0)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--scenes", nargs="*", default=list(SCENES), choices=SCENES)
    args = ap.parse_args()
    for name, path in make_scenes(Path(args.folder), tuple(args.scenes)).items():
        with rasterio.open(path) as src:
            print(f"{name}: {path} {src.width} x {src.height}, {src.count} x {src.dtypes[0]}, blocks "
                  f"{src.block_shapes[0]}, {src.compression}, {src.interleaving}, "
                  f"{path.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
