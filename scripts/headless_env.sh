# shellcheck shell=bash
# Source this file, then call `headless_env DIR`: QGIS runs headless with its state kept under DIR.
#   QT_QPA_PLATFORM=offscreen (without it QGIS aborts), a private 0700 XDG_RUNTIME_DIR, a throw-away profile root
#   (QGIS_CUSTOM_CONFIG_PATH) and TMPDIR under DIR (QGIS leaves QGIS3-*/qt_temp-* folders behind).
#   PROJ_DATA/PROJ_LIB are unset, never exported: the rasterio/fiona wheels would then load the system proj.db.
headless_env() {
    local dir=$1
    mkdir -p "$dir/xdg" "$dir/tmp" "$dir/qgis-profile"
    chmod 0700 "$dir/xdg"
    export QT_QPA_PLATFORM=offscreen
    export XDG_RUNTIME_DIR="$dir/xdg"
    export QGIS_CUSTOM_CONFIG_PATH="$dir/qgis-profile"
    export TMPDIR="$dir/tmp"
    unset PROJ_DATA PROJ_LIB
}
