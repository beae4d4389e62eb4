"""qgis_process with the plugin installed from the built zip into a throw-away profile (what a user gets)."""

from __future__ import annotations

import json
from pathlib import Path

CHECK = "landslide_mapper:check_environment"
REPORTED = ("torch", "timm", "onnxruntime", "rasterio", "fiona", "shapely", "numpy")


def test_plugin_listed_and_enabled(qgis_process_profile):
    result = qgis_process_profile.run("plugins")
    assert result.returncode == 0, result.describe()
    assert "* landslide_mapper" in result.stdout, result.describe()

    listing = qgis_process_profile.list_json()
    provider = listing["providers"].get("landslide_mapper")
    assert provider is not None, sorted(listing["providers"])
    assert provider["name"] == "Landslide Mapper"
    assert provider["is_active"]
    assert CHECK in provider["algorithms"]
    assert provider["algorithms"][CHECK]["name"] == "Check environment and GPU"
    assert provider["algorithms"]["landslide_mapper:detect_landslides"]["name"] == "Detect landslides"
    assert provider["algorithms"]["landslide_mapper:export_onnx"]["name"] == "Export model to ONNX"


def test_check_environment_json(qgis_process_profile, tmp_path):
    out = tmp_path / "report.json"
    doc = qgis_process_profile.run_json(CHECK, {"OUTPUT": str(out)})
    assert Path(doc["results"]["OUTPUT"]) == out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report == json.loads(doc["results"]["REPORT"])
    # the copy installed from the zip ran, not the checkout
    assert Path(report["plugin"]["location"]) == qgis_process_profile.plugin_dir
    assert report["qgis"]["version"] == doc["qgis_version"]
    for name in REPORTED:
        assert report["packages"][name]["ok"], (name, report["packages"][name])
    assert report["missing"] == []
    assert any("torch" in line for line in doc["log"]["info"])


def test_check_environment_html_cli_syntax(qgis_process_profile, tmp_path):
    """The `-- NAME=value` syntax of the README and `make demo`."""
    out = tmp_path / "report.html"
    result = qgis_process_profile.run("--json", "run", CHECK, "--", f"OUTPUT={out}")
    assert result.returncode == 0, result.describe()
    doc = json.loads(result.stdout)
    assert Path(doc["results"]["OUTPUT"]) == out
    page = out.read_text(encoding="utf-8")
    for name in (*REPORTED, "QGIS", "Python"):
        assert name in page, name


def test_unknown_algorithm_fails(qgis_process_profile):
    """The helper's failure path really fails (so the tests above cannot pass vacuously)."""
    result = qgis_process_profile.run("--json", "run", "landslide_mapper:no_such_algorithm", "--")
    assert result.returncode != 0


# --- detect_landslides through qgis_process ------------------------------------------------------------------
DETECT = "landslide_mapper:detect_landslides"


def test_detect_landslides_json(qgis_process_profile, tmp_path):
    """The README's command line: bands as repeated BANDS=, a GeoPackage and a probability GeoTIFF."""
    import fiona
    import numpy as np
    import rasterio
    import synthetic
    from rasterio.features import shapes
    from shapely import unary_union
    from shapely.geometry import shape

    _, onnx = synthetic.oracle_files(tmp_path)
    opt, dem, mask = synthetic.scene(tmp_path)
    out, prob = tmp_path / "landslides.gpkg", tmp_path / "probability.tif"
    args = ["--json", "run", DETECT, "--", f"OPTICAL={opt}", f"DEM={dem}", f"MODEL={onnx}", "BANDS=3", "BANDS=2",
            "BANDS=1", "SIMPLIFY=0", f"OUTPUT={out}", f"OUTPUT_PROBABILITY={prob}"]
    result = qgis_process_profile.run(*args)
    assert result.returncode == 0, result.describe()
    doc = json.loads(result.stdout)
    assert doc["algorithm_details"]["id"] == DETECT
    assert doc["inputs"]["BANDS"] == ["3", "2", "1"] or doc["inputs"]["BANDS"] in ([3, 2, 1], "3,2,1")
    res = doc["results"]
    assert Path(res["OUTPUT"]) == out and Path(res["OUTPUT_PROBABILITY"]) == prob and res["COUNT"] == 4
    assert any("4 landslide(s)" in line for line in doc["log"]["info"])
    # qgis_process links QGIS's GDAL/GEOS into the process: the pipeline runs in a worker process
    assert any("separate Python process" in line for line in doc["log"]["info"])
    with fiona.open(out) as src:
        geoms = [shape(f["geometry"]) for f in src]
        assert src.crs.to_epsg() == 32633 and sorted(f["properties"]["id"] for f in src) == [1, 2, 3, 4]
    with rasterio.open(opt) as src:
        transform = src.transform
    expected = unary_union([shape(g) for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=transform)])
    got = unary_union(geoms)
    assert got.intersection(expected).area / got.union(expected).area > 0.99
    with rasterio.open(prob) as src:
        assert np.array_equal(src.read(1) > 0.5, mask)


def test_detect_with_an_extent_string(qgis_process_profile, tmp_path):
    """EXTENT as qgis_process takes it (xmin,xmax,ymin,ymax [CRS]): only the chips touching it run, and the
    landslides are cut to it."""
    import fiona
    import synthetic
    from shapely.geometry import box, shape

    _, onnx = synthetic.oracle_files(tmp_path)
    opt, dem, _ = synthetic.scene(tmp_path)
    x0, y0 = synthetic.ORIGIN
    out = tmp_path / "landslides.gpkg"
    extent = box(x0, y0 - 2 * 120, x0 + 2 * 200, y0)  # the top-left: the disc at (60, 80) only
    result = qgis_process_profile.run("--json", "run", DETECT, "--", f"OPTICAL={opt}", f"DEM={dem}",
                                      f"MODEL={onnx}", f"EXTENT={x0},{x0 + 400},{y0 - 240},{y0} [EPSG:32633]",
                                      "SIMPLIFY=0", f"OUTPUT={out}")
    assert result.returncode == 0, result.describe()
    doc = json.loads(result.stdout)
    assert doc["results"]["COUNT"] == 1
    assert any("of the image's 12 tiles (area of interest)" in line for line in doc["log"]["info"])
    with fiona.open(out) as src:
        geoms = [shape(f["geometry"]) for f in src]
    assert len(geoms) == 1 and geoms[0].difference(extent).area == 0.0


def test_export_onnx_keeps_the_model_card(qgis_process_profile, tmp_path):
    import synthetic

    from landslide_mapper.model.checkpoint import read_card

    checkpoint, _ = synthetic.oracle_files(tmp_path)
    out = tmp_path / "exported.onnx"
    doc = qgis_process_profile.run_json("landslide_mapper:export_onnx", {"INPUT": str(checkpoint), "OUTPUT": str(out)})
    assert Path(doc["results"]["OUTPUT"]) == out
    assert read_card(out).to_dict() == read_card(checkpoint).to_dict() == json.loads(doc["results"]["MODEL_CARD"])
