"""Per registered configuration: parameters, GFLOPs per 512x512 chip (torch's FlopCounterMode; multiply-adds
count as 2 FLOPs), ms per chip with torch (fp32, channels_last, inference_mode) and with ONNX Runtime (graph
optimisation ALL), at batch 1 and 4. Random weights (speed does not depend on them).

    .venv/bin/python benchmarks/bench_model.py [--configs fca_deeplab fca_deeplab_lite] [--reps 3] [--size 512]

The two CPU cores of this machine drift in speed: torch and ORT are timed interleaved, best of --reps.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import onnxruntime as ort
import torch
from torch.utils.flop_counter import FlopCounterMode

from landslide_mapper.model.card import default_card
from landslide_mapper.model.export import ProbabilityModel, export_onnx
from landslide_mapper.model.registry import build_model, get_config, list_configs


def best_ms(fn, reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", nargs="*", default=[c for c in list_configs()])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--size", type=int, default=512)
    args = ap.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    rows = []
    tmp = Path(tempfile.mkdtemp())
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), onnxruntime {ort.__version__}; "
          f"chip {args.size}x{args.size}; best of {args.reps}", flush=True)
    for name in args.configs:
        cfg = get_config(name)
        model = ProbabilityModel(build_model(cfg)).eval()
        params = sum(p.numel() for p in model.parameters()) / 1e6
        x1 = torch.randn(1, cfg.in_channels, args.size, args.size)
        with torch.inference_mode(), FlopCounterMode(display=False) as fc:
            model(x1)
        gflop = fc.get_total_flops() / 1e9
        onnx_path = export_onnx(model.net, default_card(name, cfg), tmp / f"{name}.onnx")
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sess = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        cl = model.to(memory_format=torch.channels_last)
        res = {"config": name, "params_M": params, "gflop": gflop}
        for b in (1, 4):
            x = torch.randn(b, cfg.in_channels, args.size, args.size)
            xc = x.contiguous(memory_format=torch.channels_last)
            xn = x.numpy()

            def run_torch(cl=cl, xc=xc):
                with torch.inference_mode():
                    cl(xc)

            def run_ort(sess=sess, xn=xn):
                sess.run(None, {"input": xn})

            t_ms, o_ms = [], []
            for _ in range(2):  # interleave the engines
                t_ms.append(best_ms(run_torch, max(1, args.reps // 2 + 1)))
                o_ms.append(best_ms(run_ort, max(1, args.reps // 2 + 1)))
            res[f"torch_b{b}"] = min(t_ms) / b
            res[f"ort_b{b}"] = min(o_ms) / b
        rows.append(res)
        print(f"{name:30s} {params:6.2f} M {gflop:7.1f} GFLOP  torch {res['torch_b1']:7.0f} / {res['torch_b4']:7.0f}"
              f"  ORT {res['ort_b1']:7.0f} / {res['ort_b4']:7.0f} ms/chip (b1 / b4)", flush=True)
    print("\n| configuration | params (M) | GFLOP/chip | torch ms/chip b1 | torch b4 | ORT b1 | ORT b4 |"
          " ORT/torch b4 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['config']} | {r['params_M']:.1f} | {r['gflop']:.1f} | {r['torch_b1']:.0f} | {r['torch_b4']:.0f} | "
              f"{r['ort_b1']:.0f} | {r['ort_b4']:.0f} | {r['ort_b4'] / r['torch_b4']:.2f} |")


if __name__ == "__main__":
    main()
