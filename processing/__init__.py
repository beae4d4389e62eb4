"""Processing: the pure pipeline modules (raster I/O, DEM alignment, tiling, inference engines, stitching,
vectorising; no QGIS import) and the QGIS Processing provider and algorithms (``provider.py``,
``algorithms/``), which are thin adapters over them."""
