"""The real QGIS desktop application, on a virtual screen: what a geologist clicks in the first ten minutes.

The plugin is installed from its zip (``scripts/package.py``, what "Install from ZIP" takes) into a throw-away
profile, enabled there, and the ``qgis`` binary starts on an Xvfb display with ``tests/desktop_session.py`` as its
startup script. That script opens every menu entry of the plugin (Environment and GPU…, About, Detect
landslides…), runs one detection on the bundled Hokkaido sample from the Detect dialog and cancels a second one.
Headless tests cannot see what only the desktop loads (Mesa's OpenGL and its LLVM, for one); this one can.

The test fails if QGIS dies, if the plugin logs a Python error or warning (warnings are switched on), if the
layer is missing, or if the cancel is reported as a failure. Screenshots stay in the test's work folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from qgis_process_helper import QgisProcessProfile, build_plugin_zip, venv_site_packages

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "hokkaido-iburi-sample"
SESSION_SCRIPT = Path(__file__).resolve().parent / "desktop_session.py"
JINSHA = REPO.parent / "shared" / "datasets" / "jinsha-rgbdem"
DESKTOP_TIMEOUT_S = 600


def jinsha_inventory(tmp: Path) -> tuple[str, str]:
    """Landslides "digitised" in the top-left 500 x 500 m of Jinsha A (its mask's landslides there, as polygons) and
    that square as the mapped area: (landslides layer, mapped-area layer) of one GeoPackage."""
    import fiona
    import numpy as np
    import rasterio
    from rasterio.features import shapes
    from shapely.geometry import box, mapping, shape

    with rasterio.open(JINSHA / "area_A_mask.tif") as src:
        mask, transform, crs = src.read(1), src.transform, src.crs
    zone = np.zeros(mask.shape, bool)
    zone[:1000, :1000] = True
    path = tmp / "digitised.gpkg"
    slides = [shape(g) for g, v in shapes((mask == 1).astype(np.uint8), mask=(mask == 1) & zone, transform=transform)]
    left, top = transform.c, transform.f
    square = box(left, top - 1000 * abs(transform.e), left + 1000 * transform.a, top)
    for layer, geoms in (("landslides", [g for g in slides if g.area >= 20]), ("mapped_area", [square])):
        with fiona.open(path, "w", driver="GPKG", layer=layer, crs_wkt=crs.to_wkt(),
                        schema={"geometry": "Polygon", "properties": {}}) as dst:
            dst.writerecords({"geometry": mapping(g), "properties": {}} for g in geoms if g.geom_type == "Polygon")
    return f"{path}|layername=landslides", f"{path}|layername=mapped_area"


def start_xvfb(tmp: Path) -> tuple[subprocess.Popen, str]:
    """An Xvfb server on a free display number (``-displayfd``: the server picks it and tells us)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise RuntimeError("Xvfb is not installed (make setup installs the Debian package xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=(tmp / "xvfb.log").open("w"))
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = pipe.readline().strip()
    if not display:
        proc.kill()
        raise RuntimeError(f"Xvfb did not start: {(tmp / 'xvfb.log').read_text()}")
    return proc, f":{display}"


def build_optical_vrt(tmp: Path) -> Path:
    """The sample's three Sentinel-2 bands as one R, G, B raster (what a user builds with Build Virtual Raster)."""
    vrt = tmp / "hokkaido_rgb.vrt"
    subprocess.run(["gdalbuildvrt", "-q", "-separate", str(vrt),
                    *(str(SAMPLE / f"post_{b}.tif") for b in ("B4", "B3", "B2"))], check=True)
    return vrt


@pytest.fixture(scope="module")
def desktop_run(tmp_path_factory):
    """Run the desktop session once; return (record, returncode, work folder, stderr tail)."""
    return run_desktop(tmp_path_factory.mktemp("desktop"))


@pytest.fixture(scope="module")
def desktop_zh_cn(tmp_path_factory):
    """The desktop in Chinese (QGIS's language set to Simplified Chinese in its options, as a user does in Settings >
    Options > General: QGIS writes zh-Hans): the menu and the Detect dialog only. (``qgis --lang zh_CN`` hangs the
    desktop before the startup script runs here, on QGIS 3.40 under Xvfb.)"""
    return run_desktop(tmp_path_factory.mktemp("desktop-zh"), {"mode": "locale"},
                       settings="\n[locale]\noverrideFlag=true\nuserLocale=zh-Hans\n", timeout_s=240)


def run_desktop(tmp: Path, extra: dict | None = None, qgis_args: list[str] | None = None, settings: str = "",
                timeout_s: float = DESKTOP_TIMEOUT_S):
    """One desktop session (``tests/desktop_session.py``); (record, returncode, work folder, stderr tail, seconds,
    config)."""
    profile = QgisProcessProfile(tmp / "profile")
    profile.install_zip(build_plugin_zip(tmp / "dist"))
    ini = profile.root / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    # enable the plugin, and no first-run wizard, news feed, tips or version check
    ini.write_text("[PythonPlugins]\nlandslide_mapper=true\n\n[qgis]\ncheckVersion=false\nshowTips340=false\n"
                   "allowVersionCheck=false\n\n[core]\nNewsFeed\\https%3A%2F%2Ffeed.qgis.org\\disabled=true\n"
                   + settings, encoding="utf-8")
    xdg = tmp / "xdg"
    xdg.mkdir(mode=0o700)
    config = {
        "work": str(tmp), "result": str(tmp / "desktop_result.json"),
        "optical": str(build_optical_vrt(tmp)), "dem": str(SAMPLE / "dsm.tif"),
        "output": str(tmp / "inventory.gpkg"), "output_cancelled": str(tmp / "cancelled.gpkg"),
        "cancel_after_s": 4, **(extra or {}),
    }
    if JINSHA.exists() and not extra:  # the adaptation from the dialog (issue 25)
        slides, mapped = jinsha_inventory(tmp)
        config.update({"adapt_image": str(JINSHA / "area_A_rgb.tif"), "adapt_landslides": slides,
                       "adapt_mapped_area": mapped, "adapt_output": str(tmp / "adapted.safetensors")})
        # a GF-6 product as delivered, made from Jinsha A (issue 26)
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
        import gf_product

        archive, truth = gf_product.make_product(tmp / "gf6")
        config.update({"product": str(archive), "product_dem": str(truth.dem),
                       "product_output": str(tmp / "gf6_landslides.gpkg")})
    (tmp / "config.json").write_text(json.dumps(config), encoding="utf-8")
    xvfb, display = start_xvfb(tmp)
    env = dict(os.environ)
    for key in ("QT_QPA_PLATFORM", "PROJ_DATA", "PROJ_LIB", "QGIS_PLUGINPATH"):
        env.pop(key, None)
    env.update({
        "DISPLAY": display, "QGIS_CUSTOM_CONFIG_PATH": str(profile.root), "XDG_RUNTIME_DIR": str(xdg),
        "PYTHONPATH": str(venv_site_packages()), "LM_DESKTOP_CONFIG": str(tmp / "config.json"),
        "PYTHONWARNINGS": "default", "GDAL_PAM_ENABLED": "NO", "TMPDIR": str(tmp),
    })
    start = time.monotonic()
    try:
        proc = subprocess.run(["qgis", "--nologo", "--noversioncheck", *(qgis_args or []), "--code",
                               str(SESSION_SCRIPT)],
                              env=env, capture_output=True, text=True, timeout=timeout_s, cwd=str(tmp),
                              check=False)
        returncode, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, stderr = "timeout", (exc.stderr or b"").decode("utf-8", "replace")
    finally:
        xvfb.send_signal(signal.SIGTERM)
        xvfb.wait(timeout=30)
    seconds = time.monotonic() - start
    keep = os.environ.get("LANDSLIDE_MAPPER_SCREENSHOTS")  # a folder to copy the screenshots to (docs/)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in tmp.glob("*.png"):
            shutil.copy(png, Path(keep) / f"desktop_{png.name}")
    result_file = Path(config["result"])
    record = json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else {}
    return record, returncode, tmp, stderr[-4000:], seconds, config


def _describe(record: dict, returncode, stderr: str) -> str:
    steps = "\n".join(f"  {s.get('t')} s: {s.get('step')} {({k: v for k, v in s.items() if k not in ('t', 'step')})}"
                      for s in record.get("steps", []))
    return f"QGIS exit status {returncode}; steps:\n{steps}\nerror: {record.get('error')}\nstderr tail:\n{stderr}"


def test_qgis_survives_every_menu_entry_and_a_detection(desktop_run):
    record, returncode, tmp, stderr, seconds, config = desktop_run
    print(f"desktop session: {seconds:.0f} s, exit status {returncode}, work folder {tmp}")
    assert returncode == 0, "QGIS died or hung: " + _describe(record, returncode, stderr)
    assert record.get("done"), "the desktop scenario did not complete: " + _describe(record, returncode, stderr)


def test_no_python_error_or_warning_from_the_plugin(desktop_run):
    record = desktop_run[0]
    assert record.get("steps"), "no record of the desktop session"
    bad = [m for m in record["messages"]
           if m["tag"] in ("Python error", "Python warning")
           and ("landslide_mapper" in m["message"] or "ResourceWarning" in m["message"]
                or m["tag"] == "Python error")]
    assert not bad, "the plugin logged Python errors or warnings:\n" + "\n---\n".join(m["message"][:1500] for m in bad)


def test_the_detection_from_the_dialog_adds_the_landslide_layer(desktop_run):
    record, _, _, _, _, config = desktop_run
    done = [s for s in record.get("steps", []) if s["step"] == "detection finished"]
    assert done and done[0]["ok"], "the detection from the dialog failed:\n" + record.get("dialog_logs", {}).get(
        "run", "(no log)")
    layers = [layer for layer in record["layers"] if layer["name"] == "Landslides"]
    assert layers and layers[0]["valid"] and layers[0]["features"] > 0, record["layers"]
    assert Path(config["output"]).exists()


def test_the_dialog_shows_the_model_defaults_and_warns_about_coarse_imagery(desktop_run):
    from landslide_mapper.detection.pipeline import default_model_path
    from landslide_mapper.model.card import read_sidecar

    record = desktop_run[0]
    card = read_sidecar(default_model_path())
    assert record["dialog_defaults"] == {"RESOLUTION": None, "TILE_SIZE": None, "OVERLAP": None, "THRESHOLD": None,
                                         "MIN_AREA": None, "SIMPLIFY": None}  # empty: the model's own / automatic
    assert f"tile {card.tile_size} px" in record["dialog_logs"]["run"]  # the model's values were used
    run_log = record["dialog_logs"]["run"]
    assert "10 times coarser than the 1 m the model works at" in run_log  # the sample is 10 m Sentinel-2
    assert "minimum area" in run_log and "automatic" in run_log
    # the area of interest: the selected polygon only (the middle 60 % x 60 % of the image)
    assert "Area of interest: 1 polygon(s) (selected features only)" in run_log
    assert "tiles (area of interest)" in run_log


def test_cancel_is_reported_as_cancelled_and_leaves_nothing(desktop_run):
    record, _, _, _, _, config = desktop_run
    ended = [s for s in record.get("steps", []) if s["step"] == "cancelled detection ended"]
    assert ended, "the cancelled run never ended: " + json.dumps(record.get("steps"))[:3000]
    log = record["dialog_logs"]["cancelled"]
    second = log[log.rfind("Cancel"):] if "Cancel" in log else log
    assert "cancelled" in log.lower(), log[-3000:]
    assert "Execution failed" not in second, log[-3000:]
    assert ended[0]["layers_added"] == 0
    assert not Path(config["output_cancelled"]).exists()
    critical = [m for m in record["messages"] if m["tag"] == "Processing" and m["level"] == 2]  # Qgis.Critical
    assert not critical, critical  # Processing logs a QgsProcessingException as CRITICAL; a cancel raises none


@pytest.mark.skipif(not JINSHA.exists(), reason="needs ../shared/datasets/jinsha-rgbdem")
def test_the_adaptation_from_the_dialog_writes_the_adapted_model(desktop_run):
    record, _, _, _, _, config = desktop_run
    done = [s for s in record.get("steps", []) if s["step"] == "adaptation finished"]
    log = record.get("dialog_logs", {}).get("adapt", "(no log)")
    assert done and done[0]["ok"], "the adaptation from the dialog failed:\n" + log[-4000:]
    assert "Held-out landslide IoU" in log and Path(config["adapt_output"]).is_file()
    assert "Adapted model" in log


@pytest.mark.skipif(not JINSHA.exists(), reason="needs ../shared/datasets/jinsha-rgbdem")
def test_a_gf6_product_archive_in_landslides_out(desktop_run):
    record, _, _, _, _, config = desktop_run
    done = [s for s in record.get("steps", []) if s["step"] == "product detection finished"]
    log = record.get("dialog_logs", {}).get("product", "(no log)")
    assert done and done[0]["ok"], "the detection on the GF-6 product from the dialog failed:\n" + log[-4000:]
    assert "orthorectified with the DEM" in log and int(done[0]["results"]["COUNT"]) > 0, log[-4000:]
    assert done[0]["layers_added"] >= 1
    assert any(layer["source"].startswith(config["product_output"]) and layer["valid"] and layer["features"]
               for layer in record["layers"]), record["layers"]


def test_screenshots_were_taken(desktop_run):
    record = desktop_run[0]
    names = {Path(p).name for p in record.get("screenshots", [])}
    assert {"environment_dialog.png", "about_dialog.png", "detect_dialog.png"} <= names, names


def test_the_desktop_in_chinese(desktop_zh_cn):
    """With QGIS's language set to zh_CN, the plugin's menu and the Detect dialog speak Chinese; look at
    detect_dialog_zh_CN.png in the work folder (the font renders: fonts-wqy-microhei)."""
    record, returncode, tmp, stderr, _, _ = desktop_zh_cn
    assert returncode == 0 and record.get("done"), _describe(record, returncode, stderr)
    assert record["menu"] == ["检测滑坡…", "环境与 GPU…", "关于 / 模型卡"], record["menu"]
    assert "检测滑坡" in record["dialog_title"], record["dialog_title"]
    labels = record["dialog_labels"]
    assert any(t.startswith("光学影像") for t in labels) and any(t.startswith("概率阈值") for t in labels), labels
    png = tmp / "detect_dialog_zh_CN.png"
    assert png.is_file() and png.stat().st_size > 20_000
