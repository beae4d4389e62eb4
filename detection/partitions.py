"""One scene on several worker processes: row partitions (horizontal bands of rows), merged into the single-process
result. (Named partitions, not bands: ``bands`` are the image's R, G, B band numbers.)

The scene's rows are cut into partitions at multiples of the probability raster's block height (``PROB_BLOCK``, 256
rows), about equal in chips. Partition k owns the rows ``[top, bottom)``. It infers every chip that touches them:
its own chip rows plus the chip row(s) of its upper neighbour whose overlap reaches into its top rows (one chip row
per seam, two where a seam falls where two of the neighbour's chip rows overlap; the cost: for a GF-6 scene of about
98 chip rows on 4 workers, 3 to 6 of about 98 chip rows are inferred twice, 3-6 %). It blends them exactly as the
single process does (the same chips, added in the same order with the same weights), so each of its rows is final,
and writes them to its own probability raster and vectoriser. Its rows being whole blocks, its blocks and block
seams are those of the single-process run.

The merge step (:func:`detect_partitions`, in the calling process) copies the partitions' probability rasters block
by block into the user's one, and joins the landslides that touch a partition seam: each partition hands back its
finished landslides as features and the pieces touching a seam as polygons with their statistics, and the pieces are
united across the seams (``vectorize.merge_pieces``, 4-connected, statistics summed), so a landslide crossing a seam
is one feature, as in the single process.

Runs on Dask (``cluster.py``): ``processes`` local worker processes, or an existing cluster (``scheduler``); one
partition per worker by default. Each partition writes under a temporary name that it renames when complete, so a
retried partition never sees or leaves half a file. Pure: never imports QGIS.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import rasterio
import shapely
from rasterio.windows import Window

from ..errors import Message
from . import vectorize
from .leftovers import temp_file, temp_folder
from .options import DetectOptions
from .pipeline import (
    PROB_BLOCK,
    ChipSource,
    DetectPlan,
    DetectResult,
    OutputSinks,
    check_outputs,
    open_probability,
    plan_detection,
    publish,
    run_engine,
)


def partition_rows(plan: DetectPlan, count: int) -> list[tuple[int, int]]:
    """``count`` row ranges ``[top, bottom)`` covering the scene, their seams at multiples of ``PROB_BLOCK`` rows,
    about equal in chips (fewer when the scene has too few blocks)."""
    height = plan.grid.height
    seams = sorted({min(max(round(k * height / count / PROB_BLOCK) * PROB_BLOCK, 0), height)
                    for k in range(1, count)} - {0, height})
    edges = [0, *seams, height]
    return list(zip(edges[:-1], edges[1:]))


def partition_windows(plan: DetectPlan, top: int, bottom: int) -> list[Window]:
    """The chips (raster order) to process that touch the rows ``[top, bottom)`` (with an area of interest, those
    touching it too)."""
    return [w for w in plan.windows if w.row_off < bottom and w.row_off + w.height > top]


def run_partition(plan: DetectPlan, top: int, bottom: int, folder: str | None, progress=None,
                  is_cancelled=None, engine=None) -> dict:
    """Detect the rows ``[top, bottom)`` of the plan's scene (see the module doc); when ``folder`` is given, their
    probabilities go to ``folder/rows_<top>.tif`` (published when complete). Returns the partition's features (its
    landslides that touch no partition seam), ``pieces`` (WKB, statistics) touching a seam, and chip counts."""
    t0 = time.perf_counter()
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    grid = plan.grid
    eng = engine if engine is not None else plan.open_engine()  # a worker process opens its own
    t_engine = time.perf_counter() - t0
    windows = partition_windows(plan, top, bottom)
    seams = [grid.transform.f + row * grid.transform.e for row, inner in ((top, top > 0),
                                                                          (bottom, bottom < grid.height)) if inner]
    features: list[dict] = []
    pieces: list[tuple[bytes, vectorize.Stats]] = []

    def on_components(components) -> None:
        finished = []
        for poly, st in components:
            _, miny, _, maxy = poly.bounds
            if any(math.isclose(maxy, y) or math.isclose(miny, y) for y in seams):
                pieces.append((shapely.to_wkb(poly), st))
            else:
                finished.append((poly, st))
        features.extend(vectorize.features(finished, grid, plan.out_crs, plan.min_area, plan.simplify,
                                           plan.has_terrain))

    final = Path(folder) / f"rows_{top}.tif" if folder else None
    tmp = temp_file(final) if folder else None
    n = len(windows)

    def on_chip(done: int) -> None:
        if done % plan.batch == 0 or done == n:
            progress(done / n, Message("{done}/{n} chips", done=done, n=n))

    sinks = None
    owned_skipped = [0]

    def put(window: Window, prob, valid) -> None:
        if prob is None and window.row_off >= top:  # each chip row starts in one partition only: count it there
            owned_skipped[0] += 1
        sinks.put(window, prob, valid)

    try:
        with ChipSource(plan, windows) as chips:
            sinks = OutputSinks(plan, tmp, on_components, rows=(top, bottom))
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
    return {"top": top, "bottom": bottom, "features": features, "pieces": pieces, "probability": final,
            "chips": n, "skipped": skipped, "owned_skipped": owned_skipped[0], "engine": eng.name,
            "device": eng.device, "seconds": time.perf_counter() - t0, "engine_seconds": t_engine}


def detect_partitions(options: DetectOptions, progress: Callable[[float, str], None] | None = None,
                      log: Callable[[str], None] | None = None,
                      is_cancelled: Callable[[], bool] | None = None) -> DetectResult:
    """``pipeline.detect`` on ``options.execution.processes`` local Dask worker processes (or the cluster at its
    ``scheduler``), the scene cut into ``partitions`` row partitions (default: one per worker); the same outputs as
    ``pipeline.detect``. With one process and no scheduler the partitions run one after the other in this process
    (no Dask), on the one engine opened here."""
    from .cluster import dask_client, run_tasks, worker_count

    t0 = time.perf_counter()
    log = log or (lambda m: None)
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    options.validate()
    execution = options.execution
    output, prob_path = check_outputs(options.outputs, log)
    # the model is loaded here too, so bad input fails with its one message before any worker starts
    plan, eng = plan_detection(options, log)
    folder = temp_folder(output.parent, "partitions")
    try:
        def run(count: int, runner) -> list[dict]:
            rows = partition_rows(plan, count)
            log(Message("{n_rows} row partition(s): {rows}", n_rows=len(rows),
                        rows=", ".join(f"{a}-{b}" for a, b in rows)))
            tasks = {f"rows-{top}": (run_partition, (plan, top, bottom, folder if prob_path else None))
                     for top, bottom in rows}
            weights = {f"rows-{top}": float(len(partition_windows(plan, top, bottom))) for top, bottom in rows}
            answers = runner(tasks, weights)
            return [answers[f"rows-{top}"] for top, _ in rows]

        if not execution.distributed:
            def here(tasks, weights):
                total, done, answers = sum(weights.values()), 0.0, {}
                for name, (fn, args) in tasks.items():
                    def part_progress(f, m, done=done, w=weights[name]):
                        progress((done + f * w) / total, Message("{done:.0f}/{total:.0f} chips", done=done + f * w,
                                                                 total=total))
                    answers[name] = fn(*args, progress=part_progress, is_cancelled=is_cancelled, engine=eng)
                    done += weights[name]
                return answers

            results = run(execution.partitions or 1, here)
        else:
            del eng  # each worker process opens its own
            with dask_client(execution.processes, execution.scheduler, log) as client:
                results = run(execution.partitions or max(1, worker_count(client)),
                              lambda tasks, weights: run_tasks(client, tasks, execution.retries, progress,
                                                               is_cancelled, "partitions", weights, "chips"))
        return _merge(plan, results, output, prob_path, t0, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _merge(plan: DetectPlan, results: list[dict], output: Path, prob_path: Path | None, t0: float,
           log) -> DetectResult:
    """The partitions' outputs into the user's: landslides on the seams joined, ids in order, one probability
    raster; each written under a temporary name and moved into place."""
    grid = plan.grid
    pieces = [(shapely.from_wkb(wkb), st, False) for r in results for wkb, st in r["pieces"]]
    joined = [(poly, st) for poly, st, _ in vectorize.merge_pieces(pieces)]
    features = [f for r in results for f in r["features"]]
    features += vectorize.features(joined, grid, plan.out_crs, plan.min_area, plan.simplify, plan.has_terrain)
    for i, f in enumerate(features, start=1):
        f["properties"]["id"] = i
    prob_tmp = temp_file(prob_path) if prob_path else None
    writer = vectorize.FeatureWriter(output, plan.out_crs, plan.options.outputs.layer)
    try:
        writer.write(features)
        if prob_tmp is not None:
            with open_probability(prob_tmp, grid, sparse=plan.area is not None) as dst:
                for r in results:
                    with rasterio.open(r["probability"]) as src:
                        for row in range(0, src.height, PROB_BLOCK):
                            n = min(PROB_BLOCK, src.height - row)
                            dst.write(src.read(1, window=Window(0, row, src.width, n))[None],
                                      window=Window(0, r["top"] + row, grid.width, n))
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
    log(Message("{n_results} row partition(s): {twice} chip(s) inferred twice where partitions meet; {partitions}",
                n_results=len(results), twice=twice, partitions=", ".join(
                    f"rows {r['top']}-{r['bottom']} {r['chips']} chips in {r['seconds']:.1f} s (engine opened in "
                    f"{r['engine_seconds']:.1f} s)" for r in results)))
    return DetectResult(output, prob_path, count, total_area, time.perf_counter() - t0, scene_chips - skipped,
                        skipped, results[0]["engine"], results[0]["device"], grid, plan.threshold, plan.tile,
                        warnings, plan.scene_chips if plan.area is not None else None)
