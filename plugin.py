"""The QGIS plugin object: registers the Processing provider and adds the "Landslide Mapper" menu.

Loads without torch or onnxruntime: those are imported only when an algorithm runs. At load (``classFactory``,
before anything can import them) the plugin's own package folder (``dependencies.deps_dir``: where the
"Environment and GPU…" dialog installs missing packages) is put on ``sys.path``. Qt comes through
``qgis.PyQt`` only and enums are fully scoped, so the plugin is ready for Qt6 / QGIS 4.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, QLocale, Qt, QTranslator
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


def dependency_folder() -> Path:
    """Where the plugin installs missing Python packages: ``<profile>/python/landslide_mapper_deps/python3.X``
    (or ``$LANDSLIDE_MAPPER_DEPS_DIR``)."""
    from .environment.dependencies import deps_dir

    return deps_dir(QgsApplication.qgisSettingsDirPath())


def activate_dependency_folder() -> Path | None:
    """Put the plugin's package folder first on sys.path (if it exists); never raises (the plugin must load)."""
    try:
        from .environment.dependencies import activate

        folder = dependency_folder()
        activate(folder)
        return folder
    except Exception as exc:  # noqa: BLE001
        QgsMessageLog.logMessage(f"Landslide Mapper: cannot use the package folder: {exc}", "Landslide Mapper",
                                 level=Qgis.MessageLevel.Warning)
        return None


I18N_DIR = Path(__file__).resolve().parent / "i18n"
#: QGIS's names for languages whose translation file has another name (QGIS: zh-Hans, Qt: zh_CN)
LOCALE_ALIASES = {"zh_Hans": "zh_CN", "zh": "zh_CN", "zh_Hans_CN": "zh_CN"}


def qgis_locale() -> str:
    """QGIS's user-interface language (``zh_CN``, ``en_US``...): the one set in its options (``--lang`` too)."""
    from qgis.core import QgsSettings

    override = str(QgsSettings().value("locale/overrideFlag", False)).lower() in ("true", "1")
    name = QgsSettings().value("locale/userLocale", "") if override else ""
    app = QgsApplication.instance()
    translation = app.translation() if isinstance(app, QgsApplication) else ""  # (an instance method)
    name = name or translation or QgsApplication.locale() or QLocale().name()
    return str(name).replace("-", "_")


def install_translator(locale: str | None = None):
    """The plugin's QTranslator for QGIS's language (``i18n/landslide_mapper_<locale>.qm``, compiled from the .ts
    by ``scripts/i18n.py release``: make setup, make package), installed on the application; None when there is
    none for that language (English: the source strings)."""
    locale = (locale or qgis_locale()).replace("-", "_")
    locale = LOCALE_ALIASES.get(locale, locale)
    for name in (locale, locale.split("_")[0]):
        path = I18N_DIR / f"landslide_mapper_{name}.qm"
        if path.is_file():
            translator = QTranslator()
            if translator.load(str(path)):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


class LandslideMapperPlugin:
    """QGIS calls ``initProcessing()`` (qgis_process calls only this), ``initGui()`` and ``unload()``."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None  # keep a reference, or the algorithms cannot be instantiated
        self.actions: list[QAction] = []
        self._dialogs: list = []  # keep non-modal dialogs alive
        self.environment = None  # the one "Environment and GPU…" dialog (non-modal; may run a pip task)
        self.dependency_folder = activate_dependency_folder()  # before any lazy import of torch & co.
        # TensorRT's engine cache in the plugin's own data folder (the worker process inherits it)
        os.environ.setdefault("LANDSLIDE_MAPPER_TRT_CACHE", str(Path(QgsApplication.qgisSettingsDirPath())
                                                               / "landslide_mapper" / "tensorrt"))
        self.translator = install_translator()  # before the provider: algorithm names and labels are translated

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
        if self.environment is not None:
            self.environment.cancel_task()
            self.environment.close()
            self.environment.deleteLater()
            self.environment = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

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

    def environment_dialog(self, report: dict | None = None):
        """Build (not show) the environment and GPU dialog; separate so tests can check it headless."""
        from .ui.environment_dialog import EnvironmentDialog

        return EnvironmentDialog(self.dependency_folder or dependency_folder(), report=report,
                                 parent=self.iface.mainWindow())

    def show_environment(self):
        """Non-modal: an install keeps running (QgsTask) while the user works; one dialog at a time."""
        if self.environment is None:
            self.environment = self.environment_dialog()
        else:
            self.environment.refresh()
        self.environment.show()
        self.environment.raise_()
        self.environment.activateWindow()

    def about_dialog(self, model_path: Path | None = None):
        """The About page with the model card of the bundled model (or of ``model_path``), read lazily."""
        from .ui.about import about_html, bundled_model_path, load_card
        from .ui.report_dialog import ReportDialog

        path = Path(model_path) if model_path else bundled_model_path()
        QgsApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # reading a card imports PyTorch
        try:
            card, error = load_card(path)
        finally:
            QgsApplication.restoreOverrideCursor()
        copy = json.dumps(card.to_dict(), indent=2) if card is not None else None
        return ReportDialog(tr("About Landslide Mapper"), about_html(card, error, path), copy_text=copy,
                            parent=self.iface.mainWindow())

    def show_about(self):
        dialog = self.about_dialog()
        self._dialogs.append(dialog)
        dialog.exec()
        self._dialogs.remove(dialog)
