"""The plugin inside a real (headless) QGIS: load through classFactory, provider registration, menu, unload,
and the check_environment algorithm through processing.run()."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from script_result import script_result

PROVIDER = "landslide_mapper"
CHECK = "landslide_mapper:check_environment"
REPORTED = ("torch", "timm", "onnxruntime", "rasterio", "fiona", "shapely", "numpy")
MENU_TEXTS = ["Detect landslides…", "Environment and GPU…", "About / model card"]


def _our_algorithms(registry):
    return [a.id() for a in registry.algorithms() if a.id().startswith(PROVIDER + ":")]


@pytest.fixture
def iface(qgis_app):
    from qgis.testing.mocked import get_iface

    return get_iface()


@pytest.fixture
def loaded_plugin(iface):
    """The plugin loaded through classFactory + initGui, unloaded afterwards (if the test did not)."""
    import landslide_mapper

    plugin = landslide_mapper.classFactory(iface)
    plugin.initGui()
    yield plugin
    if plugin.provider is not None or plugin.actions:
        plugin.unload()


def test_load_register_unload(iface):
    from qgis.core import QgsApplication

    import landslide_mapper

    registry = QgsApplication.processingRegistry()
    assert registry.providerById(PROVIDER) is None
    assert _our_algorithms(registry) == []

    plugin = landslide_mapper.classFactory(iface)
    plugin.initGui()
    try:
        provider = registry.providerById(PROVIDER)
        assert provider is not None and provider is plugin.provider
        assert provider.name() == "Landslide Mapper"
        assert provider.load_errors == {}, provider.load_errors
        assert not provider.icon().isNull()
        assert CHECK in [a.id() for a in provider.algorithms()]
        assert registry.algorithmById(CHECK) is not None

        added = [call.args for call in iface.addPluginToRasterMenu.call_args_list]
        assert [action.text() for _menu, action in added] == MENU_TEXTS
        assert {menu for menu, _action in added} == {"&Landslide Mapper"}
        assert [action for _menu, action in added] == plugin.actions
    finally:
        plugin.unload()

    assert registry.providerById(PROVIDER) is None
    assert _our_algorithms(registry) == []
    removed = [call.args for call in iface.removePluginRasterMenu.call_args_list]
    assert [action for _menu, action in removed] == [action for _menu, action in added]
    assert plugin.actions == [] and plugin.provider is None


def test_init_processing_alone_then_unload(iface):
    """What qgis_process does: initProcessing() only (no GUI); unload() still cleans up."""
    from qgis.core import QgsApplication

    import landslide_mapper

    plugin = landslide_mapper.classFactory(iface)
    plugin.initProcessing()
    plugin.initProcessing()  # idempotent: one provider
    registry = QgsApplication.processingRegistry()
    assert [p.id() for p in registry.providers()].count(PROVIDER) == 1
    assert iface.addPluginToRasterMenu.call_count == 0
    plugin.unload()
    assert registry.providerById(PROVIDER) is None
    assert _our_algorithms(registry) == []


def test_check_environment_html(loaded_plugin, tmp_path):
    import processing

    out = tmp_path / "report.html"
    result = processing.run(CHECK, {"OUTPUT": str(out)})
    assert Path(result["OUTPUT"]) == out and out.is_file()
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().startswith("<!DOCTYPE html>")
    for name in (*REPORTED, "QGIS", "Python", "GDAL used by rasterio", "CUDA devices"):
        assert name in page, name
    report = json.loads(result["REPORT"])
    for name in REPORTED:
        assert name in report["packages"], name
        assert report["packages"][name]["ok"], report["packages"][name]
    assert report["missing"] == []
    assert report["qgis"]["version"].startswith("3.")
    assert report["python"]["version"].startswith("3.")
    assert report["gdal"]["rasterio"]
    assert "CPUExecutionProvider" in report["onnxruntime"]["providers"]
    assert isinstance(report["cuda"]["devices"], list)
    assert isinstance(report["models"], list)


def test_check_environment_json(loaded_plugin, tmp_path):
    import processing

    out = tmp_path / "report.json"
    result = processing.run(CHECK, {"OUTPUT": str(out)})
    on_disk = json.loads(out.read_text(encoding="utf-8"))
    assert on_disk == json.loads(result["REPORT"])
    for name in REPORTED:
        assert on_disk["packages"][name]["version"], name
    assert on_disk["plugin"]["version"] == __import__("landslide_mapper").__version__


def test_menu_actions(loaded_plugin, monkeypatch):
    """The three menu entries, without blocking on modal dialogs."""
    import landslide_mapper.plugin as plugin_module
    import processing

    # Detect landslides…: the algorithm is missing -> an explanation, no dialog
    shown = []
    monkeypatch.setattr(plugin_module.QMessageBox, "information", lambda *args: shown.append(args))
    monkeypatch.setattr(plugin_module, "DETECT_ALGORITHM", "landslide_mapper:no_such_algorithm")
    opened = []
    monkeypatch.setattr(processing, "execAlgorithmDialog", lambda alg, params: opened.append(alg))
    loaded_plugin.open_detect_dialog()
    assert len(shown) == 1 and "Environment and GPU" in shown[0][2] and opened == []
    # ... and present -> Processing's dialog for it
    monkeypatch.setattr(plugin_module, "DETECT_ALGORITHM", CHECK)
    loaded_plugin.open_detect_dialog()
    assert opened == [CHECK]

    env = loaded_plugin.environment_dialog()
    assert env.wait_for_report()
    text = env.browser.toPlainText()
    for name in (*REPORTED, "QGIS"):
        assert name in text, name
    assert json.loads(env.copy_text)["packages"]["torch"]["ok"]
    env.copy_to_clipboard()

    about = loaded_plugin.about_dialog()
    about_text = about.browser.toPlainText()
    assert "Landslide Mapper" in about_text and __import__("landslide_mapper").__version__ in about_text


_WITHOUT_TORCH = textwrap.dedent(
    """
    import json, os, sys
    BLOCKED = ("torch", "torchvision", "timm", "onnxruntime", "onnx", "safetensors")

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} blocked by the test")
            return None

    sys.meta_path.insert(0, Blocker())
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication
    app = QgsApplication([], True)
    app.initQgis()
    import qgis.testing
    qgis.testing.QGISAPP = app
    from processing.core.Processing import Processing
    Processing.initialize()
    import processing
    from qgis.testing.mocked import get_iface
    import landslide_mapper
    plugin = landslide_mapper.classFactory(get_iface())
    plugin.initGui()
    provider = QgsApplication.processingRegistry().providerById("landslide_mapper")
    result = processing.run("landslide_mapper:check_environment", {"OUTPUT": sys.argv[1]})
    report = json.loads(result["REPORT"])
    print("RESULT " + json.dumps({
        "registered": provider is not None,
        "load_errors": provider.load_errors if provider else None,
        "missing": report["missing"],
        "leaked": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
    }), flush=True)
    plugin.unload()
    os._exit(0)  # skip QGIS's teardown: this test is about loading, not exiting
    """
)


def test_plugin_loads_without_torch_and_onnxruntime(tmp_path):
    """The plugin and check_environment work without the deep-learning packages (reported, not raised)."""
    result = script_result(_WITHOUT_TORCH, str(tmp_path / "r.html"), cwd=tmp_path, timeout=300)
    assert result["registered"] and result["load_errors"] == {}
    assert {"torch", "timm", "onnxruntime", "onnx", "safetensors"} <= set(result["missing"])
    assert result["leaked"] == []
    assert "MISSING" in (tmp_path / "r.html").read_text(encoding="utf-8")


_HEAVY_AUDIT = textwrap.dedent(
    """
    import json, os, sys
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication
    app = QgsApplication([], True)
    app.initQgis()
    import qgis.testing
    qgis.testing.QGISAPP = app
    from processing.core.Processing import Processing
    Processing.initialize()
    import processing
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.testing.mocked import get_iface
    import landslide_mapper
    HEAVY = ("torch", "timm", "triton", "torchvision", "onnxruntime")
    seen = {}

    def heavy():
        return sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in HEAVY})

    plugin = landslide_mapper.classFactory(get_iface())
    plugin.initGui()
    seen["load"] = heavy()
    environment = plugin.environment_dialog()
    environment.show()
    ready = environment.wait_for_report()
    seen["environment dialog"] = heavy()
    about = plugin.about_dialog()
    seen["about"] = heavy()
    registry = QgsApplication.processingRegistry()
    for alg in registry.providerById("landslide_mapper").algorithms():
        dialog = AlgorithmDialog(alg.create())
        dialog.show()
        app.processEvents()
        alg.shortHelpString()
        dialog.close()
    seen["every algorithm's dialog and help"] = heavy()
    report = json.loads(processing.run("landslide_mapper:check_environment", {"OUTPUT": sys.argv[1]})["REPORT"])
    seen["check_environment"] = heavy()
    print("RESULT " + json.dumps({"seen": seen, "ready": ready, "missing": report["missing"],
                                  "table": environment.table.rowCount(), "about": about.browser.toPlainText()}),
          flush=True)
    plugin.unload()
    os._exit(0)
    """
)


def test_nothing_heavy_enters_the_qgis_process(tmp_path):
    """Inside QGIS, importing timm loads triton's LLVM, which crashes a QGIS whose OpenGL (Mesa) loaded another
    LLVM (seen in the desktop app). Loading the plugin, its dialogs, every algorithm's dialog and help, and the
    environment check must import none of the deep-learning packages: the check asks a separate Python."""
    out = script_result(_HEAVY_AUDIT, str(tmp_path / "r.json"), cwd=tmp_path, timeout=300)
    assert out["ready"] and out["table"] > 5 and out["missing"] == []
    for step, modules in out["seen"].items():
        assert modules == [], f"{step} imported {modules} into the QGIS process"
    assert "Training resolution" in out["about"]
