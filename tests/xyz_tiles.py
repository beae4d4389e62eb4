"""A real XYZ tile service for tests, without a network: tiles rendered from the bundled Hokkaido sample and served
by a small HTTP server on 127.0.0.1 (a thread of the test process)."""

from __future__ import annotations

import functools
import http.server
import math
import threading
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.warp import reproject, transform_bounds

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "hokkaido-iburi-sample"
WEB_MERCATOR = CRS.from_epsg(3857)
HALF = 20037508.342789244  # half the Web Mercator world, m
TILE = 256


def _tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2 ** zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def sample_rgb() -> tuple[np.ndarray, Affine, CRS]:
    """The sample's post-event R, G, B (Sentinel-2 B4, B3, B2) stretched to 8 bits (2-98 % per band)."""
    planes = []
    for band in ("B4", "B3", "B2"):
        with rasterio.open(SAMPLE / f"post_{band}.tif") as src:
            data = src.read(1).astype(np.float32)
            transform, crs = src.transform, src.crs
        lo, hi = np.percentile(data[data > 0], (2, 98))
        planes.append(np.clip((data - lo) / (hi - lo) * 254 + 1, 1, 255).astype(np.uint8))
    return np.stack(planes), transform, crs


def make_tiles(folder: Path, zoom: int = 14) -> Path:
    """Render the sample into ``folder/{z}/{x}/{y}.png`` (RGBA, transparent outside the image) at ``zoom``; returns
    the mosaic of exactly those tiles as a GeoTIFF in EPSG:3857 (``folder/mosaic.tif``), the file-based twin."""
    folder.mkdir(parents=True, exist_ok=True)
    rgb, transform, crs = sample_rgb()
    h, w = rgb.shape[1:]
    west, south, east, north = transform_bounds(crs, "EPSG:4326", *rasterio.transform.array_bounds(h, w, transform))
    x0, y0 = _tile_of(west, north, zoom)
    x1, y1 = _tile_of(east, south, zoom)
    size = 2 * HALF / 2 ** zoom  # one tile, m
    dst_transform = Affine(size / TILE, 0, -HALF + x0 * size, 0, -size / TILE, HALF - y0 * size)
    out = np.zeros((4, (y1 - y0 + 1) * TILE, (x1 - x0 + 1) * TILE), np.uint8)
    reproject(rgb, out[:3], src_transform=transform, src_crs=crs, src_nodata=0, dst_transform=dst_transform,
              dst_crs=WEB_MERCATOR, dst_nodata=0, resampling=Resampling.bilinear)
    out[3] = np.where(out[:3].any(axis=0), 255, 0)
    mosaic = folder / "mosaic.tif"
    with rasterio.open(mosaic, "w", driver="GTiff", width=out.shape[2], height=out.shape[1], count=4, dtype="uint8",
                       crs=WEB_MERCATOR, transform=dst_transform) as dst:
        dst.write(out)
    for ty in range(y1 - y0 + 1):
        for tx in range(x1 - x0 + 1):
            path = folder / str(zoom) / str(x0 + tx) / f"{y0 + ty}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            with rasterio.open(path, "w", driver="PNG", width=TILE, height=TILE, count=4, dtype="uint8") as dst:
                dst.write(out[:, ty * TILE:(ty + 1) * TILE, tx * TILE:(tx + 1) * TILE])
    return mosaic


class TileServer:
    """``with TileServer(folder) as url:`` serves ``folder`` on 127.0.0.1 (a free port) in a thread; ``url`` is the
    XYZ template; ``requests`` lists the paths asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.requests = Path(folder), []

    def __enter__(self) -> str:
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                requests.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(self.folder)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
