"""Small QGIS-version bridges shared by the algorithms (QGIS 3.34 to 4.x, Qt5 and Qt6).

Enums: QGIS 3.36+ has them on ``Qgis`` (the only spelling QGIS 4 keeps); 3.34 has them on the classes.
No torch, no pipeline.
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication


def tr(string: str) -> str:
    """The plugin's translation context, for every algorithm and helper."""
    return QCoreApplication.translate("LandslideMapper", string)


def translated(text) -> str:
    """A sentence of the core (``errors.Message``: errors, log lines, progress, warnings) in the user's language,
    through the same translations as :func:`tr`; any other string as it is (a path, GDAL's own message)."""
    render = getattr(text, "render", None)  # duck-typed: this module imports nothing from the core
    return render(tr) if callable(render) else str(text)


def tr_noop(string: str) -> str:
    """Marks a string for translation (scripts/i18n.py finds it) that is translated later, where it is shown."""
    return string


def _enum(new_owner: str, old, member: str, old_member: str | None = None):
    """``Qgis.<new_owner>.<member>`` when it exists, else ``old.<old_member or member>``."""
    owner = getattr(Qgis, new_owner, None)
    if owner is not None and hasattr(owner, member):
        return getattr(owner, member)
    return getattr(old, old_member or member)


NUMBER_INTEGER = _enum("ProcessingNumberParameterType", QgsProcessingParameterNumber.Type, "Integer")
NUMBER_DOUBLE = _enum("ProcessingNumberParameterType", QgsProcessingParameterNumber.Type, "Double")
SOURCE_POLYGON = _enum("ProcessingSourceType", QgsProcessing.SourceType, "VectorPolygon", "TypeVectorPolygon")
FILE_BEHAVIOR_FILE = _enum("ProcessingFileParameterBehavior", QgsProcessingParameterFile.Behavior, "File")
FILE_BEHAVIOR_FOLDER = _enum("ProcessingFileParameterBehavior", QgsProcessingParameterFile.Behavior, "Folder")
WKB_POLYGON = _enum("WkbType", QgsWkbTypes.Type, "Polygon")
PARAMETER_ADVANCED = _enum("ProcessingParameterFlag", QgsProcessingParameterDefinition.Flag, "Advanced", "FlagAdvanced")
SINK_FAST_INSERT = _enum("FeatureSinkFlag", QgsFeatureSink.Flag, "FastInsert")
