"""Test helpers: the core's detection entry points called with flat keyword values, as the tests were written.

Each builds one ``DetectOptions`` with ``DetectOptions.from_flat`` (the names are the options' field names: the
helper names none itself) and passes the callables (``progress``, ``log``, ``is_cancelled``) beside it."""

from __future__ import annotations

from landslide_mapper.detection import partitions, pipeline, scenes
from landslide_mapper.detection.options import DetectOptions

CALLBACKS = ("progress", "log", "is_cancelled")


#: the clean-up defaults of the Python function these tests were written against (the product's default, None, is
#: automatic: a test that wants it passes None)
FORMER_DEFAULTS = {"min_area": 0.0, "simplify": 0.0}


def options(optical, output=None, dem=None, model=None, **values) -> DetectOptions:
    """``DetectOptions`` from flat values; None values are left to the options' defaults."""
    values = {**FORMER_DEFAULTS, **values}
    flat = {"optical": optical, "output": str(output) if output is not None else "unused.gpkg", "dem": dem,
            "model": model, **values}
    return DetectOptions.from_flat(**{k: v for k, v in flat.items() if v is not None})


def _split(values: dict) -> dict:
    return {k: values.pop(k) for k in CALLBACKS if k in values}


def detect(optical, output, **values):
    callbacks = _split(values)
    return pipeline.detect(options(optical, output, **values), **callbacks)


def detect_partitions(optical, output, **values):
    callbacks = _split(values)
    return partitions.detect_scene(options(optical, output, **values), **callbacks)


def detect_scenes(scene_items, output, **values):
    callbacks = _split(values)
    return scenes.detect_scenes(options(list(scene_items), output, scenes=True, **values), **callbacks)


def plan_detection(optical, dem=None, model=None, **values):
    callbacks = _split(values)
    return pipeline.plan_detection(options(optical, None, dem, model, **values), **callbacks)
