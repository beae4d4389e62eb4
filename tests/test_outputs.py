"""Outputs never destroy a user's data: a GeoPackage is a database of many layers.

Detection into an existing GeoPackage adds the landslide layer, or replaces only the layer of that name; the
user's other layers (a point layer, an attribute table) and tables (QGIS styles) stay exactly as they were. A run
that fails or is cancelled leaves the file byte-identical. Checked through the core (the CLI's function), the CLI,
``processing.run`` and ``qgis_process``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import fiona
import pytest
from detect_options import detect
from fiona.crs import CRS

from landslide_mapper.errors import CancelledError, InputError

DETECT = "landslide_mapper:detect_landslides"


def user_geopackage(path: Path) -> Path:
    """A field geologist's project database: a point layer, an attribute table and a QGIS style table."""
    crs = CRS.from_epsg(32654).to_wkt()
    with fiona.open(path, "w", driver="GPKG", layer="field_survey", crs=crs,
                    schema={"geometry": "Point", "properties": {"site": "str", "depth_m": "float"}}) as dst:
        dst.writerecords([{"geometry": {"type": "Point", "coordinates": (500000.0 + i, 4700000.0)},
                           "properties": {"site": f"S{i}", "depth_m": 1.5 * i}} for i in range(5)])
    with fiona.open(path, "w", driver="GPKG", layer="samples",
                    schema={"geometry": "None", "properties": {"sample": "str", "lab": "str"}}) as dst:
        dst.writerecords([{"geometry": None, "properties": {"sample": "A1", "lab": "Sapporo"}}])
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE layer_styles (id INTEGER PRIMARY KEY, f_table_name TEXT, styleName TEXT, "
                   "styleQML TEXT)")
        db.execute("INSERT INTO layer_styles (f_table_name, styleName, styleQML) VALUES "
                   "('field_survey', 'survey', '<qgis/>')")
    return path


def snapshot(path: Path) -> dict:
    """Everything of the user's that must survive: features of their layers, the style rows."""
    out = {}
    for layer in ("field_survey", "samples"):
        with fiona.open(path, layer=layer) as src:
            out[layer] = [(f["geometry"] and tuple(f["geometry"]["coordinates"]), dict(f["properties"])) for f in src]
    with sqlite3.connect(path) as db:
        out["layer_styles"] = db.execute("SELECT f_table_name, styleName, styleQML FROM layer_styles").fetchall()
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def layers(path: Path) -> list[str]:
    return sorted(fiona.listlayers(str(path)))


def count(path: Path, layer: str) -> int:
    with fiona.open(path, layer=layer) as src:
        return len(src)


def test_core_adds_and_replaces_only_its_layer(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    gpkg = user_geopackage(tmp_path / "inventory.gpkg")
    before = snapshot(gpkg)
    result = detect(opt, gpkg, dem=dem, model=oracle[1], tile=128)
    assert result.count == 4
    assert layers(gpkg) == ["field_survey", "landslides", "samples"]
    assert snapshot(gpkg) == before and count(gpkg, "landslides") == 4
    # a second run replaces only "landslides" (here: a minimum area that keeps none of the four)
    detect(opt, gpkg, dem=dem, model=oracle[1], tile=128, min_area=1e9)
    assert layers(gpkg) == ["field_survey", "landslides", "samples"]
    assert snapshot(gpkg) == before and count(gpkg, "landslides") == 0
    # another layer name adds another layer
    detect(opt, gpkg, dem=dem, model=oracle[1], tile=128, layer="landslides_2026")
    assert layers(gpkg) == ["field_survey", "landslides", "landslides_2026", "samples"]
    assert count(gpkg, "landslides_2026") == 4 and snapshot(gpkg) == before


def test_failed_and_cancelled_runs_leave_the_file_byte_identical(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    gpkg = user_geopackage(tmp_path / "inventory.gpkg")
    detect(opt, gpkg, dem=dem, model=oracle[1], tile=128)
    prob = tmp_path / "probability.tif"
    detect(opt, gpkg, dem=dem, model=oracle[1], tile=128, probability=prob)
    before, prob_before = digest(gpkg), digest(prob)
    calls = []

    def cancel_later() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(CancelledError):
        detect(opt, gpkg, dem=dem, model=oracle[1], tile=64, overlap=0, batch=1, is_cancelled=cancel_later,
               probability=prob)

    def fail_midway(fraction: float, message: str) -> None:
        if fraction > 0.3:
            raise OSError("disk full (simulated)")

    with pytest.raises(OSError, match="disk full"):
        detect(opt, gpkg, dem=dem, model=oracle[1], tile=64, overlap=0, batch=1, progress=fail_midway,
               probability=prob)
    assert digest(gpkg) == before and digest(prob) == prob_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.gpkg", "probability.tif"]


def test_a_file_that_is_not_a_geopackage_is_refused_untouched(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    notes = tmp_path / "notes.gpkg"
    notes.write_text("my field notes, not a database\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a GeoPackage"):
        detect(opt, notes, dem=dem, model=oracle[1], tile=128)
    assert notes.read_text(encoding="utf-8") == "my field notes, not a database\n"


def test_cli_layer_option(tmp_path, oracle, blob_scene):
    opt, dem, _ = blob_scene
    gpkg = user_geopackage(tmp_path / "inventory.gpkg")
    before = snapshot(gpkg)
    cmd = [sys.executable, "-m", "landslide_mapper", "detect", "--optical", str(opt), "--dem", str(dem),
           "--model", str(oracle[1]), "--output", str(gpkg), "--tile", "128", "--quiet"]
    for extra in ([], ["--layer", "iburi_2018"]):
        run = subprocess.run(cmd + extra, capture_output=True, text=True, cwd="/")
        assert run.returncode == 0, run.stderr
    assert layers(gpkg) == ["field_survey", "iburi_2018", "landslides", "samples"]
    assert snapshot(gpkg) == before and count(gpkg, "iburi_2018") == 4
    # a failing run (not a model file) changes nothing
    frozen = digest(gpkg)
    bad = subprocess.run(cmd[:8] + ["--model", str(dem)] + cmd[10:], capture_output=True, text=True, cwd="/")
    assert bad.returncode == 2 and "not a model file" in bad.stderr and digest(gpkg) == frozen


def test_processing_run_keeps_the_other_layers(plugin, oracle, blob_scene, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    import processing

    opt, dem, _ = blob_scene
    gpkg = user_geopackage(tmp_path / "inventory.gpkg")
    before = snapshot(gpkg)
    base = {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]), "TILE_SIZE": 128}
    # a plain path, as qgis_process and scripts pass it: QGIS itself would overwrite the whole file
    result = processing.run(DETECT, {**base, "OUTPUT": str(gpkg)})
    assert result["COUNT"] == 4 and "layername=landslides" in result["OUTPUT"]
    assert layers(gpkg) == ["field_survey", "landslides", "samples"] and snapshot(gpkg) == before
    # the layer name the destination widget passes ("Save to GeoPackage…") is honoured; so is |layername=
    processing.run(DETECT, {**base, "OUTPUT": f"ogr:dbname='{gpkg}' table=\"from_widget\" (geom)"})
    processing.run(DETECT, {**base, "OUTPUT": f"{gpkg}|layername=second_run"})
    assert layers(gpkg) == ["field_survey", "from_widget", "landslides", "samples", "second_run"]
    assert snapshot(gpkg) == before and count(gpkg, "second_run") == 4
    # failing and cancelled runs leave the file byte-identical
    frozen = digest(gpkg)
    with pytest.raises(QgsProcessingException):  # not a model file
        processing.run(DETECT, {**base, "MODEL": str(dem), "OUTPUT": str(gpkg)})

    class CancelSoon(QgsProcessingFeedback):
        calls = 0

        def isCanceled(self):  # noqa: N802
            CancelSoon.calls += 1
            return CancelSoon.calls > 3

    processing.run(DETECT, {**base, "TILE_SIZE": 64, "BATCH_SIZE": 1, "OUTPUT": str(gpkg)}, feedback=CancelSoon())
    assert digest(gpkg) == frozen


def test_qgis_process_keeps_the_other_layers(qgis_process_profile, oracle, blob_scene, tmp_path):
    opt, dem, _ = blob_scene
    gpkg = user_geopackage(tmp_path / "inventory.gpkg")
    before = snapshot(gpkg)
    out = qgis_process_profile.run_json(DETECT, {"OPTICAL": str(opt), "DEM": str(dem), "MODEL": str(oracle[1]),
                                                 "TILE_SIZE": 128, "OUTPUT": str(gpkg)})
    assert out["results"]["COUNT"] == 4
    assert layers(gpkg) == ["field_survey", "landslides", "samples"] and snapshot(gpkg) == before
