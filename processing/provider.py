"""The QGIS Processing provider ``landslide_mapper`` ("Landslide Mapper")."""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from landslide_mapper import __version__

PROVIDER_ID = "landslide_mapper"
ICON_PATH = Path(__file__).resolve().parents[1] / "resources" / "icon.svg"


class LandslideMapperProvider(QgsProcessingProvider):
    """Holds the algorithms listed in ``processing/algorithms/__init__.py``."""

    def __init__(self):
        super().__init__()
        #: {algorithm entry: error} for algorithms whose module failed to import at the last load.
        self.load_errors: dict[str, str] = {}

    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return "Landslide Mapper"

    def longName(self) -> str:  # noqa: N802
        return f"Landslide Mapper {__version__}"

    def versionInfo(self) -> str:  # noqa: N802
        return __version__

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:  # noqa: N802
        return str(ICON_PATH)

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802
        """The pipeline writes GeoTIFF only (tiled, compressed; written atomically)."""
        return ["tif"]

    def defaultRasterFileExtension(self) -> str:  # noqa: N802
        return "tif"

    def loadAlgorithms(self):  # noqa: N802
        from .algorithms import algorithm_classes

        classes, self.load_errors = algorithm_classes()
        for cls in classes:
            self.addAlgorithm(cls())
        for entry, error in self.load_errors.items():
            QgsMessageLog.logMessage(
                f"Landslide Mapper: algorithm {entry} is not available: {error}",
                "Landslide Mapper",
                level=Qgis.MessageLevel.Critical,
            )
