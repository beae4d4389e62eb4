"""Small Qt dialogs of the plugin (Qt through ``qgis.PyQt`` only, so they work with Qt5 and Qt6)."""
