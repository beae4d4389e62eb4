"""Do the pip wheels' compiled libraries work inside this (QGIS) process? Pure: never imports QGIS.

The QGIS programs on Linux (``qgis``, ``qgis_process``) link GDAL, GEOS and PROJ, so those libraries' symbols
sit in the process's global symbol scope, and QGIS 3.40's own ``qgis.core`` imports shapely at start-up. The
compiled modules of manylinux wheels (shapely, rasterio, fiona) bundle their own, newer copies, but the dynamic
linker resolves their symbols global-scope-first: they call QGIS's older libraries, and the newer bundled ones
only for symbols the old ones lack. Nothing crashes; results are silently wrong (measured with QGIS 3.40 on
Debian 12: shapely 2.2 returns geometries without coordinates, so ``rasterio.features.rasterize`` draws nothing
and detection finds no landslide; rasterio reports GDAL 3.6.2 instead of its own 3.10).

So the detection algorithm runs the pipeline in a separate, plain Python process (``worker.py``) whenever QGIS's
libraries are in the global scope (:func:`separate_process_needed`): Linux QGIS applications. On Windows and
macOS, and in a plain Python with PyQGIS imported as a module, each library keeps its own dependencies and the
pipeline runs in the QGIS process. :func:`check` says whether shapely and rasterio work in this process (shown by
the "Environment and GPU…" dialog).
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

#: a symbol each library exports, to see whether the library is in the global scope
SYMBOLS = {"GDAL": "GDALVersionInfo", "GEOS": "GEOSversion", "PROJ": "proj_info"}
#: ``LANDSLIDE_MAPPER_WORKER=process`` / ``=inline`` forces the choice of :func:`separate_process_needed`
WORKER_ENV = "LANDSLIDE_MAPPER_WORKER"


def libraries_in_global_scope() -> list[str]:
    """Which of GDAL, GEOS, PROJ have their symbols in this process's global scope (Linux only; else [])."""
    if not sys.platform.startswith("linux"):
        return []
    try:
        process = ctypes.CDLL(None)
    except OSError:  # pragma: no cover
        return []
    return [name for name, symbol in SYMBOLS.items() if hasattr(process, symbol)]


def separate_process_needed() -> bool:
    """Run the pipeline out of process? ``$LANDSLIDE_MAPPER_WORKER`` (``process`` / ``inline``) decides if set;
    else yes exactly when QGIS's GDAL or GEOS are in the global scope."""
    forced = os.environ.get(WORKER_ENV, "").strip().lower()
    if forced in ("process", "subprocess"):
        return True
    if forced in ("inline", "in-process"):
        return False
    return bool({"GDAL", "GEOS"} & set(libraries_in_global_scope()))


def _global_gdal_version() -> str | None:
    """The release of a GDAL in the global scope (QGIS's), without importing anything."""
    if "GDAL" not in libraries_in_global_scope():
        return None
    fn = ctypes.CDLL(None).GDALVersionInfo
    fn.restype = ctypes.c_char_p
    fn.argtypes = [ctypes.c_char_p]
    value = fn(b"RELEASE_NAME")
    return value.decode() if value else None


def _bundles_gdal(module) -> bool:
    """Whether a package (wheel) ships its own libgdal (``<pkg>.libs/libgdal-*.so*``, or inside the package)."""
    root = Path(module.__file__).resolve().parent
    for folder in (root.parent / f"{root.name}.libs", root / ".libs", root):
        if folder.is_dir() and any(folder.glob("libgdal*.so*")):
            return True
    return False


def check() -> dict:
    """Whether shapely and rasterio work correctly in this process: ``{"shapely": bool | None, "rasterio":
    bool | None, "details": {...}}`` (None: not installed). Imports them."""
    out: dict = {"shapely": None, "rasterio": None, "details": {}}
    try:
        from shapely.geometry import box, mapping

        coords = mapping(box(0, 0, 1, 1))["coordinates"]
        out["shapely"] = bool(coords and len(coords[0]) == 5)
        out["details"]["shapely"] = "geometries correct" if out["shapely"] else f"box coordinates: {coords!r}"
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001
        out["shapely"] = False
        out["details"]["shapely"] = f"{type(exc).__name__}: {exc}"
    try:
        import rasterio

        runtime = str(rasterio.__gdal_version__)
        qgis_gdal = _global_gdal_version()
        bundled = _bundles_gdal(rasterio)
        # a wheel with its own GDAL that reports the GDAL of the QGIS process is bound to the wrong library
        out["rasterio"] = not (bundled and qgis_gdal is not None and runtime == qgis_gdal)
        out["details"]["rasterio"] = (f"runtime GDAL {runtime}" + (" (bundled with the wheel)" if bundled else "")
                                      + (f"; QGIS's GDAL {qgis_gdal}" if qgis_gdal else ""))
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001
        out["rasterio"] = False
        out["details"]["rasterio"] = f"{type(exc).__name__}: {exc}"
    return out
