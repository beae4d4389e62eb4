"""The plugin's dialogs headless in a real QGIS: each algorithm's Processing dialog (rendered to PNG artifacts,
and its parameters run as the dialog builds them), the "Environment and GPU…" doctor (table, install / uninstall
as a QgsTask with real pip on a tiny local package, failures with pip's output), the doctor and the algorithms
without torch / onnxruntime, the About / model card dialog, and the sys.path hook at plugin load.

PNG artifacts go to ``.test-tmp/artifacts/`` (kept between runs; ``$LANDSLIDE_MAPPER_ARTIFACTS`` overrides).
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest
from script_result import script_result
from test_dependencies import build_wheel

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("LANDSLIDE_MAPPER_ARTIFACTS", REPO / ".test-tmp" / "artifacts"))
DETECT = "landslide_mapper:detect_landslides"
ALGORITHMS = ["landslide_mapper:detect_landslides", "landslide_mapper:export_onnx",
              "landslide_mapper:check_environment"]
PACKAGES = ("torch", "timm", "onnxruntime", "rasterio", "fiona", "shapely", "numpy", "safetensors", "onnx")


@pytest.fixture
def deps_folder(tmp_path, monkeypatch) -> Path:
    """A throw-away dependency folder for the plugin (never the real profile's)."""
    folder = tmp_path / "landslide_mapper_deps"
    monkeypatch.setenv("LANDSLIDE_MAPPER_DEPS_DIR", str(folder))
    return folder


@pytest.fixture
def plugin(qgis_app, deps_folder):
    from qgis.testing.mocked import get_iface

    import landslide_mapper

    loaded = landslide_mapper.classFactory(get_iface())
    loaded.initGui()
    yield loaded
    loaded.unload()
    from landslide_mapper.environment import dependencies

    dependencies.deactivate(deps_folder)


def process_events(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def save_png(widget, name: str) -> Path:
    """grab() the widget into ARTIFACTS/name and check the picture is not blank."""
    from qgis.PyQt.QtGui import QImage

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path)), path
    image = QImage(str(path))
    assert image.width() >= 600 and image.height() >= 400, (image.width(), image.height())
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20, f"{path} looks blank ({len(colours)} colours)"
    return path


# --- the Processing dialogs -------------------------------------------------------------------------------------
def test_algorithm_dialogs_render_and_build_runnable_parameters(plugin, qgis_app, oracle, blob_scene):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsRasterLayer

    import processing

    opt, dem, _ = blob_scene
    project = QgsProject.instance()
    optical_layer = QgsRasterLayer(str(opt), "GF-6 PMS scene", "gdal")
    dem_layer = QgsRasterLayer(str(dem), "SRTM DEM", "gdal")
    project.addMapLayers([optical_layer, dem_layer])
    try:
        registry = QgsApplication.processingRegistry()
        for alg_id in ALGORITHMS:
            alg = registry.createAlgorithmById(alg_id)
            dialog = AlgorithmDialog(alg)
            dialog.resize(1000, 780)
            dialog.show()
            process_events(qgis_app)
            panel = dialog.mainWidget()
            assert list(panel.wrappers) == [p.name() for p in alg.parameterDefinitions()]
            save_png(dialog, f"dialog_{alg.name()}.png")
            if alg_id == DETECT:
                # fill the dialog like a user and run exactly the parameters it builds
                context = QgsProcessingContext()
                panel.wrappers["OPTICAL"].setParameterValue(optical_layer, context)
                panel.wrappers["DEM"].setParameterValue(dem_layer, context)
                process_events(qgis_app)
                save_png(dialog, "dialog_detect_landslides_filled.png")  # the README's docs/detect_dialog.png
                panel.wrappers["MODEL"].setParameterValue(str(oracle[1]), context)
                params = panel.createProcessingParameters()
                # the overrides are empty: the model's own values (the labels name the bundled model's)
                assert (params["RESOLUTION"], params["TILE_SIZE"], params["OVERLAP"], params["THRESHOLD"]) == (
                    None, None, None, None)
                assert params["MIN_AREA"] is None and params["SIMPLIFY"] is None  # automatic
                assert params["BATCH_SIZE"] == 0 and params["ENGINE"] == 0  # automatic
                params["OUTPUT"] = "memory:"
                # another model file with the fields left empty: that model's own values are used (the oracle's
                # 2 m and 128 px tiles; the bundled 1 m would double the grid and still find 4, so check the log)
                from qgis.core import QgsProcessingFeedback

                class Infos(QgsProcessingFeedback):
                    lines: list = []

                    def pushInfo(self, info):  # noqa: N802
                        Infos.lines.append(info)

                result = processing.run(DETECT, params, feedback=Infos())
                assert result["COUNT"] == 4
                assert any("tile 128 px" in line for line in Infos.lines), Infos.lines
                assert any("at 2 m" in line for line in Infos.lines), Infos.lines
            dialog.close()
            dialog.deleteLater()
    finally:
        project.removeMapLayers([optical_layer.id(), dem_layer.id()])
    process_events(qgis_app)


def test_readme_shows_the_detect_dialog():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/detect_dialog.png" in readme
    from qgis.PyQt.QtGui import QImage

    assert not QImage(str(REPO / "docs" / "detect_dialog.png")).isNull()


# --- the doctor -------------------------------------------------------------------------------------------------
def wait_for(dialog, app, timeout: float = 120.0) -> tuple[bool, str]:
    """Wait for the dialog's task to finish, keeping the event loop running (as QGIS does)."""
    start = time.monotonic()
    while dialog.last_result is None:
        app.processEvents()
        time.sleep(0.02)
        assert time.monotonic() - start < timeout, "the task did not finish"
    assert dialog.wait_for_report(), "the environment check after the task did not answer"
    return dialog.last_result


def rows(dialog) -> dict[str, tuple[str, str]]:
    from landslide_mapper.ui.environment_dialog import STATUS_ROLE

    table = dialog.table
    out = {}
    for i in range(table.rowCount()):
        label = table.item(i, 0).text()
        out.setdefault(label, (table.item(i, 1).text(), table.item(i, 1).data(STATUS_ROLE)))
    return out


def test_doctor_table_install_and_uninstall_with_a_task(plugin, qgis_app, deps_folder, tmp_path):
    dialog = plugin.environment_dialog()
    dialog.resize(900, 680)
    dialog.show()
    assert not dialog.report_ready()  # the check runs in the background: the dialog shows at once
    assert dialog.wait_for_report()
    process_events(qgis_app)
    table = rows(dialog)
    for name in PACKAGES:  # everything is installed in the test venv: green
        assert table[name][1] == "ok", (name, table[name])
    assert table["NVIDIA GPU detected"][0].startswith("no") or dialog.gpu.nvidia
    assert table["GDAL/GEOS of the Python packages"][1] == "ok"  # PyQGIS imported as a module: no clash
    assert str(deps_folder) in table["Plugin's package folder"][0] and "empty" in table["Plugin's package folder"][0]
    assert not dialog.install_button.isEnabled() and not dialog.uninstall_button.isEnabled()
    assert "Every package of the set 'Detection and training' is installed" in dialog.plan_label.text()
    assert dialog.chosen_set() == "training"  # PyTorch is there: the full set is the one offered
    assert "torch" in dialog.browser.toPlainText() and json.loads(dialog.copy_text)["missing"] == []
    save_png(dialog, "dialog_environment.png")

    # install a real (tiny, local) package through the dialog's QgsTask
    from landslide_mapper.environment.dependencies import InstallPlan

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_wheel(wheels, "lm-tiny-lib", "1.0", {"lm_tiny_lib/__init__.py": "VERSION = '1.0'\n"})
    build_wheel(wheels, "lm-tiny-app", "1.0", {"lm_tiny_app/__init__.py": "ANSWER = 42\n"}, ("lm-tiny-lib",))
    offline = ["--no-index", "--find-links", str(wheels)]
    task = dialog.start_install(plan=InstallPlan(deps_folder, "cpu", ["lm-tiny-app"], pip_args=offline))
    assert task is not None and not dialog.install_button.isEnabled() and not dialog.refresh_button.isEnabled()
    ok, message = wait_for(dialog, qgis_app)
    assert ok, message
    log = dialog.log.toPlainText()
    assert "Successfully installed lm-tiny-app-1.0 lm-tiny-lib-1.0" in log and "--target" in log
    assert dialog.progress.value() == 100
    assert "2 package(s)" in rows(dialog)["Plugin's package folder"][0]
    assert "in use" in rows(dialog)["Plugin's package folder"][0]
    import lm_tiny_app  # importable in this QGIS session, without a restart

    assert lm_tiny_app.ANSWER == 42
    assert dialog.uninstall_button.isEnabled()
    assert not dialog.repair_button.isEnabled()  # none of the plugin's packages is in the folder: nothing to repair

    # a failing install reports pip's own output
    dialog.start_install(plan=InstallPlan(deps_folder, "cpu", ["lm-not-on-the-index"], pip_args=offline))
    ok, message = wait_for(dialog, qgis_app)
    assert not ok and "pip failed" in message and "No matching distribution" in message
    assert "FAILED: " in dialog.log.toPlainText()

    # uninstall (a task too): the folder is gone
    dialog.start_uninstall()
    ok, message = wait_for(dialog, qgis_app)
    assert ok and "Restart QGIS" in message
    assert not deps_folder.exists() and not dialog.uninstall_button.isEnabled()
    sys.modules.pop("lm_tiny_app", None)
    sys.modules.pop("lm_tiny_lib", None)
    dialog.close()


def test_menu_opens_one_non_modal_doctor(plugin, qgis_app):
    plugin.show_environment()
    first = plugin.environment
    assert first is not None and first.isVisible() and not first.isModal()
    plugin.show_environment()
    assert plugin.environment is first  # one dialog, raised again
    process_events(qgis_app)
    plugin.unload()
    assert plugin.environment is None


def test_dependency_folder_goes_on_sys_path_at_plugin_load(qgis_app, deps_folder):
    from qgis.testing.mocked import get_iface

    import landslide_mapper
    from landslide_mapper.environment import dependencies

    (deps_folder / "lm_hooked_module").mkdir(parents=True)
    (deps_folder / "lm_hooked_module" / "__init__.py").write_text("HOOKED = True\n", encoding="utf-8")
    with pytest.raises(ImportError):
        import lm_hooked_module  # noqa: F401
    loaded = landslide_mapper.classFactory(get_iface())  # what QGIS and qgis_process call first
    try:
        assert loaded.dependency_folder == deps_folder and sys.path[0] == str(deps_folder)
        import lm_hooked_module

        assert lm_hooked_module.HOOKED
    finally:
        loaded.unload()
        dependencies.deactivate(deps_folder)
        sys.modules.pop("lm_hooked_module", None)


def test_about_shows_the_model_card(plugin, oracle):
    dialog = plugin.about_dialog(model_path=oracle[1])
    text = dialog.browser.toPlainText()
    for needle in ("oracle-elevation", "Training resolution", "2 m per pixel", "128 / 16 pixels", "elevation"):
        assert needle in text, needle
    assert json.loads(dialog.copy_text)["name"] == "oracle-elevation"
    bundled = plugin.about_dialog()  # the bundled model, or why it cannot be shown
    from landslide_mapper.ui.about import bundled_model_path

    if bundled_model_path().is_file():
        assert "Training resolution" in bundled.browser.toPlainText()
    else:
        assert "not installed in this version" in bundled.browser.toPlainText()
    corrupt = plugin.about_dialog(model_path=Path(__file__))  # not a model file: the reason is shown
    assert "cannot be read" in corrupt.browser.toPlainText()


# --- without torch, timm, onnxruntime ---------------------------------------------------------------------------
_WITHOUT_DL_PACKAGES = textwrap.dedent(
    """
    import json, os, sys
    BLOCKED = ("torch", "torchvision", "timm", "onnxruntime", "onnx", "safetensors")

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"No module named '{name}' (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication, QgsProcessingException
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
    dialog = plugin.environment_dialog()
    dialog.resize(900, 680)
    dialog.show()
    dialog.wait_for_report()
    for _ in range(5):
        app.processEvents()
    dialog.grab().save(sys.argv[2])
    from landslide_mapper.ui.environment_dialog import STATUS_ROLE
    status = {dialog.table.item(i, 0).text(): dialog.table.item(i, 1).data(STATUS_ROLE)
              for i in range(dialog.table.rowCount())}
    plan = dialog.plan()
    chosen = dialog.chosen_set()
    install_enabled = dialog.install_button.isEnabled()
    plan_text = dialog.plan_label.text()
    dialog.package_set.setCurrentIndex(dialog.package_set.findData("training"))
    training_plan = dialog.plan()
    args = json.loads(sys.argv[1])
    errors = {}
    for name, model in (("onnx", args["onnx"]), ("bundled", "")):
        try:
            processing.run("landslide_mapper:detect_landslides", {"OPTICAL": args["optical"], "DEM": args["dem"],
                           "MODEL": model, "OUTPUT": "memory:"})
            errors[name] = None
        except QgsProcessingException as exc:
            errors[name] = str(exc)
    print("RESULT " + json.dumps({
        "status": status, "install_enabled": install_enabled, "chosen": chosen,
        "requirements": plan.requirements, "training_requirements": training_plan.requirements,
        "flavour": plan.flavour, "plan_text": plan_text,
        "summary": dialog.summary.text(), "errors": errors,
        "leaked": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
    }), flush=True)
    plugin.unload()
    os._exit(0)
    """
)


def test_doctor_and_algorithms_without_torch_and_onnxruntime(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    png = ARTIFACTS / "dialog_environment_missing_packages.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, LANDSLIDE_MAPPER_DEPS_DIR=str(tmp_path / "deps"))
    args = json.dumps({"onnx": str(oracle[1]), "optical": str(opt), "dem": str(dem)})
    out = script_result(_WITHOUT_DL_PACKAGES, args, str(png), cwd=tmp_path, timeout=300, env=env)
    assert out["status"]["onnxruntime"] == "bad"  # red: detection needs it
    for name in ("torch", "timm", "onnx", "safetensors"):
        assert out["status"][name] == "info", name  # grey: needed for training only
    for name in ("rasterio", "numpy", "shapely", "fiona"):
        assert out["status"][name] == "ok", name
    assert out["install_enabled"] and out["chosen"] == "detection"  # no PyTorch here: the light set is offered
    assert out["flavour"] == "cpu"  # no NVIDIA GPU on this machine
    assert out["requirements"] == ["onnxruntime>=1.17"]
    assert out["training_requirements"] == ["torch>=2.2", "timm>=1.0", "onnxruntime>=1.17", "safetensors>=0.4",
                                            "onnx>=1.16"]
    assert "onnxruntime>=1.17" in out["plan_text"] and "Missing for detection: onnxruntime" in out["summary"]
    assert "needed for training only: torch, timm, safetensors, onnx" in out["summary"]
    for name in ("onnx", "bundled"):  # the algorithm fails with a message that points to the doctor
        message = out["errors"][name]
        assert message and "Environment and GPU" in message and "Install missing packages" in message, message
    assert out["leaked"] == []
    assert png.is_file() and png.stat().st_size > 10_000


def test_detect_dialog_reports_a_cancel_as_a_cancel(plugin, qgis_app):
    """Processing builds the detect algorithm's dialog through createCustomParametersWidget: QGIS's own dialog,
    whose log says "Cancelled by the user" (not "Execution failed") after a cancel; real failures keep their text."""
    from qgis.core import QgsApplication
    from qgis.PyQt.QtWidgets import QTextEdit

    alg = QgsApplication.processingRegistry().createAlgorithmById(DETECT)
    dialog = alg.createCustomParametersWidget(None)
    assert type(dialog).__name__ == "DetectDialog"

    def log():
        return "\n".join(w.toPlainText() for w in dialog.findChildren(QTextEdit) if w.objectName() == "txtLog")

    feedback = dialog.createFeedback()
    feedback.reportError(dialog.tr("Execution failed after {}").format("3 seconds"))
    assert "Execution failed after 3 seconds" in log()  # not cancelled: a failure stays a failure
    feedback = dialog.createFeedback()
    feedback.cancel()
    feedback.reportError(dialog.tr("Execution failed after {}").format("4 seconds"))
    assert "Cancelled by the user after 4 seconds" in log() and "failed after 4" not in log()
    dialog.close()
