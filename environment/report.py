"""What Landslide Mapper can use on this machine: Python, QGIS, the Python packages, ONNX Runtime execution
providers, CUDA devices and the bundled model files.

Pure module: it never imports QGIS (the QGIS version is passed in, or read from an already running QGIS),
and it never raises because a package is missing or broken: every import is tried on its own and failures
are reported.
The report is a JSON-serialisable ``dict``; :func:`render_html` turns it into a readable page and
:func:`summary_lines` into a few lines for a log or a Processing feedback panel.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import importlib.metadata
import importlib.util
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import Message
from .dependencies import missing_in_set

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = PACKAGE_ROOT / "resources" / "models"

#: (display name, module to import, purpose shown to the user); the order is the order of the report.
PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("torch", "torch", "PyTorch: runs the FCA-DeepLab network (CPU or CUDA GPU)"),
    ("timm", "timm", "ConvNeXt/ResNet backbones of the network"),
    ("onnxruntime", "onnxruntime", "ONNX Runtime: runs .onnx models (the bundled one too); all detection needs"),
    ("rasterio", "rasterio", "reads and writes GeoTIFF rasters"),
    ("fiona", "fiona", "writes the landslide polygons (GeoPackage, Shapefile)"),
    ("shapely", "shapely", "polygon geometry"),
    ("numpy", "numpy", "arrays"),
    ("safetensors", "safetensors", "safe model weight files"),
    ("onnx", "onnx", "ONNX model files (export and checks)"),
)

#: pip distributions that provide the module ``onnxruntime``; they must never be installed together.
ORT_DISTRIBUTIONS = ("onnxruntime", "onnxruntime-gpu")
#: the child's answer line (``python -m landslide_mapper.environment.report MODULE...``)
PROBE_PREFIX = "LANDSLIDE_MAPPER_PROBE "
#: seconds the child may take (importing PyTorch cold from a slow disk can take tens of seconds)
PROBE_TIMEOUT_S = 180.0


def _plugin_version() -> str | None:
    try:
        from landslide_mapper import __version__

        return str(__version__)
    except Exception:  # pragma: no cover - only when this file is copied out of the package
        return None


def _running_qgis_version() -> str | None:
    """The version of a QGIS already loaded in this process, without importing QGIS."""
    core = sys.modules.get("qgis.core")
    qgis_cls = getattr(core, "Qgis", None) if core is not None else None
    version = getattr(qgis_cls, "QGIS_VERSION", None)
    return str(version) if version else None


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except Exception:
        return None


def _probe_package(module_name: str) -> tuple[Any, dict[str, Any]]:
    """Import one module; return (module or None, {"version", "ok", "error"})."""
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, but also broken builds (OSError, RuntimeError, ...)
        return None, {"ok": False, "version": None, "error": _error_text(exc)}
    version = getattr(module, "__version__", None) or _distribution_version(module_name)
    return module, {"ok": True, "version": str(version) if version else None, "error": None}


def _torch_cuda(torch: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"available": False, "torch_cuda_version": None, "devices": [], "error": None}
    if torch is None:
        info["error"] = "torch is not installed"
        return info
    try:
        info["torch_cuda_version"] = getattr(torch.version, "cuda", None)
        if torch.cuda.is_available():
            info["available"] = True
            for index in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(index)
                info["devices"].append(
                    {
                        "index": index,
                        "name": str(props.name),
                        "total_memory_mib": int(props.total_memory // (1024 * 1024)),
                        "compute_capability": f"{props.major}.{props.minor}",
                    }
                )
    except Exception as exc:
        info["error"] = _error_text(exc)
    return info


def _onnxruntime_info(ort: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"providers": [], "device": None, "error": None}
    if ort is None:
        info["error"] = "onnxruntime is not installed"
        return info
    try:
        info["providers"] = [str(p) for p in ort.get_available_providers()]
        info["device"] = str(ort.get_device())
    except Exception as exc:
        info["error"] = _error_text(exc)
    return info


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def model_files(models_dir: Path | str | None = None) -> list[dict[str, Any]]:
    """The bundled model files (every non-hidden file under ``models_dir``): name, size, sha256."""
    root = Path(models_dir) if models_dir is not None else MODELS_DIR
    files: list[dict[str, Any]] = []
    if not root.is_dir():
        return files
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts) or path.name.endswith(".card.json"):
            continue  # (a .card.json is the copy of a model file's card, not a model)
        entry: dict[str, Any] = {"name": rel.as_posix(), "size_bytes": path.stat().st_size, "sha256": None}
        try:
            entry["sha256"] = _sha256(path)
        except OSError as exc:
            entry["error"] = _error_text(exc)
        files.append(entry)
    return files


def _find_module(module_name: str) -> tuple[bool, str | None]:
    """Whether a top-level module can be found on this process's path, without importing it."""
    try:
        return importlib.util.find_spec(module_name) is not None, None
    except Exception as exc:  # an import hook that refuses it, a broken path entry
        return False, _error_text(exc)


def probe_in_process(module_names: Sequence[str] | None = None) -> dict[str, Any]:
    """Import the packages (all of :data:`PACKAGES`, or ``module_names``) in THIS process and ask them what they
    can do: versions, rasterio's GDAL, ONNX Runtime's providers, PyTorch's CUDA devices. Heavy (PyTorch, and timm
    pulls in torch._dynamo and triton): called in a child process by :func:`environment_report`, never in QGIS's."""
    wanted = set(module_names) if module_names is not None else {m for _, m, _ in PACKAGES}
    packages: dict[str, dict[str, Any]] = {}
    modules: dict[str, Any] = {}
    for name, module_name, _purpose in PACKAGES:
        if module_name in wanted:
            modules[name], packages[name] = _probe_package(module_name)
    rasterio = modules.get("rasterio")
    gdal_rasterio = getattr(rasterio, "__gdal_version__", None) if rasterio is not None else None
    return {
        "python": {"version": platform.python_version(), "executable": sys.executable,
                   "implementation": platform.python_implementation()},
        "packages": packages,
        "gdal": {"rasterio": str(gdal_rasterio) if gdal_rasterio else None},
        "cuda": _torch_cuda(modules.get("torch")),
        "onnxruntime": _onnxruntime_info(modules.get("onnxruntime")),
    }


def probe_in_child(module_names: Sequence[str], python: str | None = None,
                   timeout_s: float = PROBE_TIMEOUT_S) -> dict[str, Any]:
    """:func:`probe_in_process` run by a separate Python (the interpreter detection runs on, with this process's
    ``sys.path``), so nothing heavy is imported here: inside QGIS, importing timm loads triton's own LLVM, which
    crashes a QGIS whose OpenGL (Mesa) has loaded another LLVM. Raises RuntimeError when the child fails."""
    import json
    import subprocess

    from ..worker import child_environment, worker_python

    cmd = [python or worker_python(), "-m", "landslide_mapper.environment.report", *module_names]
    options = {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} if os.name == "nt" else {}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=timeout_s, env=child_environment(), stdin=subprocess.DEVNULL, check=False,
                              **options)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"the check did not finish within {timeout_s:.0f} s") from exc
    except OSError as exc:
        raise RuntimeError(f"could not start {cmd[0]} ({exc})") from exc
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(PROBE_PREFIX):
            return json.loads(line[len(PROBE_PREFIX):])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"the check stopped with exit code {proc.returncode}: {tail}")


def environment_report(
    qgis_version: str | None = None, models_dir: Path | str | None = None, isolated: bool = True,
    python: str | None = None,
) -> dict[str, Any]:
    """Everything Landslide Mapper can use here, as a JSON-serialisable dict; never raises for a missing
    package.

    ``qgis_version``: the QGIS version string (the Processing algorithm passes ``Qgis.QGIS_VERSION``);
    when None, the version of a QGIS already running in this process, else None (plain Python: no QGIS).
    ``models_dir``: where the bundled model files are (default ``resources/models`` of the plugin).
    ``isolated`` (default): which packages are installed is read here without importing any (``find_spec``,
    package metadata); importing them and asking for CUDA devices and execution providers happens in a child
    Python (``python``: default the one detection runs on) that sees the same paths. ``isolated=False`` imports
    them in this process (the child itself, and plain-Python callers that want no second process).
    """
    if qgis_version is None:
        qgis_version = _running_qgis_version()

    found: dict[str, tuple[bool, str | None]] = {m: _find_module(m) for _, m, _ in PACKAGES}
    importable = [m for m, (ok, _) in found.items() if ok]
    probe_error = None
    if isolated:
        try:
            probe = probe_in_child(importable, python=python)
        except (RuntimeError, ValueError) as exc:
            probe_error = str(exc)
            probe = {"python": {"version": None, "executable": python, "implementation": None}, "packages": {},
                     "gdal": {"rasterio": None}, "cuda": _torch_cuda(None), "onnxruntime": _onnxruntime_info(None)}
    else:
        probe = probe_in_process(importable)

    packages: dict[str, dict[str, Any]] = {}
    for name, module_name, purpose in PACKAGES:
        ok, find_error = found[module_name]
        if not ok:
            entry = {"ok": False, "version": None, "error": find_error or f"No module named '{module_name}'"}
        elif name in probe["packages"]:
            entry = dict(probe["packages"][name])
        else:  # found, but the check process could not say more
            entry = {"ok": True, "version": _distribution_version(module_name), "error": None}
        entry["purpose"] = purpose
        packages[name] = entry
    missing = [name for name, entry in packages.items() if not entry["ok"]]

    distributions = {name: _distribution_version(name) for name in ORT_DISTRIBUTIONS}
    cuda = probe["cuda"]
    if not packages["torch"]["ok"]:
        cuda = _torch_cuda(None)
    ort = probe["onnxruntime"]
    if not packages["onnxruntime"]["ok"]:
        ort = _onnxruntime_info(None)
    models = model_files(models_dir)

    warnings: list[str] = []
    if probe_error:
        warnings.append(Message("The packages could not be checked in a separate Python process ({probe_error}); GPU "
                                "and ONNX Runtime details are unknown.", probe_error=probe_error))
    if all(distributions.values()):
        warnings.append(
            Message("Both onnxruntime and onnxruntime-gpu are installed; they provide the same module and break each "
                    "other. Uninstall both, then install only one (onnxruntime-gpu for an NVIDIA GPU).")
        )
    missing_detection = missing_in_set(missing, "detection")
    missing_training = [m for m in missing if m not in missing_detection]
    if missing_detection:
        warnings.append(Message(
            "Missing Python packages for detection: {missing}. Install the 'Detection' set (Environment and GPU "
            "dialog, or the README's section Install).", missing=", ".join(missing_detection)))
    if missing_training:
        warnings.append(Message(
            "Not installed, needed for training, PyTorch checkpoints and ONNX export only: {missing} (the 'Detection "
            "and training' set).", missing=", ".join(missing_training)))
    for name, entry in packages.items():
        if not entry["ok"] and entry["error"] and "No module named" not in entry["error"]:
            warnings.append(Message("{name} is installed but cannot be imported ({error}).", name=name,
                                    error=entry['error']))
    if (
        distributions["onnxruntime-gpu"]
        and ort["providers"]
        and "CUDAExecutionProvider" not in ort["providers"]
    ):
        warnings.append(
            Message("onnxruntime-gpu is installed but offers no CUDAExecutionProvider (CUDA libraries missing?).")
        )
    if cuda["error"] and packages["torch"]["ok"]:
        warnings.append(Message("torch could not query CUDA ({error}).", error=cuda['error']))

    gpu_torch = bool(cuda["available"] and cuda["devices"])
    gpu_ort = "CUDAExecutionProvider" in ort["providers"]
    if gpu_torch or gpu_ort:
        names = ", ".join(d["name"] for d in cuda["devices"]) or "CUDA"
        engines = (Message("PyTorch and ONNX Runtime") if gpu_torch and gpu_ort else
                   "PyTorch" if gpu_torch else "ONNX Runtime")
        conclusion = Message("A GPU is usable ({names}) by {engines}.", names=names, engines=engines)
    elif packages["torch"]["ok"] or packages["onnxruntime"]["ok"]:
        conclusion = Message("No usable GPU: detection runs on the CPU (slower, but the results are the same).")
    else:
        conclusion = Message(
            "Neither PyTorch nor ONNX Runtime is installed: detection cannot run until one is installed.")

    return {
        "plugin": {"name": "Landslide Mapper", "version": _plugin_version(), "location": str(PACKAGE_ROOT)},
        "python": {
            # the Python that runs detection (the child's), and the version of the one asking (QGIS's)
            "version": probe["python"]["version"] or platform.python_version(),
            "executable": probe["python"]["executable"] or sys.executable,
            "implementation": probe["python"]["implementation"] or platform.python_implementation(),
            "this_process": platform.python_version(),
        },
        "qgis": {"version": qgis_version},
        "platform": {
            "system": platform.platform(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "packages": packages,
        "gdal": probe["gdal"],
        "missing": missing,
        "missing_detection": missing_detection,
        "missing_training": missing_training,
        "onnxruntime": {**ort, "distributions": distributions},
        "cuda": cuda,
        "models": models,
        "gpu": {"torch": gpu_torch, "onnxruntime": gpu_ort},
        "conclusion": conclusion,
        "warnings": warnings,
    }


def summary_lines(report: dict[str, Any]) -> list[str]:
    """A few plain-text lines (Messages) for a log or the Processing feedback panel; the warnings' lines start with
    "WARNING:"."""
    lines = [
        f"Landslide Mapper {report['plugin']['version'] or '?'}",
        f"Python {report['python']['version']} ({report['python']['executable']})",
        f"QGIS {report['qgis']['version']}" if report["qgis"]["version"] else Message("QGIS not running"),
    ]
    for name, entry in report["packages"].items():
        lines.append(f"{name}: {entry['version'] or '?'}" if entry["ok"] else
                     Message("{name}: MISSING ({error})", name=name, error=entry["error"]))
    if report["gdal"]["rasterio"]:
        lines.append(Message("GDAL used by rasterio: {version}", version=report["gdal"]["rasterio"]))
    ort = report["onnxruntime"]
    lines.append(Message("ONNX Runtime providers: {providers}", providers=", ".join(ort["providers"]) or "-"))
    devices = report["cuda"]["devices"]
    lines.append(Message("CUDA devices seen by torch: {devices}", devices=", ".join(
        f"{d['name']} ({d['total_memory_mib']} MiB)" for d in devices) if devices else "-"))
    models = report["models"]
    lines.append(Message("Bundled model files: {names}", names=", ".join(m["name"] for m in models) if models else "-"))
    lines.append(report["conclusion"])
    lines.extend(Message("WARNING: {warning}", warning=w) for w in report["warnings"])
    return lines


_OK = "#d8f3dc"
_BAD = "#ffd6d6"
_NEUTRAL = "#f1f3f5"


def _row(label: str, value: Any, colour: str = _NEUTRAL) -> str:
    shown = "" if value is None else str(value)
    return (
        f'<tr><th style="text-align:left;padding:3px 8px;">{html.escape(label)}</th>'
        f'<td style="background:{colour};padding:3px 8px;">{html.escape(shown)}</td></tr>'
    )


def render_html(report: dict[str, Any]) -> str:
    """A self-contained HTML page: one table, green for what works, red for what is missing or wrong."""
    rows = [
        _row("Landslide Mapper", report["plugin"]["version"]),
        _row("Python", f"{report['python']['version']} ({report['python']['executable']})"),
        _row(
            "QGIS", report["qgis"]["version"] or "not running", _OK if report["qgis"]["version"] else _NEUTRAL
        ),
        _row("Platform", f"{report['platform']['system']}, {report['platform']['cpu_count']} CPU cores"),
    ]
    for name, entry in report["packages"].items():
        if entry["ok"]:
            rows.append(_row(name, f"{entry['version'] or '?'} - {entry['purpose']}", _OK))
        else:
            rows.append(_row(name, f"MISSING ({entry['error']}) - {entry['purpose']}", _BAD))
    gdal = report["gdal"]["rasterio"]
    rows.append(_row("GDAL used by rasterio", gdal or "unknown", _OK if gdal else _BAD))
    ort = report["onnxruntime"]
    rows.append(
        _row(
            "ONNX Runtime providers",
            ", ".join(ort["providers"]) or ort["error"] or "none",
            _OK if ort["providers"] else _BAD,
        )
    )
    dists = ", ".join(f"{k} {v}" for k, v in ort["distributions"].items() if v) or "none"
    rows.append(
        _row("ONNX Runtime packages", dists, _BAD if all(ort["distributions"].values()) else _NEUTRAL)
    )
    cuda = report["cuda"]
    devices = cuda["devices"]
    cuda_text = (
        "; ".join(
            f"#{d['index']} {d['name']}, {d['total_memory_mib']} MiB, sm {d['compute_capability']}"
            for d in devices
        )
        if devices
        else f"none (torch CUDA build: {cuda['torch_cuda_version'] or 'no'})"
    )
    rows.append(_row("CUDA devices (torch)", cuda_text, _OK if devices else _NEUTRAL))
    if report["models"]:
        for m in report["models"]:
            rows.append(
                _row(f"Model file {m['name']}", f"{m['size_bytes']} bytes, sha256 {m['sha256']}", _OK)
            )
    else:
        rows.append(_row("Bundled model files", "none"))
    gpu_ok = report["gpu"]["torch"] or report["gpu"]["onnxruntime"]
    warnings = "".join(f'<li style="background:{_BAD};">{html.escape(w)}</li>' for w in report["warnings"])
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        "<title>Landslide Mapper environment</title></head>"
        '<body style="font-family:sans-serif;">\n<h2>Landslide Mapper: environment and GPU</h2>\n'
        f'<p style="background:{_OK if gpu_ok else _NEUTRAL};padding:4px;">'
        f"{html.escape(report['conclusion'])}</p>\n"
        + (f"<h3>Warnings</h3><ul>{warnings}</ul>\n" if warnings else "")
        + '<table style="border-collapse:collapse;">\n'
        + "\n".join(rows)
        + "\n</table>\n</body></html>\n"
    )


def _child_main(argv: Sequence[str]) -> int:
    """``python -m landslide_mapper.environment.report MODULE...``: probe these modules, print one JSON line."""
    import json

    print(PROBE_PREFIX + json.dumps(probe_in_process(list(argv))), flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through probe_in_child
    sys.exit(_child_main(sys.argv[1:]))
