"""Run pipeline work (detection, training chips, training, evaluation) in a separate, plain Python process, with
progress, messages and cancel.

Why: inside the QGIS programs on Linux, the pip wheels' compiled libraries bind to QGIS's own GDAL/GEOS and give
wrong results (see ``native_libraries.py``); a child Python that never loads QGIS does not have that problem.
Pure: never imports QGIS (the Processing algorithms pass their feedback in as callables, as for the in-process
call, :func:`run_task`).

Tasks (:data:`TASKS`; each one a core function, its result as a JSON-ready dict):

    detect         ``detection.dispatch.run_detection`` (``options``: a ``DetectOptions``, or its ``to_dict()``)
                   -> the fields of :data:`RESULT_FIELDS`
    prepare_chips  ``processing.chips.prepare_chips`` -> the ``chips.json`` content
    train          ``training.train.train`` (``config``: the ``TrainConfig`` fields) -> the ``TrainResult`` fields
    adapt          ``training.adapt.adapt`` (``options``: the ``AdaptOptions`` fields) -> the ``AdaptResult`` fields
    evaluate       ``training.train.evaluate_model`` -> ``{"metrics": {...}, "markdown": "..."}``
    export_onnx    ``model.export.export_onnx`` of a checkpoint -> ``{"output", "card", "written_card"}``
    prepare_scene  ``detection.products.write_scene`` -> ``{"path", "resolution", "bands", "warnings"}``

Protocol (JSON lines, UTF-8)::

    parent -> child stdin   {"<task>": {keyword arguments}}   then, at any time: "cancel"
    child  -> parent stdout {"progress": 0.42, "message": "..."} | {"log": "..."}
                            | {"result": {...}} | {"error": {"type": "InputError", "message": "..."}}

The child exits 0 after a result, 2 after a Landslide Mapper error (the core function removed its partial
outputs), 1 on an unexpected error (the message holds the traceback). A cancel reaches the core function's
``is_cancelled``, so it stops and cleans up like an in-process cancel (training stops after the current step and
still returns its best checkpoint: a result, not an error).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from . import errors
from .errors import Message

RESULT_FIELDS = ("output", "probability", "count", "total_area_m2", "seconds", "chips", "chips_skipped", "engine",
                 "device", "threshold", "tile", "warnings", "scene_chips")
#: what each task does, in words (for messages)
TASKS = {"detect": "detection", "prepare_chips": "chip preparation", "train": "training", "evaluate": "evaluation",
         "export_onnx": "ONNX export", "adapt": "adaptation", "prepare_scene": "scene preparation"}
#: seconds a child may take to stop after a cancel before it is killed: one detection batch or chip; one training
#: step plus a validation pass (it then returns its best checkpoint); evaluation has nothing to keep (killed at once)
CANCEL_GRACE_S = {"detect": 60.0, "prepare_chips": 60.0, "train": 900.0, "evaluate": 0.0, "export_onnx": 0.0,
                  "adapt": 900.0, "prepare_scene": 60.0}
_PYTHON: str | None = None  # the interpreter found once per process


# --- the child ---------------------------------------------------------------------------------------------------
def _emit(obj: dict, lock: threading.Lock) -> None:
    with lock:
        sys.stdout.write(json.dumps(Message.to_json(obj)) + "\n")
        sys.stdout.flush()


def _plain(value):
    """A JSON-ready copy: paths as strings, numpy numbers and arrays as Python numbers and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalars and arrays
        return value.tolist()
    return value


def run_task(task: str, progress: Callable[[float, str], None] | None = None,
             log: Callable[[str], None] | None = None, is_cancelled: Callable[[], bool] | None = None,
             **kwargs) -> dict:
    """Run one task of :data:`TASKS` in this process; its result as a JSON-ready dict (see the module doc).

    The Processing algorithms call this directly where the wheels work in the QGIS process, and through
    :func:`run_in_subprocess` (whose child calls this) where they do not: one code path either way.
    """
    if task not in TASKS:
        raise ValueError(f"unknown worker task {task!r}; known: {', '.join(TASKS)}")
    callbacks = {"progress": progress, "log": log, "is_cancelled": is_cancelled}
    if task == "detect":
        import dataclasses

        from .detection.dispatch import run_detection
        from .detection.options import DetectOptions

        options = kwargs.pop("options")
        if kwargs:
            raise TypeError(f"the detect task takes one DetectOptions ('options'), not {', '.join(kwargs)}")
        if not isinstance(options, DetectOptions):
            options = DetectOptions.from_dict(options)
        result = run_detection(options, **callbacks)
        if options.inputs.scenes:
            return _plain(dataclasses.asdict(result))
        return _plain({name: getattr(result, name) for name in RESULT_FIELDS})
    if task == "prepare_chips":
        from .training.chips import prepare_chips

        return _plain(prepare_chips(**callbacks, **kwargs))
    if task == "train":
        import dataclasses

        from .training.train import TrainConfig, train

        config = TrainConfig(**kwargs.pop("config"))
        return _plain(dataclasses.asdict(train(config=config, **callbacks, **kwargs)))
    if task == "adapt":
        import dataclasses

        from .training.adapt import AdaptOptions, adapt

        options = AdaptOptions(**kwargs.pop("options"))
        return _plain(dataclasses.asdict(adapt(options, **callbacks, **kwargs)))
    if task == "export_onnx":
        return _export_onnx(log=log, is_cancelled=is_cancelled, **kwargs)
    if task == "prepare_scene":
        import dataclasses

        from .detection.products import write_scene

        return _plain(dataclasses.asdict(write_scene(**callbacks, **kwargs)))
    from .training.train import evaluate_model, metrics_markdown  # "evaluate": nothing to report while it runs

    metrics = evaluate_model(**kwargs)
    return {"metrics": _plain(metrics), "markdown": metrics_markdown(metrics)}


def _export_onnx(checkpoint: str, output: str, half_weights: bool = False, log=None, is_cancelled=None) -> dict:
    """Load a checkpoint (builds the network: torch and timm), export it to ONNX with its card, read the card back."""
    from .model.checkpoint import load_checkpoint, read_card
    from .model.export import export_onnx

    model, card = load_checkpoint(checkpoint)
    if log is not None:
        log(Message("Model '{name}' ({arch}), {in_channels} input channels, trained at {resolution_m:g} m",
                    name=card.name, arch=card.config.arch, in_channels=card.in_channels,
                    resolution_m=card.resolution_m))
    if is_cancelled is not None and is_cancelled():
        raise errors.CancelledError(Message("cancelled by the user; no ONNX file was written"))
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    path = export_onnx(model, card, output, half_weights=half_weights)
    return _plain({"output": str(path), "card": card.to_dict(), "written_card": read_card(path).to_dict()})


def child_main() -> int:
    """``python -m landslide_mapper.worker``: one task, driven through stdin/stdout."""
    lock = threading.Lock()
    first = sys.stdin.readline()
    try:
        [(task, request)] = json.loads(first).items()
        if task not in TASKS or not isinstance(request, dict):
            raise ValueError(task)
    except (ValueError, AttributeError, TypeError):
        _emit({"error": {"type": "InputError", "message": f"bad request to the worker: {first[:200]!r}"}}, lock)
        return 1
    cancelled = threading.Event()

    def listen() -> None:
        for line in sys.stdin:
            if line.strip() == "cancel":
                cancelled.set()
        cancelled.set()  # the parent went away: stop too

    threading.Thread(target=listen, daemon=True, name="landslide-mapper-cancel").start()
    try:
        result = run_task(
            task,
            progress=lambda fraction, message: _emit({"progress": float(fraction), "message": message}, lock),
            log=lambda message: _emit({"log": message}, lock),
            is_cancelled=cancelled.is_set,
            **request,
        )
    except errors.LandslideMapperError as exc:
        _emit({"error": {"type": type(exc).__name__, "message": errors.message_of(exc)}}, lock)
        return 2
    except ImportError as exc:
        _emit({"error": {"type": "ImportError", "message": str(exc), "name": getattr(exc, "name", None)}}, lock)
        return 2
    except Exception as exc:  # noqa: BLE001
        sentence = errors.user_message(exc)
        if sentence is not None:  # a full disk, a damaged file: one sentence, as for bad input
            _emit({"error": {"type": "InputError", "message": sentence, "details": traceback.format_exc()}}, lock)
            return 2
        _emit({"error": {"type": type(exc).__name__, "message": f"{exc}\n{traceback.format_exc()}"}}, lock)
        return 1
    _emit({"result": result}, lock)
    return 0


# --- the parent --------------------------------------------------------------------------------------------------
def worker_python() -> str:
    """The interpreter for the child: this process's own Python, verified (see ``dependencies.find_python``)."""
    global _PYTHON
    if _PYTHON is None:
        from .environment.dependencies import find_python

        _PYTHON = find_python(require_pip=False).path
    return _PYTHON


def child_environment(paths: list[str] | None = None) -> dict[str, str]:
    """The child's environment: this one, with ``PYTHONPATH`` = this process's ``sys.path`` (so the child
    imports the same plugin copy and the same packages, the plugin's package folder included)."""
    env = dict(os.environ)
    entries = [p for p in (sys.path if paths is None else paths) if p and os.path.isdir(p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(entries))
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUNBUFFERED"] = "1"
    for key in ("PROJ_DATA", "PROJ_LIB"):  # the wheels find their own PROJ data; QGIS's would break them
        env.pop(key, None)
    if env.get("LD_PRELOAD"):  # preloading GDAL/GEOS/PROJ is the very problem the worker avoids; keep the rest
        kept = [p for p in env["LD_PRELOAD"].replace(" ", ":").split(":")
                if p and not os.path.basename(p).startswith(("libgdal", "libgeos", "libproj"))]
        if kept:
            env["LD_PRELOAD"] = ":".join(kept)
        else:
            del env["LD_PRELOAD"]
    return env


def _raise(error: dict, task: str = "detect") -> None:
    what = TASKS.get(task, task)
    kind = error.get("type", "")
    message = error.get("message", f"the {what} worker failed")
    if kind == "ImportError":
        raise ImportError(message, name=error.get("name"))
    cls = getattr(errors, kind, None)
    if isinstance(cls, type) and issubclass(cls, errors.LandslideMapperError):
        raise cls(message)
    raise RuntimeError(f"the {what} worker failed ({kind}): {message}")


def detect_in_subprocess(options, progress: Callable[[float, str], None] | None = None,
                         log: Callable[[str], None] | None = None,
                         is_cancelled: Callable[[], bool] | None = None, python: str | None = None,
                         poll_s: float = 0.1) -> SimpleNamespace:
    """``dispatch.run_detection(options)`` (a ``DetectOptions``) in a child process; same callables, same errors
    (LandslideMapperError subclasses with their messages, ImportError for a missing package). Returns the result's
    fields."""
    return SimpleNamespace(**run_in_subprocess("detect", progress=progress, log=log, is_cancelled=is_cancelled,
                                               python=python, poll_s=poll_s, options=options))


def run_in_subprocess(task: str, progress: Callable[[float, str], None] | None = None,
                      log: Callable[[str], None] | None = None,
                      is_cancelled: Callable[[], bool] | None = None, python: str | None = None,
                      poll_s: float = 0.1, **kwargs) -> dict:
    """:func:`run_task` in a child process: same arguments, same result dict, same callables, same errors
    (LandslideMapperError subclasses with their messages, ImportError for a missing package, RuntimeError when
    the child dies). A cancel with no result from the child raises CancelledError."""
    if task not in TASKS:
        raise ValueError(f"unknown worker task {task!r}; known: {', '.join(TASKS)}")
    what = TASKS[task]
    progress = progress or (lambda f, m: None)
    log = log or (lambda m: None)
    is_cancelled = is_cancelled or (lambda: False)
    args = {k: (v.to_dict() if hasattr(v, "to_dict") else str(v) if isinstance(v, Path) else v)
            for k, v in kwargs.items()}  # (a DetectOptions as its plain dict)
    cmd = [python or worker_python(), "-m", "landslide_mapper.worker"]
    options = {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} if os.name == "nt" else {}
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace", env=child_environment(), **options)
    lines: queue.Queue = queue.Queue()
    stderr: list[str] = []

    def read_stdout() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def read_stderr() -> None:
        for line in proc.stderr:
            stderr.append(line)
            del stderr[:-200]

    readers = [threading.Thread(target=read_stdout, daemon=True, name="landslide-mapper-worker-out"),
               threading.Thread(target=read_stderr, daemon=True, name="landslide-mapper-worker-err")]
    for reader in readers:
        reader.start()
    result: dict | None = None
    error: dict | None = None
    cancel_sent: float | None = None
    try:
        proc.stdin.write(json.dumps({task: args}) + "\n")
        proc.stdin.flush()
        while True:
            try:
                line = lines.get(timeout=poll_s)
            except queue.Empty:
                line = ""
            if line is None:
                break
            if line.strip():
                try:
                    msg = Message.from_json(json.loads(line))
                except ValueError:
                    log(line.rstrip())  # something printed by a library
                    msg = {}
                if not isinstance(msg, dict):
                    log(line.rstrip())
                elif "progress" in msg:
                    progress(msg["progress"], msg.get("message", ""))
                elif "log" in msg:
                    log(msg["log"])
                elif "result" in msg:
                    result = msg["result"]
                elif "error" in msg:
                    error = msg["error"]
            if cancel_sent is None and is_cancelled():
                cancel_sent = time.monotonic()
                try:
                    proc.stdin.write("cancel\n")
                    proc.stdin.flush()
                except OSError:
                    pass
            if cancel_sent is not None and time.monotonic() - cancel_sent >= CANCEL_GRACE_S[task]:
                proc.kill()  # the task did not stop in time after the cancel
                break
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        rc = proc.wait()
        for reader in readers:  # they end at the pipes' end of file, which the child's exit brings
            reader.join(timeout=10)
        for pipe in (proc.stdout, proc.stderr):  # closed here, not left to the garbage collector
            pipe.close()
    if error is not None:
        _raise(error, task)
    if cancel_sent is not None and result is None:
        raise errors.CancelledError(Message("cancelled by the user; no output was written"))
    if result is None:
        tail = "".join(stderr[-30:]).strip()
        raise RuntimeError(f"the {what} worker stopped without a result (exit code {rc}): {tail}")
    return result


if __name__ == "__main__":  # pragma: no cover - exercised through detect_in_subprocess
    sys.exit(child_main())
