"""The one dispatcher of a detection run, used by the command line and by the worker process (and so by the QGIS
algorithm): one :class:`~.options.DetectOptions` in, the run's result out.

    several scenes (``inputs.scenes``)           -> ``scenes.detect_scenes``      (here, or one task per scene on Dask)
    one scene on Dask (``execution.processes`` > 1, or a ``scheduler``), or cut into ``partitions``
                                                 -> ``partitions.detect_partitions``
    one scene in this process                    -> ``pipeline.detect``

Pure: never imports QGIS.
"""

from __future__ import annotations

from collections.abc import Callable

from .leftovers import full_disk_explained
from .options import DetectOptions


def run_detection(options: DetectOptions, progress: Callable[[float, str], None] | None = None,
                  log: Callable[[str], None] | None = None, is_cancelled: Callable[[], bool] | None = None):
    """Run the detection ``options`` describe (validated first); a ``pipeline.DetectResult``, or a
    ``scenes.ScenesResult`` for several scenes. Raises ``LandslideMapperError`` subclasses with user messages."""
    options.validate()
    callbacks = {"progress": progress, "log": log, "is_cancelled": is_cancelled}
    with full_disk_explained(*options.outputs.folders):  # a full disk: one sentence
        if options.inputs.scenes:
            from .scenes import detect_scenes

            return detect_scenes(options, **callbacks)
        if options.execution.distributed or options.execution.partitions is not None:
            from .partitions import detect_partitions

            return detect_partitions(options, **callbacks)
        from .pipeline import detect

        return detect(options, **callbacks)
