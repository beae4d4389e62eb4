"""A synthetic GF-6 PMS Level-1A product made from real data: the Jinsha A 0.5 m orthophoto and its DSM.

A known RPC camera (10 degrees off nadir, the image rows rotated 12 degrees from north, a height term) images the
orthophoto over the DSM set on a mountain slope, so that it spans more than 1000 m of height. For each Level-1A
pixel, the ground point it sees is found by iterating the camera and the DSM (the line of sight meets the terrain);
the PAN (2 m) and MUX (8 m) values are read there from the orthophoto averaged to the pixel's size. The files carry
GF-6 names (``-PAN.tiff``, ``-MUX.tiff``, each with its ``.rpb`` and ``.xml``) and are packed as ``.tar.gz`` like a
delivered product.

The truth is known: the DSM used (written beside the product), the orthophoto, and per PAN pixel the ground point it
sees (:func:`make_product` can also write a ``-PAN.tiff`` whose two bands are that point's easting and northing, the
geolocation check). Run as a script to write a product into a folder: ``python tests/data/gf_product.py OUT``.
"""

from __future__ import annotations

import math
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.fill import fillnodata
from rasterio.rpc import RPC
from rasterio.warp import transform as warp_transform

SHARED = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "jinsha-rgbdem"
NAME = "GF6_PMS_E100.2_N26.5_20240705_L1A1420000001"
PAN_GSD = 2.0
MUX_FACTOR = 4
RELIEF_M = 1050.0
OFF_NADIR_DEG = 10.0
TRACK_DEG = 12.0
#: the direction (degrees from east, anticlockwise) in which a point's height moves it in the image
LOOK_DEG = 60.0
#: the synthetic PAN is this mix of the MUX bands (blue, green, red, NIR): the truth for pansharpening weights
PAN_MIX = (0.15, 0.3, 0.3, 0.25)


@dataclass
class Truth:
    dem: Path                 # the relief-stretched DSM (the user's DEM of the test), heights used as ellipsoidal
    ortho: np.ndarray         # [4, h, w] float32 B, G, R, NIR at 2 m on ``grid_transform`` (0 outside the data)
    grid_transform: Affine    # 2 m grid in EPSG:32647
    crs: str
    rpc_pan: RPC
    rpc_mux: RPC
    tan_off_nadir: float
    relief: float             # the DEM's height range over the orthophoto's data (m)


def _bilinear(img: np.ndarray, transform: Affine, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample ``img`` [..., h, w] at map coordinates (bilinear); NaN outside."""
    col, row = ~transform * (x, y)
    col, row = col - 0.5, row - 0.5
    h, w = img.shape[-2:]
    inside = (col >= 0) & (row >= 0) & (col <= w - 1) & (row <= h - 1)
    c0 = np.clip(np.floor(col), 0, w - 2).astype(int)
    r0 = np.clip(np.floor(row), 0, h - 2).astype(int)
    fc, fr = np.clip(col - c0, 0, 1), np.clip(row - r0, 0, 1)
    out = (img[..., r0, c0] * (1 - fc) * (1 - fr) + img[..., r0, c0 + 1] * fc * (1 - fr)
           + img[..., r0 + 1, c0] * (1 - fc) * fr + img[..., r0 + 1, c0 + 1] * fc * fr)
    return np.where(inside, out, np.nan)


def _block_mean(a: np.ndarray, f: int) -> np.ndarray:
    h, w = a.shape[-2] // f * f, a.shape[-1] // f * f
    a = a[..., :h, :w]
    return a.reshape(*a.shape[:-2], h // f, f, w // f, f).mean(axis=(-3, -1))


class Camera:
    """A pushbroom-like affine camera: ground (E, N, h) in UTM 47N -> (col, row) of a Level-1A image of pixel size
    ``gsd``; a point ``dh`` above the reference height appears ``dh * tan(off-nadir)`` further along ``look``."""

    def __init__(self, centre: tuple[float, float], h0: float, gsd: float, size: tuple[int, int]) -> None:
        self.e0, self.n0 = centre
        self.h0, self.gsd = h0, gsd
        self.width, self.height = size
        a = math.radians(TRACK_DEG)
        self.rot = np.array([[math.cos(a), math.sin(a)], [math.sin(a), -math.cos(a)]])  # (e, n) -> (col, row)
        self.tan = math.tan(math.radians(OFF_NADIR_DEG))
        self.look = np.array([math.cos(math.radians(LOOK_DEG)), math.sin(math.radians(LOOK_DEG))])

    def project(self, e, n, h):
        de = e - self.e0 + self.tan * (h - self.h0) * self.look[0]
        dn = n - self.n0 + self.tan * (h - self.h0) * self.look[1]
        col = (self.rot[0, 0] * de + self.rot[0, 1] * dn) / self.gsd + self.width / 2.0
        row = (self.rot[1, 0] * de + self.rot[1, 1] * dn) / self.gsd + self.height / 2.0
        return col, row

    def ground(self, col, row, h):
        """(e, n) seen at pixel centre coordinates (col, row) at height ``h``."""
        v = np.stack([(col - self.width / 2.0) * self.gsd, (row - self.height / 2.0) * self.gsd])
        inv = np.linalg.inv(self.rot)
        de = inv[0, 0] * v[0] + inv[0, 1] * v[1]
        dn = inv[1, 0] * v[0] + inv[1, 1] * v[1]
        return (self.e0 + de - self.tan * (h - self.h0) * self.look[0],
                self.n0 + dn - self.tan * (h - self.h0) * self.look[1])

    def rpc(self, crs: str) -> RPC:
        """The camera as RPC00B coefficients in longitude, latitude and height: linear numerators (the camera is
        affine in UTM metres, and over a few km UTM is affine in degrees to well under a millimetre), denominators
        1."""
        lon0, lat0 = (v[0] for v in warp_transform(crs, "EPSG:4326", [self.e0], [self.n0]))
        d = 1e-4  # metres per degree: the local Jacobian of (lon, lat) -> (E, N)
        xs, ys = warp_transform("EPSG:4326", crs, [lon0 + d, lon0], [lat0, lat0 + d])
        e_l, e_p = (xs[0] - self.e0) / d, (xs[1] - self.e0) / d
        n_l, n_p = (ys[0] - self.n0) / d, (ys[1] - self.n0) / d

        def coeffs(which: int) -> tuple[float, float, float, float]:
            # col or row = c0 + cl * dlon + cp * dlat + ch * (h - h0)
            r = self.rot[which]
            cl = (r[0] * e_l + r[1] * n_l) / self.gsd
            cp = (r[0] * e_p + r[1] * n_p) / self.gsd
            ch = self.tan * (r[0] * self.look[0] + r[1] * self.look[1]) / self.gsd
            # RPC image coordinates count from the centre of the first pixel, ours from its corner
            c0 = (self.width if which == 0 else self.height) / 2.0 - 0.5
            return c0, cl, cp, ch

        ls, ps, hs = 0.05, 0.05, 1000.0
        line_off, samp_off = self.height / 2.0, self.width / 2.0
        line_scale, samp_scale = self.height / 2.0, self.width / 2.0

        def numerator(which: int, off: float, scale: float) -> list[float]:
            c0, cl, cp, ch = coeffs(which)
            num = [0.0] * 20
            num[0] = (c0 - off) / scale
            num[1] = cl * ls / scale
            num[2] = cp * ps / scale
            num[3] = ch * hs / scale
            return num

        den = [1.0] + [0.0] * 19
        return RPC(height_off=self.h0, height_scale=hs, lat_off=lat0, lat_scale=ps, long_off=lon0, long_scale=ls,
                   line_off=line_off, line_scale=line_scale, samp_off=samp_off, samp_scale=samp_scale,
                   line_num_coeff=numerator(1, line_off, line_scale), line_den_coeff=den,
                   samp_num_coeff=numerator(0, samp_off, samp_scale), samp_den_coeff=den, err_bias=1.0,
                   err_rand=0.0)


def rpb_text(rpc: RPC, band: str) -> str:
    """The RPC as a ``.rpb`` file, as GF products (and DigitalGlobe) deliver it."""
    def arr(values) -> str:
        return "(\n" + ",\n".join(f"\t\t\t{v:+.15E}" for v in values) + ");"

    return (f'satId = "GF6";\nbandId = "{band}";\nSpecId = "RPC00B";\nBEGIN_GROUP = IMAGE\n'
            f"\terrBias = {rpc.err_bias};\n\terrRand = {rpc.err_rand};\n"
            f"\tlineOffset = {rpc.line_off!r};\n\tsampOffset = {rpc.samp_off!r};\n"
            f"\tlatOffset = {rpc.lat_off!r};\n\tlongOffset = {rpc.long_off!r};\n\theightOffset = {rpc.height_off!r};\n"
            f"\tlineScale = {rpc.line_scale!r};\n\tsampScale = {rpc.samp_scale!r};\n"
            f"\tlatScale = {rpc.lat_scale!r};\n\tlongScale = {rpc.long_scale!r};\n"
            f"\theightScale = {rpc.height_scale!r};\n"
            f"\tlineNumCoef = {arr(rpc.line_num_coeff)}\n\tlineDenCoef = {arr(rpc.line_den_coeff)}\n"
            f"\tsampNumCoef = {arr(rpc.samp_num_coeff)}\n\tsampDenCoef = {arr(rpc.samp_den_coeff)}\n"
            "END_GROUP = IMAGE\nEND;\n")


def xml_text(sensor_file: str, width: int, height: int, bands: int, gsd: float) -> str:
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ProductMetaData>\n  <SatelliteID>GF6</SatelliteID>\n"
            "  <SensorID>PMS</SensorID>\n  <ReceiveTime>2024-07-05 03:21:10</ReceiveTime>\n"
            f"  <ProductLevel>LEVEL1A</ProductLevel>\n  <ImageGSD>{gsd:.6f}</ImageGSD>\n"
            f"  <WidthInPixels>{width}</WidthInPixels>\n  <HeightInPixels>{height}</HeightInPixels>\n"
            f"  <Bands>{bands}</Bands>\n  <ProductName>{sensor_file}</ProductName>\n</ProductMetaData>\n")


def _see(camera: Camera, dem: np.ndarray, dem_t: Affine, cols: np.ndarray, rows: np.ndarray):
    """The ground point (e, n, h) each pixel centre sees: the line of sight iterated against the DSM (damped)."""
    h = np.full(cols.shape, camera.h0, np.float64)
    for k in range(60):
        e, n = camera.ground(cols, rows, h)
        z = _bilinear(dem, dem_t, e, n)
        z = np.where(np.isnan(z), camera.h0, z)
        h = z if k < 5 else 0.5 * h + 0.5 * z
    e, n = camera.ground(cols, rows, h)
    return e, n, h


def visible(dem: Path | str, x: np.ndarray, y: np.ndarray, step: float = 1.0) -> np.ndarray:
    """Whether the camera sees the ground at map points (x, y): the line of sight from the terrain there towards
    the camera stays above the DEM. Hidden ground (behind a ridge or a cliff) is imaged nowhere, so no
    orthorectification can place it; a geolocation check leaves it out."""
    with rasterio.open(dem) as src:
        z, t = src.read(1).astype(np.float64), src.transform
    h = _bilinear(z, t, x, y)
    tan = math.tan(math.radians(OFF_NADIR_DEG))
    look = (math.cos(math.radians(LOOK_DEG)), math.sin(math.radians(LOOK_DEG)))
    seen = np.isfinite(h)
    top = float(np.nanmax(z))
    rise = 0.0
    while True:
        rise += step / tan  # one `step` metres along the ground at a time
        hh = h + rise
        if not np.any(seen & (hh < top)):
            return seen
        ground = _bilinear(z, t, x - tan * rise * look[0], y - tan * rise * look[1])
        seen &= ~(ground > hh + 1e-6)


def make_product(folder: str | Path, *, pack: bool = True, coordinates: bool = False, area: str = "A",
                 crop: int | None = None, mosaic: int = 1) -> tuple[Path, Truth]:
    """Write the product (``folder/NAME.tar.gz``, or the folder ``folder/NAME`` when ``pack`` is False) and the
    DEM (``folder/dem.tif``); returns (the product's path, the truth). ``coordinates``: the PAN image's two float32
    bands are the easting and northing each pixel sees, instead of radiance. ``crop``: use only the top-left
    ``crop`` x ``crop`` metres of the area (faster tests). ``mosaic``: the area and its DSM mirrored into
    ``mosaic`` x ``mosaic`` copies (a larger scene, each copy's edges meeting their mirror image, for benchmarks)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with rasterio.open(SHARED / f"area_{area}_rgb.tif") as src:
        rgb = src.read().astype(np.float32)
        t_rgb, crs = src.transform, src.crs.to_string()
    with rasterio.open(SHARED / f"area_{area}_dsm.tif") as src:
        z = src.read(1).astype(np.float64)
        t_dem = src.transform
        z[z == src.nodata] = np.nan
    if crop:
        n = int(crop / t_rgb.a)
        rgb = rgb[:, :n, :n]
        z = z[: int(crop / t_dem.a), : int(crop / t_dem.a)]
    if mosaic > 1:
        rgb = np.pad(rgb, ((0, 0), (0, (mosaic - 1) * rgb.shape[1]), (0, (mosaic - 1) * rgb.shape[2])), "symmetric")
        z = np.pad(z, ((0, (mosaic - 1) * z.shape[0]), (0, (mosaic - 1) * z.shape[1])), "symmetric")
    # the user's DEM: the DSM at 2 m (the mean of its valid cells), its gaps filled from their edges and its edge
    # heights carried out far enough to cover the whole Level-1A footprint
    fz = int(round(PAN_GSD / t_dem.a))
    h2, w2 = z.shape[0] // fz * fz, z.shape[1] // fz * fz
    blocks = z[:h2, :w2].reshape(h2 // fz, fz, w2 // fz, fz)
    count = np.isfinite(blocks).sum(axis=(1, 3))
    z = np.where(count > 0, np.nansum(blocks, axis=(1, 3)) / np.maximum(count, 1), np.nan)
    t_dem = t_dem * Affine.scale(fz)
    valid = np.isfinite(z)
    z = fillnodata(np.where(valid, z, 0.0), mask=valid.astype(np.uint8), max_search_distance=1000.0)
    # mountain relief: the real DSM on a slope rising along the camera's look direction, so that the scene spans
    # RELIEF_M of height with the DSM's own slopes and cliffs kept (stretching it instead makes cliffs the camera
    # cannot see)
    rows, cols = np.mgrid[0: z.shape[0], 0: z.shape[1]]
    look = math.radians(LOOK_DEG)
    along = cols * math.cos(look) - rows * math.sin(look)
    along = (along - along[valid].min()) / (along[valid].max() - along[valid].min())
    z = z + along * RELIEF_M
    relief = float(z[valid].max() - z[valid].min())
    pad = int(0.6 * max(z.shape))
    z = np.pad(z, pad, mode="edge")
    t_dem = t_dem * Affine.translation(-pad, -pad)
    dem_path = folder / "dem.tif"
    with rasterio.open(dem_path, "w", driver="GTiff", width=z.shape[1], height=z.shape[0], count=1,
                       dtype="float32", crs=crs, transform=t_dem, nodata=-9999.0, tiled=True,
                       compress="deflate") as dst:
        dst.write(z.astype(np.float32), 1)
    # the truth: B, G, R, NIR at 2 m (NIR made from green and red: vegetation bright, bare ground darker)
    f = int(round(PAN_GSD / t_rgb.a))
    r, g, b = _block_mean(rgb, f)
    nir = np.clip(1.4 * g - 0.5 * r + 20.0, 0, 255)
    ortho = np.stack([b, g, r, nir]).astype(np.float32)
    grid_t = t_rgb * Affine.scale(f)
    h_img, w_img = ortho.shape[1:]
    e0 = grid_t.c + w_img * PAN_GSD / 2.0
    n0 = grid_t.f - h_img * PAN_GSD / 2.0
    h0 = float(np.mean(z))
    side = int(math.ceil(max(w_img, h_img) * 1.45))
    pan_cam = Camera((e0, n0), h0, PAN_GSD, (side, side))
    mux_side = side // MUX_FACTOR
    mux_cam = Camera((e0, n0), h0, PAN_GSD * MUX_FACTOR, (mux_side, mux_side))
    dem_img = z

    def render(cam: Camera, image: np.ndarray, transform: Affine) -> tuple[np.ndarray, tuple]:
        rows, cols = np.mgrid[0: cam.height, 0: cam.width].astype(np.float64) + 0.5
        e, n, h = _see(cam, dem_img, t_dem, cols, rows)
        values = _bilinear(image, transform, e, n)
        return values, (e, n)

    pan_truth = np.tensordot(np.asarray(PAN_MIX, np.float32), ortho, axes=1)
    pan_vals, (pe, pn) = render(pan_cam, pan_truth[None], grid_t)
    mux_ortho = _block_mean(ortho, MUX_FACTOR)
    mux_vals, _ = render(mux_cam, mux_ortho, grid_t * Affine.scale(MUX_FACTOR))

    def dn(values: np.ndarray) -> np.ndarray:  # 16-bit digital numbers, 0 = no data (outside the orthophoto)
        return np.where(np.isnan(values), 0, np.round(values * 4.0 + 50.0)).astype(np.uint16)

    target = folder / NAME
    target.mkdir(exist_ok=True)
    files = []
    for kind, cam, data in (("PAN", pan_cam, pan_vals), ("MUX", mux_cam, mux_vals)):
        tif = target / f"{NAME}-{kind}.tiff"
        if kind == "PAN" and coordinates:
            arr = np.stack([np.where(np.isnan(pan_vals[0]), np.nan, pe), np.where(np.isnan(pan_vals[0]), np.nan, pn)])
            arr = arr.astype(np.float32)
            nodata = None
        else:
            arr = dn(data)
            nodata = None
        with rasterio.open(tif, "w", driver="GTiff", width=cam.width, height=cam.height, count=arr.shape[0],
                           dtype=arr.dtype, nodata=nodata, tiled=False) as dst:
            dst.write(arr)
        (target / f"{NAME}-{kind}.rpb").write_text(rpb_text(cam.rpc(crs), kind))
        (target / f"{NAME}-{kind}.xml").write_text(xml_text(f"{NAME}-{kind}", cam.width, cam.height,
                                                            arr.shape[0], cam.gsd))
        files += [tif, target / f"{NAME}-{kind}.rpb", target / f"{NAME}-{kind}.xml"]
    (target / f"{NAME}-PAN_thumb.jpg").write_bytes(b"\xff\xd8\xff\xd9")  # thumbnails come with every product
    files.append(target / f"{NAME}-PAN_thumb.jpg")
    truth = Truth(dem_path, ortho, grid_t, crs, pan_cam.rpc(crs), mux_cam.rpc(crs), pan_cam.tan, relief)
    if not pack:
        return target, truth
    archive = folder / f"{NAME}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in files:
            tar.add(path, arcname=path.name)
    for path in files:
        path.unlink()
    target.rmdir()
    return archive, truth


if __name__ == "__main__":
    path, _ = make_product(sys.argv[1] if len(sys.argv) > 1 else ".")
    print(path)
