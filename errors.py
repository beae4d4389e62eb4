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
