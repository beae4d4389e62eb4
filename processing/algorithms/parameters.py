"""Parameter helpers shared by the Processing algorithms: optional values (an empty field is None: "the model's
value" or "automatic" in the core's options), the enum choices built from the core's lists, and the messages that
point a user to the environment dialog. Imports nothing of the algorithms (no import circle)."""

from __future__ import annotations

import math

from qgis.core import QgsProcessingException

from ...detection.options import DEVICES, ENGINES, PRODUCT_IMAGES, TTA_MODES
from ...environment.dependencies import MODULES, SET_LABELS, set_needing
from .qgis_compat import tr, tr_noop

DOCTOR = tr_noop("Raster > Landslide Mapper > Environment and GPU…")  # translated where shown

#: the enum labels of the core's choices (detection/options.py: ENGINES, DEVICES, TTA_MODES), by value
ENGINE_LABELS = {"auto": "Auto (ONNX Runtime for .onnx, PyTorch for checkpoints)", "torch": "PyTorch",
                 "onnx": "ONNX Runtime"}
DEVICE_LABELS = {"auto": "Auto (CUDA GPU when present)", "cpu": "CPU", "cuda": "CUDA GPU"}
TTA_LABELS = {"none": "None (each tile once)", "flips": "Flips: average of 4 mirror images (4x the inference)",
              "d4": "All 8 rotations and mirrors (8x the inference)"}
PRODUCT_IMAGE_LABELS = {"pansharpened": "Pansharpened: MUX colours at the PAN's resolution (2 m for GF-6)",
                        "mux": "MUX alone (multispectral, 8 m for GF-6)", "pan": "PAN alone (panchromatic, grey)"}
#: the file picker of a satellite product as delivered
PRODUCT_FILTER = tr_noop("GF Level-1A products (*.tar.gz *.tgz *.tar *.tiff *.tif);;All files (*.*)")


def choices(values: tuple[str, ...], labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """``(label, value)`` for each of the core's ``values``, in its order (the enum's index is the position). A
    value without a label is an error here, so a new core choice cannot silently miss from the dialog."""
    missing = [v for v in values if v not in labels]
    if missing:
        raise KeyError(f"no label for the choice(s) {', '.join(missing)}")
    return tuple((labels[v], v) for v in values)


def is_unset(value) -> bool:
    """An optional parameter left empty (None, '', QVariant NULL)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value.isNull())
    except AttributeError:
        return False


def _checked_number(alg, parameters, name) -> None:
    """A value given as text must be a number: ``THRESHOLD=abc`` is an error, never silently the default (0)."""
    value = parameters.get(name)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            definition = alg.parameterDefinition(name)
            label = definition.description() if definition is not None else name
            raise QgsProcessingException(tr("'{label}' must be a number, got '{value}'.").format(label=label,
                                                                                             value=value))


def optional_int(alg, parameters, name, context) -> int | None:
    """An optional integer parameter: None when left empty."""
    if is_unset(parameters.get(name)):
        return None
    _checked_number(alg, parameters, name)
    return alg.parameterAsInt(parameters, name, context)


def optional_double(alg, parameters, name, context) -> float | None:
    """An optional number parameter: None when left empty."""
    if is_unset(parameters.get(name)):
        return None
    _checked_number(alg, parameters, name)
    return alg.parameterAsDouble(parameters, name, context)


def missing_message(exc: BaseException) -> str:
    """The message for a missing or broken package, naming the install set that brings it."""
    missing = getattr(exc, "name", None) or str(exc)
    top = str(missing).split(".")[0]
    package_set = SET_LABELS[set_needing(top)] if top in MODULES else SET_LABELS["detection"]
    return tr(
        "A Python package Landslide Mapper needs is missing or broken ({missing}). Open {doctor}, choose the set "
        "'{set}' and click 'Install missing packages' (or 'Repair'), then run the algorithm again."
    ).format(missing=missing, doctor=tr(DOCTOR), set=tr(package_set))


def engine_choices() -> tuple[tuple[str, str], ...]:
    return choices(ENGINES, ENGINE_LABELS)


def device_choices() -> tuple[tuple[str, str], ...]:
    return choices(DEVICES, DEVICE_LABELS)


def product_image_choices() -> tuple[tuple[str, str], ...]:
    return choices(PRODUCT_IMAGES, PRODUCT_IMAGE_LABELS)


def tta_choices() -> tuple[tuple[str, str], ...]:
    return choices(TTA_MODES, TTA_LABELS)
