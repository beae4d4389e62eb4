"""User-facing errors shared by the core, the command line and the QGIS algorithms.

Every error a user can cause (bad input, bad model file, cancel) is a :class:`LandslideMapperError` whose
message is one sentence a geologist can act on. The CLI prints it as one line and exits non-zero; the QGIS
algorithms re-raise it as ``QgsProcessingException`` with the same text.
"""


class LandslideMapperError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(LandslideMapperError):
    """A raster, band list, layer or parameter that cannot be used."""


class ModelFileError(LandslideMapperError):
    """A model file that is missing, corrupt, unsafe (pickled code) or of an unknown architecture."""


class MissingDependencyError(LandslideMapperError):
    """An optional Python package (torch, onnxruntime, ...) is not installed."""


class CancelledError(LandslideMapperError):
    """The user cancelled the run; no output was written."""


def user_message(exc: BaseException) -> str | None:
    """One sentence for a failure that comes from the machine or a file rather than from this program: a full disk,
    a file or folder without permission, a damaged or truncated raster or vector file that GDAL cannot read; None
    for anything else (a bug: the caller shows its type and first line, the traceback goes to the debug log)."""
    if isinstance(exc, LandslideMapperError):
        return str(exc)
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    errno = getattr(exc, "errno", None)
    if errno == 28 or "no space left" in text.lower() or "disk is full" in text.lower():
        return "no space left on the disk: nothing was written; free some space and run again"
    if errno in (1, 13) or "permission denied" in text.lower():
        where = getattr(exc, "filename", None)
        return f"permission denied{f' on {where}' if where else ''}: nothing was written ({first})"
    module = type(exc).__module__ or ""
    if module.startswith(("rasterio", "fiona", "pyogrio")) or isinstance(exc, OSError):
        cause = exc.__cause__ or exc.__context__
        if "see previous exception" in first.lower() and cause is not None and str(cause).strip():
            first = str(cause).strip().splitlines()[0]  # rasterio's "Read failed": GDAL's message names the file
        return f"a file could not be read or written (damaged, truncated, or not a supported format): {first}"
    return None
