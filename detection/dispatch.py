"""The one dispatcher of a detection run, used by the command line and by the worker process (and so by the QGIS
algorithm): one :class:`~.options.DetectOptions` in, the run's result out.

    several scenes (``inputs.scenes``)           -> ``scenes.detect_scenes``      (here, or one task per scene on Dask)
    one scene                                    -> ``partitions.detect_scene``: on Dask (``execution.processes``
                                                    > 1, or a ``scheduler``), or in this process, in row
                                                    ``partitions`` and, when wider than ``STRIPE_WIDTH``, column
                                                    stripes; else in one piece (``pipeline.detect_planned``)

A satellite product as delivered (``products``) is first turned into the VRTs that orthorectify it with the run's
DEM, and the run reads those.

Pure: never imports QGIS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import Message
from .leftovers import full_disk_explained
from .options import DetectOptions


def processing_resolution(options: DetectOptions, image_pixel_m: float | None = None) -> float:
    """The run's pixel size (m) for an image of ``image_pixel_m`` m pixels: the user's, the image's own when
    the model was trained across it, or the model card's (``options.resolve_overrides``)."""
    from ..model.checkpoint import read_card
    from .options import resolve_overrides
    from .pipeline import default_model_path

    card = read_card(options.model.model or default_model_path())
    return resolve_overrides(options.overrides, card, options.tta, image_pixel_m).resolution


def run_detection(options: DetectOptions, progress: Callable[[float, str], None] | None = None,
                  log: Callable[[str], None] | None = None, is_cancelled: Callable[[], bool] | None = None):
    """Run the detection ``options`` describe (validated first); a ``pipeline.DetectResult``, or a
    ``scenes.ScenesResult`` for several scenes. Raises ``LandslideMapperError`` subclasses with user messages."""
    options.validate()
    inputs = options.inputs
    if not inputs.scenes and len(inputs.optical) == 1:
        from .products import find_product, looks_like_product, opened, product_pixel_size

        if looks_like_product(inputs.optical[0]):  # a product as delivered: read through its orthorectifying VRTs
            if log:
                log(Message("Reading the satellite product {name}: it is orthorectified on the fly (an archive is "
                            "first read through once to list its files)", name=Path(inputs.optical[0]).name))
            product = find_product(inputs.optical[0])  # once: an archive is streamed through to list it
            pixel = product_pixel_size(product, inputs.product_image)
            with opened(product, inputs.dem_path, inputs.product_image, log,
                        processing_resolution(options, pixel)) as scene:
                for warning in scene.warnings:
                    if log:
                        log(Message("Warning: {warning}", warning=warning))
                given = {"optical": (scene.path,)}
                if scene.bands == 1 and inputs.bands is None:  # PAN alone: its one band as red, green and blue
                    given["bands"] = (1, 1, 1)
                result = run_detection(options.replace(inputs=given), progress, log, is_cancelled)
                result.warnings[:0] = scene.warnings
                return result
    callbacks = {"progress": progress, "log": log, "is_cancelled": is_cancelled}
    with full_disk_explained(*options.outputs.folders):  # a full disk: one sentence
        if options.inputs.scenes:
            from .scenes import detect_scenes

            return detect_scenes(options, **callbacks)
        from .partitions import detect_scene

        return detect_scene(options, **callbacks)
