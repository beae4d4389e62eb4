"""The dependency installer (``dependencies.py``): what is installed for CPU / GPU, where, how ``sys.path`` is
set, and which interpreter runs pip - against small real packages (wheels built here) installed by the real
pip into temporary folders. No network: pip runs with ``--no-index --find-links``. No QGIS."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from script_result import script_result

from landslide_mapper.environment import dependencies as deps

RUNNING = ".".join(map(str, sys.version_info[:3]))


@pytest.fixture(autouse=True)
def restore_sys_path():
    """install() puts its folder on sys.path: never let a test's folder (with stand-in packages such as a fake
    onnxruntime) leak into later tests or into the worker processes they start."""
    saved = list(sys.path)
    yield
    sys.path[:] = saved
    for name in [m for m in sys.modules if m.startswith("lm_tiny")]:
        del sys.modules[name]


# --- tiny real wheels ---------------------------------------------------------------------------------------
def build_wheel(folder: Path, name: str, version: str, files: dict[str, str], requires: tuple[str, ...] = ()) -> Path:
    """A minimal valid pure-Python wheel (METADATA, WHEEL, RECORD with sha256 digests)."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires
    )
    content = dict(files)
    content[f"{info}/METADATA"] = meta
    content[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: landslide-mapper-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    tops = sorted({p.split("/")[0].removesuffix(".py") for p in files if not p.endswith(".pth")})
    content[f"{info}/top_level.txt"] = "\n".join(tops) + "\n"
    record = []
    for path, text in content.items():
        data = text.encode("utf-8")
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    content[f"{info}/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in content.items():
            zf.writestr(path, text)
    return wheel


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    build_wheel(folder, "lm-tiny-lib", "1.0", {"lm_tiny_lib/__init__.py": "VERSION = '1.0'\n"})
    build_wheel(folder, "lm-tiny-lib", "2.0", {"lm_tiny_lib/__init__.py": "VERSION = '2.0'\n"})
    build_wheel(
        folder,
        "lm-tiny-app",
        "1.0",
        {
            "lm_tiny_app/__init__.py": "from lm_tiny_lib import VERSION as LIB\nANSWER = 42\n",
            # a .pth file: activate() must process it like site.addsitedir does
            "lm_tiny_app.pth": "lm_tiny_extra\n",
            "lm_tiny_extra/lm_tiny_extra_mod.py": "WHERE = 'via .pth'\n",
        },
        requires=("lm-tiny-lib",),
    )
    # the two ONNX Runtime flavours: same module name, different distributions (stand-ins, version >= 1.17)
    for dist, flavour in (("onnxruntime", "cpu"), ("onnxruntime-gpu", "gpu")):
        build_wheel(folder, dist, "1.99.0", {"onnxruntime/__init__.py": f"FLAVOUR = '{flavour}'\n"})
    return folder


def offline(wheelhouse: Path) -> list[str]:
    return ["--no-index", "--find-links", str(wheelhouse)]


# --- where, and what for CPU / GPU ---------------------------------------------------------------------------
def test_deps_dir_in_profile_and_override(tmp_path, monkeypatch):
    monkeypatch.delenv(deps.DEPS_ENV, raising=False)
    folder = deps.deps_dir(tmp_path / "profile", (3, 12, 1))
    assert folder == tmp_path / "profile" / "python" / "landslide_mapper_deps" / "python3.12"
    monkeypatch.setenv(deps.DEPS_ENV, str(tmp_path / "elsewhere"))
    assert deps.deps_dir(tmp_path / "profile") == tmp_path / "elsewhere"
    monkeypatch.delenv(deps.DEPS_ENV)
    with pytest.raises(deps.InstallError):
        deps.deps_dir(None)


def _names(requirements):
    return {deps.canonical(r.split(">")[0].split("=")[0]) for r in requirements}


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_plan_cpu_and_gpu_never_both_onnxruntime_flavours(tmp_path, platform):
    everything = list(deps.MODULES)
    cpu = deps.plan_install(everything, tmp_path, "cpu", present={}, platform=platform)
    gpu = deps.plan_install(everything, tmp_path, "gpu", present={}, platform=platform)
    assert "onnxruntime>=1.17" in cpu.requirements and "onnxruntime-gpu" not in _names(cpu.requirements)
    assert "onnxruntime-gpu>=1.17" in gpu.requirements and "onnxruntime" not in _names(gpu.requirements)
    assert cpu.remove_first == ["onnxruntime-gpu"] and gpu.remove_first == ["onnxruntime"]
    for plan in (cpu, gpu):
        assert {"torch", "timm", "rasterio", "fiona", "shapely", "numpy", "safetensors", "onnx", "attrs"} <= _names(
            plan.requirements
        )
        assert plan.target == tmp_path and not plan.force_reinstall and plan.constraints == []
    # PyTorch wheels: CPU-only on Linux from PyTorch's CPU index, CUDA on Windows from its CUDA index
    expected = {
        "linux": (["--extra-index-url", deps.TORCH_CPU_INDEX], []),
        "win32": ([], ["--extra-index-url", deps.TORCH_CUDA_INDEX]),
        "darwin": ([], []),
    }[platform]
    assert (cpu.index_args, gpu.index_args) == expected


def test_plan_only_what_is_missing_and_keeps_qgis_packages(tmp_path):
    present = {"numpy": "1.26.4", "torch": "2.14.1", "attrs": "22.2.0", "onnxruntime-gpu": "1.32.0"}
    plan = deps.plan_install(["timm", "rasterio", "onnxruntime"], tmp_path, "cpu", present=present, platform="linux")
    # an ONNX Runtime already outside the folder decides the flavour: never both
    assert plan.flavour == "gpu" and "onnxruntime-gpu>=1.17" in plan.requirements
    assert plan.requirements == ["timm>=1.0", "onnxruntime-gpu>=1.17", "rasterio>=1.3", "attrs>=23.2"]
    # numpy and torch stay at QGIS's versions (pinned, then pruned); attrs is upgraded (affine needs >= 23.2)
    assert plan.constraints == ["numpy==1.26.4", "torch==2.14.1"]
    assert plan.prune == ["numpy", "torch"]
    assert plan.index_args == []  # torch is not being installed
    assert "numpy==1.26.4" in plan.describe() and str(tmp_path) in plan.describe()
    assert deps.plan_install([], tmp_path, "cpu", present=present).empty
    with pytest.raises(ValueError):
        deps.plan_install(["tensorflow"], tmp_path, "cpu", present={})
    with pytest.raises(ValueError):
        deps.plan_install(["torch"], tmp_path, "tpu", present={})


def test_repair_reinstalls_what_the_folder_holds(tmp_path, wheelhouse):
    target = tmp_path / "deps"
    deps.install(deps.InstallPlan(target, "cpu", ["onnxruntime"], pip_args=offline(wheelhouse)))
    plan = deps.plan_install(["timm"], target, "cpu", repair=True, present={})
    assert plan.force_reinstall and "--force-reinstall" in deps.pip_command("python", plan)
    assert plan.requirements == ["timm>=1.0", "onnxruntime>=1.17"]


def _script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.mark.skipif(os.name == "nt", reason="shell-script stand-ins")
def test_detect_gpu_from_nvidia_smi(tmp_path):
    found = _script(tmp_path / "smi-ok", 'echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1234)"\n')
    broken = _script(tmp_path / "smi-broken", 'echo "NVIDIA-SMI has failed: no driver"; exit 9\n')
    gpu = deps.detect_gpu(found)
    assert gpu.nvidia and "H100" in gpu.detail and deps.choose_flavour(gpu) == "gpu"
    assert not deps.detect_gpu(broken).nvidia and "failed" in deps.detect_gpu(broken).detail
    assert deps.choose_flavour(deps.detect_gpu(broken)) == "cpu"
    assert deps.detect_gpu(found.replace("smi-ok", "missing")).nvidia is False
    assert deps.detect_gpu(broken, cuda_seen=True).nvidia  # torch / onnxruntime already see CUDA
    # this machine, for real: no nvidia-smi here means the CPU flavour (on a GPU machine: the GPU flavour)
    real = deps.detect_gpu()
    assert real.nvidia == (real.source == "nvidia-smi" and real.detail.startswith("GPU "))


# --- which Python runs pip --------------------------------------------------------------------------------------
def test_python_candidates_for_qgis_layouts():
    # qgis_process started from a shell: sys.executable is the first python3 on PATH (pyenv here)
    linux = deps.python_candidates("/root/.pyenv/shims/python3", "/usr/bin/python3.11", "/usr", "linux", (3, 11))
    assert linux == ["/root/.pyenv/shims/python3", "/usr/bin/python3.11", "/usr/bin/python3", "/usr/bin/python"]
    # QGIS desktop: sys.executable is the QGIS binary itself - never run it
    assert "/usr/bin/qgis" not in deps.python_candidates("/usr/bin/qgis", "", "/usr", "linux", (3, 11))
    osgeo4w = deps.python_candidates(
        r"C:\OSGeo4W\bin\qgis-bin.exe", "", r"C:\OSGeo4W\apps\Python312", "win32", (3, 12)
    )
    assert osgeo4w[0] == r"C:\OSGeo4W\apps\Python312\python.exe"
    assert not any("qgis-bin" in c for c in osgeo4w)
    framework = "/Applications/QGIS.app/Contents/Frameworks/Python"
    mac = deps.python_candidates("/Applications/QGIS.app/Contents/MacOS/QGIS", "", framework, "darwin", (3, 9))
    assert mac == [f"{framework}/bin/python3.9", f"{framework}/bin/python3", f"{framework}/bin/python"]


@pytest.mark.skipif(os.name == "nt", reason="shell-script stand-ins")
def test_find_python_checks_the_version_and_pip(tmp_path):
    info = deps.find_python()  # this process's own interpreter, verified by running it
    assert info.version == tuple(sys.version_info[:3]) and info.has_pip and deps.matches_running(info)
    wrong = _script(
        tmp_path / "python3-wrong",
        "echo 'LM_PROBE {\"version\": [3, 11, 99], \"cache_tag\": \"cpython-311\", \"bits\": 64, "
        "\"prefix\": \"/x\", \"pip\": true, \"pip_version\": \"1\"}'\n",
    )
    candidates = [wrong, str(tmp_path / "python-missing"), sys.executable]
    chosen = deps.find_python(candidates)
    assert chosen.path == sys.executable
    with pytest.raises(deps.InstallError, match="3.11.99"):
        deps.find_python([wrong])
    v = sys.version_info
    no_pip = _script(
        tmp_path / "python3-nopip",
        f"echo 'LM_PROBE {{\"version\": [{v[0]}, {v[1]}, {v[2]}], \"cache_tag\": \"{sys.implementation.cache_tag}\", "
        f"\"bits\": 64, \"prefix\": \"/x\", \"pip\": false, \"pip_version\": null}}'\n",
    )
    with pytest.raises(deps.InstallError, match="pip is not available"):
        deps.find_python([no_pip])
    # the interpreter pyenv puts first on PATH here (3.11.7) is not QGIS's Python (3.11.2): rejected
    pyenv = "/root/.pyenv/shims/python3"
    if Path(pyenv).exists() and (probe := deps.probe_python(pyenv)) and probe.version != tuple(v[:3]):
        assert not deps.matches_running(probe)
        assert deps.find_python([pyenv, sys.executable]).path == sys.executable


# --- installing for real ----------------------------------------------------------------------------------------
_IMPORT_AFTER_HOOK = textwrap.dedent(
    """
    import json, sys
    from landslide_mapper.environment import dependencies as deps
    target = sys.argv[1]
    try:
        import lm_tiny_app  # noqa: F401
        before = True
    except ImportError:
        before = False
    added = deps.activate(target)
    import lm_tiny_app, lm_tiny_extra_mod
    print("RESULT " + json.dumps({"before": before, "added": added, "first": sys.path[0],
                                 "answer": lm_tiny_app.ANSWER, "lib": lm_tiny_app.LIB,
                                 "extra": lm_tiny_extra_mod.WHERE, "again": deps.activate(target)}))
    """
)


def test_install_real_package_then_import_after_the_sys_path_hook(tmp_path, wheelhouse):
    target = tmp_path / "profile" / "python" / "landslide_mapper_deps" / "python3.x"
    plan = deps.InstallPlan(target, "cpu", ["lm-tiny-app"], constraints=["lm-tiny-lib==1.0"],
                            pip_args=offline(wheelhouse))
    lines, progress = [], []
    try:
        result = deps.install(plan, on_line=lines.append, on_progress=progress.append)
        assert result.ok and not result.cancelled
        assert result.installed == {"lm-tiny-app": "1.0", "lm-tiny-lib": "1.0"}  # the constraint beat 2.0
        assert any(line.startswith("Successfully installed") for line in lines)
        assert lines[0].startswith("$ ") and "--target" in lines[0] and "--no-index" in lines[0]
        assert progress == sorted(progress) and progress[-1] == 1.0  # monotonic, ends at 100 %
        assert deps.read_state(target)["requirements"] == ["lm-tiny-app"]
        assert deps.read_state(target)["python_version"] == RUNNING
        # install() activated the folder in this process: importable right away, no restart
        assert sys.path[0] == str(target)
        import lm_tiny_app

        assert lm_tiny_app.ANSWER == 42 and Path(lm_tiny_app.__file__).parent.parent == target
    finally:
        deps.deactivate(target)
        for name in [m for m in sys.modules if m.startswith("lm_tiny")]:
            del sys.modules[name]
    assert not deps.is_active(target)

    # a fresh interpreter, as at plugin load: not importable before the hook, importable after it (.pth too)
    out = script_result(_IMPORT_AFTER_HOOK, str(target), cwd=tmp_path, timeout=120)
    assert out == {"before": False, "added": True, "first": str(target), "answer": 42, "lib": "1.0",
                   "extra": "via .pth", "again": False}

    # uninstall: the folder is gone and off sys.path
    deps.activate(target)
    assert deps.uninstall(target) == ["lm-tiny-app", "lm-tiny-lib"]
    assert not target.exists() and not deps.is_active(target)


def test_packages_qgis_already_has_are_pinned_then_removed(tmp_path, wheelhouse):
    target = tmp_path / "deps"
    plan = deps.InstallPlan(target, "cpu", ["lm-tiny-app"], constraints=["lm-tiny-lib==1.0"], prune=["lm-tiny-lib"],
                            pip_args=offline(wheelhouse))
    result = deps.install(plan)
    deps.deactivate(target)
    assert "lm-tiny-lib-1.0" in result.output  # pip resolved against the pinned version...
    assert result.installed == {"lm-tiny-app": "1.0"}  # ...which was then removed from the folder
    assert not (target / "lm_tiny_lib").exists() and (target / "lm_tiny_app" / "__init__.py").is_file()


def test_switching_onnxruntime_flavour_removes_the_other(tmp_path, wheelhouse):
    target = tmp_path / "deps"
    cpu = deps.plan_install(["onnxruntime"], target, "cpu", present={}, pip_args=offline(wheelhouse))
    deps.install(cpu)
    assert deps.installed_distributions(target) == {"onnxruntime": "1.99.0"}
    gpu = deps.plan_install(["onnxruntime"], target, "gpu", present={}, pip_args=offline(wheelhouse))
    lines = []
    deps.install(gpu, on_line=lines.append)
    deps.deactivate(target)
    assert deps.installed_distributions(target) == {"onnxruntime-gpu": "1.99.0"}  # never both
    assert "FLAVOUR = 'gpu'" in (target / "onnxruntime" / "__init__.py").read_text()
    assert any("Removed onnxruntime" in line for line in lines)
    assert not list(target.glob("onnxruntime-1.99.0.dist-info"))


def test_pip_failure_reports_pips_output(tmp_path, wheelhouse):
    plan = deps.InstallPlan(tmp_path / "deps", "cpu", ["lm-no-such-package"], pip_args=offline(wheelhouse))
    with pytest.raises(deps.InstallError) as err:
        deps.install(plan)
    message = str(err.value)
    assert "pip failed" in message and "lm-no-such-package" in message
    assert "No matching distribution" in message  # pip's own words reach the user
    assert not deps.is_active(tmp_path / "deps")


def test_cancel_stops_pip(tmp_path, wheelhouse):
    plan = deps.InstallPlan(tmp_path / "deps", "cpu", ["lm-tiny-app"], pip_args=offline(wheelhouse))
    result = deps.install(plan, is_cancelled=lambda: True)
    assert result.cancelled and not result.ok and "stopped" in result.output
    assert deps.installed_distributions(tmp_path / "deps") == {}
