"""Satellite products as delivered: a Level-1A scene (GF-1/1B/1C/1D, GF-2, GF-6 PMS, GF-7, or any image with RPCs)
orthorectified with the user's DEM and pansharpened on the fly, read in place.

A GF product is a ``.tar.gz`` (or its unpacked folder) holding a panchromatic image (``-PAN``, ``-PAN1``, ``-BWDPAN``)
and a multispectral one (``-MUX``, ``-MSS1``, ``-BWDMUX``; bands blue, green, red, NIR), each ``.tiff`` with an
``.rpb`` (its RPC camera model) and an ``.xml`` (metadata). Names checked against public code that reads real
products: ``GF6_PMS_E114.4_N27.6_20190123_L1A1119841901-PAN.tiff`` / ``-MUX.tiff`` (GF-6, and GF-1B/C/D as
``GF1D_PMS_..-MUX.tiff``), ``GF1_PMS1_..._L1A0000160810-MSS1.tiff`` / ``-PAN1.tiff`` (GF-1, GF-2 ``GF2_PMS1_..``),
``GF7_DLC_..-BWDMUX.tiff`` / ``-BWDPAN.tiff`` (GF-7 backward camera).

Nothing is unpacked and no scene-sized file is written: an archive is read through GDAL's ``/vsitar/``; each image is
orthorectified by a warped VRT whose RPC transformer takes the DEM (``RPC_DEM``), and the MUX bands are sharpened by
GDAL's pansharpening VRT (weighted Brovey) over those two. The VRTs (small XML files) live in a folder that the caller
owns for the run (:func:`opened`). The pipeline then reads the pansharpened VRT as it reads any optical raster, and
the same DEM feeds the model and the landslides' attributes: one DEM, used twice.

Pure module: the standard library, numpy and rasterio; never QGIS.
"""

from __future__ import annotations

import html
import math
import os
import re
import shutil
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.transform import RPCTransformer
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform as warp_transform
from rasterio.windows import Window

from ..errors import CancelledError, InputError, Message
from .leftovers import temp_file
from .options import PRODUCT_IMAGES, _number, check_choice
from .raster_io import utm_crs_for

# GDAL would write a ``.properties`` file (an index of the gzip stream) beside the user's archive on the first seek
# into it: nothing is written beside a user's product (the same speed without it, measured on the Jinsha product)
os.environ.setdefault("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO")

#: a GF Level-1 image file: satellite, camera, then the image's kind after the last '-' (the level is L1A, or L1L
#: for some GF-7 deliveries; GF-2 names may leave the place out: ``GF2_PMS1__L1A0000647768-MSS1.tif``)
GF_NAME = re.compile(r"^(?P<satellite>GF1[BCD]?|GF2|GF6|GF7)_(?P<camera>[A-Z]+\d?)_.*L1[A-Z]\w*-"
                     r"(?P<kind>BWDPAN|BWDMUX|FWDPAN|PAN\d?|MSS\d?|MUX)\.tiff?$", re.IGNORECASE)
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
#: the geoid lies at most this far from the WGS 84 ellipsoid (EGM2008: -106 m to +86 m)
GEOID_MAX_M = 107.0
#: a DEM missing over more than this share of the scene is refused
DEM_MISSING_LIMIT = 0.01
#: a pixel of the orthorectified scene: the product's ground sample distance rounded to this (m)
GSD_STEP = 0.1
#: the RPC transformer over a DEM is approximated to this many pixels (gdalwarp: exact, 0)
MAX_ERROR_DEM = "0"
#: the map-to-geographic step of the orthorectification (UTM to the RPCs' WGS 84) is interpolated between exact
#: points to within this much (GDAL's REPROJECTION_APPROX_ERROR_* transformer options), which leaves the RPCs and the
#: DEM exact: ~1 mm, far below a pixel, for half of the orthorectification's cost (85 -> 47 ms a 512 px PAN chip)
REPROJECTION_MAX_ERROR_DEG = "1e-8"
REPROJECTION_MAX_ERROR_M = "0.001"
#: the DEM is copied into WGS 84 for the RPC transformer only up to this many pixels (256 MB of float32)
GEOGRAPHIC_DEM_MAX_PX = 64 << 20
#: the orthorectifying VRTs get overviews (factors 2, 4, ...) down to about this many pixels on their long side
OVERVIEW_MIN_SIDE = 32


@dataclass(frozen=True)
class Product:
    """A Level-1A product found on disk: GDAL paths of its images (``/vsitar/`` inside an archive), and its name.
    ``satellite`` is empty for an image that is only known to carry RPCs."""

    name: str
    satellite: str
    pan: str | None
    mux: str | None

    @property
    def label(self) -> str:
        return f"{self.satellite} product {self.name}" if self.satellite else f"image {self.name}"


@dataclass
class Scene:
    """What :func:`build` made: the VRT to read (bands as the product's MUX: blue, green, red, NIR; or one PAN
    band), its pixel size, and the warnings a user must read."""

    path: str
    resolution: float
    bands: int
    warnings: list[str]


def _kind(name: str) -> str | None:
    m = GF_NAME.match(Path(name).name)
    if not m:
        return None
    return "PAN" if "PAN" in m.group("kind").upper() else "MUX"


def _is_archive(path: str) -> bool:
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def looks_like_product(path: str | Path) -> bool:
    """Whether ``path`` is meant as a product (an archive, a folder, a GF image file, or an image with RPCs and no
    map coordinates) rather than an orthorectified raster. Cheap: reads at most the file's header."""
    text = str(path)
    p = Path(text)
    if _is_archive(text) or p.is_dir() or _kind(p.name):
        return True
    try:
        with rasterio.open(text) as src:
            return src.crs is None and src.rpcs is not None
    except (rasterio.errors.RasterioIOError, OSError):
        return False


def _read_archive(path: Path) -> tuple[list[str], dict[str, str]]:
    """The archive's member names and the text of its small metadata files, in one streamed pass (nothing is
    written; a .tar.gz is decompressed once)."""
    names, texts = [], {}
    try:
        with tarfile.open(path, "r|*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                names.append(member.name)
                if member.name.lower().endswith(".xml") and member.size < 10 << 20:
                    fh = tar.extractfile(member)
                    texts[member.name] = fh.read().decode("utf-8", "replace") if fh else ""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(Message("cannot read the archive {name}: {exc}", name=path.name, exc=exc)) from exc
    return names, texts


def find_product(path: str | Path) -> Product:
    """The product at ``path``: a ``.tar.gz``/``.tgz``/``.tar`` archive, its unpacked folder, one of its image
    files (the other is looked for beside it), or any image with RPCs. Raises ``InputError`` with one sentence
    for what is missing or wrong."""
    p = Path(path)
    if not p.exists():
        raise InputError(Message("the product {p} does not exist", p=p))
    if _is_archive(str(p)):
        names, texts = _read_archive(p)
        prefix = f"/vsitar/{p.resolve()}/"
        name = re.sub(r"\.(tar\.gz|tgz|tar)$", "", p.name, flags=re.IGNORECASE)
    elif p.is_dir():
        names = sorted(str(f.relative_to(p)) for f in p.rglob("*") if f.is_file())
        texts = {}
        prefix = f"{p.resolve()}/"
        name = p.name
    else:
        kind = _kind(p.name)
        if kind is None:  # the generic path: one image with RPCs
            with rasterio.open(str(p)) as src:
                if src.rpcs is None:
                    raise InputError(Message("{name} has neither map coordinates nor an RPC camera model: it cannot "
                                             "be orthorectified", name=p.name))
            return Product(p.stem, "", str(p), None)
        names = sorted(f.name for f in p.parent.iterdir() if f.is_file())
        texts = {}
        prefix = f"{p.parent.resolve()}/"
        name = re.sub(r"-[A-Z]+\d?$", "", p.stem, flags=re.IGNORECASE)
        names = [n for n in names if n.startswith(name)]
    images: dict[str, list[str]] = {"PAN": [], "MUX": []}
    satellite = ""
    for n in names:
        kind = _kind(n)
        if kind:
            images[kind].append(n)
            satellite = GF_NAME.match(Path(n).name).group("satellite").upper()
    if not images["PAN"] and not images["MUX"]:
        raise InputError(Message("{name} is not a GF-1/GF-2/GF-6/GF-7 product: it holds no -PAN or -MUX/-MSS image "
                                 "(.tiff)", name=p.name))
    for kind, found in images.items():
        if len(found) > 1:
            raise InputError(Message("{name} holds {n_found} {kind} images ({name2}): give the one to use (its .tiff "
                                     "file)", name=p.name, n_found=len(found), kind=kind,
                                     name2=', '.join(Path(f).name for f in found)))
    for kind, found in images.items():
        if not found:
            continue
        stem = found[0].rsplit(".", 1)[0]
        if f"{stem}.rpb" not in names and f"{stem}.RPB" not in names and f"{stem}_rpc.txt" not in names:
            raise InputError(Message("the {kind} image {name} of {name2} has no .rpb file (its RPC camera model): it "
                                     "cannot be orthorectified. The product is incomplete; download it again",
                                     kind=kind, name=Path(found[0]).name, name2=p.name))
        xml_name = f"{stem}.xml"
        if xml_name in names:
            text = texts.get(xml_name)
            if text is None:
                text = Path(prefix + xml_name).read_text(encoding="utf-8", errors="replace")
            _check_metadata(text, Path(xml_name).name, satellite)
    return Product(name, satellite, prefix + images["PAN"][0] if images["PAN"] else None,
                   prefix + images["MUX"][0] if images["MUX"] else None)


def _check_metadata(text: str, name: str, satellite: str) -> None:
    """Refuses a metadata file that is not well-formed XML, or that names another satellite than the file names."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(Message("the product's metadata file {name} is damaged (not valid XML: {exc}); download the "
                                 "product again", name=name, exc=exc)) from exc
    said = (root.findtext("SatelliteID") or "").strip().upper()
    if said and satellite and said != satellite:
        raise InputError(Message("the metadata file {name} is for satellite {said}, but the file names say {satellite}",
                                 name=name, said=said, satellite=satellite))


# --- geometry ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """An image's camera, seen from the ground: its footprint (lon/lat ring at the mean height), its ground sample
    distance (m) and how far a metre of height moves it on the ground (the tangent of the off-nadir angle)."""

    footprint: list[tuple[float, float]]
    gsd: float
    tan_off_nadir: float
    height_off: float
    height_scale: float


def image_geometry(path: str) -> Geometry:
    with rasterio.open(path) as src:
        rpcs = src.rpcs
        if rpcs is None:
            raise InputError(Message("{name} has no RPC camera model (.rpb): it cannot be orthorectified",
                                     name=Path(path).name))
        width, height = src.width, src.height
    h0 = float(rpcs.height_off)
    with RPCTransformer(rpcs) as t:
        rows = [0, 0, height, height, height / 2, height / 2, height / 2 + 1, height / 2]
        cols = [0, width, width, 0, width / 2, width / 2 + 1, width / 2, width / 2]
        lons, lats = t.xy(rows, cols, zs=[h0] * len(rows), offset="ul")
        lon_up, lat_up = t.xy([height / 2], [width / 2], zs=[h0 + 100.0], offset="ul")
    crs = utm_crs_for(lons[4], lats[4])
    xs, ys = warp_transform("EPSG:4326", crs, list(lons) + list(lon_up), list(lats) + list(lat_up))
    gsd = math.sqrt(math.hypot(xs[5] - xs[4], ys[5] - ys[4]) * math.hypot(xs[6] - xs[4], ys[6] - ys[4]))
    tan = math.hypot(xs[8] - xs[4], ys[8] - ys[4]) / 100.0
    return Geometry(list(zip(lons[:4], lats[:4])), gsd, tan, h0, float(rpcs.height_scale))


def scene_grid(geometry: Geometry, resolution: float) -> tuple[CRS, Affine, int, int]:
    """The north-up grid of the orthorectified scene: the UTM zone of its centre, ``resolution`` m pixels snapped
    to whole multiples of it, covering the footprint (with a margin for relief displacement)."""
    lon = sum(p[0] for p in geometry.footprint) / 4
    lat = sum(p[1] for p in geometry.footprint) / 4
    crs = utm_crs_for(lon, lat)
    xs, ys = warp_transform("EPSG:4326", crs, [p[0] for p in geometry.footprint], [p[1] for p in geometry.footprint])
    margin = geometry.height_scale * geometry.tan_off_nadir
    left = math.floor((min(xs) - margin) / resolution) * resolution
    top = math.ceil((max(ys) + margin) / resolution) * resolution
    right = math.ceil((max(xs) + margin) / resolution) * resolution
    bottom = math.floor((min(ys) - margin) / resolution) * resolution
    return crs, Affine(resolution, 0.0, left, 0.0, -resolution, top), int(round((right - left) / resolution)), \
        int(round((top - bottom) / resolution))


# --- the VRTs ---------------------------------------------------------------------------------------------------


def _set(parent: ET.Element, tag: str, text: str) -> None:
    el = parent.find(tag)
    if el is None:
        el = ET.SubElement(parent, tag)
    el.text = text


def ortho_vrt(image: str, out: Path, crs: CRS, transform: Affine, width: int, height: int, dem: str | None,
              height_offset: float, resampling: Resampling = Resampling.cubic) -> None:
    """Write ``out``: a warped VRT that orthorectifies ``image`` through its RPCs onto the grid given, with the heights
    of ``dem`` (or the constant ``height_offset`` without one). GDAL makes the VRT (its RPC transformer,
    approximated to 1/8 pixel without a DEM, exact with one, as gdalwarp does; the map-to-geographic step within it
    interpolated to :data:`REPROJECTION_MAX_ERROR_M`); the grid and the DEM are then set
    in its XML, since rasterio passes warp options upper-cased, which would break a DEM's path."""
    with rasterio.open(image) as src:
        nodata = src.nodata if src.nodata is not None else 0
        with WarpedVRT(src, crs=crs, RPC_HEIGHT=height_offset, src_nodata=nodata, nodata=nodata,
                       resampling=resampling, REPROJECTION_APPROX_ERROR_IN_SRC_SRS_UNIT=REPROJECTION_MAX_ERROR_DEG,
                       REPROJECTION_APPROX_ERROR_IN_DST_SRS_UNIT=REPROJECTION_MAX_ERROR_M) as vrt:
            rasterio.shutil.copy(vrt, str(out), driver="VRT")
    tree = ET.parse(out)
    root = tree.getroot()
    root.set("rasterXSize", str(width))
    root.set("rasterYSize", str(height))
    gt = (transform.c, transform.a, transform.b, transform.f, transform.d, transform.e)
    _set(root, "GeoTransform", ", ".join(repr(float(v)) for v in gt))
    gen = root.find("GDALWarpOptions/Transformer/ApproxTransformer/BaseTransformer/GenImgProjTransformer")
    rpc = gen.find("SrcRPCTransformer/RPCTransformer") if gen is not None else None
    if gen is None or rpc is None:
        raise InputError(Message("GDAL made no RPC transformer for {name}: its RPCs cannot be used",
                                 name=Path(image).name))
    inv = ~transform
    _set(gen, "DstGeoTransform", ",".join(repr(float(v)) for v in gt))
    _set(gen, "DstInvGeoTransform", ",".join(repr(float(v)) for v in (inv.c, inv.a, inv.b, inv.f, inv.d, inv.e)))
    options = root.find("GDALWarpOptions")
    for opt in options.findall("Option"):
        if opt.get("name") == "RPC_HEIGHT":
            options.remove(opt)
    if dem is not None:
        # over a DEM the mapping from map to image follows every ridge and cliff, which a transformer interpolated
        # between samples misses (1 % of the pixels 10-30 m off over 1000 m of relief): exact, as gdalwarp does
        # with RPC_DEM
        approx = root.find("GDALWarpOptions/Transformer/ApproxTransformer")
        _set(approx, "MaxError", MAX_ERROR_DEM)
        _set(rpc, "HeightOffset", "0")
        _set(rpc, "DEMPath", dem)
        _set(rpc, "DEMInterpolation", "bilinear")
    # implicit overviews (warped at a coarser grid on demand): a picture of the whole scene (the DEM coverage check,
    # a thumbnail) costs a fraction of the scene, not a whole orthorectification; GDAL's pansharpening VRT makes
    # its own overviews from them
    factors, f = [], 2
    while max(width, height) / f >= OVERVIEW_MIN_SIDE:
        factors.append(str(f))
        f *= 2
    if factors:
        ET.SubElement(root, "OverviewList", resampling="nearest").text = " ".join(factors)
    tree.write(out, encoding="unicode")


def _bracketed(wkt: str, keyword: str) -> str | None:
    """The ``keyword[...]`` node of a WKT string (brackets matched), or None."""
    start = wkt.find(f"{keyword}[")
    if start < 0:
        return None
    depth = 0
    for i in range(start + len(keyword), len(wkt)):
        depth += {"[": 1, "]": -1}.get(wkt[i], 0)
        if depth == 0:
            return wkt[start: i + 1]
    return None


def geographic_dem(dem: str, out: Path, crs: CRS, transform: Affine, width: int, height: int) -> str:
    """The DEM as GDAL's RPC transformer reads it fastest: in geographic WGS 84 coordinates. The transformer looks a
    height up for every pixel it orthorectifies, and a DEM in a projected CRS costs a coordinate transformation for
    each lookup (detection on a product over Jinsha's UTM DEM: 5.5-6.4 s, with the DEM in WGS 84 3.8-4.0 s). ``out``:
    a GeoTIFF of the DEM warped (bilinear, at its own resolution) over the scene's grid (``crs``, ``transform``,
    ``width``, ``height``) only, its vertical datum kept (a compound CRS) so that the geoid is still taken into
    account; a DEM-sized file for the time of the run, at most :data:`GEOGRAPHIC_DEM_MAX_PX` pixels. The DEM itself
    when it is geographic already (SRTM, Copernicus and ASTER DEMs are delivered so), or when its copy over the scene
    would be larger than that (a 1 m lidar DEM over a whole GF-6 scene: read in its own CRS, slower)."""
    from rasterio.warp import calculate_default_transform, transform_bounds

    with rasterio.open(dem) as src:
        if src.crs is None or src.crs.is_geographic:
            return dem
        geographic = CRS.from_epsg(4326)
        vertical = _bracketed(src.crs.to_wkt(), "VERT_CS")
        if vertical:
            geographic = CRS.from_wkt(f'COMPD_CS["WGS 84 + {_vertical_datum(vertical) or "height"}",'
                                      f"{geographic.to_wkt()},{vertical}]")
        res = calculate_default_transform(src.crs, "EPSG:4326", src.width, src.height, *src.bounds)[0].a
        left, bottom, right, top = transform_bounds(crs, "EPSG:4326", transform.c, transform.f + height * transform.e,
                                                    transform.c + width * transform.a, transform.f, densify_pts=21)
        left, bottom = math.floor(left / res) * res - 4 * res, math.floor(bottom / res) * res - 4 * res
        right, top = math.ceil(right / res) * res + 4 * res, math.ceil(top / res) * res + 4 * res
        w, h = int(round((right - left) / res)), int(round((top - bottom) / res))
        if w * h > GEOGRAPHIC_DEM_MAX_PX:  # a DEM much finer than the scene needs: read in its own CRS (slower)
            return dem
        nodata = src.nodata if src.nodata is not None else -32768.0
        with WarpedVRT(src, crs=geographic, transform=Affine(res, 0.0, left, 0.0, -res, top), width=w, height=h,
                       resampling=Resampling.bilinear, src_nodata=nodata, nodata=nodata, dtype="float32") as vrt:
            rasterio.shutil.copy(vrt, str(out), driver="GTiff", tiled=True, blockxsize=256, blockysize=256,
                                 bigtiff="IF_SAFER")
    return str(out)


def pansharpen_vrt(pan_vrt: Path, mux_vrt: Path, out: Path, weights: tuple[float, ...], nodata: float) -> None:
    """Write ``out``: GDAL's pansharpening VRT (weighted Brovey) of the four MUX bands with the PAN band, on the PAN
    grid, bands in the MUX's order (blue, green, red, NIR)."""
    bands = "".join(f'<SpectralBand dstBand="{k}"><SourceFilename relativeToVRT="1">{html.escape(mux_vrt.name)}'
                    f"</SourceFilename><SourceBand>{k}</SourceBand></SpectralBand>" for k in range(1, 5))
    out.write_text(
        '<VRTDataset subClass="VRTPansharpenedDataset"><PansharpeningOptions>'
        "<Algorithm>WeightedBrovey</Algorithm>"
        f"<AlgorithmOptions><Weights>{','.join(f'{w:.6f}' for w in weights)}</Weights></AlgorithmOptions>"
        f"<Resampling>Cubic</Resampling><NumThreads>1</NumThreads><NoData>{nodata:g}</NoData>"
        "<SpatialExtentAdjustment>Intersection</SpatialExtentAdjustment>"
        f'<PanchroBand><SourceFilename relativeToVRT="1">{html.escape(pan_vrt.name)}</SourceFilename>'
        f"<SourceBand>1</SourceBand></PanchroBand>{bands}</PansharpeningOptions></VRTDataset>")


def brovey_weights(pan_on_mux: Path, mux_vrt: Path, samples: int = 16, side: int = 64) -> tuple[float, ...]:
    """Weights of the MUX bands that best make the PAN band (least squares on ``samples`` windows of the MUX grid
    spread over the scene; ``pan_on_mux``: the PAN orthorectified onto the MUX's grid, averaged over each MUX
    pixel), so the sharpened bands keep the MUX's radiometry; negative weights are dropped and the rest refitted.
    Equal weights when the scene gives too few valid pixels."""
    with rasterio.open(mux_vrt) as mux, rasterio.open(pan_on_mux) as pan:
        rows, cols = [], []
        for i in range(samples):
            r = int((i + 0.5) / samples * max(1, mux.height - side))
            c = int(((i + 0.5) * 0.6180339887) % 1.0 * max(1, mux.width - side))
            win = Window(c, r, min(side, mux.width), min(side, mux.height))
            m = mux.read(window=win).astype(np.float64)
            p = pan.read(1, window=win).astype(np.float64)
            ok = np.all(m != 0, axis=0) & (p != 0)
            rows.append(m[:, ok].T)
            cols.append(p[ok])
    a, b = np.concatenate(rows), np.concatenate(cols)
    if len(b) < 100:
        return (0.25, 0.25, 0.25, 0.25)
    use = np.ones(4, bool)
    w = np.zeros(4)
    for _ in range(4):
        w[:] = 0
        w[use] = np.linalg.lstsq(a[:, use], b, rcond=None)[0]
        if (w[use] >= 0).all():
            break
        use &= w > 0
    w = np.clip(w, 0, None)
    return tuple(float(v) for v in w) if w.sum() > 0 else (0.25, 0.25, 0.25, 0.25)


def _dem_missing(dem: str, geometry: Geometry) -> tuple[float, float]:
    """(share, km²) of the scene's footprint where ``dem`` has no valid height."""
    from rasterio.features import geometry_mask

    crs, transform, width, height = scene_grid(geometry, 1.0)
    f = max(width, height) / 256
    w, h = max(1, round(width / f)), max(1, round(height / f))
    t = transform @ Affine.scale(width / w, height / h)
    xs, ys = warp_transform("EPSG:4326", crs, [p[0] for p in geometry.footprint], [p[1] for p in geometry.footprint])
    ring = {"type": "Polygon", "coordinates": [list(zip(xs, ys)) + [(xs[0], ys[0])]]}
    inside = ~geometry_mask([ring], out_shape=(h, w), transform=t)
    with rasterio.open(dem) as src, WarpedVRT(src, crs=crs, transform=t, width=w, height=h,
                                              resampling=Resampling.nearest, src_nodata=src.nodata,
                                              nodata=np.nan, dtype="float32") as vrt:
        z = vrt.read(1)
    missing = inside & ~np.isfinite(z)
    share = float(missing.sum() / max(1, inside.sum()))
    return share, float(missing.sum() * abs(t.a * t.e) / 1e6)


def _vertical_datum(wkt: str) -> str | None:
    """The name of the vertical CRS in a CRS's WKT (1 or 2), or None when it has none."""
    m = re.search(r'(?:VERT_CS|VERTCRS|VERTICALCRS)\["([^"]+)"', wkt)
    return m.group(1) if m else None


def _datum_warning(dem: str, geometry: Geometry, log: Callable[[str], None] | None = None) -> str | None:
    """RPCs need heights above the WGS 84 ellipsoid. A DEM whose CRS names its vertical datum is converted to them
    by GDAL's RPC transformer (``RPC_DEM_APPLY_VDATUM_SHIFT``, on by default) through PROJ, provided PROJ has the
    geoid's grid: this checks that it has (the geoid's height at the scene's centre is not exactly 0). A DEM without
    a vertical datum is taken as ellipsoidal. Otherwise: a warning with how far off the image may be."""
    with rasterio.open(dem) as src:
        crs = src.crs
    shift = GEOID_MAX_M * geometry.tan_off_nadir
    angle = math.degrees(math.atan(geometry.tan_off_nadir))
    vertical = _vertical_datum(crs.to_wkt()) if crs else None
    if vertical:
        lon = sum(p[0] for p in geometry.footprint) / 4
        lat = sum(p[1] for p in geometry.footprint) / 4
        try:
            _, _, z = warp_transform(CRS.from_epsg(4979), crs, [lon], [lat], zs=[0.0])
            undulation = -float(z[0])
        except Exception:  # noqa: BLE001 - PROJ could not make the transformation at all
            undulation = 0.0
        if undulation != 0.0:
            if log:
                log(Message("DEM heights above {vertical} converted to ellipsoidal heights for the RPCs (the geoid "
                            "lies {undulation:+.1f} m from the ellipsoid at the scene's centre)", vertical=vertical,
                            undulation=undulation))
            return None
        return (Message("the DEM {name} gives heights above {vertical}, but the grid of that geoid is not installed "
                        "for PROJ here, so they cannot be converted to the ellipsoidal heights that the RPC camera "
                        "model needs: the image may be shifted by up to {shift:.0f} m at this scene's viewing angle "
                        "({angle:.1f} degrees off nadir; the geoid lies up to {geoid_max:.0f} m from the "
                        "ellipsoid). Install PROJ's geoid grids (e.g. proj-data), or give the DEM in ellipsoidal "
                        "heights", name=Path(dem).name, vertical=vertical, shift=shift, angle=angle,
                        geoid_max=GEOID_MAX_M))
    return (Message("the DEM {name} does not say which vertical datum its heights use: they are taken as heights "
                    "above the WGS 84 ellipsoid, as the RPC camera model needs. If they are above sea level (the "
                    "geoid: SRTM, Copernicus, ASTER), the image may be shifted by up to {shift:.0f} m at this scene's "
                    "viewing angle ({angle:.1f} degrees off nadir; the geoid lies up to {geoid_max:.0f} m from the "
                    "ellipsoid). Give the DEM a compound CRS with its vertical datum (e.g. EPSG:4326+3855 for EGM2008 "
                    "heights) to remove that shift", name=Path(dem).name, shift=shift, angle=angle,
                    geoid_max=GEOID_MAX_M))


def _found(product: str | Product) -> Product:
    """A product found on disk (an archive is streamed through once to list it: find it once per run)."""
    return product if isinstance(product, Product) else find_product(product)


def product_pixel_size(product: str | Product, image: str = "pansharpened") -> float:
    """The pixel size (m) the product (a path, or one :func:`find_product` found) is orthorectified at by default:
    the ground sample distance of the image read (the PAN's; the MUX's for ``mux``), rounded to :data:`GSD_STEP`."""
    product = _found(product)
    main = product.mux if image == "mux" or product.pan is None else product.pan
    if main is None:
        raise InputError(Message("the {label} has no image to read", label=product.label))
    return _rounded_gsd(image_geometry(main))


def _rounded_gsd(geometry: Geometry) -> float:
    """An image's ground sample distance rounded to :data:`GSD_STEP`: its scene's default pixel size."""
    return max(GSD_STEP, round(geometry.gsd / GSD_STEP) * GSD_STEP)


def build(product: Product, folder: Path, dem: str | None, image: str = "pansharpened",
          resolution: float | None = None, log: Callable[[str], None] | None = None) -> Scene:
    """Write the VRTs that orthorectify (and pansharpen) ``product`` into ``folder``; the VRT to read. ``image``: one
    of :data:`PRODUCT_IMAGES`. ``resolution``: the scene's pixel size (None: the PAN's ground sample distance, or
    the MUX's for ``mux``). Raises ``InputError`` for a product or DEM that cannot make the scene."""
    log = log or (lambda msg: None)
    check_choice(Message("product image"), image, PRODUCT_IMAGES)
    if resolution is not None:
        _number(Message("the pixel size (m)"), resolution, above=0.0)
    if image == "pansharpened" and (product.pan is None or product.mux is None):
        have, lacks = ("PAN", "MUX") if product.mux is None else ("MUX", "PAN")
        if product.satellite:
            raise InputError(Message("the {label} has a {have} image but no {lacks} image, so it cannot be "
                                     "pansharpened: choose the {have} image alone", label=product.label, have=have,
                                     lacks=lacks))
        image = "pan"  # a generic RPC image: itself
    if image == "mux" and product.mux is None:
        raise InputError(Message("the {label} has no MUX (multispectral) image", label=product.label))
    if image == "pan" and product.pan is None:
        raise InputError(Message("the {label} has no PAN (panchromatic) image", label=product.label))
    main = product.mux if image == "mux" else product.pan
    geometry = image_geometry(main)
    warnings: list[str] = []
    if dem is not None:
        if not Path(dem).exists() and not dem.startswith("/vsi"):
            raise InputError(Message("the DEM {name} does not exist ({dem})", name=Path(dem).name, dem=dem))
        share, km2 = _dem_missing(dem, geometry)
        if share > DEM_MISSING_LIMIT:
            raise InputError(Message("the DEM {name} does not cover the scene: {share:.0f} % of it ({km2:.2f} km²) "
                                     "has no height. Give a DEM that covers the whole {label}", name=Path(dem).name,
                                     share=100 * share, km2=km2, label=product.label))
        datum = _datum_warning(dem, geometry, log)
        if datum:
            warnings.append(datum)
    else:
        error = geometry.height_scale * geometry.tan_off_nadir
        warnings.append(Message("no DEM: the {label} is orthorectified at the RPCs' mean height ({height_off:.0f} m), "
                                "so ground higher or lower by up to the RPCs' height range (±{height_scale:.0f} m) is "
                                "misplaced by up to {error:.0f} m ({degrees:.1f} degrees off nadir). Give a DEM",
                                label=product.label, height_off=geometry.height_off,
                                height_scale=geometry.height_scale, error=error,
                                degrees=math.degrees(math.atan(geometry.tan_off_nadir))))
    res = resolution or _rounded_gsd(geometry)
    crs, transform, width, height = scene_grid(geometry, res)
    folder.mkdir(parents=True, exist_ok=True)
    main_vrt = folder / f"{image}_ortho.vrt"
    if dem is not None:
        rpc_dem = geographic_dem(dem, folder / "dem_wgs84.tif", crs, transform, width, height)
        log(Message("The DEM is read by the RPC camera model as it is") if rpc_dem == dem else
            Message("The DEM is read by the RPC camera model from a copy in WGS 84 over the scene (faster)"))
        dem = rpc_dem
    ortho_vrt(main, main_vrt, crs, transform, width, height, dem, geometry.height_off)
    with rasterio.open(main) as src:
        bands, nodata = src.count, src.nodata if src.nodata is not None else 0
    path = main_vrt
    if image == "pansharpened":
        mux_geometry = image_geometry(product.mux)
        factor = max(1, round(mux_geometry.gsd / res))  # the MUX at its own pixel size, on the scene's grid
        mux_vrt = folder / "mux_ortho.vrt"
        ortho_vrt(product.mux, mux_vrt, crs, transform @ Affine.scale(factor), -(-width // factor),
                  -(-height // factor), dem, mux_geometry.height_off)
        pan_on_mux = folder / "pan_on_mux_grid.vrt"  # for the weights: the PAN averaged over each MUX pixel
        ortho_vrt(main, pan_on_mux, crs, transform @ Affine.scale(factor), -(-width // factor), -(-height // factor),
                  dem, geometry.height_off, Resampling.average)
        weights = brovey_weights(pan_on_mux, mux_vrt)
        log(Message("Pansharpening weights (blue, green, red, NIR), fitted on the scene: {value}",
                    value=', '.join(f'{w:.3f}' for w in weights)))
        path = folder / "pansharpened.vrt"
        pansharpen_vrt(main_vrt, mux_vrt, path, weights, nodata)
        bands = 4
    log(Message("{label}: {image}, orthorectified {value} onto {width} x {height} px at {res:g} m in {crs}",
                label=product.label, image=image, value='with the DEM' if dem else 'at the mean height', width=width,
                height=height, res=res, crs=crs.to_string()))
    return Scene(str(path), res, bands, warnings)


@contextmanager
def opened(path: str | Product, dem: str | None, image: str = "pansharpened",
           log: Callable[[str], None] | None = None, resolution: float | None = None) -> Iterator[Scene]:
    """The scene of the product at ``path`` (or one :func:`find_product` found) for the time of a run: its VRTs in a
    temporary folder, removed after.
    ``resolution``: the run's processing pixel size, so the product is orthorectified straight onto the run's grid
    (one resampling, and no warp of a warp, which would recompute the orthorectification for every chip)."""
    folder = Path(tempfile.mkdtemp(prefix="landslide-mapper-product-"))
    try:
        yield build(_found(path), folder, dem, image, resolution, log=log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_scene(path: str, dem: str | None, output: str, image: str = "pansharpened",
                resolution: float | None = None, progress: Callable[[float, str], None] | None = None,
                log: Callable[[str], None] | None = None, is_cancelled: Callable[[], bool] | None = None,
                block: int = 1024) -> Scene:
    """Write the orthorectified (and pansharpened) scene of the product at ``path`` as a Cloud-Optimized GeoTIFF
    ``output`` (DEFLATE, tiled, with overviews). Block by block, with progress and cancel; the file appears only
    when complete (written beside it under a temporary name first); a cancelled run leaves nothing."""
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    out = Path(output)
    if out.suffix.lower() not in (".tif", ".tiff"):
        raise InputError(Message("the prepared scene is a GeoTIFF: give a .tif file name, not {name}", name=out.name))
    tmp, cog = temp_file(out), temp_file(out)  # run-tagged: a killed run's are removed by the next run there
    try:
        with opened(path, dem, image, log, resolution) as scene, rasterio.open(scene.path) as src:
            profile = {"driver": "GTiff", "width": src.width, "height": src.height, "count": src.count,
                       "dtype": src.dtypes[0], "crs": src.crs, "transform": src.transform, "nodata": src.nodata,
                       "tiled": True, "blockxsize": 512, "blockysize": 512, "compress": "deflate",
                       "predictor": 2, "BIGTIFF": "IF_SAFER"}
            windows = [Window(c, r, min(block, src.width - c), min(block, src.height - r))
                       for r in range(0, src.height, block) for c in range(0, src.width, block)]
            with rasterio.open(tmp, "w", **profile) as dst:
                for k, win in enumerate(windows):
                    if is_cancelled():
                        raise CancelledError(Message("cancelled: no scene was written"))
                    dst.write(src.read(window=win), window=win)
                    progress(0.9 * (k + 1) / len(windows), Message("block {k}/{n_windows}", k=k + 1,
                                                                   n_windows=len(windows)))
        progress(0.92, Message("overviews"))
        rasterio.shutil.copy(str(tmp), str(cog), driver="COG", compress="deflate", predictor="2",
                             overview_resampling="average", bigtiff="if_safer")
        if is_cancelled():
            raise CancelledError(Message("cancelled: no scene was written"))
        os.replace(cog, out)  # the scene appears whole, or not at all
        progress(1.0, Message("done"))
        return Scene(str(out), scene.resolution, scene.bands, scene.warnings)
    finally:
        for f in (tmp, cog):
            f.unlink(missing_ok=True)
