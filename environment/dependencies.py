"""Install the Python packages Landslide Mapper needs into a folder the plugin owns, for QGIS's own Python.

Pure module (never imports QGIS; the plugin passes the QGIS settings folder in). Used by the "Environment and
GPU…" dialog (``ui/environment_dialog.py``, which runs :func:`install` in a ``QgsTask``) and at plugin load
(:func:`activate`, called from ``classFactory`` before anything imports torch & co.).

Where: ``<QGIS profile folder>/python/landslide_mapper_deps/python3.X`` (one folder per Python minor version,
because compiled packages are built for one), or the folder named by ``$LANDSLIDE_MAPPER_DEPS_DIR``. Nothing
outside that folder is ever modified: pip runs with ``--target``. Uninstall deletes the folder.

What: the packages whose modules are missing or broken (torch, timm, onnxruntime, rasterio, fiona, shapely,
numpy, safetensors, onnx) with their dependencies. ONNX Runtime comes in two flavours that provide the same
module and must never be installed together: ``onnxruntime-gpu`` when an NVIDIA GPU is detected (``nvidia-smi``
lists one, or PyTorch/ONNX Runtime already sees CUDA), else ``onnxruntime``; switching flavour removes the other
one from the folder first, and an ONNX Runtime already installed outside the folder decides the flavour. PyTorch
for the CPU on Linux comes from PyTorch's CPU wheel index (PyPI's Linux wheels carry ~3 GB of CUDA libraries);
for a GPU on Windows from its CUDA index (PyPI's Windows wheels are CPU-only).
Packages QGIS's Python already has (numpy above all: GDAL's Python bindings are compiled against it) are
pinned to their installed version while pip resolves, then removed from the folder, so they never change
version and QGIS's own copies stay in charge.

How ``sys.path`` is set: :func:`activate` puts the folder FIRST on ``sys.path`` (so a fresh copy in the folder
wins over a broken one elsewhere) and processes ``.pth`` files in it, like ``site.addsitedir``.

Which Python: inside QGIS ``sys.executable`` is often not a Python at all (the QGIS binary) or the wrong one
(``qgis_process`` started from a shell reports the first ``python3`` on ``PATH``). :func:`find_python` tries the
interpreters that belong to the running Python (``sys.executable`` when it is one, then ``sys.exec_prefix`` /
``sys._base_executable``; ``python.exe`` under ``sys.exec_prefix`` on Windows / OSGeo4W) and accepts one only
if it reports exactly the running version, implementation and pointer size, and has pip.
"""

from __future__ import annotations

import json
import ntpath
import os
import posixpath
import queue
import re
import shutil
import site
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import LandslideMapperError, Message

DEPS_ENV = "LANDSLIDE_MAPPER_DEPS_DIR"
FOLDER_NAME = "landslide_mapper_deps"
STATE_FILE = "landslide_mapper_deps.json"

#: module -> pip requirement (onnxruntime: see ORT_FLAVOURS). Lower bounds as in pyproject.toml.
REQUIREMENTS: dict[str, str] = {
    "torch": "torch>=2.2",
    "timm": "timm>=1.0",
    "onnxruntime": "",  # flavour-dependent
    "rasterio": "rasterio>=1.3",
    "fiona": "fiona>=1.9",
    "shapely": "shapely>=2.0",
    "numpy": "numpy>=1.24",
    "safetensors": "safetensors>=0.4",
    "onnx": "onnx>=1.16",
}
MODULES: tuple[str, ...] = tuple(REQUIREMENTS)
#: the two sets the environment dialog offers: detection with ONNX models (the bundled one included) needs only the
#: first; training, PyTorch checkpoints and ONNX export need all (the set names are stable ids, the labels words)
PACKAGE_SETS: dict[str, tuple[str, ...]] = {
    "detection": ("onnxruntime", "rasterio", "fiona", "shapely", "numpy"),
    "training": MODULES,
}
SET_LABELS = {"detection": "Detection", "training": "Detection and training"}
#: download size of each set (MB, the wheels pip fetches for a new Python 3.12, dependencies included), measured
#: with benchmarks/wheel_sizes.py on 2026-12-02 (experiments/benchmarks/wheel_sizes.txt). Training: PyPI's PyTorch
#: with NVIDIA's CUDA libraries, what a Linux machine with an NVIDIA GPU fetches ("linux-gpu"); on a CPU the plugin
#: takes PyTorch from its CPU index (not reachable from the machine that measured: a few hundred MB)
DOWNLOAD_MB: dict[str, dict[str, float]] = {"detection": {"linux": 98, "win": 83}, "training": {"linux-gpu": 2987}}


def missing_in_set(missing: Iterable[str], package_set: str) -> list[str]:
    """The ``missing`` modules that belong to ``package_set`` (:data:`PACKAGE_SETS`), in :data:`MODULES` order."""
    if package_set not in PACKAGE_SETS:
        raise ValueError(f"package set must be one of {', '.join(PACKAGE_SETS)}, got {package_set!r}")
    wanted = set(missing) & set(PACKAGE_SETS[package_set])
    return [m for m in MODULES if m in wanted]


def set_needing(module: str) -> str:
    """The smallest set that holds ``module`` (``detection`` or ``training``)."""
    return next(name for name, modules in PACKAGE_SETS.items() if module in modules)
#: flavour -> the ONNX Runtime distribution (they provide the same module: never both)
ORT_FLAVOURS = {"cpu": "onnxruntime", "gpu": "onnxruntime-gpu"}
ORT_VERSION = ">=1.17"
#: extra requirements that come with a module: affine (rasterio) breaks with attrs < 23.2 (Debian 12 has 22.2)
COMPANIONS = {"rasterio": ["attrs>=23.2"]}
#: distributions pinned to the installed version while resolving, and then removed from the folder, when QGIS's
#: Python already has them (outside the folder) and they are not being (re)installed
PIN_IF_PRESENT = (
    "numpy", "torch", "torchvision", "timm", "rasterio", "fiona", "shapely", "safetensors", "onnx",
    "onnxruntime", "onnxruntime-gpu",
)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_CUDA_INDEX = "https://download.pytorch.org/whl/cu126"


class InstallError(LandslideMapperError):
    """Installing or removing the dependencies failed; the message says why (with pip's output)."""


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name (``onnxruntime_gpu`` -> ``onnxruntime-gpu``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- where ----------------------------------------------------------------------------------------------------
def deps_dir(settings_dir: str | os.PathLike | None, version_info: Sequence[int] = sys.version_info) -> Path:
    """The dependency folder: ``$LANDSLIDE_MAPPER_DEPS_DIR`` if set, else
    ``<settings_dir>/python/landslide_mapper_deps/python<major>.<minor>`` (``settings_dir``: the QGIS profile
    folder, ``QgsApplication.qgisSettingsDirPath()``)."""
    override = os.environ.get(DEPS_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    if not settings_dir:
        raise InstallError(Message("no QGIS settings folder given and $LANDSLIDE_MAPPER_DEPS_DIR is not set"))
    return Path(settings_dir) / "python" / FOLDER_NAME / f"python{version_info[0]}.{version_info[1]}"


def _same_path(a: str, b: Path) -> bool:
    try:
        return os.path.normcase(os.path.abspath(a or ".")) == os.path.normcase(os.path.abspath(b))
    except (TypeError, ValueError):
        return False


def _inside(path: str, folder: str | os.PathLike) -> bool:
    """``path`` is ``folder`` or below it."""
    root = os.path.normcase(os.path.abspath(folder))
    here = os.path.normcase(os.path.abspath(path or "."))
    return here == root or here.startswith(root.rstrip(os.sep) + os.sep)


def is_active(folder: str | os.PathLike) -> bool:
    return any(_same_path(p, Path(folder)) for p in sys.path)


def activate(folder: str | os.PathLike) -> bool:
    """Put ``folder`` first on ``sys.path`` (with the paths of its ``.pth`` files); True if it was added.
    Does nothing (False) when the folder does not exist or is already on ``sys.path``."""
    folder = Path(folder)
    if not folder.is_dir() or is_active(folder):
        return False
    before = list(sys.path)
    site.addsitedir(str(folder))  # appends the folder and processes its .pth files
    added = [p for p in sys.path if p not in before]
    if not any(_same_path(p, folder) for p in added):  # pragma: no cover - addsitedir always adds it
        added.insert(0, str(folder))
    sys.path[:] = added + [p for p in sys.path if p not in added]
    import importlib

    importlib.invalidate_caches()
    return True


def deactivate(folder: str | os.PathLike) -> None:
    """Take ``folder`` (and paths below it) off ``sys.path``; imported modules stay imported."""
    sys.path[:] = [p for p in sys.path if not _inside(p, folder)]


# --- what is installed where -----------------------------------------------------------------------------
def _read_metadata(dist_info: Path) -> tuple[str, str] | None:
    meta = dist_info / "METADATA"
    if not meta.is_file():
        return None
    name = version = None
    with meta.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                break
            if line.startswith("Name:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("Version:"):
                version = line.split(":", 1)[1].strip()
    return (canonical(name), version or "") if name else None


def installed_distributions(folder: str | os.PathLike) -> dict[str, str]:
    """``{canonical name: version}`` of the distributions installed in ``folder`` (``*.dist-info``)."""
    folder = Path(folder)
    found: dict[str, str] = {}
    if folder.is_dir():
        for dist_info in sorted(folder.glob("*.dist-info")):
            meta = _read_metadata(dist_info)
            if meta:
                found[meta[0]] = meta[1]
    return found


def present_distributions(exclude: str | os.PathLike | None = None,
                          paths: Iterable[str] | None = None) -> dict[str, str]:
    """``{canonical name: version}`` of the distributions the running Python sees on ``paths`` (default
    ``sys.path``) outside ``exclude`` (the dependency folder)."""
    import importlib.metadata

    search = [p for p in (sys.path if paths is None else paths) if not exclude or not _inside(p, exclude)]
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions(path=search):
        name = dist.metadata.get("Name") if dist.metadata else None
        if name and canonical(name) not in found:  # first on the path wins, as for imports
            found[canonical(name)] = dist.version
    return found


def remove_distribution(folder: str | os.PathLike, name: str) -> bool:
    """Remove one distribution from ``folder`` (the files its ``RECORD`` lists, else its ``top_level.txt``
    packages, and its ``.dist-info``). Returns True if it was there. Never touches anything outside ``folder``."""
    folder = Path(folder).resolve()
    wanted = canonical(name)
    removed = False
    for dist_info in sorted(folder.glob("*.dist-info")):
        meta = _read_metadata(dist_info)
        if not meta or meta[0] != wanted:
            continue
        removed = True
        targets: set[Path] = set()
        record = dist_info / "RECORD"
        if record.is_file():
            for line in record.read_text(encoding="utf-8", errors="replace").splitlines():
                rel = line.rsplit(",", 2)[0].strip().strip('"') if line.strip() else ""
                if rel:
                    targets.add((folder / rel).resolve())
        top_level = dist_info / "top_level.txt"
        if top_level.is_file():
            for pkg in top_level.read_text(encoding="utf-8").split():
                targets.update(p.resolve() for p in (folder / pkg, folder / f"{pkg}.py") if p.exists())
        dirs: set[Path] = set()
        for path in targets:
            if folder not in path.parents:  # RECORD may list ../../bin/...: not ours to delete
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists() or path.is_symlink():
                path.unlink()
            dirs.update(p for p in path.parents if folder in p.parents)
        for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):  # now-empty package folders
            try:
                d.rmdir()
            except OSError:
                pass
        shutil.rmtree(dist_info, ignore_errors=True)
    return removed


def uninstall(folder: str | os.PathLike) -> list[str]:
    """Delete the dependency folder (and take it off ``sys.path``). Returns the names of what was installed.
    Raises InstallError if files cannot be deleted (on Windows: loaded DLLs; restart QGIS first)."""
    folder = Path(folder)
    names = sorted(installed_distributions(folder))
    deactivate(folder)
    if folder.exists():
        errors: list[str] = []

        def onexc(func, path, exc):  # noqa: ARG001
            errors.append(f"{path}: {exc[1] if isinstance(exc, tuple) else exc}")

        if sys.version_info >= (3, 12):
            shutil.rmtree(folder, onexc=onexc)
        else:
            shutil.rmtree(folder, onerror=onexc)
        if errors:
            raise InstallError(Message(
                "could not delete {n_errors} file(s) of {folder} (in use? restart QGIS and try again): {errors}",
                n_errors=len(errors), folder=folder, errors="; ".join(errors[:3])))
    return names


def read_state(folder: str | os.PathLike) -> dict:
    """What the last install recorded in the folder (flavour, requirements, Python, time), or {}."""
    path = Path(folder) / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# --- GPU ----------------------------------------------------------------------------------------------------
@dataclass
class GpuInfo:
    nvidia: bool
    source: str  # what told us: "nvidia-smi", "torch", "onnxruntime" or "none"
    detail: str = ""


def detect_gpu(nvidia_smi: str | None = None, cuda_seen: bool = False, timeout: float = 15.0) -> GpuInfo:
    """Is there an NVIDIA GPU? ``cuda_seen``: PyTorch or ONNX Runtime already reported CUDA (the environment
    report). Else ``nvidia-smi -L`` (found on PATH, or given) must list at least one GPU."""
    if cuda_seen:
        return GpuInfo(True, "torch/onnxruntime", "CUDA is already usable")
    exe = nvidia_smi or shutil.which("nvidia-smi")
    if exe is None and sys.platform.startswith("win"):
        candidate = Path(os.environ.get("SystemRoot", r"C:\Windows")) / "System32" / "nvidia-smi.exe"
        exe = str(candidate) if candidate.is_file() else None
    if not exe:
        return GpuInfo(False, "none", "nvidia-smi not found")
    try:
        proc = subprocess.run([exe, "-L"], capture_output=True, text=True, timeout=timeout, check=False,
                              **_no_window())
    except (OSError, subprocess.SubprocessError) as exc:
        return GpuInfo(False, "nvidia-smi", f"nvidia-smi failed: {exc}")
    gpus = [line.strip() for line in proc.stdout.splitlines() if line.strip().startswith("GPU ")]
    if proc.returncode == 0 and gpus:
        return GpuInfo(True, "nvidia-smi", "; ".join(gpus))
    return GpuInfo(False, "nvidia-smi", (proc.stdout + proc.stderr).strip()[:300] or "no GPU listed")


def choose_flavour(gpu: GpuInfo | bool) -> str:
    """``"gpu"`` (onnxruntime-gpu, CUDA PyTorch) when an NVIDIA GPU is there, else ``"cpu"``."""
    return "gpu" if (gpu.nvidia if isinstance(gpu, GpuInfo) else bool(gpu)) else "cpu"


# --- the plan -------------------------------------------------------------------------------------------------
@dataclass
class InstallPlan:
    target: Path
    flavour: str  # "cpu" or "gpu"
    requirements: list[str]
    constraints: list[str] = field(default_factory=list)
    index_args: list[str] = field(default_factory=list)
    remove_first: list[str] = field(default_factory=list)  # distributions removed from the folder before pip
    prune: list[str] = field(default_factory=list)  # distributions removed from the folder after pip
    force_reinstall: bool = False
    pip_args: list[str] = field(default_factory=list)  # extra pip options (e.g. --no-index --find-links DIR)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def describe(self) -> str:
        if self.empty:
            return "Nothing to install."
        lines = [f"Install into {self.target} ({self.flavour.upper()} flavour):", "  " + " ".join(self.requirements)]
        if self.constraints:
            lines.append("Kept at the version QGIS's Python has: " + ", ".join(self.constraints))
        if self.remove_first:
            lines.append("Removed from the folder first (never both ONNX Runtime flavours): "
                         + ", ".join(self.remove_first))
        if self.index_args:
            lines.append("Package index options: " + " ".join(self.index_args))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["target"] = str(self.target)
        return d


def plan_install(missing: Iterable[str], target: str | os.PathLike, flavour: str, *, repair: bool = False,
                 present: dict[str, str] | None = None, platform: str = sys.platform,
                 pip_args: Sequence[str] = ()) -> InstallPlan:
    """What to install for the ``missing`` modules (names of :data:`MODULES`: not importable, or broken).

    ``repair``: also reinstall (``--force-reinstall``) every module already in the folder.
    ``present``: distributions QGIS's Python has outside the folder (default: :func:`present_distributions`).
    """
    if flavour not in ORT_FLAVOURS:
        raise ValueError(f"flavour must be 'cpu' or 'gpu', got {flavour!r}")
    target = Path(target)
    present = present_distributions(exclude=target) if present is None else {canonical(k): v for k, v in
                                                                             present.items()}
    modules = [m for m in MODULES if m in set(missing)]
    unknown = sorted(set(missing) - set(MODULES))
    if unknown:
        raise ValueError(f"unknown module(s): {', '.join(unknown)}")
    if repair:
        in_folder = installed_distributions(target)
        modules = [m for m in MODULES if m in modules or _module_distribution(m, flavour) in in_folder
                   or (m == "onnxruntime" and set(ORT_FLAVOURS.values()) & set(in_folder))]
    # an ONNX Runtime already installed outside the folder decides the flavour (never both)
    outside_ort = [d for d in ORT_FLAVOURS.values() if d in present]
    if "onnxruntime" in modules and outside_ort:
        flavour = "gpu" if outside_ort[0] == "onnxruntime-gpu" else "cpu"
    requirements: list[str] = []
    for m in modules:
        req = f"{ORT_FLAVOURS[flavour]}{ORT_VERSION}" if m == "onnxruntime" else REQUIREMENTS[m]
        requirements.append(req)
        requirements.extend(c for c in COMPANIONS.get(m, []) if c not in requirements)
    installing = {canonical(re.split(r"[<>=!~ \[]", r, maxsplit=1)[0]) for r in requirements}
    if "torch" in installing:
        installing.add("torchvision")  # must match the torch being installed
    keep = [d for d in PIN_IF_PRESENT if d in present and d not in installing]
    constraints = [f"{d}=={present[d]}" for d in keep]
    remove_first = []
    if "onnxruntime" in modules:
        remove_first = [d for f, d in ORT_FLAVOURS.items() if f != flavour]
    index_args: list[str] = []
    if "torch" in installing:
        if platform.startswith("linux") and flavour == "cpu":
            index_args = ["--extra-index-url", TORCH_CPU_INDEX]
        elif platform.startswith("win") and flavour == "gpu":
            index_args = ["--extra-index-url", TORCH_CUDA_INDEX]
    return InstallPlan(target=target, flavour=flavour, requirements=requirements, constraints=constraints,
                       index_args=index_args, remove_first=remove_first, prune=keep, force_reinstall=repair,
                       pip_args=list(pip_args))


def _module_distribution(module: str, flavour: str) -> str:
    return ORT_FLAVOURS[flavour] if module == "onnxruntime" else canonical(REQUIREMENTS[module].split(">")[0])


# --- which Python ---------------------------------------------------------------------------------------------
@dataclass
class PythonInfo:
    path: str
    version: tuple[int, int, int]
    cache_tag: str
    pointer_bits: int
    prefix: str
    has_pip: bool
    pip_version: str | None = None


_PROBE = (
    "import json, struct, sys, importlib.util\n"
    "pip = importlib.util.find_spec('pip') is not None\n"
    "ver = None\n"
    "if pip:\n"
    "    try:\n"
    "        from pip import __version__ as ver\n"
    "    except Exception:\n"
    "        pip = False\n"
    "print('LM_PROBE ' + json.dumps({'version': list(sys.version_info[:3]), 'cache_tag': sys.implementation.cache_tag,"
    " 'bits': struct.calcsize('P') * 8, 'prefix': sys.prefix, 'pip': pip, 'pip_version': ver}))\n"
)


def _no_window() -> dict:
    """subprocess options that keep a console window from flashing up on Windows."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)}
    return {}


def python_candidates(executable: str | None = None, base_executable: str | None = None,
                      exec_prefix: str | None = None, platform: str | None = None,
                      version_info: Sequence[int] | None = None) -> list[str]:
    """Interpreter paths that may belong to the running Python, best first (defaults: this process's values).

    ``sys.executable`` only when it is named like a Python (inside QGIS it can be the QGIS binary itself).
    """
    executable = sys.executable if executable is None else executable
    base_executable = getattr(sys, "_base_executable", None) if base_executable is None else base_executable
    exec_prefix = sys.exec_prefix if exec_prefix is None else exec_prefix
    platform = sys.platform if platform is None else platform
    major, minor = (version_info or sys.version_info)[:2]
    windows = platform.startswith("win")
    join = ntpath.join if windows else posixpath.join

    def looks_like_python(path: str | None) -> bool:
        if not path:
            return False
        name = re.split(r"[\\/]", path)[-1].lower()
        return name.startswith("python") and "config" not in name

    out: list[str] = []
    for path in (executable, base_executable):
        if looks_like_python(path):
            out.append(path)
    if exec_prefix:
        if windows:
            out += [join(exec_prefix, n) for n in ("python.exe", "python3.exe", f"python{major}.{minor}.exe")]
        else:
            out += [join(exec_prefix, "bin", n) for n in (f"python{major}.{minor}", f"python{major}", "python")]
    seen: set[str] = set()
    unique = []
    for p in out:
        key = os.path.normcase(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def probe_python(path: str, timeout: float = 60.0) -> PythonInfo | None:
    """Run ``path`` and ask it what it is; None when it does not run or is not a Python."""
    if not path or not os.path.isfile(path):
        return None
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    try:
        proc = subprocess.run([path, "-c", _PROBE], capture_output=True, text=True, timeout=timeout, env=env,
                              check=False, **_no_window())
    except (OSError, subprocess.SubprocessError):
        return None
    for line in proc.stdout.splitlines():
        if line.startswith("LM_PROBE "):
            try:
                d = json.loads(line[len("LM_PROBE "):])
                return PythonInfo(path, tuple(d["version"]), d["cache_tag"], int(d["bits"]), d["prefix"],
                                  bool(d["pip"]), d.get("pip_version"))
            except (ValueError, KeyError, TypeError):
                return None
    return None


def matches_running(info: PythonInfo) -> bool:
    """Same Python as this process: version (to the micro), implementation and pointer size."""
    return (tuple(info.version) == tuple(sys.version_info[:3])
            and info.cache_tag == sys.implementation.cache_tag
            and info.pointer_bits == struct.calcsize("P") * 8)


def find_python(candidates: Sequence[str] | None = None, require_pip: bool = True) -> PythonInfo:
    """The interpreter to run pip with: the first candidate that is the running Python and has pip (or, with
    ``require_pip=False``, just the running Python: the detection worker). Raises InstallError saying what was
    tried."""
    tried: list[str] = []
    without_pip: PythonInfo | None = None
    for path in python_candidates() if candidates is None else candidates:
        info = probe_python(path)
        if info is None:
            tried.append(f"{path}: does not run")
            continue
        if not matches_running(info):
            tried.append(f"{path}: Python {'.'.join(map(str, info.version))} ({info.cache_tag}, "
                         f"{info.pointer_bits} bit), not this one")
            continue
        if info.has_pip or not require_pip:
            return info
        without_pip = without_pip or info
        tried.append(f"{path}: no pip")
    running = ".".join(map(str, sys.version_info[:3]))
    if without_pip is not None:
        hint = Message(" (Debian/Ubuntu: sudo apt install python3-pip)") if sys.platform.startswith("linux") else ""
        raise InstallError(Message("pip is not available for QGIS's Python {path}: install pip for it{hint}, then try "
                                   "again", path=without_pip.path, hint=hint))
    raise InstallError(Message("could not find the Python interpreter QGIS runs on (Python {running}); tried: {tried}",
                               running=running, tried="; ".join(tried or ["-"])))


# --- running pip ----------------------------------------------------------------------------------------------
def pip_command(python: str, plan: InstallPlan, constraints_file: str | None = None) -> list[str]:
    cmd = [python, "-m", "pip", "install", "--target", str(plan.target), "--upgrade", "--no-input",
           "--disable-pip-version-check", "--progress-bar", "off"]
    if plan.force_reinstall:
        cmd.append("--force-reinstall")
    if constraints_file:
        cmd += ["--constraint", constraints_file]
    return cmd + list(plan.index_args) + list(plan.pip_args) + list(plan.requirements)


class PipProgress:
    """A monotonic 0-1 estimate from pip's output lines (pip prints no overall progress)."""

    def __init__(self) -> None:
        self.value = 0.0
        self.collected = 0

    def feed(self, line: str) -> float:
        text = line.strip()
        if text.startswith(("Collecting ", "Processing ", "Looking in links")):
            self.collected += 1
            self.value = max(self.value, 0.7 * (1.0 - 0.8 ** self.collected))
        elif text.startswith(("Downloading ", "Using cached ", "Obtaining ")):
            self.value = max(self.value, min(0.7, self.value + 0.02))
        elif text.startswith("Installing collected packages"):
            self.value = max(self.value, 0.75)
        elif text.startswith("Successfully installed"):
            self.value = 1.0
        return self.value


def run_pip(cmd: Sequence[str], on_line: Callable[[str], None] | None = None,
            is_cancelled: Callable[[], bool] | None = None, timeout: float | None = None) -> tuple[int, str]:
    """Run pip, streaming its output lines to ``on_line``; returns (exit code, whole output). A cancel
    terminates pip and returns exit code -1. Never raises for pip's own failures."""
    env = dict(os.environ)
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONIOENCODING="utf-8",
               PYTHONUNBUFFERED="1")
    try:
        proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                encoding="utf-8", errors="replace", env=env, **_no_window())
    except OSError as exc:
        return 127, f"cannot start {cmd[0]}: {exc}"
    lines: queue.Queue = queue.Queue()

    def reader() -> None:
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=reader, daemon=True, name="landslide-mapper-pip").start()
    output: list[str] = []
    start = time.monotonic()
    cancelled = False
    while True:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            line = ""
        if line is None:
            break
        if line:
            output.append(line)
            if on_line:
                on_line(line)
        if (is_cancelled and is_cancelled()) or (timeout and time.monotonic() - start > timeout):
            cancelled = True
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            break
    rc = proc.wait()
    if cancelled:
        output.append("pip was stopped (cancelled or timed out).")
        return -1, "\n".join(output)
    return rc, "\n".join(output)


@dataclass
class InstallResult:
    ok: bool
    output: str
    installed: dict[str, str]
    python: str
    cancelled: bool = False


def install(plan: InstallPlan, python: PythonInfo | str | None = None,
            on_line: Callable[[str], None] | None = None, on_progress: Callable[[float], None] | None = None,
            is_cancelled: Callable[[], bool] | None = None) -> InstallResult:
    """Carry out ``plan`` with pip, then put the folder on ``sys.path``. Raises InstallError with pip's output
    when pip fails; returns ``ok=False, cancelled=True`` on a cancel."""
    if plan.empty:
        return InstallResult(True, "Nothing to install.", installed_distributions(plan.target), "")
    info = python if isinstance(python, PythonInfo) else (find_python([python]) if python else find_python())
    say = on_line or (lambda line: None)
    plan.target.mkdir(parents=True, exist_ok=True)
    for name in plan.remove_first:
        if remove_distribution(plan.target, name):
            say(f"Removed {name} from {plan.target} (never both ONNX Runtime flavours)")
    progress = PipProgress()

    def line_seen(line: str) -> None:
        say(line)
        if on_progress:
            on_progress(progress.feed(line))

    fd, constraints = tempfile.mkstemp(prefix="landslide-mapper-constraints-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(plan.constraints) + "\n")
        cmd = pip_command(info.path, plan, constraints if plan.constraints else None)
        say("$ " + " ".join(cmd))
        rc, output = run_pip(cmd, line_seen, is_cancelled)
    finally:
        os.unlink(constraints)
    if rc == -1:
        return InstallResult(False, output, installed_distributions(plan.target), info.path, cancelled=True)
    if rc != 0:
        tail = "\n".join(output.splitlines()[-40:])
        raise InstallError(Message("pip failed (exit code {rc}) installing {requirements}:\n{tail}", rc=rc,
                                   requirements=' '.join(plan.requirements), tail=tail))
    for name in plan.prune:
        if remove_distribution(plan.target, name):
            say(f"Kept QGIS's own {name}: removed the copy pip resolved against")
    state = {"flavour": plan.flavour, "requirements": plan.requirements, "constraints": plan.constraints,
             "python": info.path, "python_version": ".".join(map(str, info.version)),
             "installed_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    (plan.target / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    activate(plan.target)
    if on_progress:
        on_progress(1.0)
    return InstallResult(True, output, installed_distributions(plan.target), info.path)
