"""Import boundaries and Qt6 readiness.

* One rule: nothing outside the QGIS glue imports ``qgis``. The glue is ``plugin.py``, ``processing/`` (the
  provider and its algorithms) and ``ui/``; every other module of the package (the root modules, ``model/``,
  ``detection/``, ``training/``, ``environment/``) imports with ``qgis`` made unimportable, and never mentions
  ``qgis`` in an import statement. Files are found by walking the package, so new modules and folders are covered
  automatically.
* No import circle between the package's modules (module-level imports).
* Qt only through ``qgis.PyQt`` (no PyQt5/PyQt6/sip imports) and no ``exec_`` anywhere.
(``ruff check .`` runs in scripts/run_tests.sh before pytest, so lint errors also fail ``make test``.)
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

from script_result import script_result

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "landslide_mapper"
SKIP_DIRS = {".venv", ".git", "dist", "build", ".test-tmp", "__pycache__", ".ruff_cache", ".pytest_cache"}
QGIS_GLUE = ("plugin.py", "processing/", "ui/")  # the only places that may import qgis
NOT_PACKAGE = ("tests/", "benchmarks/", "scripts/", "experiments/", "docs/")  # not modules of the plugin
NOT_IMPORTED = {"__main__.py"}  # importing it would run the command line; still checked statically


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if not SKIP_DIRS.intersection(p.relative_to(REPO).parts))


def package_files() -> list[Path]:
    return [p for p in _python_files(REPO) if not p.relative_to(REPO).as_posix().startswith(NOT_PACKAGE)]


def pure_files() -> list[Path]:
    return [p for p in package_files() if not p.relative_to(REPO).as_posix().startswith(QGIS_GLUE)]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


def imported_modules(path: Path) -> list[str]:
    """Every module named in an import statement of the file (absolute names; relative ones as written)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_pure_file_list_is_complete():
    files = {p.relative_to(REPO).as_posix() for p in pure_files()}
    for expected in (
        "__init__.py",
        "errors.py",
        "model/__init__.py",
        "detection/__init__.py",
        "detection/pipeline.py",
        "detection/partitions.py",
        "training/__init__.py",
        "training/train.py",
        "training/chips.py",
        "environment/report.py",
        "environment/dependencies.py",
        "worker.py",
        "cli.py",
    ):
        assert expected in files
    assert not {"plugin.py", "processing/provider.py", "processing/__init__.py",
                "processing/algorithms/check_environment.py", "ui/about.py"} & files


def test_pure_modules_have_no_qgis_import_statement():
    offenders = {
        p.relative_to(REPO).as_posix(): names
        for p in pure_files()
        if (names := [n for n in imported_modules(p) if n == "qgis" or n.startswith("qgis.")])
    }
    assert offenders == {}


_IMPORT_WITHOUT_QGIS = textwrap.dedent(
    """
    import importlib, json, sys, traceback

    class NoQgis:
        def find_spec(self, name, path=None, target=None):
            if name == "qgis" or name.startswith("qgis."):
                raise ImportError(f"{name} is unimportable in this test")
            return None

    sys.meta_path.insert(0, NoQgis())
    for name in [m for m in sys.modules if m == "qgis" or m.startswith("qgis.")]:
        del sys.modules[name]
    try:
        import qgis.core  # noqa: F401
        blocked = False
    except ImportError:
        blocked = True
    sys.path[:0] = sys.argv[2:]  # extra folders (the self-test below)
    failures = {}
    for name in json.loads(sys.argv[1]):
        try:
            importlib.import_module(name)
        except BaseException:
            failures[name] = traceback.format_exc(limit=-3)
    leaked = sorted(m for m in sys.modules if m == "qgis" or m.startswith("qgis."))
    print("RESULT " + json.dumps({"blocked": blocked, "failures": failures, "leaked": leaked}), flush=True)
    """
)


def test_pure_modules_import_without_qgis(tmp_path):
    modules = [module_name(p) for p in pure_files() if p.name not in NOT_IMPORTED]
    result = script_result(_IMPORT_WITHOUT_QGIS, json.dumps(modules), cwd=tmp_path, timeout=600)
    assert result["blocked"], "the qgis blocker did not work"
    assert result["failures"] == {}, "\n".join(f"{k}:\n{v}" for k, v in result["failures"].items())
    assert result["leaked"] == []


def test_import_blocker_catches_a_qgis_import(tmp_path):
    """The subprocess check can fail: a module that imports qgis is reported."""
    bad = tmp_path / "imports_qgis.py"
    bad.write_text("import qgis.core\n", encoding="utf-8")
    result = script_result(_IMPORT_WITHOUT_QGIS, json.dumps(["imports_qgis"]), str(tmp_path), cwd=tmp_path,
                           timeout=120)
    assert list(result["failures"]) == ["imports_qgis"]


def all_python_files() -> list[Path]:
    return _python_files(REPO)


def test_qt_only_through_qgis_pyqt():
    offenders = {}
    for path in all_python_files():
        bad = [
            n
            for n in imported_modules(path)
            if n.split(".")[0] in {"PyQt5", "PyQt6", "sip", "PySide2", "PySide6"}
        ]
        if bad:
            offenders[path.relative_to(REPO).as_posix()] = bad
    assert offenders == {}


def test_no_exec_underscore():
    offenders = []
    for path in all_python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "exec_":
                offenders.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}")
    assert offenders == []


def test_qt_checks_can_fail(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from PyQt5.QtWidgets import QDialog\nQDialog().exec_()\n", encoding="utf-8")
    assert imported_modules(sample) == ["PyQt5.QtWidgets"]
    tree = ast.parse(sample.read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.Attribute) and n.attr == "exec_" for n in ast.walk(tree))


def _model_import_graph() -> dict[str, set[str]]:
    """Which modules of model/ each module of model/ imports (relative imports, lazy ones inside functions too)."""
    graph = {}
    for path in _python_files(REPO / "model"):
        own = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    own.add(node.module.split(".")[0])
                else:
                    own.update(a.name for a in node.names)
        graph[path.stem] = own & {p.stem for p in (REPO / "model").glob("*.py")}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return trail + [node, nxt]
            if nxt not in state and (found := visit(nxt, trail + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_model_package_has_no_import_cycle():
    graph = _model_import_graph()
    assert "weights" in graph["backbone"] and "checkpoint" not in graph["backbone"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None  # the check can fail


def _package_import_graph(module_level_only: bool = False) -> dict[str, set[str]]:
    """Which of the package's modules each of its modules imports (absolute and relative imports; lazy ones inside
    functions too unless ``module_level_only``)."""
    files = {module_name(p): p for p in package_files()}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = tree.body if module_level_only else list(ast.walk(tree))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        own: set[str] = set()
        for node in nodes:
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join(parts + ([base] if base else []))
                for alias in node.names:  # "from pkg import module" names a module, "from module import x" not
                    own.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base)
            elif isinstance(node, ast.Import):
                own.update(alias.name for alias in node.names)
        # (a package's own __init__, always imported before its modules, is no circle)
        graph[name] = {m for m in own if m in files and m != name and not name.startswith(m + ".")}
    return graph


def test_package_has_no_import_cycle():
    """No circle between the package's modules, counting the imports inside functions too (the one between the
    detect algorithm and its helpers was broken by moving the shared helpers to algorithms/parameters.py)."""
    graph = _package_import_graph()
    assert "landslide_mapper.processing.algorithms.parameters" in graph[
        "landslide_mapper.processing.algorithms.core_tasks"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))
    bad = dict(graph, **{"landslide_mapper.processing.algorithms.parameters":
                         {"landslide_mapper.processing.algorithms.core_tasks"}})
    assert _cycle(bad) is not None  # the check can fail
