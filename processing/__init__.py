"""The QGIS Processing provider (``provider.py``) and its algorithms (``algorithms/``): thin adapters that turn a
dialog's, the modeler's or ``qgis_process``'s parameters into the core's typed options and call the same core
functions as the command line. The only QGIS code besides ``plugin.py`` and ``ui/``; the detection core lives in
``detection/``, training in ``training/``, the environment and installer in ``environment/``."""
