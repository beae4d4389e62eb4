"""Many scenes in one run, in this process or across a Dask cluster: one landslide layer per scene and one merged
inventory layer with a ``scene`` attribute, in one GeoPackage.

After a large earthquake a mapping team gets dozens of scenes. :func:`detect_scenes` runs
``partitions.detect_scene`` once per scene (in one piece, or in column stripes when wider than ``STRIPE_WIDTH``):

- ``processes=1`` and no ``scheduler`` (``options.execution``): one scene after the other in this process (no Dask
  imported);
- ``processes=N``: a local Dask cluster of N worker processes (``distributed.LocalCluster``, one thread each), one task
  per scene; ``scheduler=ADDRESS``: an existing Dask cluster (its workers need this package, the model file and the
  rasters at the same paths, or at URLs GDAL reads such as ``/vsis3/...``). The dashboard link is logged.

Faults: a scene that fails for a reason of its own (bad input: a DEM that does not cover it, a broken file) is
reported with its one-line reason while the others complete (:attr:`ScenesResult.failures`). A task whose worker
dies is run again elsewhere (Dask reschedules it; other exceptions are retried ``retries`` times); each task writes
its scene's GeoPackage under a temporary name that is moved into place only when complete (``FeatureWriter``), so
a retry never sees or leaves half a file. Cancel stops the tasks (they check a cluster-wide ``distributed.Event``),
closes a local cluster and leaves no output. Progress is the mean of the scenes' own progress, reported from the
workers through a Dask ``Queue``.

One scene on several workers is cut into row partitions instead (``partitions.py``). Pure: never imports QGIS.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CancelledError, InputError, LandslideMapperError, Message, user_message
from .leftovers import clean_leftovers, temp_folder
from .options import DetectOptions

RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".jp2", ".img")
#: the merged inventory's extra attribute
SCENE_FIELD = "scene"


@dataclass
class SceneJob:
    name: str                  # the scene's layer name suffix (from the file name)
    optical: str
    dem: str | None


@dataclass
class ScenesResult:
    output: Path
    layer: str                 # the merged inventory layer
    scenes: dict[str, dict] = field(default_factory=dict)    # name -> count, total_area_m2, chips, seconds, layer
    failures: dict[str, str] = field(default_factory=dict)   # name -> one-line reason
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return sum(s["count"] for s in self.scenes.values())

    @property
    def total_area_m2(self) -> float:
        return sum(s["total_area_m2"] for s in self.scenes.values())

    def summary(self) -> str:
        failed = f"; {len(self.failures)} failed: {', '.join(self.failures)}" if self.failures else ""
        return (f"{len(self.scenes)} scene(s): {self.count} landslide(s), {self.total_area_m2 / 1e4:.2f} ha in total, "
                f"{self.seconds:.1f} s{failed} -> {self.output} (layer '{self.layer}' and one per scene)")


def expand_scenes(items: Sequence[str | Path]) -> list[str]:
    """Scene files from files, folders (their rasters, sorted) and glob patterns, in the order given, each once."""
    found: list[str] = []
    for item in items:
        text = str(item)
        if os.path.isdir(text):
            matches = sorted(str(p) for p in Path(text).iterdir() if p.suffix.lower() in RASTER_SUFFIXES)
        elif any(ch in text for ch in "*?["):
            matches = sorted(glob.glob(text))
        else:
            matches = [text]
        if not matches:
            raise InputError(Message("no scene found for {text}", text=text))
        found.extend(m for m in matches if m not in found)
    return found


def scene_names(paths: Sequence[str]) -> list[str]:
    """Layer-safe, unique names from the file names (``scene_a.tif`` -> ``scene_a``; a repeat gets ``_2``)."""
    names: list[str] = []
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", Path(path).stem).strip("_") or "scene"
        name, k = base, 2
        while name in names:
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    return names


def scene_jobs(optical: Sequence[str | Path], dem: str | Path | Sequence[str | Path] | None) -> list[SceneJob]:
    """The jobs of a run: the scenes (see :func:`expand_scenes`) with their DEM: none, one for all, or one per
    scene in the same order."""
    paths = expand_scenes(optical)
    dems = [] if dem is None else ([str(dem)] if isinstance(dem, (str, Path)) else [str(d) for d in dem])
    if len(dems) not in (0, 1, len(paths)):
        raise InputError(Message("give one DEM for all scenes or one per scene: {n_paths} scene(s), {n_dems} DEM(s)",
                                 n_paths=len(paths), n_dems=len(dems)))
    per_scene = dems * len(paths) if len(dems) == 1 else (dems or [None] * len(paths))
    return [SceneJob(name, path, d) for name, path, d in zip(scene_names(paths), paths, per_scene)]


def scene_options(options: DetectOptions, job: SceneJob, folder: str) -> DetectOptions:
    """The options of one scene of a many-scene run: its image and DEM, into ``folder/<name>.gpkg`` (layer
    ``name``), in the process that runs it."""
    return options.replace(inputs={"optical": (job.optical,), "dem": (job.dem,) if job.dem else (), "scenes": False},
                           outputs={"output": str(Path(folder) / f"{job.name}.gpkg"), "layer": job.name,
                                    "probability": None},
                           execution={"processes": 1, "scheduler": None, "partitions": None})


def run_scene(job: SceneJob, folder: str, options: DetectOptions, progress=None, is_cancelled=None) -> dict:
    """One scene into ``folder/<name>.gpkg`` (layer ``name``); its result fields, or ``{"error": reason}`` for a
    Landslide Mapper error of the scene's own (bad input). Cancel and unexpected errors propagate."""
    from .partitions import detect_scene

    try:
        result = detect_scene(scene_options(options, job, folder), progress=progress, is_cancelled=is_cancelled)
    except CancelledError:
        raise
    except LandslideMapperError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a damaged scene file (GDAL's read errors) fails that scene alone
        sentence = user_message(exc)
        if sentence is None:
            raise
        return {"error": sentence}
    return {"count": result.count, "total_area_m2": result.total_area_m2, "chips": result.chips,
            "seconds": result.seconds, "warnings": list(result.warnings)}


def detect_scenes(options: DetectOptions, progress: Callable[[float, str], None] | None = None,
                  log: Callable[[str], None] | None = None,
                  is_cancelled: Callable[[], bool] | None = None) -> ScenesResult:
    """Detect landslides in every scene of ``options.inputs.optical`` (see the module doc; ``options.inputs.scenes``
    set), with its DEMs (none, one for all, or one per scene) and the options shared by all scenes. Writes into the
    GeoPackage ``options.outputs.output`` (its other layers are kept) the layers ``<layer>_<scene>`` and the merged
    ``<layer>``."""
    from . import vectorize

    t0 = time.perf_counter()
    log = log or (lambda m: None)
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    options.validate()
    output, layer, execution = Path(options.outputs.output), options.outputs.layer, options.execution
    if vectorize.check_output(output, layer) != "GPKG":
        raise InputError(Message("several scenes go into one GeoPackage (.gpkg): one layer per scene and a merged one"))
    jobs = scene_jobs(options.inputs.optical, options.inputs.dem)
    log(Message("{n_jobs} scene(s): {names}", n_jobs=len(jobs), names=", ".join(j.name for j in jobs)))
    clean_leftovers(output.parent, log)
    folder = temp_folder(output.parent, "scenes")
    result = ScenesResult(output, layer)
    try:
        if not execution.distributed:
            answers = _run_here(jobs, folder, options, progress, is_cancelled)
        else:
            answers = _run_dask(jobs, folder, options, progress, log, is_cancelled)
        for job in jobs:
            answer = answers[job.name]
            if "error" in answer:
                result.failures[job.name] = answer["error"]
                log(Message("Scene {name} ({optical}) failed: {error}", name=job.name, optical=job.optical,
                            error=answer['error']))
            else:
                result.scenes[job.name] = {**answer, "layer": f"{layer}_{job.name}"}
        if not result.scenes:
            raise InputError(Message("no scene could be processed: {failures}",
                                     failures="; ".join(f"{k}: {v}" for k, v in result.failures.items())))
        _publish(jobs, result, folder, output, layer)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - t0
    progress(1.0, Message("done"))
    return result


def _run_here(jobs, folder, options, progress, is_cancelled) -> dict[str, dict]:
    answers = {}
    for i, job in enumerate(jobs):
        def scene_progress(fraction: float, message: str, i=i, name=job.name) -> None:
            progress((i + fraction) / len(jobs), Message("{name}: {message}", name=name, message=message))

        answers[job.name] = run_scene(job, folder, options, scene_progress, is_cancelled)
    return answers


def _run_dask(jobs, folder, options: DetectOptions, progress, log, is_cancelled) -> dict[str, dict]:
    from .cluster import dask_client, run_tasks

    execution = options.execution
    with dask_client(execution.processes, execution.scheduler, log) as client:
        tasks = {job.name: (run_scene, (job, folder, options)) for job in jobs}
        return run_tasks(client, tasks, execution.retries, progress, is_cancelled, "scenes")


def _publish(jobs, result: ScenesResult, folder: str, output: Path, layer: str) -> None:
    """Copy each scene's layer into ``output`` as ``<layer>_<scene>`` and write the merged ``<layer>`` (with a
    ``scene`` attribute, in the first scene's CRS, ids renumbered), each layer added or replaced atomically."""
    import fiona
    from fiona.transform import transform_geom

    from . import vectorize

    merged_schema = {"geometry": "Polygon",
                     "properties": {**vectorize.SCHEMA["properties"], SCENE_FIELD: "str"}}
    merged = None
    next_id = 1
    try:
        for job in jobs:
            if job.name not in result.scenes:
                continue
            with fiona.open(Path(folder) / f"{job.name}.gpkg", layer=job.name) as src:
                crs = src.crs
                features = [_plain(f) for f in src]
            vectorize.write_features(output, features, crs, f"{layer}_{job.name}")
            if merged is None:
                merged = vectorize.FeatureWriter(output, crs, layer, schema=merged_schema)
                merged_crs = crs
            for plain in features:  # (already written to the scene's layer: reused for the merged one)
                if crs != merged_crs:
                    plain["geometry"] = transform_geom(crs.to_wkt(), merged_crs.to_wkt(), plain["geometry"])
                plain["properties"]["id"] = next_id
                plain["properties"][SCENE_FIELD] = job.name
                next_id += 1
            merged.write(features)
        if merged is not None:
            merged.commit()
    except BaseException:
        if merged is not None:
            merged.abort()
        raise


def _plain(feature) -> dict:
    """A fiona feature as plain dicts (the merged layer changes its properties)."""
    return {"geometry": dict(feature["geometry"].__geo_interface__), "properties": dict(feature["properties"])}
