"""Landslide Mapper: FCA-DeepLab landslide detection as a QGIS plugin and a command line.

The package root is the QGIS plugin folder. Importing it never imports QGIS: ``classFactory`` does that lazily,
so the pure core (``model/``, ``detection/``, ``training/``, ``environment/``) works in plain Python.
"""

__version__ = "0.1.0"


def classFactory(iface):  # noqa: N802  (QGIS's required name)
    """QGIS entry point: build the plugin object (imports QGIS code only now)."""
    from .plugin import LandslideMapperPlugin

    return LandslideMapperPlugin(iface)
