"""Run ``qgis_process`` against the plugin installed from its zip into a throw-away QGIS profile.

Reusable by any test that drives Landslide Mapper through ``qgis_process`` (algorithms, ``.model3`` models)::

    profile = QgisProcessProfile.create(tmp_dir, build_plugin_zip(tmp_dir / "dist"))
    result = profile.run_json("landslide_mapper:check_environment", {"OUTPUT": str(tmp_dir / "r.json")})
    result["results"]["OUTPUT"]

(or use the session fixtures ``plugin_zip`` and ``qgis_process_profile`` of ``conftest.py``).

Facts this relies on (QGIS 3.40): qgis_process finds plugins in the profile's ``python/plugins`` folder
and loads one only when it is enabled in that profile (``qgis_process plugins enable NAME``); its embedded
Python does not see the venv, so the venv's site-packages go on ``PYTHONPATH`` (``.pth`` files there are
not processed, so the editable install of the checkout does not shadow the installed copy).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PLUGIN = "landslide_mapper"


def qgis_process_executable() -> str:
    """``qgis_process`` (3.40: /usr/bin/qgis_process works; the Debian wrapper of 3.22 does not)."""
    found = shutil.which("qgis_process") or "/usr/bin/qgis_process"
    if not Path(found).exists():
        raise FileNotFoundError("qgis_process is not installed (run make setup)")
    return found


def venv_site_packages() -> Path:
    """The venv's site-packages (``.venv/lib/pythonX.Y/site-packages``)."""
    lib = REPO / ".venv" / "lib"
    candidates = sorted(lib.glob("python3*/site-packages"))
    if not candidates:
        raise FileNotFoundError(f"no site-packages under {lib} (run make setup)")
    return candidates[0]


def build_plugin_zip(output_dir: Path) -> Path:
    """Build the plugin zip with scripts/package.py (what ``make package`` runs) into ``output_dir``."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "package.py"), "--output-dir", str(output_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scripts/package.py failed ({proc.returncode}): {proc.stderr}")
    path = Path(proc.stdout.strip().splitlines()[-1])
    if not path.is_file():
        raise RuntimeError(f"scripts/package.py did not write {path}")
    return path


@dataclass
class QgisProcessResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (
            f"qgis_process {' '.join(self.args)} -> rc {self.returncode}\n--- stdout (tail)\n"
            f"{self.stdout[-3000:]}\n--- stderr (tail)\n{self.stderr[-3000:]}"
        )


@dataclass
class QgisProcessProfile:
    """A profile root (QGIS_CUSTOM_CONFIG_PATH) with the plugin installed from a zip and enabled."""

    root: Path
    timeout_s: float = 600

    @property
    def plugins_dir(self) -> Path:
        return self.root / "profiles" / "default" / "python" / "plugins"

    @property
    def plugin_dir(self) -> Path:
        return self.plugins_dir / PLUGIN

    @classmethod
    def create(cls, root: Path, plugin_zip: Path, enable: bool = True) -> QgisProcessProfile:
        profile = cls(Path(root))
        profile.install_zip(plugin_zip)
        if enable:
            profile.enable()
        return profile

    def install_zip(self, plugin_zip: Path) -> Path:
        """Unpack the zip into the profile's plugins folder, as "Install from ZIP" does."""
        if self.plugin_dir.exists():
            shutil.rmtree(self.plugin_dir)
        self.plugins_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(plugin_zip) as zf:
            names = zf.namelist()
            bad = [n for n in names if not n.startswith(f"{PLUGIN}/") or ".." in Path(n).parts]
            if bad:
                raise ValueError(f"zip entries outside {PLUGIN}/: {bad[:5]}")
            zf.extractall(self.plugins_dir)
        return self.plugin_dir

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["QGIS_CUSTOM_CONFIG_PATH"] = str(self.root)
        env["PYTHONPATH"] = str(venv_site_packages())
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        for key in ("PROJ_DATA", "PROJ_LIB", "QGIS_PLUGINPATH"):
            env.pop(key, None)
        return env

    def run(self, *args: str, input_text: str | None = None, cwd: Path | None = None) -> QgisProcessResult:
        """Run ``qgis_process ARGS...`` with this profile; never raises on a non-zero exit."""
        cmd = [qgis_process_executable(), *args]
        proc = subprocess.run(
            cmd,
            env=self.env(),
            capture_output=True,
            text=True,
            input=input_text,
            timeout=self.timeout_s,
            cwd=str(cwd or self.root),
            check=False,
        )
        return QgisProcessResult(list(args), proc.returncode, proc.stdout, proc.stderr)

    def enable(self, plugin: str = PLUGIN) -> None:
        result = self.run("plugins", "enable", plugin)
        if result.returncode != 0:
            raise RuntimeError("could not enable the plugin:\n" + result.describe())

    def list_json(self) -> dict[str, Any]:
        """``qgis_process --json list`` parsed."""
        result = self.run("--json", "list")
        if result.returncode != 0:
            raise RuntimeError(result.describe())
        return json.loads(result.stdout)

    def run_json(self, algorithm: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run an algorithm id or a ``.model3`` path with ``--json``; parameters go as JSON on stdin.

        Returns qgis_process's JSON document (``results``, ``log``, ``inputs``, ...); raises RuntimeError with
        the output on failure.
        """
        payload = json.dumps({"inputs": params or {}})
        result = self.run("--json", "run", str(algorithm), "-", input_text=payload)
        if result.returncode != 0:
            raise RuntimeError(result.describe())
        try:
            return json.loads(result.stdout)
        except ValueError as exc:
            raise RuntimeError(f"qgis_process printed no JSON ({exc}):\n{result.describe()}") from exc
