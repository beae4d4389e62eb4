#!/usr/bin/env python3
"""The plugin's translations, the QGIS way: ``i18n/landslide_mapper_<locale>.ts`` (Qt Linguist's format, the source
of the translations) compiled to ``.qm`` by Qt's ``lrelease``; ``plugin.py`` loads the ``.qm`` of QGIS's locale.

Every user-facing string of the QGIS glue (``plugin.py``, ``ui/``, ``processing/``) goes through ``tr()`` (context
``LandslideMapper``); the strings are found by reading the code (AST), not by running it:

- ``tr("...")``, ``self.tr("...")``, ``QCoreApplication.translate("LandslideMapper", "...")`` with a literal;
- ``tr_noop("...")``: a string translated later, where it is shown;
- the class constants ``DISPLAY_NAME`` and ``GROUP`` of the algorithms, and the label dictionaries named in
  :data:`LABEL_TABLES` (``ENGINE_LABELS`` ..., the install sets' ``SET_LABELS``), whose values are shown through
  ``tr()``;
- the core's sentences (errors, log lines, progress, warnings: ``errors.Message("...", **values)`` in
  :data:`CORE`), which the glue shows through the same translations (``qgis_compat.translated``). The CLI
  (``cli.py``) stays English and is not read.

    python3 scripts/i18n.py update     the .ts files: new strings added (unfinished), gone ones removed
    python3 scripts/i18n.py check      non-zero exit when a string lacks a finished translation
    python3 scripts/i18n.py release [OUT]   lrelease each .ts into OUT (default i18n/)

Standard library only (``lrelease``: Debian ``qttools5-dev-tools``).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "i18n"
CONTEXT = "LandslideMapper"
LOCALES = ("zh_CN",)
GLUE = ("plugin.py", "ui", "processing")
#: the pure core: its user-facing sentences are ``Message("...")`` calls
CORE = ("errors.py", "worker.py", "detection", "training", "model", "environment")
#: (file, name of a dict or tuple of labels) whose string values are shown through tr()
LABEL_TABLES = (("processing/algorithms/parameters.py", "ENGINE_LABELS"),
                ("processing/algorithms/parameters.py", "DEVICE_LABELS"),
                ("processing/algorithms/parameters.py", "TTA_LABELS"),
                ("processing/algorithms/parameters.py", "PRODUCT_IMAGE_LABELS"),
                ("processing/algorithms/train_model.py", "STOPPED"),
                ("environment/dependencies.py", "SET_LABELS"),
                ("environment/report.py", "PACKAGES"))  # (name, module, purpose): the purpose
#: glue files whose tr() strings are not ours: the detect dialog matches QGIS's own "Execution failed" message
NOT_OURS = ("ui/detect_dialog.py",)
CLASS_CONSTANTS = ("DISPLAY_NAME", "GROUP")


def ts_path(locale: str) -> Path:
    return I18N / f"landslide_mapper_{locale}.ts"


def _files(items: tuple[str, ...]) -> list[Path]:
    files = []
    for item in items:
        path = ROOT / item
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def collect() -> dict[str, list[str]]:
    """source string -> its places (``file:line``), in the order found."""
    found: dict[str, list[str]] = {}

    def add(text: str | None, where: str) -> None:
        if text:
            found.setdefault(text, []).append(where)

    for path in _files(GLUE):
        rel = path.relative_to(ROOT).as_posix()
        if rel in NOT_OURS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else None
                if name in ("tr", "tr_noop") and node.args:
                    add(_literal(node.args[0]), f"{rel}:{node.lineno}")
                elif name == "translate" and len(node.args) >= 2 and _literal(node.args[0]) == CONTEXT:
                    add(_literal(node.args[1]), f"{rel}:{node.lineno}")
            elif isinstance(node, ast.Assign) and rel.startswith("processing/algorithms/"):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id in CLASS_CONSTANTS:
                        add(_literal(node.value), f"{rel}:{node.lineno}")
    for path in _files(CORE):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Message" \
                    and node.args:
                add(_literal(node.args[0]), f"{rel}:{node.lineno}")
    for rel, name in LABEL_TABLES:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) else []
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
                values = node.value.values if isinstance(node.value, ast.Dict) else getattr(node.value, "elts", [])
                for value in values:
                    if isinstance(value, ast.Tuple):  # a row of a table: its last element is the text
                        value = value.elts[-1]
                    add(_literal(value), f"{rel}:{value.lineno}")
    return found


def read_ts(path: Path) -> dict[str, tuple[str, bool]]:
    """source -> (translation, finished) of a .ts file."""
    if not path.exists():
        return {}
    out = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        text = translation.text if translation is not None and translation.text else ""
        finished = translation is not None and translation.get("type") not in ("unfinished", "obsolete") and bool(text)
        out[source] = (text, finished)
    return out


def write_ts(path: Path, locale: str, sources: dict[str, list[str]], translations: dict[str, tuple[str, bool]]):
    ts = ET.Element("TS", version="2.1", language=locale, sourcelanguage="en")
    context = ET.SubElement(ts, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source, places in sources.items():
        message = ET.SubElement(context, "message")
        for place in places:
            file, _, line = place.rpartition(":")
            ET.SubElement(message, "location", filename=f"../{file}", line=line)
        ET.SubElement(message, "source").text = source
        text, finished = translations.get(source, ("", False))
        translation = ET.SubElement(message, "translation")
        translation.text = text
        if not finished:
            translation.set("type", "unfinished")
    ET.indent(ts)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(ts, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def check(locale: str) -> tuple[list[str], list[str]]:
    """(strings of the code without a finished translation, .ts entries the code no longer has)."""
    sources, known = collect(), read_ts(ts_path(locale))
    missing = [s for s in sources if not known.get(s, ("", False))[1]]
    obsolete = [s for s in known if s not in sources]
    return missing, obsolete


def release(out: Path) -> list[Path]:
    """Compile every .ts into ``out`` with Qt's lrelease; the .qm files written."""
    tool = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    if tool is None:
        raise SystemExit("lrelease not found: install Debian's qttools5-dev-tools (make setup does)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in LOCALES:
        qm = out / f"landslide_mapper_{locale}.qm"
        subprocess.run([tool, "-silent", str(ts_path(locale)), "-qm", str(qm)], check=True)
        written.append(qm)
    return written


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        for locale in LOCALES:
            write_ts(ts_path(locale), locale, collect(), read_ts(ts_path(locale)))
        return 0
    if command == "check":
        bad = False
        for locale in LOCALES:
            missing, obsolete = check(locale)
            for s in missing:
                print(f"{locale}: no finished translation: {s[:100]!r}")
            for s in obsolete:
                print(f"{locale}: not in the code any more: {s[:100]!r}")
            bad = bad or bool(missing or obsolete)
        return 1 if bad else 0
    if command == "release":
        for qm in release(Path(argv[1]) if len(argv) > 1 else I18N):
            print(qm)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
