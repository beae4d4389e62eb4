"""Startup script for the real QGIS desktop application (``qgis --code tests/desktop_session.py``), run by
``tests/test_desktop_qgis.py`` on a virtual screen (Xvfb).

It clicks through what a geologist meets first, through the plugin's own menu entries in Raster > Landslide
Mapper: the "Environment and GPU…" dialog, the About page, and the Detect dialog (one detection on the bundled
Hokkaido sample over the selected polygon of an area-of-interest layer, run from the dialog's Run button, then a
second one on the whole image cancelled with the dialog's Cancel button).
Then it adapts the bundled model from the Processing dialog "Adapt a model to an area" (landslides digitised in part
of a real Jinsha valley image, with the area in which they were digitised).
It records what happened (steps, dialog logs, every QGIS message-log entry, the project's layers) into the JSON
file named by ``$LM_DESKTOP_CONFIG``'s ``result``, takes screenshots into ``work``, and quits QGIS. It asserts
nothing: the pytest side reads the record (and sees a crash as a missing record and a dead process).

The scenario is a generator of steps driven by a polling timer, so modal dialogs (``exec()``) can be opened with
``QTimer.singleShot`` while the poller keeps running inside their event loops.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsGeometry,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QTextEdit
from qgis.utils import iface, plugins

CONFIG = json.loads(Path(os.environ["LM_DESKTOP_CONFIG"]).read_text(encoding="utf-8"))
WORK = Path(CONFIG["work"])
RESULT = Path(CONFIG["result"])
PLUGIN = "landslide_mapper"
STEP_TIMEOUT_S = float(CONFIG.get("step_timeout_s", 300))

record: dict = {"steps": [], "messages": [], "dialog_logs": {}, "layers": [], "screenshots": [], "done": False}


def note(step: str, **info) -> None:
    record["steps"].append({"step": step, "t": round(time.monotonic() - T0, 1), **info})
    save()


def save() -> None:
    RESULT.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")


def on_message(message: str, tag: str, level) -> None:
    record["messages"].append({"tag": tag, "level": int(level), "message": message[:6000]})


def screenshot(widget, name: str) -> None:
    path = WORK / name
    try:
        widget.grab().save(str(path))
        record["screenshots"].append(str(path))
    except Exception as exc:  # noqa: BLE001
        note(f"screenshot {name} failed", error=repr(exc))


def menu_action(text_start: str):
    """The QAction under Raster > Landslide Mapper whose text starts with ``text_start`` (what a user clicks)."""
    for action in iface.rasterMenu().actions():
        menu = action.menu()
        if menu is not None and "Landslide Mapper" in action.text().replace("&", ""):
            for sub in menu.actions():
                if sub.text().replace("&", "").startswith(text_start):
                    return sub
    return None


def modal_of(class_names: tuple[str, ...]):
    widget = QApplication.activeModalWidget()
    if widget is not None and type(widget).__name__ in class_names:
        return widget
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and type(widget).__name__ in class_names:
            return widget
    return None


def dialog_log(dialog) -> str:
    texts = [w.toPlainText() for w in dialog.findChildren(QTextEdit) if w.objectName() == "txtLog"]
    return "\n".join(texts)


def until(condition, timeout_s: float = STEP_TIMEOUT_S, what: str = ""):
    """A scenario step: wait until ``condition()`` is true (or time out, recorded)."""
    start = time.monotonic()
    while True:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001
            pass
        if time.monotonic() - start > timeout_s:
            note(f"timeout waiting for {what}")
            raise TimeoutError(what)
        yield


def sleep(seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        yield


def scenario():
    yield from until(lambda: PLUGIN in plugins, 60, "the plugin to load")
    plugin = plugins[PLUGIN]
    note("plugin loaded")
    optical = QgsRasterLayer(CONFIG["optical"], "Hokkaido optical")
    dem = QgsRasterLayer(CONFIG["dem"], "Hokkaido DSM")
    # an area of interest: two polygons, the first (the middle of the image) selected
    area = QgsVectorLayer("Polygon?crs=EPSG:4326", "Valleys of interest", "memory")
    e = optical.extent()
    parts = [QgsRectangle(e.xMinimum() + 0.2 * e.width(), e.yMinimum() + 0.2 * e.height(),
                          e.xMinimum() + 0.8 * e.width(), e.yMinimum() + 0.8 * e.height()),
             QgsRectangle(e.xMinimum(), e.yMinimum(), e.xMinimum() + 0.1 * e.width(), e.yMinimum() + 0.1 * e.height())]
    features = []
    for rect in parts:
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromRect(rect))
        features.append(feature)
    area.dataProvider().addFeatures(features)
    area.updateExtents()
    QgsProject.instance().addMapLayers([optical, dem, area])
    area.selectByIds([min(area.allFeatureIds())])
    iface.mapCanvas().setExtent(optical.extent())
    note("layers added", optical_valid=optical.isValid(), dem_valid=dem.isValid(), area_valid=area.isValid(),
         area_selected=area.selectedFeatureCount())
    yield from sleep(1)

    # 1. Raster > Landslide Mapper > Environment and GPU… (non-modal)
    action = menu_action("Environment and GPU")
    note("environment action found", found=action is not None)
    action.trigger()
    yield from until(lambda: plugin.environment is not None and plugin.environment.isVisible(), 60,
                     "the environment dialog")
    yield from until(lambda: getattr(plugin.environment, "report_ready", lambda: True)(), 120, "the environment report")
    yield from sleep(0.5)
    screenshot(plugin.environment, "environment_dialog.png")
    record["environment_summary"] = plugin.environment.summary.text()
    plugin.environment.close()
    note("environment dialog shown")

    # 2. About / model card (modal)
    QTimer.singleShot(0, menu_action("About").trigger)
    yield from until(lambda: modal_of(("ReportDialog",)) is not None, 60, "the About dialog")
    about = modal_of(("ReportDialog",))
    yield from sleep(0.5)
    screenshot(about, "about_dialog.png")
    record["about_text"] = about.browser.toPlainText()[:20000]
    about.reject()
    note("about dialog shown")

    # 3. Detect landslides… (the Processing dialog, modal): one run, then one cancelled
    QTimer.singleShot(0, menu_action("Detect landslides").trigger)
    yield from until(lambda: modal_of(("DetectDialog", "AlgorithmDialog")) is not None, 60, "the Detect dialog")
    dialog = modal_of(("DetectDialog", "AlgorithmDialog"))
    note("detect dialog open", title=dialog.windowTitle())
    yield from sleep(1)
    screenshot(dialog, "detect_dialog_defaults.png")
    shown = dialog.mainWidget().createProcessingParameters()  # what the fields show before the user types
    record["dialog_defaults"] = {k: shown.get(k) for k in ("RESOLUTION", "TILE_SIZE", "OVERLAP", "THRESHOLD",
                                                           "MIN_AREA", "SIMPLIFY")}
    finished: list = []
    dialog.algorithmFinished.connect(lambda ok, results: finished.append((bool(ok), dict(results))))
    dialog.setParameters({"OPTICAL": optical.id(), "DEM": dem.id(), "OUTPUT": CONFIG["output"],
                          "AREA": QgsProcessingFeatureSourceDefinition(area.id(), True)})
    yield from sleep(0.5)
    screenshot(dialog, "detect_dialog.png")
    # the advanced fields: empty, the model's own values (their labels name the bundled model's)
    from qgis.gui import QgsCollapsibleGroupBox
    from qgis.PyQt import sip
    from qgis.PyQt.QtWidgets import QGroupBox, QScrollArea

    for box in dialog.findChildren(QGroupBox):
        if "Advanced" in box.title():  # a QgsCollapsibleGroupBox that Python sees as a QGroupBox
            sip.cast(box, QgsCollapsibleGroupBox).setCollapsed(False)
    dialog.resize(1000, 900)
    yield from sleep(0.5)
    for area in dialog.findChildren(QScrollArea):
        area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    yield from sleep(0.5)
    screenshot(dialog, "detect_dialog_advanced.png")
    dialog.runButton().click()
    note("detection started")
    yield from until(lambda: finished, STEP_TIMEOUT_S, "the detection to finish")
    record["dialog_logs"]["run"] = dialog_log(dialog)
    note("detection finished", ok=finished[0][0], results=finished[0][1])
    yield from sleep(2)  # layers are loaded after the task's results are handled
    screenshot(dialog, "detect_dialog_log.png")
    screenshot(iface.mainWindow(), "main_window_after_detection.png")

    # the second run, cancelled from the dialog
    finished.clear()
    count_before = len(QgsProject.instance().mapLayers())
    dialog.setParameters({"OPTICAL": optical.id(), "DEM": dem.id(), "OUTPUT": CONFIG["output_cancelled"],
                          "AREA": None})
    yield from sleep(0.5)
    dialog.runButton().click()
    note("second detection started")
    yield from sleep(float(CONFIG.get("cancel_after_s", 4)))
    dialog.cancelButton().click()
    note("cancel clicked")
    yield from until(lambda: finished, 120, "the cancelled detection to end")
    yield from sleep(1)
    record["dialog_logs"]["cancelled"] = dialog_log(dialog)
    note("cancelled detection ended", ok=finished[0][0], layers_added=len(QgsProject.instance().mapLayers())
         - count_before)
    screenshot(dialog, "detect_dialog_cancelled.png")
    dialog.close()
    yield from sleep(0.5)
    if CONFIG.get("adapt_image"):
        yield from adapt_scenario()
    if CONFIG.get("product"):
        yield from product_scenario()


def product_scenario():
    """5. Detect landslides… with a GF-6 product as delivered (the .tar.gz in the 'Satellite product' field) and a
    DEM: the landslide layer comes back."""
    dem = QgsRasterLayer(CONFIG["product_dem"], "GF-6 DEM")
    QgsProject.instance().addMapLayer(dem)
    QTimer.singleShot(0, menu_action("Detect landslides").trigger)
    yield from until(lambda: modal_of(("DetectDialog", "AlgorithmDialog")) is not None, 60, "the Detect dialog")
    dialog = modal_of(("DetectDialog", "AlgorithmDialog"))
    finished: list = []
    dialog.algorithmFinished.connect(lambda ok, results: finished.append((bool(ok), dict(results))))
    count_before = len(QgsProject.instance().mapLayers())
    dialog.setParameters({"OPTICAL": None, "PRODUCT": CONFIG["product"], "DEM": dem.id(),
                          "OUTPUT": CONFIG["product_output"]})
    dialog.resize(1000, 900)
    yield from sleep(0.5)
    screenshot(dialog, "detect_dialog_product.png")
    dialog.runButton().click()
    note("product detection started")
    yield from until(lambda: finished, STEP_TIMEOUT_S, "the product detection to finish")
    yield from sleep(2)  # layers are loaded after the task's results are handled
    record["dialog_logs"]["product"] = dialog_log(dialog)
    note("product detection finished", ok=finished[0][0], results={k: str(v) for k, v in finished[0][1].items()},
         layers_added=len(QgsProject.instance().mapLayers()) - count_before)
    dialog.close()
    yield from sleep(0.5)


def adapt_scenario():
    """4. Processing toolbox > Landslide Mapper > Training > Adapt a model to an area: landslides digitised in
    part of a real image, with the area in which they were digitised; a short run from the dialog's Run button."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    image = QgsRasterLayer(CONFIG["adapt_image"], "Jinsha valley")
    slides = QgsVectorLayer(CONFIG["adapt_landslides"], "My landslides", "ogr")
    mapped = QgsVectorLayer(CONFIG["adapt_mapped_area"], "Where I digitised", "ogr")
    QgsProject.instance().addMapLayers([image, slides, mapped])
    note("adapt layers added", valid=[image.isValid(), slides.isValid(), mapped.isValid()],
         landslides=slides.featureCount())
    dialog = AlgorithmDialog(QgsApplication.processingRegistry().createAlgorithmById("landslide_mapper:adapt_model"))
    dialog.show()
    finished: list = []
    dialog.algorithmFinished.connect(lambda ok, results: finished.append((bool(ok), dict(results))))
    dialog.setParameters({"OPTICAL": image.id(), "LANDSLIDES": slides.id(), "MAPPED_AREA": mapped.id(),
                          "MINUTES": float(CONFIG.get("adapt_minutes", 0.2)), "OUTPUT": CONFIG["adapt_output"]})
    dialog.resize(1000, 900)
    yield from sleep(1)
    screenshot(dialog, "adapt_dialog.png")
    dialog.runButton().click()
    note("adaptation started")
    yield from until(lambda: finished, STEP_TIMEOUT_S, "the adaptation to finish")
    record["dialog_logs"]["adapt"] = dialog_log(dialog)
    note("adaptation finished", ok=finished[0][0], results={k: str(v) for k, v in finished[0][1].items()})
    yield from sleep(1)
    screenshot(dialog, "adapt_dialog_log.png")
    dialog.close()
    yield from sleep(0.5)


def locale_scenario():
    """``mode: locale``: the plugin's menu entries and the Detect dialog in QGIS's language (``qgis --lang``)."""
    from qgis.PyQt.QtWidgets import QLabel

    yield from until(lambda: PLUGIN in plugins, 60, "the plugin to load")
    plugin = plugins[PLUGIN]
    record["menu"] = [a.text().replace("&", "") for a in plugin.actions]
    detect = plugin.actions[0]
    QTimer.singleShot(0, detect.trigger)
    yield from until(lambda: modal_of(("DetectDialog", "AlgorithmDialog")) is not None, 60, "the Detect dialog")
    dialog = modal_of(("DetectDialog", "AlgorithmDialog"))
    dialog.resize(1000, 800)
    yield from sleep(1.5)
    record["dialog_title"] = dialog.windowTitle()
    record["dialog_labels"] = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    screenshot(dialog, "detect_dialog_zh_CN.png")
    dialog.close()
    note("locale dialog shown", title=dialog.windowTitle())
    yield from sleep(0.5)


def finish(error: str | None = None) -> None:
    if error:
        record["error"] = error
    record["layers"] = [{"name": layer.name(), "source": layer.source(), "valid": layer.isValid(),
                         "features": layer.featureCount() if hasattr(layer, "featureCount") else None}
                        for layer in QgsProject.instance().mapLayers().values()]
    record["done"] = error is None
    save()
    QgsProject.instance().clear()
    QgsProject.instance().setDirty(False)
    QTimer.singleShot(200, iface.actionExit().trigger)
    QTimer.singleShot(30000, lambda: os._exit(0))  # never hang at exit: the record is written


STEPS = locale_scenario() if CONFIG.get("mode") == "locale" else scenario()


def poll() -> None:
    try:
        next(STEPS)
    except StopIteration:
        TIMER.stop()
        finish()
    except Exception:  # noqa: BLE001
        TIMER.stop()
        finish(traceback.format_exc())


T0 = time.monotonic()
QgsApplication.messageLog().messageReceived.connect(on_message)
TIMER = QTimer()
TIMER.setInterval(200)
TIMER.timeout.connect(poll)
TIMER.start()
note("startup script running")
