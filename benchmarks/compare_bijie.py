"""The real-data comparison (the paper's Tables 1 and 2, on data we have): every configuration trained from
scratch on ../shared/datasets/bijie-rgb with the SAME CPU time budget and the same recipe, evaluated on the
held-out county. RGB only (the set has no DEM), so the fusion front end is off everywhere.

    .venv/bin/python benchmarks/compare_bijie.py --budget 300 --out runs/compare

Prints (and writes to OUT/results.md and OUT/results.json) P, A, R, F1, IoU, mIoU, small-object recall,
parameters, GFLOPs per 224x224 chip and training time.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from landslide_mapper.model.registry import build_model, get_config
from landslide_mapper.training.train import TrainConfig, evaluate_model, train

ROOT = Path(__file__).resolve().parents[1]
RUNS = [  # (label, registered configuration, overrides)
    ("fca_deeplab_no_fusion (ConvNeXt-T)", "fca_deeplab_no_fusion", {}),
    ("fca_deeplab_no_fusion without small-object head", "fca_deeplab_no_fusion", {"small_object": False}),
    ("fca_deeplab_lite (ConvNeXt-atto), RGB", "fca_deeplab_lite", {"fusion": "none", "dem_channels": 0}),
    ("fca_deeplab_lite without small-object head", "fca_deeplab_lite",
     {"fusion": "none", "dem_channels": 0, "small_object": False}),
    ("deeplabv3plus_resnet101 (baseline)", "deeplabv3plus_resnet101", {}),
    ("unet (baseline)", "unet", {}),
    ("unet_resnet18 (UNet on a ResNet-18 encoder; the bundled model's architecture)", "unet_resnet18", {}),
]


def cost(name: str, overrides: dict) -> tuple[float, float]:
    cfg = get_config(name, **overrides)
    model = build_model(cfg).eval()
    with torch.inference_mode(), FlopCounterMode(display=False) as fc:
        model(torch.zeros(1, cfg.in_channels, 224, 224))
    return sum(p.numel() for p in model.parameters()) / 1e6, fc.get_total_flops() / 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "datasets" / "bijie-rgb"))
    ap.add_argument("--out", default=str(ROOT / "runs" / "compare"))
    ap.add_argument("--budget", type=float, default=300.0, help="training seconds per model")
    ap.add_argument("--only", nargs="*", help="labels' registered names to run (default: all)")
    args = ap.parse_args()
    out = Path(args.out)
    results = []
    for label, name, overrides in RUNS:
        if args.only and name not in args.only:
            continue
        run_dir = out / label.split(" ")[0] / ("no_small" if overrides.get("small_object") is False else "std")
        cfg = TrainConfig(arch=name, overrides=overrides, epochs=1000, batch_size=8, lr=1e-3, crop=160, bf16=True,
                          positive_fraction=0.5, warmup_epochs=10_000, val_regions=["qx"], test_regions=["ny"],
                          time_budget_s=args.budget, resolution_m=1.0, name=name)
        t = time.perf_counter()
        r = train(args.data, run_dir, cfg, resume=False)
        seconds = time.perf_counter() - t
        test = evaluate_model(r.best_path, args.data, "test", val_regions=["qx"], test_regions=["ny"])
        params, gflop = cost(name, overrides)
        row = {"label": label, "epochs": r.epochs_run, "best_epoch": r.best_epoch, "val_iou": r.best_val_iou,
               "train_seconds": seconds, "params_M": params, "gflop_224": gflop, **test}
        results.append(row)
        print(f"{label}: test IoU {test['iou']:.3f}, F1 {test['f1']:.3f} ({r.epochs_run} epochs, {seconds:.0f} s)",
              flush=True)
    lines = ["| model | P | A | R | F1 | IoU | mIoU | small-obj. recall | params (M) | GFLOP/224² | epochs | "
             "train s |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['label']} | {r['precision']:.3f} | {r['accuracy']:.3f} | {r['recall']:.3f} | "
                     f"{r['f1']:.3f} | {r['iou']:.3f} | {r['miou']:.3f} | {r['small_object_recall']:.3f} "
                     f"({r['small_objects']}) | {r['params_M']:.1f} | {r['gflop_224']:.1f} | {r['epochs']} | "
                     f"{r['train_seconds']:.0f} |")
    table = "\n".join(lines)
    print(table)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(table + "\n")
    (out / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
