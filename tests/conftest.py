"""Shared test set-up.

* The verdict file: ``pytest_sessionfinish`` writes the session's exit status and counts to the path in
  ``$LANDSLIDE_MAPPER_VERDICT`` (set by ``scripts/run_tests.sh``), which takes its verdict from that file and
  not from the process exit code (QGIS may crash while the interpreter exits, after every test has run).
* ``qgis_app``: one headless QGIS (with Processing) for the whole session, started only when a test asks
  for it: the model and pipeline tests never start QGIS.
* ``plugin_zip`` / ``qgis_process_profile``: the plugin zip built like ``make package``, installed and
  enabled in a throw-away QGIS profile for ``qgis_process`` (see ``tests/qgis_process_helper.py``).
* ``SHARED``: the shared data folder (``../shared`` next to the repository root).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
QGIS_PYTHON_PLUGINS = "/usr/share/qgis/python/plugins"

# The repository root is the package folder itself: on sys.path (``python -m pytest`` puts the working
# folder there) its subpackages would shadow real top-level modules (our ``processing/`` hides QGIS's
# ``processing``). The package is imported as ``landslide_mapper`` through the editable install instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers (qgis_process_helper)


def pytest_sessionstart(session):
    import landslide_mapper

    found = Path(landslide_mapper.__file__).resolve().parent
    if found != REPO:
        raise pytest.UsageError(
            f"landslide_mapper is imported from {found}, not from this checkout ({REPO}): "
            "run `make setup` here (it re-points the editable install)"
        )


def shared_path(*parts: str) -> Path:
    """A path under the shared folder (datasets etc.), e.g. ``shared_path("datasets", "x")``."""
    return SHARED.joinpath(*parts)


# --- the verdict file (see verdict_plugin.py): hooks re-exported here are registered by pytest -----------
from verdict_plugin import (  # noqa: E402, F401
    pytest_collectreport,
    pytest_runtest_logreport,
    pytest_sessionfinish,
)


# --- QGIS --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def qgis_app():
    """One headless QgsApplication with Processing initialised, for the tests that ask for it.

    GUI-enabled (on the offscreen platform) like ``qgis.testing.start_app``, because the plugin tests build
    actions and dialogs; ``qgis.testing.start_app()`` / ``qgis.testing.mocked.get_iface()`` reuse it.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if QGIS_PYTHON_PLUGINS not in sys.path:
        sys.path.append(QGIS_PYTHON_PLUGINS)
    import qgis.testing
    from qgis.core import QgsApplication

    app = QgsApplication([], True)
    app.initQgis()
    qgis.testing.QGISAPP = app  # start_app() then returns this one instead of making a second application

    from processing.core.Processing import Processing

    Processing.initialize()
    yield app
    # exitQgis() is not called: it crashes when anything still holds a layer, and the interpreter's exit tears
    # QGIS down anyway. A crash there is harmless: the verdict comes from the verdict file, not the exit code.
    from qgis.core import QgsProject

    QgsProject.instance().removeAllMapLayers()


@pytest.fixture(scope="session")
def plugin_zip(tmp_path_factory) -> Path:
    """The plugin zip, built by scripts/package.py (what ``make package`` runs) into a session folder."""
    from qgis_process_helper import build_plugin_zip

    return build_plugin_zip(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def qgis_process_profile(plugin_zip, tmp_path_factory):
    """A throw-away QGIS profile with the plugin installed from the zip and enabled, for ``qgis_process``."""
    from qgis_process_helper import QgisProcessProfile

    return QgisProcessProfile.create(tmp_path_factory.mktemp("qgis-process-profile"), plugin_zip)


@pytest.fixture
def qgis_profile_dir(tmp_path) -> Path:
    """An empty folder to use as QGIS_CUSTOM_CONFIG_PATH (a throw-away profile root)."""
    path = tmp_path / "qgis-profile"
    path.mkdir()
    return path


# ---- shared test data and the loaded plugin (one definition for every test file) ----------------------------------

@pytest.fixture(scope="session")
def oracle(tmp_path_factory):
    """(checkpoint.safetensors, model.onnx) of the oracle model (tests/synthetic.py)."""
    import synthetic

    return synthetic.oracle_files(tmp_path_factory.mktemp("oracle"))


@pytest.fixture(scope="session")
def blob_scene(tmp_path_factory):
    """(optical.tif, dem.tif, expected mask) of the four-disc scene (tests/synthetic.py)."""
    import synthetic

    return synthetic.scene(tmp_path_factory.mktemp("scene"))


@pytest.fixture(scope="module")
def plugin(qgis_app):
    """The plugin loaded through classFactory + initProcessing (what qgis_process does), unloaded at the end."""
    from qgis.testing.mocked import get_iface

    import landslide_mapper

    loaded = landslide_mapper.classFactory(get_iface())
    loaded.initProcessing()
    assert loaded.provider.load_errors == {}
    yield loaded
    loaded.unload()
