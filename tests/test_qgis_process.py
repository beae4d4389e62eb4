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
