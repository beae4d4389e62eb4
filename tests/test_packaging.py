"""The plugin zip (scripts/package.py = `make package`) and metadata.txt."""

from __future__ import annotations

import ast
import configparser
import subprocess
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PREFIX = "landslide_mapper/"
REQUIRED_FIELDS = (
    "name",
    "qgisMinimumVersion",
    "qgisMaximumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
    "tracker",
    "homepage",
    "icon",
    "tags",
    "category",
    "hasProcessingProvider",
    "experimental",
    "deprecated",
)
FORBIDDEN_TOP = {
    "tests",
    "benchmarks",
    "scripts",
    "docs",
    "experiments",
    ".venv",
    ".ci",
    ".git",
    "dist",
    "requirements",
    ".test-tmp",
    "build",
}


def metadata(path: Path | None = None, text: str | None = None) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep camelCase keys
    if text is not None:
        parser.read_string(text)
    else:
        parser.read(path or REPO / "metadata.txt", encoding="utf-8")
    return dict(parser["general"])


def source_version() -> str:
    tree = ast.parse((REPO / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "__version__":
            return ast.literal_eval(node.value)
    raise AssertionError("no __version__")


def test_metadata_fields():
    meta = metadata()
    missing = [f for f in REQUIRED_FIELDS if not meta.get(f, "").strip()]
    assert missing == []
    assert meta["name"] == "Landslide Mapper"
    assert meta["qgisMinimumVersion"] == "3.34"
    assert meta["qgisMaximumVersion"] == "4.99"
    assert meta["category"] == "Raster"
    assert meta["hasProcessingProvider"] == "yes"
    assert meta["deprecated"] == "False"
    for key in ("repository", "tracker", "homepage"):
        assert meta[key].startswith("https://"), key
    assert (REPO / meta["icon"]).is_file()
    assert "@" in meta["email"]


def test_metadata_version_is_package_version():
    import landslide_mapper

    assert metadata()["version"] == source_version() == landslide_mapper.__version__


def test_license_is_gpl2():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 2, June 1991" in text
    assert "END OF TERMS AND CONDITIONS" in text  # the full text, not a stub


def test_zip_contents(plugin_zip):
    assert plugin_zip.name == f"landslide_mapper-{source_version()}.zip"
    with zipfile.ZipFile(plugin_zip) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        meta_text = zf.read(PREFIX + "metadata.txt").decode("utf-8")
    assert all(n.startswith(PREFIX) for n in names), [n for n in names if not n.startswith(PREFIX)]
    rel = [n[len(PREFIX) :] for n in names]
    for required in (
        "metadata.txt",
        "__init__.py",
        "plugin.py",
        "LICENSE",
        "README.md",
        "resources/icon.svg",
        "processing/__init__.py",
        "processing/provider.py",
        "environment/report.py",
        "detection/pipeline.py",
        "i18n/landslide_mapper_zh_CN.qm",  # compiled from the .ts when packaged (scripts/i18n.py)
        "processing/algorithms/__init__.py",
        "processing/algorithms/check_environment.py",
        "model/__init__.py",
        "training/__init__.py",
        "ui/__init__.py",
    ):
        assert required in rel, required
    assert not [n for n in rel if n.split("/")[0] in FORBIDDEN_TOP]
    assert not [n for n in rel if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in rel if n.endswith(".ts")]  # the translations' sources stay in the repository
    assert not {"pyproject.toml", "Makefile", ".gitignore"} & set(rel)
    assert metadata(text=meta_text)["version"] == source_version()
    # every Python module of the checkout's runtime folders is in the zip
    for folder in ("model", "detection", "training", "environment", "processing", "ui"):
        for path in (REPO / folder).rglob("*.py"):
            if "__pycache__" not in path.parts:
                assert path.relative_to(REPO).as_posix() in rel, path


def test_make_package(tmp_path):
    """`make package` itself writes dist/landslide_mapper-<version>.zip (DIST redirected to a tmp folder)."""
    proc = subprocess.run(
        ["make", "-s", "-C", str(REPO), "package", f"DIST={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / f"landslide_mapper-{source_version()}.zip").is_file()


# --- the test runner's verdict (run_tests.sh -> tests/verdict_plugin.py + scripts/test_verdict.py) ---
PROBE = """
import atexit, os, signal
MODE = os.environ["PROBE"]

def test_probe():
    if MODE == "crash_at_exit":
        atexit.register(lambda: os.kill(os.getpid(), signal.SIGSEGV))
    if MODE == "crash_mid_run":
        os.kill(os.getpid(), signal.SIGSEGV)
    if MODE == "fail_then_exit_0":
        atexit.register(lambda: os._exit(0))
    assert not MODE.startswith("fail")
"""


def _probe_run(tmp_path: Path, mode: str, *extra: str) -> tuple[int, int, str]:
    """Run a nested pytest session on a probe test; return (pytest rc, verdict rc, verdict message)."""
    import os
    import sys

    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    verdict = tmp_path / "verdict.json"
    env = dict(os.environ, PROBE=mode, LANDSLIDE_MAPPER_VERDICT=str(verdict), PYTHONPATH=str(REPO / "tests"))
    run = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "pytest",
            "-q",
            "-p",
            "verdict_plugin",
            "-p",
            "no:faulthandler",
            "-p",
            "no:cacheprovider",
            "-c",
            str(tmp_path / "pytest.ini"),
            str(tmp_path / "test_probe.py"),
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    judged = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "test_verdict.py"), str(verdict), str(run.returncode)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return run.returncode, judged.returncode, judged.stderr


def test_verdict_pass(tmp_path):
    rc, verdict, message = _probe_run(tmp_path, "pass")
    assert (rc, verdict) == (0, 0) and "PASSED: passed 1" in message


def test_verdict_crash_at_exit_after_passing_is_a_pass(tmp_path):
    rc, verdict, message = _probe_run(tmp_path, "crash_at_exit")
    assert rc != 0 and verdict == 0, message


def test_verdict_crash_during_the_run_is_a_failure(tmp_path):
    rc, verdict, message = _probe_run(tmp_path, "crash_mid_run")
    assert rc != 0 and verdict == 1 and "no verdict" in message


def test_verdict_failure_with_exit_code_0_is_a_failure(tmp_path):
    rc, verdict, message = _probe_run(tmp_path, "fail_then_exit_0")
    assert rc == 0 and verdict == 1 and "failed 1" in message


def test_verdict_no_test_run_is_a_failure(tmp_path):
    rc, verdict, message = _probe_run(tmp_path, "pass", "-k", "no_such_test")
    assert rc == 5 and verdict == 1 and "no test ran" in message
