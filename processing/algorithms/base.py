"""What every Landslide Mapper algorithm says about itself to QGIS, declared once.

An algorithm sets ``NAME`` (its id under the ``landslide_mapper`` provider), ``DISPLAY_NAME``, ``GROUP`` and
``GROUP_ID``, and optionally ``TAGS`` (comma-separated); the methods QGIS calls are here. ``createInstance``
returns a fresh instance of the algorithm's own class, as Processing requires for every run.
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm

from .qgis_compat import tr


class LandslideMapperAlgorithm(QgsProcessingAlgorithm):
    NAME = ""
    DISPLAY_NAME = ""
    GROUP = ""
    GROUP_ID = ""
    TAGS = ""

    def tr(self, string: str) -> str:
        return tr(string)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return self.tr(self.GROUP)

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP_ID

    def tags(self):
        return self.TAGS.split(",") if self.TAGS else []  # (search words: not translated)
