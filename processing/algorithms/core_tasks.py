"""Run a core task (``worker.TASKS``: chips, training, evaluation) for a Processing algorithm, with its feedback.

One place for what every training-side algorithm does around the pure core function: choose the process (inside
the QGIS programs on Linux a separate plain Python, ``worker.run_in_subprocess``, because the wheels' rasterio,
fiona and shapely bind to QGIS's GDAL/GEOS there; see ``native_libraries.py``), pass progress, messages and cancel
through, and turn Landslide Mapper errors into ``QgsProcessingException`` with the same sentence. The core and the
worker are imported here, inside the call, never at module level (the provider loads without numpy or torch).
Also: optional-parameter helpers shared by these algorithms.
"""

from __future__ import annotations

import os
import time

from qgis.core import QgsProcessingException

from .parameters import DOCTOR, is_unset, missing_message
from .qgis_compat import tr, translated


def _duration(seconds: float) -> str:
    if seconds < 90:
        return tr("{n:.0f} s").format(n=seconds)
    if seconds < 5400:
        return tr("{n:.0f} min").format(n=seconds / 60)
    return tr("{n:.1f} h").format(n=seconds / 3600)


def run_core_task(task: str, feedback, eta: str | None = None, **kwargs) -> dict | None:
    """``worker.run_task(task, **kwargs)`` in this process or in a worker process; the result dict, or None when
    the user cancelled (a warning says so; a cancel is not an error: no exception, no critical log entry).

    ``eta``: when given, a remaining-time estimate is added to the progress text, prefixed with this word
    (e.g. "at most" for training, whose progress counts up to the maximum number of epochs).
    Raises QgsProcessingException with the core's message on any other Landslide Mapper error, a missing package
    or a worker process that died.
    """
    try:
        from landslide_mapper.environment.native_libraries import separate_process_needed
        from landslide_mapper.errors import (
            CancelledError,
            LandslideMapperError,
            MissingDependencyError,
            message_of,
            user_message,
        )
        from landslide_mapper.worker import run_in_subprocess, run_task
    except ImportError as exc:
        raise QgsProcessingException(missing_message(exc)) from exc

    options = kwargs.get("options")  # a detection's DetectOptions
    distributed = task == "detect" and options is not None and options.execution.distributed
    if separate_process_needed() or distributed:  # Dask starts its workers from a real Python
        runner = run_in_subprocess
        feedback.pushInfo(tr("Running in a separate Python process."))
        feedback.pushDebugInfo(tr("(Inside QGIS the Python packages' own GDAL and GEOS would be shadowed by QGIS's: "
                                  "see native_libraries.py.)"))
    else:
        runner = run_task
    start = time.monotonic()

    def progress(fraction: float, message: str) -> None:
        feedback.setProgress(100.0 * fraction)
        message = translated(message)
        if eta is not None and 0.0 < fraction < 1.0:
            elapsed = time.monotonic() - start
            message = tr("{message} ({eta} {left} left)").format(
                message=message, eta=eta, left=_duration(elapsed * (1.0 - fraction) / fraction))
        feedback.setProgressText(message)

    def log(message: str) -> None:
        if message.startswith("Warning:"):  # the English text decides; the user reads it in their language
            feedback.pushWarning(translated(message))
        else:
            feedback.pushInfo(translated(message))

    try:
        return runner(task, progress=progress, log=log, is_cancelled=feedback.isCanceled, **kwargs)
    except CancelledError as exc:
        if not feedback.isCanceled():  # stopped by something else than the user's Cancel: say so as an error
            raise QgsProcessingException(tr("The run stopped before it finished; no output was written.")) from None
        message = message_of(exc)
        shown = translated(message)
        if shown != str(message):  # the core's whole sentence in the user's language
            feedback.pushWarning(shown)
        else:  # the core says what was (not) kept, e.g. "no model was saved"
            text = str(exc).strip().rstrip(".")
            feedback.pushWarning(tr("Cancelled by the user: {what}.").format(what=text.split("; ", 1)[-1]))
        return None
    except MissingDependencyError as exc:
        raise QgsProcessingException(f"{translated(message_of(exc))} ({tr('see')} {tr(DOCTOR)})") from exc
    except LandslideMapperError as exc:
        raise QgsProcessingException(translated(message_of(exc))) from exc
    except ImportError as exc:  # torch, timm, onnxruntime, rasterio ... imported lazily by the core
        raise QgsProcessingException(missing_message(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - the worker process died, torch failed (out of memory), a bug
        # one sentence for the user; the traceback (inside the message of a worker that died) to the debug log
        import traceback

        feedback.pushDebugInfo(traceback.format_exc())
        sentence = user_message(exc)
        if sentence is None:
            lines = str(exc).strip().splitlines()
            sentence = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
            if "Traceback (most recent call last)" in str(exc):
                feedback.pushDebugInfo(str(exc))
        raise QgsProcessingException(translated(sentence)) from None


# --- list and folder parameters (optional numbers: parameters.py) ---------------------------------------------------
def region_list(alg, parameters, name, context) -> list[str] | None:
    """A comma-separated list of region names (spaces around names ignored); None when empty."""
    if is_unset(parameters.get(name)):
        return None
    names = [part.strip() for part in alg.parameterAsString(parameters, name, context).split(",")]
    return [n for n in names if n] or None


def chip_folder(alg, parameters, name, context) -> str:
    """The chip folder of a DATA parameter: an existing folder, else a QgsProcessingException saying so."""
    folder = alg.parameterAsFile(parameters, name, context)
    if not folder or not os.path.isdir(folder):
        raise QgsProcessingException(tr(
            "The chip folder {folder} does not exist. Choose the output folder of 'Prepare training chips' (or "
            "any folder holding images/ and masks/, and optionally dems/)."
        ).format(folder=folder or tr("(none given)")))
    return folder
