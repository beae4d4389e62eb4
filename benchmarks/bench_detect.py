"""Whole-scene detection throughput and memory with fca_deeplab_lite on the CPU.

For generated scenes of 2k x 2k, 8k x 8k and 16k x 16k pixels (32k x 32k with --huge): a 3-band uint8 optical
GeoTIFF in UTM at 2 m and a 30 m DEM (upsampled by the pipeline), the model with random weights whose output
bias is set so that a share of pixels (``--positive-share``, default 5 %) come out as landslides, so vectorising
has real work. With the ONNX engine the logits are smoothed over 31 x 31 pixels, so the "landslides" are blobs
like real ones (`--no-smooth`: salt-and-pepper pixels, a stress test of the vectoriser with far more polygons than
any real inventory). Each size runs in
its own process (peak RSS is per size). Printed per size: end-to-end chips/s and Mpx/s, model-only chips/s on
chips of the same scene (prepared beforehand, engine.predict alone, same batch), their ratio, and peak RSS.
Targets (issue 4): end-to-end >= 90 % of model-only; peak RSS at 16k within 15 % of 2k.

    .venv/bin/python benchmarks/bench_detect.py [--sizes 2048 8192 16384] [--huge] [--engine torch|onnx]

Real-format scenes (issue 14; ``--real FOLDER``, made there by ``benchmarks/make_real_scenes.py`` when missing):
the Hokkaido Iburi Sentinel-2 bands as a tiled pixel-interleaved DEFLATE RGB GeoTIFF, the same uncompressed, a
band-interleaved DEFLATE copy, a stripped 4-band uint16 GeoTIFF of 8k x 8k and a VRT of three single-band files.
Each runs the BUNDLED model on ONNX Runtime (tile 512, overlap 51, batch 4, threshold 0.7, probability raster
written) in its own process. Printed per scene: end-to-end chips/s, model-only chips/s on chips of the same scene
prepared beforehand exactly as the pipeline prepares them (``--model-chips``, spread over the scene), their ratio,
peak RSS during detection, the probability GeoTIFF's size against the same raster written once with the same
creation options, and the CPU seconds per chip of each stage (thread CPU time, by wrapping the stage functions).
Targets (issue 14): e2e >= 0.80 of model-only on the tiled DEFLATE scene, no format below 0.70.

    .venv/bin/python benchmarks/bench_detect.py --engine onnx --real /path/to/scenes [--sizes]   (--sizes
    with no value: real scenes only)
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np


def smoothed(model):
    """fca_deeplab_lite followed by a separable 31 x 31 mean of its logits (about 0.1 % of the model's FLOPs):
    random weights then give blob-shaped "landslides" of tens to hundreds of pixels, like real ones, instead of
    salt-and-pepper pixels (ONNX only; the torch engine rebuilds the bare architecture from the card)."""
    import torch.nn.functional as F
    from torch import nn

    class Smoothed(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            y = self.inner(x)
            y = F.avg_pool2d(y, (1, 31), 1, (0, 15), count_include_pad=False)
            return F.avg_pool2d(y, (31, 1), 1, (15, 0), count_include_pad=False)

    return Smoothed(model).eval()


def make_model(folder: Path, engine: str, positive_share: float = 0.05, smooth: bool = True) -> Path:
    import torch

    from landslide_mapper.model.card import default_card
    from landslide_mapper.model.checkpoint import save_checkpoint
    from landslide_mapper.model.export import export_onnx
    from landslide_mapper.model.registry import build_model, get_config

    torch.manual_seed(0)
    cfg = get_config("fca_deeplab_lite")
    model = build_model(cfg).eval()
    smooth = smooth and engine == "onnx"
    net = smoothed(model) if smooth else model
    rng = np.random.default_rng(0)
    with torch.inference_mode():  # calibrate the bias on inputs like the scene's (uint8 noise, 30 m DEM)
        x = torch.randn(2, cfg.in_channels, 256, 256) * 0.5
        x[:, :3] = torch.from_numpy(((rng.integers(40, 200, (2, 3, 256, 256)) / 255.0 - 0.45) / 0.25)
                                    .astype(np.float32))
        logits = net(x)
    q = float(torch.quantile(logits.flatten()[::7], 1.0 - positive_share))
    with torch.no_grad():
        model.decoder.classifier.bias.sub_(q)
    card = default_card("bench-lite", cfg)
    return export_onnx(net, card, folder / "lite.onnx") if engine == "onnx" else \
        save_checkpoint(folder / "lite.safetensors", model, card)


def make_scene(folder: Path, size: int) -> tuple[Path, Path]:
    import rasterio
    from affine import Affine

    opt = folder / f"optical_{size}.tif"
    dem = folder / f"dem_{size}.tif"
    x0, y0 = 500000.0, 4000000.0
    profile = {"driver": "GTiff", "width": size, "height": size, "count": 3, "dtype": "uint8", "crs": "EPSG:32633",
               "transform": Affine(2.0, 0, x0, 0, -2.0, y0), "tiled": True, "blockxsize": 512, "blockysize": 512}
    rng = np.random.default_rng(0)
    base = rng.integers(40, 200, size=(3, 512, size), dtype=np.uint8)
    with rasterio.open(opt, "w", **profile) as dst:
        for r in range(0, size, 512):  # written in strips: the generator never holds the scene either
            h = min(512, size - r)
            dst.write(np.roll(base, r // 512 * 37, axis=2)[:, :h], window=((r, r + h), (0, size)))
    n = size * 2 // 30 + 2
    yy, xx = np.mgrid[0:n, 0:n]
    z = (500 + 200 * np.sin(xx / 9.0) * np.cos(yy / 13.0)).astype(np.float32)
    with rasterio.open(dem, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs="EPSG:32633",
                       transform=Affine(30.0, 0, x0 - 30, 0, -30.0, y0 + 30)) as dst:
        dst.write(z[None])
    return opt, dem


def run_one(size: int, model: Path, engine: str, batch: int, workdir: Path) -> dict:
    from landslide_mapper.detection.engines import open_engine
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import detect

    opt, dem = make_scene(workdir, size)
    t = time.perf_counter()
    r = detect(DetectOptions.from_flat(optical=opt, output=workdir / f"out_{size}.gpkg", dem=dem, model=model,
                                       engine=engine, device="cpu", batch=batch, min_area=0.0, simplify=0.0))
    e2e = time.perf_counter() - t
    # model-only: the same engine on chips of this scene, prepared beforehand (same batch size)
    eng = open_engine(model, engine, "cpu")
    rng = np.random.default_rng(1)
    chips = rng.standard_normal((batch * 4, eng.card.in_channels, 512, 512)).astype(np.float32)
    eng.predict(chips[:batch])
    t = time.perf_counter()
    for i in range(0, len(chips), batch):
        eng.predict(chips[i:i + batch])
    model_cps = len(chips) / (time.perf_counter() - t)
    return {"size": size, "chips": r.chips, "landslides": r.count, "seconds": e2e, "e2e_cps": r.chips / e2e,
            "mpx_s": size * size / 1e6 / e2e, "model_cps": model_cps,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# ---- real-format scenes (issue 14) ------------------------------------------------------------------------------

REAL_TILE, REAL_OVERLAP, REAL_BATCH, REAL_THRESHOLD = 512, 51, 4, 0.7


class StageTimer:
    """Exclusive thread CPU time and calls per stage (a stage called inside another is not counted twice)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.threads: dict[str, set] = {}
        self.lock = threading.Lock()
        self.local = threading.local()

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*a, **kw):
            stack = self.local.__dict__.setdefault("stack", [])
            stack.append(0.0)
            t, w = time.thread_time(), time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                total = time.thread_time() - t
                wall = time.perf_counter() - w
                child = stack.pop()
                if stack:
                    stack[-1] += total
                with self.lock:
                    self.cpu[name] = self.cpu.get(name, 0.0) + total - child
                    self.wall[name] = self.wall.get(name, 0.0) + (wall if len(stack) == 0 else 0.0)
                    self.threads.setdefault(name, set()).add(threading.current_thread().name.split("_")[0])
        return timed

    def patch(self) -> None:
        import rasterio.io

        from landslide_mapper.detection import engines, pipeline, raster_io, stitching, vectorize

        targets = [(pipeline, "scene_statistics", "statistics"), (raster_io.OpticalReader, "read", "read optical"),
                   (pipeline, "pad_chip", "pad chips"), (engines.OnnxEngine, "predict", "engine"),
                   (stitching.StripBlender, "add", "blend"), (stitching.StripBlender, "_flush_to", "blend"),
                   (rasterio.io.DatasetWriter, "write", "write probability"),
                   (vectorize.StreamingVectorizer, "add_rows", "vectorise"),
                   (vectorize, "features", "vectorise"), (vectorize.FeatureWriter, "write", "write polygons")]
        for obj, attr, name in targets:
            if hasattr(obj, attr):
                setattr(obj, attr, self.wrap(name, getattr(obj, attr)))
        make_scaler = pipeline.optical_scaler
        pipeline.optical_scaler = lambda *a, **kw: self.wrap("scale optical", make_scaler(*a, **kw))


def one_pass_copy_size(path: Path, out: Path) -> int:
    """Size of the same raster written once, block row by block row, with the same creation options."""
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(path) as src:
        profile = src.profile
        profile.update({k: v for k, v in src.tags(ns="IMAGE_STRUCTURE").items() if k in ("PREDICTOR",)})
        from landslide_mapper.detection.pipeline import PROB_CREATION

        creation = dict(PROB_CREATION)  # the pipeline's options for the user's file
        profile.update(creation, BIGTIFF="IF_SAFER")
        bh = src.block_shapes[0][0]
        with rasterio.open(out, "w", **profile) as dst:
            for r in range(0, src.height, bh):
                w = Window(0, r, src.width, min(bh, src.height - r))
                dst.write(src.read(window=w), window=w)
    return out.stat().st_size


def prepared_chips(path: Path, model: Path, n_chips: int, tile: int | None = None,
                   overlap: int | None = None) -> np.ndarray:
    """``n_chips`` chips spread over the scene, prepared exactly as the pipeline prepares them for ``model``."""
    from landslide_mapper.detection.raster_io import (
        OpticalReader,
        optical_scaler,
        processing_grid,
        resolve_optical,
        scene_statistics,
    )
    from landslide_mapper.detection.tiling import chip_windows, pad_chip
    from landslide_mapper.model.checkpoint import read_card

    tile, overlap = tile or REAL_TILE, REAL_OVERLAP if overlap is None else overlap
    card = read_card(model)
    spec = resolve_optical([str(path)], None)
    grid = processing_grid(spec.paths[0], card.resolution_m)
    windows = [w for _, w in chip_windows(grid.height, grid.width, tile, overlap)]
    picks = [windows[int(i)] for i in np.linspace(0, len(windows) - 1, min(n_chips, len(windows)))]
    reader = OpticalReader(spec, grid)
    scale = optical_scaler(card.optical_scaling, reader.dtype, scene_statistics(spec), card.mean, card.std)
    chips = []
    for w in picks:
        raw, valid = reader.read(w)
        x = scale(raw)
        x[:, ~valid] = 0.0
        chips.append(pad_chip(x, tile))
    reader.close()
    return np.stack(chips).astype(np.float32)


def model_only(path: Path, model: Path, n_chips: int) -> tuple[float, int]:
    """Model-only chips/s on chips of the scene, prepared beforehand as the pipeline prepares them."""
    from landslide_mapper.detection.engines import open_engine

    eng = open_engine(model, "onnx", "cpu")
    chips = prepared_chips(path, model, n_chips)
    eng.predict(chips[:REAL_BATCH])  # warm-up
    t = time.perf_counter()
    for i in range(0, len(chips), REAL_BATCH):
        eng.predict(chips[i:i + REAL_BATCH])
    return len(chips) / (time.perf_counter() - t), len(chips)


def run_real(name: str, path: Path, workdir: Path) -> dict:
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import default_model_path, detect

    timer = StageTimer()
    timer.patch()
    cpu0 = os.times()
    t = time.perf_counter()
    r = detect(DetectOptions.from_flat(
        optical=path, output=workdir / f"out_{name}.gpkg", model=default_model_path(), engine="onnx", device="cpu",
        tile=REAL_TILE, overlap=REAL_OVERLAP, batch=REAL_BATCH, threshold=REAL_THRESHOLD,
        probability=workdir / f"prob_{name}.tif", min_area=0.0, simplify=0.0))
    e2e = time.perf_counter() - t
    cpu1 = os.times()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_pct = 100.0 * ((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)) / e2e
    stages, walls = dict(timer.cpu), dict(timer.wall)  # before the copy below, which writes too
    threads = {k: sorted(v) for k, v in timer.threads.items()}
    prob_size = (workdir / f"prob_{name}.tif").stat().st_size
    copy_size = one_pass_copy_size(workdir / f"prob_{name}.tif", workdir / f"copy_{name}.tif")
    return {"scene": name, "chips": r.chips, "landslides": r.count, "seconds": e2e, "e2e_cps": r.chips / e2e,
            "peak_rss_mb": rss, "cpu_pct": cpu_pct, "prob_mb": prob_size / 2**20, "copy_mb": copy_size / 2**20,
            "stages": stages, "walls": walls, "threads": threads}


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(args)} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def real_main(args) -> list[dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_real_scenes import SCENES, make_scenes

    names = tuple(args.scenes or SCENES)
    paths = make_scenes(Path(args.real), names)
    work = Path(tempfile.mkdtemp(prefix="bench-real-"))
    rows = []
    for name in names:
        # model-only right before and right after the end-to-end run (the CPU's speed drifts): their mean is the
        # reference, each in its own process so that chips held in memory do not count in the run's peak RSS
        before = _child(["--child-model", name, "--real", str(paths[name]), "--model-chips", str(args.model_chips)])
        r = _child(["--child-real", name, "--real", str(paths[name]), "--workdir", str(work)])
        after = _child(["--child-model", name, "--real", str(paths[name]), "--model-chips", str(args.model_chips)])
        r["model_before"], r["model_after"] = before["model_cps"], after["model_cps"]
        r["model_cps"], r["model_chips"] = (before["model_cps"] + after["model_cps"]) / 2, before["model_chips"]
        rows.append(r)
        print(f"{name}: {r['chips']} chips in {r['seconds']:.1f} s, e2e {r['e2e_cps']:.2f} chips/s, model-only "
              f"{r['model_cps']:.2f} chips/s, ratio {r['e2e_cps'] / r['model_cps']:.2f}, "
              f"(model-only before/after {r['model_before']:.2f}/{r['model_after']:.2f}), "
              f"RSS {r['peak_rss_mb']:.0f} MB, "
              f"CPU {r['cpu_pct']:.0f} %, probability {r['prob_mb']:.0f} MB (one pass {r['copy_mb']:.0f} MB)",
              flush=True)
        for f in work.glob(f"*_{name}.*"):
            f.unlink()
    print(f"\nbundled model ({Path('resources/models/landslide_mapper_default.onnx').name}), ONNX Runtime on the CPU, "
          f"tile {REAL_TILE}, overlap {REAL_OVERLAP}, batch {REAL_BATCH}, threshold {REAL_THRESHOLD}; model-only on "
          f"{rows[0]['model_chips']} chips of each scene")
    print("| scene | chips | landslides | seconds | e2e chips/s | model-only chips/s | e2e/model | CPU % |"
          " peak RSS (MB) | probability MB | one-pass MB | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['scene']} | {r['chips']} | {r['landslides']} | {r['seconds']:.1f} | {r['e2e_cps']:.2f} | "
              f"{r['model_cps']:.2f} | {r['e2e_cps'] / r['model_cps']:.2f} | {r['cpu_pct']:.0f} | "
              f"{r['peak_rss_mb']:.0f} | {r['prob_mb']:.1f} | {r['copy_mb']:.1f} | {r['prob_mb'] / r['copy_mb']:.2f} |")
    stages = sorted({k for r in rows for k in r["stages"]})
    print("\nCPU ms per chip by stage (thread CPU time; threads in brackets; the engine's own threads are not "
          "counted: see the wall time below)")
    print("| stage | " + " | ".join(r["scene"] for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for st in stages:
        threads = sorted({t for r in rows for t in r["threads"].get(st, [])})
        print(f"| {st} ({', '.join(threads)}) | " + " | ".join(
            f"{1000 * r['stages'].get(st, 0.0) / max(r['chips'], 1):.1f}" for r in rows) + " |")
    print("| statistics wall s (before the first chip) | " + " | ".join(
        f"{r['walls'].get('statistics', 0.0):.2f}" for r in rows) + " |")
    print("| engine wall ms per chip | " + " | ".join(
        f"{1000 * r['walls'].get('engine', 0.0) / max(r['chips'], 1):.1f}" for r in rows) + " |")
    print("| whole run wall ms per chip | " + " | ".join(
        f"{1000 * r['seconds'] / max(r['chips'], 1):.1f}" for r in rows) + " |")
    return rows


def main() -> None:
    from landslide_mapper.detection.pipeline import default_model_path

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="*", type=int, default=[2048, 8192, 16384])
    ap.add_argument("--huge", action="store_true", help="also 32768 x 32768")
    ap.add_argument("--engine", default="torch", choices=("torch", "onnx"))
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--positive-share", type=float, default=0.05, help="share of pixels above threshold")
    ap.add_argument("--no-smooth", action="store_true", help="salt-and-pepper output (stress test)")
    ap.add_argument("--real", help="folder of the real-format scenes (made there when missing)")
    ap.add_argument("--scenes", nargs="*", help="real scenes to run (default: all)")
    ap.add_argument("--model-chips", type=int, default=32, help="chips per scene for the model-only figure")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child-real", help=argparse.SUPPRESS)
    ap.add_argument("--child-model", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_real:
        print(json.dumps(run_real(args.child_real, Path(args.real), Path(args.workdir))))
        return
    if args.child_model:
        cps, n = model_only(Path(args.real), default_model_path(), args.model_chips)
        print(json.dumps({"model_cps": cps, "model_chips": n}))
        return
    if args.real:
        real_main(args)
        if not args.sizes:
            return
        print()
    if args.child:
        work = Path(args.workdir)
        print(json.dumps(run_one(args.child, next(work.glob("lite.*")), args.engine, args.batch, work)))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-detect-"))
    make_model(work, args.engine, args.positive_share, not args.no_smooth)
    sizes = args.sizes + ([32768] if args.huge else [])
    rows = []
    for size in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(size), "--workdir", str(work), "--engine",
                              args.engine, "--batch", str(args.batch)], capture_output=True, text=True)
        if out.returncode:
            print(out.stderr[-2000:], file=sys.stderr)
            raise SystemExit(f"size {size} failed")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{size}x{size}: {r['chips']} chips in {r['seconds']:.0f} s, e2e {r['e2e_cps']:.2f} chips/s, model-only "
              f"{r['model_cps']:.2f} chips/s, RSS {r['peak_rss_mb']:.0f} MB", flush=True)
        for f in work.glob(f"*_{size}.*"):
            f.unlink()
    print(f"\nengine {args.engine}, batch {args.batch}, tile 512, overlap 64, fca_deeplab_lite (random weights, "
          f"about {args.positive_share:.1%} of pixels above threshold, "
          f"{'salt-and-pepper' if args.no_smooth or args.engine != 'onnx' else 'smoothed into blobs'})")
    print("| scene (px) | chips | landslides | seconds | e2e chips/s | Mpx/s | model-only chips/s | e2e/model |"
          " peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']}x{r['size']} | {r['chips']} | {r['landslides']} | {r['seconds']:.0f} | "
              f"{r['e2e_cps']:.2f} | {r['mpx_s']:.2f} | {r['model_cps']:.2f} | {r['e2e_cps'] / r['model_cps']:.2f} | "
              f"{r['peak_rss_mb']:.0f} |")
    base = rows[0]["peak_rss_mb"]
    print(f"peak RSS of the largest vs the smallest scene: {rows[-1]['peak_rss_mb'] / base:.2f}x")


if __name__ == "__main__":
    main()
