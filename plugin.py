"""The QGIS plugin object: registers the Processing provider and adds the "Landslide Mapper" menu.

Loads without torch or onnxruntime: those are imported only when an algorithm runs. Qt comes through
``qgis.PyQt`` only and enums are fully scoped, so the plugin is ready for Qt6 / QGIS 4.
"""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QMessageBox

try:  # Qt6 / QGIS 4: QAction lives in QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5
    from qgis.PyQt.QtWidgets import QAction

PLUGIN_DIR = Path(__file__).resolve().parent
ICON_PATH = PLUGIN_DIR / "resources" / "icon.svg"
MENU = "&Landslide Mapper"
DETECT_ALGORITHM = "landslide_mapper:detect_landslides"


def tr(string: str) -> str:
    return QCoreApplication.translate("LandslideMapper", string)


class LandslideMapperPlugin:
    """QGIS calls ``initProcessing()`` (qgis_process calls only this), ``initGui()`` and ``unload()``."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None  # keep a reference, or the algorithms cannot be instantiated
        self.actions: list[QAction] = []
        self._dialogs: list = []  # keep non-modal dialogs alive

    # --- Processing -------------------------------------------------------------------------------------
    def initProcessing(self):  # noqa: N802
        if self.provider is not None:
            return
        from .processing.provider import LandslideMapperProvider

        self.provider = LandslideMapperProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    # --- GUI --------------------------------------------------------------------------------------------
    def initGui(self):  # noqa: N802
        self.initProcessing()
        icon = QIcon(str(ICON_PATH))
        parent = self.iface.mainWindow()
        for text, slot, with_icon in (
            (tr("Detect landslides…"), self.open_detect_dialog, True),
            (tr("Environment and GPU…"), self.show_environment, False),
            (tr("About / model card"), self.show_about, False),
        ):
            action = QAction(icon, text, parent) if with_icon else QAction(text, parent)
            action.triggered.connect(slot)
            self.iface.addPluginToRasterMenu(MENU, action)
            self.actions.append(action)

    def unload(self):
        for action in self.actions:
            self.iface.removePluginRasterMenu(MENU, action)
            action.deleteLater()
        self.actions = []
        for dialog in self._dialogs:
            dialog.close()
        self._dialogs = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None

    # --- actions ----------------------------------------------------------------------------------------
    def open_detect_dialog(self):
        if QgsApplication.processingRegistry().algorithmById(DETECT_ALGORITHM) is None:
            QMessageBox.information(
                self.iface.mainWindow(),
                tr("Landslide Mapper"),
                tr(
                    "The landslide detection algorithm is not available in this installation. "
                    "Use Raster > Landslide Mapper > Environment and GPU… to see what is missing."
                ),
            )
            return
        import processing  # QGIS's Processing plugin; present whenever the GUI is

        processing.execAlgorithmDialog(DETECT_ALGORITHM, {})

    def environment_dialog(self):
        """Build (not show) the environment dialog; separate so tests can check it headless."""
        from .processing.environment import environment_report, render_html
        from .ui.report_dialog import ReportDialog

        QgsApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = environment_report(qgis_version=Qgis.QGIS_VERSION)
        finally:
            QgsApplication.restoreOverrideCursor()
        return ReportDialog(
            tr("Landslide Mapper: environment and GPU"),
            render_html(report),
            copy_text=json.dumps(report, indent=2),
            parent=self.iface.mainWindow(),
        )

    def show_environment(self):
        dialog = self.environment_dialog()
        self._dialogs.append(dialog)
        dialog.exec()
        self._dialogs.remove(dialog)

    def about_dialog(self):
        from .ui.about import about_html
        from .ui.report_dialog import ReportDialog

        return ReportDialog(tr("About Landslide Mapper"), about_html(), parent=self.iface.mainWindow())

    def show_about(self):
        dialog = self.about_dialog()
        self._dialogs.append(dialog)
        dialog.exec()
        self._dialogs.remove(dialog)
