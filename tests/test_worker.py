"""The detection worker (``worker.py``) and the native-library check (``native_libraries.py``), in plain Python.

Inside the QGIS programs on Linux, QGIS's GDAL and GEOS are in the process's global symbol scope and the pip
wheels (shapely, rasterio) bind to them: detection silently finds nothing. ``LD_PRELOAD`` of Debian's libgdal and
libgeos_c reproduces that situation in a plain Python, where the test shows both the failure (in process) and the
fix (the worker process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from detect_options import options

from landslide_mapper import errors, worker
from landslide_mapper.environment import native_libraries

SYSTEM_LIBS = [Path("/usr/lib/x86_64-linux-gnu/libgdal.so.32"), Path("/usr/lib/x86_64-linux-gnu/libgeos_c.so.1")]


def test_worker_errors_keep_their_type_and_message(oracle, blob_scene, tmp_path):
    opt, _, _ = blob_scene
    with pytest.raises(errors.InputError, match="give a DEM raster") as caught:
        worker.detect_in_subprocess(options(opt, tmp_path / "x.gpkg", model=oracle[1]))
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # the sentence crosses the process boundary as a Message: the QGIS glue can still translate it
    message = errors.message_of(caught.value)
    assert isinstance(message, errors.Message)
    assert message.template == "the model '{name}' uses DEM channels ({names}): give a DEM raster"
    assert message.render(lambda t: t.replace("give a DEM raster", "DEM!")).endswith("): DEM!")


def test_child_environment_carries_sys_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PROJ_LIB", "/usr/share/proj")
    monkeypatch.setenv("LD_PRELOAD", "/usr/lib/libtcmalloc_minimal.so.4:/usr/lib/x86_64-linux-gnu/libgdal.so.32")
    env = worker.child_environment([str(tmp_path), "", str(tmp_path / "missing"), str(tmp_path)])
    assert env["PYTHONPATH"] == str(tmp_path) and "PROJ_LIB" not in env and "PROJ_DATA" not in env
    assert env["LD_PRELOAD"] == "/usr/lib/libtcmalloc_minimal.so.4"


_IN_QGIS_LIKE_PROCESS = textwrap.dedent(
    """
    import json, sys
    from landslide_mapper import worker
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.environment import native_libraries
    args = json.loads(sys.argv[1])
    out = {"global": native_libraries.libraries_in_global_scope(),
           "separate": native_libraries.separate_process_needed(), "check": native_libraries.check()}
    progress, logs = [], []
    options = DetectOptions.from_flat(optical=args["optical"], output=args["folder"] + "/worker.gpkg",
                                      dem=args["dem"], model=args["model"], bands=(3, 2, 1), tile=64, min_area=0.0,
                                      simplify=0.0)
    result = worker.detect_in_subprocess(options, progress=lambda f, m: progress.append(f), log=logs.append)
    out.update(worker=result.count, engine=result.engine, output=result.output, progress=progress, logs=logs)
    print("RESULT " + json.dumps(out), flush=True)
    """
)


@pytest.mark.skipif(not all(p.exists() for p in SYSTEM_LIBS), reason="needs Debian's libgdal32 and libgeos-c1v5")
def test_qgis_like_process_needs_the_worker(oracle, blob_scene, tmp_path):
    """With QGIS's GDAL/GEOS in the global scope (as in qgis and qgis_process) shapely and rasterio are bound to
    the wrong libraries and the worker still gets the right answer; without them, nothing is needed."""
    opt, dem, _ = blob_scene
    env = dict(os.environ, LD_PRELOAD=":".join(map(str, SYSTEM_LIBS)))
    env.pop(native_libraries.WORKER_ENV, None)
    args = json.dumps({"optical": str(opt), "dem": str(dem), "model": str(oracle[1]), "folder": str(tmp_path)})
    proc = subprocess.run([sys.executable, "-W", "ignore", "-c", _IN_QGIS_LIKE_PROCESS, args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=tmp_path, check=False)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    out = json.loads(lines[-1][len("RESULT "):])
    assert {"GDAL", "GEOS"} <= set(out["global"]) and out["separate"]
    # the clash is reproduced (measured: in-process detection then finds 0 of the 4 landslides) ...
    assert out["check"]["shapely"] is False and out["check"]["rasterio"] is False  # the doctor shows it
    assert out["worker"] == 4  # ... and the worker process is not affected
    assert out["engine"] == "onnx" and Path(out["output"]) == tmp_path / "worker.gpkg"
    assert out["progress"] == sorted(out["progress"]) and out["progress"][-1] == 1.0 and len(out["progress"]) > 2
    assert any(line.startswith("Model 'oracle-elevation'") for line in out["logs"])
    # in this plain Python: nothing in the global scope, everything works in process
    assert native_libraries.libraries_in_global_scope() == [] and not native_libraries.separate_process_needed()
    here = native_libraries.check()
    assert here["shapely"] is True and here["rasterio"] is True


def test_worker_choice_can_be_forced(monkeypatch):
    monkeypatch.setenv(native_libraries.WORKER_ENV, "process")
    assert native_libraries.separate_process_needed()
    monkeypatch.setenv(native_libraries.WORKER_ENV, "inline")
    assert not native_libraries.separate_process_needed()


@pytest.mark.filterwarnings("error")  # an unclosed pipe (ResourceWarning) then fails the test
def test_worker_closes_its_pipes(oracle, blob_scene, tmp_path):
    import gc
    import warnings

    opt, dem, _ = blob_scene
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = worker.run_in_subprocess("detect", options=options(opt, tmp_path / "ok.gpkg", dem=dem,
                                                                    model=oracle[1], tile=128))
        with pytest.raises(errors.InputError):  # the error path closes them too
            worker.run_in_subprocess("detect", options=options(opt, tmp_path / "x.gpkg", model=oracle[1]))
        gc.collect()
    assert result["count"] == 4
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []
