"""One scene on several worker processes: horizontal bands of rows, merged into the single-process result.

The scene's rows are cut into bands at multiples of the probability raster's block height (``PROB_BLOCK``, 256
rows), about equal in chips. Band k owns the rows ``[top, bottom)``. It infers every chip that touches them: its own
chip rows plus the chip row(s) of its upper neighbour whose overlap reaches into its top rows (one chip row per
seam, two where a seam falls where two of the neighbour's chip rows overlap; the cost: for a GF-6 scene of about 98
chip rows on 4 workers, 3 to 6 of about 98 chip rows are inferred twice, 3-6 %). It blends them exactly as the
single process does (the same chips, added in the same order with the same weights), so each of its rows is final,
and writes them to its own probability raster and vectoriser. Its rows being whole blocks, its blocks and block
seams are those of the single-process run.

The merge step (:func:`detect_bands`, in the calling process) copies the bands' probability rasters block by block
into the user's one, and joins the landslides that touch a band seam: each band hands back its finished
landslides as features and the pieces touching a seam as polygons with their statistics, and the pieces are united
across the seams (``vectorize.merge_pieces``, 4-connected, statistics summed), so a landslide crossing a seam is
one feature, as in the single process.

Runs on Dask (``cluster.py``): ``workers`` local processes, or an existing cluster (``scheduler``); one band per
worker by default. Each band writes under a temporary name that it renames when complete, so a retried band
never sees or leaves half a file. Pure: never imports QGIS.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import rasterio
import shapely
from rasterio.windows import Window

from ..errors import InputError
from . import vectorize
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


def band_rows(plan: DetectPlan, bands: int) -> list[tuple[int, int]]:
    """``bands`` row ranges ``[top, bottom)`` covering the scene, their seams at multiples of ``PROB_BLOCK`` rows,
    about equal in chips (fewer when the scene has too few blocks)."""
    height = plan.grid.height
    seams = sorted({min(max(round(k * height / bands / PROB_BLOCK) * PROB_BLOCK, 0), height)
                    for k in range(1, bands)} - {0, height})
    edges = [0, *seams, height]
    return list(zip(edges[:-1], edges[1:]))


def band_windows(plan: DetectPlan, top: int, bottom: int) -> list[Window]:
    """The chips (raster order) to process that touch the rows ``[top, bottom)`` (with an area of interest, those
    touching it too)."""
    return [w for w in plan.windows() if w.row_off < bottom and w.row_off + w.height > top]


def run_band(plan: DetectPlan, top: int, bottom: int, folder: str | None, progress=None,
             is_cancelled=None) -> dict:
    """Detect the rows ``[top, bottom)`` of the plan's scene (see the module doc); when ``folder`` is given, their
    probabilities go to ``folder/band_<top>.tif`` (published when complete). Returns the band's features (its
    landslides that touch no band seam), ``pieces`` (WKB, statistics) touching a seam, and chip counts."""
    t0 = time.perf_counter()
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    grid = plan.grid
    eng = plan.open_engine()
    t_engine = time.perf_counter() - t0
    windows = band_windows(plan, top, bottom)
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

    final = Path(folder) / f"band_{top}.tif" if folder else None
    tmp = Path(folder) / f".band_{top}.{uuid.uuid4().hex}.part.tif" if folder else None
    n = len(windows)

    def on_chip(done: int) -> None:
        if done % plan.batch == 0 or done == n:
            progress(done / n, f"{done}/{n} chips")

    sinks = None
    owned_skipped = [0]

    def put(window: Window, prob, valid) -> None:
        if prob is None and window.row_off >= top:  # each chip row starts in one band only: count it there
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


def detect_bands(optical: Sequence[str | Path] | str | Path, output: str | Path, dem: str | Path | None = None,
                 probability: str | Path | None = None, layer: str = vectorize.LAYER, workers: int = 2,
                 scheduler: str | None = None, band_count: int | None = None, retries: int = 1,
                 progress: Callable[[float, str], None] | None = None, log: Callable[[str], None] | None = None,
                 is_cancelled: Callable[[], bool] | None = None, **options) -> DetectResult:
    """``pipeline.detect`` on ``workers`` local Dask worker processes (or the cluster at ``scheduler``), the scene
    cut into ``band_count`` bands of rows (default: one per worker); the same outputs as ``pipeline.detect``.
    ``options``: its other keyword arguments (model, bands, tile, threshold, ...). With
    ``workers=1`` and no scheduler the bands run one after the other in this process (no Dask)."""
    from .cluster import dask_client, run_tasks, worker_count

    t0 = time.perf_counter()
    log = log or (lambda m: None)
    progress = progress or (lambda f, m: None)
    is_cancelled = is_cancelled or (lambda: False)
    if workers < 1:
        raise InputError(f"workers must be >= 1, got {workers}")
    if band_count is not None and band_count < 1:
        raise InputError(f"the number of bands must be >= 1, got {band_count}")
    output, prob_path = check_outputs(output, layer, probability)
    # the model is loaded here too, so bad input fails with its one message before any worker starts
    plan, _ = plan_detection(optical, dem, log=log, **options)
    folder = tempfile.mkdtemp(prefix=".landslide-mapper-bands-", dir=output.parent)
    try:
        def run(count: int, runner) -> list[dict]:
            rows = band_rows(plan, count)
            log(f"{len(rows)} band(s) of rows: " + ", ".join(f"{a}-{b}" for a, b in rows))
            tasks = {f"band-{top}": (run_band, (plan, top, bottom, folder if prob_path else None))
                     for top, bottom in rows}
            weights = {f"band-{top}": float(len(band_windows(plan, top, bottom))) for top, bottom in rows}
            answers = runner(tasks, weights)
            return [answers[f"band-{top}"] for top, _ in rows]

        if workers == 1 and scheduler is None:
            def here(tasks, weights):
                total, done, answers = sum(weights.values()), 0.0, {}
                for name, (fn, args) in tasks.items():
                    def band_progress(f, m, done=done, w=weights[name]):
                        progress((done + f * w) / total, f"{done + f * w:.0f}/{total:.0f} chips")
                    answers[name] = fn(*args, progress=band_progress, is_cancelled=is_cancelled)
                    done += weights[name]
                return answers

            results = run(band_count or 1, here)
        else:
            with dask_client(workers, scheduler, log) as client:
                results = run(band_count or max(1, worker_count(client)),
                              lambda tasks, weights: run_tasks(client, tasks, retries, progress, is_cancelled,
                                                               "bands", weights, "chips"))
        return _merge(plan, results, output, layer, prob_path, t0, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _merge(plan: DetectPlan, results: list[dict], output: Path, layer: str, prob_path: Path | None, t0: float,
           log) -> DetectResult:
    """The bands' outputs into the user's: landslides on the seams joined, ids in order, one probability
    raster; each written under a temporary name and moved into place."""
    grid = plan.grid
    pieces = [(shapely.from_wkb(wkb), st, False) for r in results for wkb, st in r["pieces"]]
    joined = [(poly, st) for poly, st, _ in vectorize.merge_pieces(pieces)]
    features = [f for r in results for f in r["features"]]
    features += vectorize.features(joined, grid, plan.out_crs, plan.min_area, plan.simplify, plan.has_terrain)
    for i, f in enumerate(features, start=1):
        f["properties"]["id"] = i
    prob_tmp = (prob_path.parent / f".{prob_path.name}.part.tif") if prob_path else None
    writer = vectorize.FeatureWriter(output, plan.out_crs, layer)
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
    scene_chips = len(plan.windows())  # with an area of interest: the chips touching it
    skipped = sum(r["owned_skipped"] for r in results)
    twice = sum(r["chips"] for r in results) - scene_chips
    log(f"{len(results)} band(s): {twice} chip(s) inferred twice where bands meet; "
        + ", ".join(f"rows {r['top']}-{r['bottom']} {r['chips']} chips in {r['seconds']:.1f} s (engine opened in "
                    f"{r['engine_seconds']:.1f} s)" for r in results))
    return DetectResult(output, prob_path, count, total_area, time.perf_counter() - t0, scene_chips - skipped,
                        skipped, results[0]["engine"], results[0]["device"], grid, warnings,
                        len(plan.scene_windows()) if plan.area is not None else None)
