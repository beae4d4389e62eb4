#!/usr/bin/env python3
"""Build ``dist/landslide_mapper-<version>.zip``, the plugin zip QGIS's "Install from ZIP" accepts.

The zip holds one folder, ``landslide_mapper/``, with the runtime files only: ``metadata.txt``, ``LICENSE``,
``README.md``, the ``*.py`` files of the root, and ``model/``, ``detection/``, ``training/``, ``environment/``,
``processing/``, ``ui/``, ``resources/``. Never tests, benchmarks, scripts, docs, experiments, CI files or the
virtual environment. Files come from
``git ls-files`` (tracked plus untracked-but-not-ignored, so ``.gitignore`` is honoured); outside a git
checkout the folders are walked.
The zip is reproducible (fixed timestamps, sorted entries). Standard library only; runs with any Python 3.

Usage: scripts/package.py [--output-dir DIR]   (prints the path of the zip)
"""

from __future__ import annotations

import argparse
import ast
import configparser
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "landslide_mapper"
ROOT_FILES = ("metadata.txt", "LICENSE", "README.md")
RUNTIME_DIRS = ("model", "detection", "training", "environment", "processing", "ui", "resources")
#: i18n/: only the .qm files, compiled at packaging time (translations()); the .ts sources stay out
REQUIRED = ("metadata.txt", "__init__.py", "plugin.py", "LICENSE", "README.md")
SKIP_PARTS = ("__pycache__",)
SKIP_SUFFIXES = (".pyc", ".pyo")
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def package_version(root: Path = ROOT) -> str:
    """``__version__`` from the package's ``__init__.py``, read without importing it."""
    tree = ast.parse((root / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "__version__" for t in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise SystemExit("package: no __version__ in __init__.py")


def metadata_version(root: Path = ROOT) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(root / "metadata.txt", encoding="utf-8")
    return parser.get("general", "version")


def is_runtime(rel: str) -> bool:
    parts = rel.split("/")
    if any(p in SKIP_PARTS or p.startswith(".") for p in parts) or rel.endswith(SKIP_SUFFIXES):
        return False
    if len(parts) == 1:
        return rel in ROOT_FILES or rel.endswith(".py")
    return parts[0] in RUNTIME_DIRS


def candidate_files(root: Path = ROOT) -> list[str]:
    """Relative POSIX paths of the checkout (git's view when available)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            check=True,
            capture_output=True,
        ).stdout
        names = [n for n in out.decode("utf-8").split("\0") if n]
        return [n for n in names if (root / n).is_file()]  # tracked files deleted in the work tree drop out
    except (OSError, subprocess.CalledProcessError):
        return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def runtime_files(root: Path = ROOT) -> list[str]:
    return sorted({rel for rel in candidate_files(root) if is_runtime(rel)})


def build(output_dir: Path, root: Path = ROOT) -> Path:
    version = package_version(root)
    meta = metadata_version(root)
    if meta != version:
        raise SystemExit(f"package: metadata.txt version {meta} differs from __version__ {version}")
    files = runtime_files(root)
    missing = [f for f in REQUIRED if f not in files]
    if missing:
        raise SystemExit(f"package: required files missing: {', '.join(missing)}")
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"{PLUGIN}-{version}.zip"
    partial = target.with_suffix(".zip.partial")
    with tempfile.TemporaryDirectory() as tmp:
        compiled = translations(root, Path(tmp))  # i18n/*.qm, compiled now from the .ts files
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for rel, data in [*((rel, (root / rel).read_bytes()) for rel in files),
                              *((f"i18n/{qm.name}", qm.read_bytes()) for qm in compiled)]:
                info = zipfile.ZipInfo(f"{PLUGIN}/{rel}", date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
    partial.replace(target)
    return target


def translations(root: Path, out: Path) -> list[Path]:
    """The .qm files of ``root/i18n/*.ts``, compiled into ``out`` by Qt's lrelease (scripts/i18n.py)."""
    if not list((root / "i18n").glob("*.ts")):
        return []
    subprocess.run([sys.executable, str(root / "scripts" / "i18n.py"), "release", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return sorted(out.glob("*.qm"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    print(build(args.output_dir.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
