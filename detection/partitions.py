"""One scene in partitions: rectangles of its rows and columns, detected one by one or on several worker processes,
merged into the single-process result. (Named partitions, not bands: ``bands`` are the image's R, G, B band numbers.)

Rows: the scene's rows are cut into ``partitions`` bands (one per worker by default), about equal in chips, so
that the workers share the work. Columns: a scene wider than :data:`STRIPE_WIDTH` is cut into column stripes no
wider than it, so that what is held across a partition's width (the band of blended rows, a row of probability
blocks, the optical blocks under a row of chips) stays bounded however wide the scene; :func:`detect_scene` (what
``dispatch.run_detection`` calls for one scene) runs such a scene in its stripes, one after the other. Seams fall at
multiples of the probability raster's block size (``PROB_BLOCK``, 256 px), where the fewest chips straddle them
(:func:`seams`).

Partition k owns the rectangle ``[top, bottom) x [left, right)``. It infers every chip that touches it: its own
chips plus those of its neighbours that reach into it (one chip row or column per seam, two where a seam falls where
two chips overlap; the cost: for a GF-6 scene of about 98 chip rows on 4 workers, 3 to 6 of about 98 chip rows are
inferred twice, 3-6 %; a 90 km strip at 1 m in 6 stripes of about 33 chip columns infers 5-10 chip columns twice).
It blends them exactly as the single process does (the same chips, added in the same order with the same weights),
so each of its pixels is final, and writes them to its own probability raster and vectoriser. Its rows and columns
being whole blocks, its blocks and block seams are those of the single-process run.

The merge step (:func:`_merge`) copies the partitions' probability rasters block by block into the user's one, and
joins the landslides that touch a partition seam: each partition hands back its finished landslides as features
(written at once when the partitions run in this process) and the pieces touching a seam as polygons with their
statistics, and the pieces are united across the seams (``vectorize.merge_pieces``, 4-connected, statistics summed),
so a landslide crossing a seam is one feature, as in the single process.

Runs on Dask (``cluster.py``): ``processes`` local worker processes, or an existing cluster (``scheduler``); one
row partition per worker by default. Each partition writes under a temporary name that it renames when complete, so
a retried partition never sees or leaves half a file. Pure: never imports QGIS.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import rasterio
import shapely
from rasterio.windows import Window

from ..errors import Message
from . import vectorize
from .leftovers import temp_file, temp_folder
from .options import DetectOptions
from .pipeline import (
    GDAL_CACHE_MB,
    PROB_BLOCK,
    ChipSource,
    DetectPlan,
    DetectResult,
    OutputSinks,
    check_outputs,
    detect_planned,
    gdal_cache,
    open_probability,
    plan_detection,
    publish,
    run_engine,
)
from .tiling import straddling

#: A scene wider than this many pixels of the processing grid is processed in column stripes no wider (16 km at 1 m:
#: a GF-6 PMS strip of about 90 km is cut into 6). Memory then stays flat however wide the scene; the cost is the
#: chips straddling a stripe seam, inferred once for each side (one or two chip columns in about 36).
STRIPE_WIDTH = 16384


class Part(NamedTuple):
    """A partition: the scene's rows ``[top, bottom)`` and columns ``[left, right)``."""
    top: int
    bottom: int
    left: int
    right: int

    def describe(self, stripes: bool) -> str:
        """``rows 0-256``, and its columns when the scene is cut into column stripes."""
        return f"rows {self.top}-{self.bottom}" + (f" columns {self.left}-{self.right}" if stripes else "")


def seams(length: int, count: int, tile: int, overlap: int) -> list[int]:
    """Where to cut one axis of ``length`` pixels into ``count`` parts (fewer when it has too few blocks): at
    multiples of ``PROB_BLOCK``, each the one nearest an equal split or a block either side of it, whichever fewer
    chips straddle (chips straddling a seam are inferred on both sides)."""
    out = set()
    for k in range(1, count):
        target = min(max(round(k * length / count / PROB_BLOCK) * PROB_BLOCK, 0), length)
        near = [c for c in (target, target - PROB_BLOCK, target + PROB_BLOCK) if 0 < c < length]
        if near:
            out.add(min(near, key=lambda c: straddling(length, tile, overlap, c)))  # ties: the nearest, listed first
    return sorted(out)


def partition_rows(plan: DetectPlan, count: int) -> list[tuple[int, int]]:
    """``count`` row ranges ``[top, bottom)`` covering the scene (:func:`seams`)."""
    edges = [0, *seams(plan.grid.height, count, plan.tile, plan.overlap), plan.grid.height]
    return list(zip(edges[:-1], edges[1:]))


def partition_columns(plan: DetectPlan) -> list[tuple[int, int]]:
    """Column ranges ``[left, right)`` covering the scene: one for a scene no wider than :data:`STRIPE_WIDTH`, else
    stripes about that wide (:func:`seams`)."""
    width = plan.grid.width
    edges = [0, *seams(width, math.ceil(width / STRIPE_WIDTH), plan.tile, plan.overlap), width]
    return list(zip(edges[:-1], edges[1:]))


def partitions(plan: DetectPlan, count: int) -> list[Part]:
    """The scene's partitions: ``count`` row ranges, each cut into the column stripes, in raster order."""
    return [Part(top, bottom, left, right) for top, bottom in partition_rows(plan, count)
            for left, right in partition_columns(plan)]


def partition_windows(plan: DetectPlan, part: Part) -> list[Window]:
    """The chips (raster order) to process that touch the partition (with an area of interest, those touching it
    too)."""
    return [w for w in plan.windows if w.row_off < part.bottom and w.row_off + w.height > part.top
            and w.col_off < part.right and w.col_off + w.width > part.left]


def run_partition(plan: DetectPlan, part: Part, folder: str | None, progress=None, is_cancelled=None, engine=None,
                  on_features: Callable[[list], None] | None = None, scene_probability=None) -> dict:
    """Detect the partition ``part`` of the plan's scene (see the module doc); when ``folder`` is given, its
    probabilities go to ``folder/part_<top>_<left>.tif`` (published when complete), or into the open probability
    raster of the whole scene ``scene_probability`` (in this process). Returns the partition's features (its
    landslides that touch no partition seam; handed to ``on_features`` instead as they complete when it is given),
    ``pieces`` (WKB, statistics) touching a seam, and chip counts."""
    t0 = time.perf_counter()
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    grid = plan.grid
    top, bottom, left, right = part
    eng = engine if engine is not None else plan.open_engine()  # a worker process opens its own
    t_engine = time.perf_counter() - t0
    windows = partition_windows(plan, part)
    t = grid.transform
    y_seams = [t.f + row * t.e for row, inner in ((top, top > 0), (bottom, bottom < grid.height)) if inner]
    x_seams = [t.c + col * t.a for col, inner in ((left, left > 0), (right, right < grid.width)) if inner]
    features: list[dict] = []
    emit = on_features or features.extend
    pieces: list[tuple[bytes, vectorize.Stats]] = []

    def on_components(components) -> None:
        finished = []
        for poly, st in components:
            minx, miny, maxx, maxy = poly.bounds
            if (any(math.isclose(maxy, y) or math.isclose(miny, y) for y in y_seams)
                    or any(math.isclose(minx, x) or math.isclose(maxx, x) for x in x_seams)):
                pieces.append((shapely.to_wkb(poly), st))
            else:
                finished.append((poly, st))
        emit(vectorize.features(finished, grid, plan.out_crs, plan.min_area, plan.simplify, plan.has_terrain))

    final = Path(folder) / f"part_{top}_{left}.tif" if folder else None
    tmp = temp_file(final) if folder else None
    n = len(windows)

    def on_chip(done: int) -> None:
        if done % plan.batch == 0 or done == n:
            progress(done / n, Message("{done}/{n} chips", done=done, n=n))

    sinks = None
    owned_skipped = [0]

    def put(window: Window, prob, valid) -> None:
        # each chip starts in one partition only: count it there
        if prob is None and window.row_off >= top and window.col_off >= left:
            owned_skipped[0] += 1
        sinks.put(window, prob, valid)

    try:
        with ChipSource(plan, windows) as chips:
            sinks = OutputSinks(plan, tmp, on_components, rows=(top, bottom), cols=(left, right),
                                scene_probability=scene_probability)
            skipped = run_engine(chips, eng, plan.batch, put, is_cancelled, on_chip)
            sinks.close()
        if tmp is not None:
            os.replace(tmp, final)
    except BaseException:
        if sinks is not None:
            sinks.abort()
        raise
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return {"part": part, "features": features, "pieces": pieces, "probability": final, "chips": n,
            "skipped": skipped, "owned_skipped": owned_skipped[0], "engine": eng.name, "device": eng.device,
            "seconds": time.perf_counter() - t0, "engine_seconds": t_engine}


def detect_scene(options: DetectOptions, progress: Callable[[float, str], None] | None = None,
                 log: Callable[[str], None] | None = None,
                 is_cancelled: Callable[[], bool] | None = None) -> DetectResult:
    """One scene as ``dispatch.run_detection`` runs it: in this process in one piece (``pipeline.detect_planned``)
    when it needs no partition, else in partitions (see the module doc): ``partitions`` row partitions (default:
    one per worker) and, when wider than :data:`STRIPE_WIDTH`, column stripes, on ``options.execution.processes``
    local Dask worker processes (or the cluster at its ``scheduler``), or, with one process and no scheduler, one
    after the other in this process (no Dask) on the one engine opened here. The same outputs in every case."""
    from .cluster import dask_client, run_tasks, worker_count

    t0 = time.perf_counter()
    log = log or (lambda m: None)
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    options.validate()
    execution = options.execution
    with gdal_cache(GDAL_CACHE_MB):
        output, prob_path = check_outputs(options.outputs, log)
        # the model is loaded here too, so bad input fails with its one message before any worker starts
        plan, eng = plan_detection(options, log)
        if not execution.distributed:
            count = execution.partitions or 1
            if count == 1 and len(partition_columns(plan)) == 1:
                return detect_planned(plan, eng, output, prob_path, t0, progress, log, is_cancelled)
            result = detect_here(plan, eng, count, output, prob_path, t0, progress, log, is_cancelled)
            progress(1.0, Message("done"))
            return result
        del eng  # each worker process opens its own
        folder = temp_folder(output.parent, "partitions")
        try:
            with dask_client(execution.processes, execution.scheduler, log) as client:
                planned = _planned(plan, execution.partitions or max(1, worker_count(client)), log)
                parts = [p for p, _ in planned]
                tasks = {f"part-{p.top}-{p.left}": (run_partition, (plan, p, folder if prob_path else None))
                         for p in parts}
                weights = {f"part-{p.top}-{p.left}": float(chips) for p, chips in planned}
                answers = run_tasks(client, tasks, execution.retries, progress, is_cancelled, "partitions",
                                    weights, "chips")
            results = [answers[f"part-{p.top}-{p.left}"] for p in parts]
            writer = vectorize.FeatureWriter(output, plan.out_crs, plan.options.outputs.layer)
            return _merge(plan, results, writer, prob_path, t0, log)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def detect_here(plan: DetectPlan, eng, count: int, output: Path, prob_path: Path | None, t0: float, progress,
                log, is_cancelled) -> DetectResult:
    """The plan's scene in ``count`` row partitions and its column stripes, one after the other in this process on
    the engine ``eng``; each partition's finished landslides are written as they complete, and its probabilities
    straight into the scene's probability raster (whole blocks: its edges are block edges), the pieces on its seams
    joined at the end."""
    planned = _planned(plan, count, log)
    total, done, results = float(sum(chips for _, chips in planned)) or 1.0, 0.0, []
    prob_tmp = temp_file(prob_path) if prob_path else None
    writer = vectorize.FeatureWriter(output, plan.out_crs, plan.options.outputs.layer)
    try:
        with (open_probability(prob_tmp, plan.grid, sparse=plan.area is not None) if prob_tmp
              else contextlib.nullcontext()) as scene_probability:
            for part, weight in planned:
                def part_progress(f, m, done=done, w=weight):
                    progress((done + f * w) / total, Message("{done:.0f}/{total:.0f} chips", done=done + f * w,
                                                             total=total))
                results.append(run_partition(plan, part, None, progress=part_progress, is_cancelled=is_cancelled,
                                             engine=eng, on_features=lambda f: _write_numbered(writer, f),
                                             scene_probability=scene_probability))
                done += weight
        return _merge(plan, results, writer, prob_path, t0, log, prob_tmp)
    except BaseException:
        writer.abort()
        raise
    finally:
        if prob_tmp is not None and prob_tmp.exists():
            prob_tmp.unlink()


def _planned(plan: DetectPlan, count: int, log) -> list[tuple[Part, int]]:
    """The partitions to run and their chips, logged: those with chips to infer (with an area of interest, a
    partition outside it has none: its pixels stay nodata, unwritten, in the sparse probability raster)."""
    counted = [(p, len(partition_windows(plan, p))) for p in partitions(plan, count)]
    planned = [(p, n) for p, n in counted if n] or counted[:1]
    stripes = _striped(plan)
    log(Message("{n_parts} partition(s): {parts}", n_parts=len(planned),
                parts=", ".join(p.describe(stripes) for p, _ in planned)))
    return planned


def _striped(plan: DetectPlan) -> bool:
    return len(partition_columns(plan)) > 1


def _write_numbered(writer: vectorize.FeatureWriter, features: list[dict]) -> None:
    """Write ``features``, their ids following those written (the partitions' features are numbered from 1)."""
    for i, f in enumerate(features, start=writer.count + 1):
        f["properties"]["id"] = i
    writer.write(features)


def _merge(plan: DetectPlan, results: list[dict], writer: vectorize.FeatureWriter, prob_path: Path | None,
           t0: float, log, written: Path | None = None) -> DetectResult:
    """The partitions' outputs into the user's: their features (those not yet written) and the landslides on the
    seams joined, ids in order, one probability raster (the partitions' copied in, or ``written``: the scene's,
    written by the partitions); each written under a temporary name and moved into place."""
    grid = plan.grid
    pieces = [(shapely.from_wkb(wkb), st, False) for r in results for wkb, st in r["pieces"]]
    joined = [(poly, st) for poly, st, _ in vectorize.merge_pieces(pieces)]
    features = [f for r in results for f in r["features"]]
    features += vectorize.features(joined, grid, plan.out_crs, plan.min_area, plan.simplify, plan.has_terrain)
    prob_tmp = written or (temp_file(prob_path) if prob_path else None)
    try:
        _write_numbered(writer, features)
        if prob_tmp is not None and written is None:
            with open_probability(prob_tmp, grid, sparse=plan.area is not None) as dst:
                for r in results:  # (GDAL does not store the all-nodata blocks of a sparse raster)
                    top, _, left, _ = r["part"]
                    with rasterio.open(r["probability"]) as src:
                        for row in range(0, src.height, PROB_BLOCK):
                            n = min(PROB_BLOCK, src.height - row)
                            dst.write(src.read(1, window=Window(0, row, src.width, n))[None],
                                      window=Window(left, top + row, src.width, n))
        warnings = list(plan.warnings)
        count, total_area = publish(writer, prob_tmp, prob_path, warnings, log)
    except BaseException:
        writer.abort()
        raise
    finally:
        if prob_tmp is not None and prob_tmp.exists():
            prob_tmp.unlink()
    scene_chips = len(plan.windows)  # with an area of interest: the chips touching it
    skipped = sum(r["owned_skipped"] for r in results)
    twice = sum(r["chips"] for r in results) - scene_chips
    stripes = _striped(plan)
    log(Message("{n_results} partition(s): {twice} chip(s) inferred twice where partitions meet; {partitions}",
                n_results=len(results), twice=twice, partitions=", ".join(
                    f"{r['part'].describe(stripes)} {r['chips']} chips in {r['seconds']:.1f} s (engine opened in "
                    f"{r['engine_seconds']:.1f} s)" for r in results)))
    return DetectResult(writer.path, prob_path, count, total_area,
                        time.perf_counter() - t0, scene_chips - skipped, skipped, results[0]["engine"],
                        results[0]["device"], grid, plan.threshold, plan.tile, warnings,
                        plan.scene_chips if plan.area is not None else None)
