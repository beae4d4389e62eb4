"""Run ``pipeline.detect`` in a separate, plain Python process, with progress, messages and cancel.

Why: inside the QGIS programs on Linux, the pip wheels' compiled libraries bind to QGIS's own GDAL/GEOS and give
wrong results (see ``native_libraries.py``); a child Python that never loads QGIS does not have that problem.
Pure: never imports QGIS (the Processing algorithm passes its feedback in as callables, as for the in-process
call).

Protocol (JSON lines, UTF-8)::

    parent -> child stdin   {"detect": {keyword arguments of pipeline.detect}}   then, at any time: "cancel"
    child  -> parent stdout {"progress": 0.42, "message": "..."} | {"log": "..."}
                            | {"result": {...}} | {"error": {"type": "InputError", "message": "..."}}

The child exits 0 after a result, 2 after a Landslide Mapper error (the pipeline removed its partial outputs),
1 on an unexpected error (the message holds the traceback). A cancel reaches the pipeline's ``is_cancelled``,
so it stops within one batch and cleans up like an in-process cancel.
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

RESULT_FIELDS = ("output", "probability", "count", "total_area_m2", "seconds", "chips", "chips_skipped", "engine",
                 "device", "warnings")
_PYTHON: str | None = None  # the interpreter found once per process


# --- the child ---------------------------------------------------------------------------------------------------
def _emit(obj: dict, lock: threading.Lock) -> None:
    with lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def child_main() -> int:
    """``python -m landslide_mapper.worker``: one detection, driven through stdin/stdout."""
    lock = threading.Lock()
    first = sys.stdin.readline()
    try:
        request = json.loads(first)["detect"]
    except (ValueError, KeyError, TypeError):
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
        from .processing.pipeline import detect

        result = detect(
            progress=lambda fraction, message: _emit({"progress": float(fraction), "message": message}, lock),
            log=lambda message: _emit({"log": message}, lock),
            is_cancelled=cancelled.is_set,
            **request,
        )
    except errors.LandslideMapperError as exc:
        _emit({"error": {"type": type(exc).__name__, "message": str(exc)}}, lock)
        return 2
    except ImportError as exc:
        _emit({"error": {"type": "ImportError", "message": str(exc), "name": getattr(exc, "name", None)}}, lock)
        return 2
    except Exception as exc:  # noqa: BLE001
        _emit({"error": {"type": type(exc).__name__, "message": f"{exc}\n{traceback.format_exc()}"}}, lock)
        return 1
    out = {name: getattr(result, name) for name in RESULT_FIELDS}
    out = {k: (str(v) if isinstance(v, Path) else v) for k, v in out.items()}
    _emit({"result": out}, lock)
    return 0


# --- the parent --------------------------------------------------------------------------------------------------
def worker_python() -> str:
    """The interpreter for the child: this process's own Python, verified (see ``dependencies.find_python``)."""
    global _PYTHON
    if _PYTHON is None:
        from .dependencies import find_python

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


def _raise(error: dict) -> None:
    kind = error.get("type", "")
    message = error.get("message", "the detection worker failed")
    if kind == "ImportError":
        raise ImportError(message, name=error.get("name"))
    cls = getattr(errors, kind, None)
    if isinstance(cls, type) and issubclass(cls, errors.LandslideMapperError):
        raise cls(message)
    raise RuntimeError(f"the detection worker failed ({kind}): {message}")


def detect_in_subprocess(progress: Callable[[float, str], None] | None = None,
                         log: Callable[[str], None] | None = None,
                         is_cancelled: Callable[[], bool] | None = None, python: str | None = None,
                         poll_s: float = 0.1, **kwargs) -> SimpleNamespace:
    """``pipeline.detect(**kwargs)`` in a child process; same callables, same errors (LandslideMapperError
    subclasses with their messages, ImportError for a missing package). Returns the result's fields."""
    progress = progress or (lambda f, m: None)
    log = log or (lambda m: None)
    is_cancelled = is_cancelled or (lambda: False)
    args = {k: (str(v) if isinstance(v, Path) else v) for k, v in kwargs.items()}
    if args.get("bands") is not None:
        args["bands"] = [int(b) for b in args["bands"]]
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

    threading.Thread(target=read_stdout, daemon=True, name="landslide-mapper-worker-out").start()
    threading.Thread(target=read_stderr, daemon=True, name="landslide-mapper-worker-err").start()
    result: dict | None = None
    error: dict | None = None
    cancel_sent: float | None = None
    try:
        proc.stdin.write(json.dumps({"detect": args}) + "\n")
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
                    msg = json.loads(line)
                except ValueError:
                    log(line.rstrip())  # something printed by a library
                    msg = {}
                if "progress" in msg:
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
            elif cancel_sent is not None and time.monotonic() - cancel_sent > 60:
                proc.kill()  # the pipeline did not stop within a minute of the cancel
                break
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        rc = proc.wait()
    if error is not None:
        _raise(error)
    if cancel_sent is not None and result is None:
        raise errors.CancelledError("cancelled by the user; no output was written")
    if result is None:
        tail = "".join(stderr[-30:]).strip()
        raise RuntimeError(f"the detection worker stopped without a result (exit code {rc}): {tail}")
    return SimpleNamespace(**result)


if __name__ == "__main__":  # pragma: no cover - exercised through detect_in_subprocess
    sys.exit(child_main())
