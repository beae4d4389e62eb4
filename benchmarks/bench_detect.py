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
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
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
    from landslide_mapper.processing.engines import open_engine
    from landslide_mapper.processing.pipeline import detect

    opt, dem = make_scene(workdir, size)
    t = time.perf_counter()
    r = detect(opt, workdir / f"out_{size}.gpkg", dem=dem, model=model, engine=engine, device="cpu", batch=batch)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="*", type=int, default=[2048, 8192, 16384])
    ap.add_argument("--huge", action="store_true", help="also 32768 x 32768")
    ap.add_argument("--engine", default="torch", choices=("torch", "onnx"))
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--positive-share", type=float, default=0.05, help="share of pixels above threshold")
    ap.add_argument("--no-smooth", action="store_true", help="salt-and-pepper output (stress test)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
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
