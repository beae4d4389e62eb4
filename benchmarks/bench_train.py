"""Training throughput on this CPU: images/s and seconds per epoch for fca_deeplab_lite and fca_deeplab at 224 and
512 px, batch 4 (the paper's), Adam, BCE + Dice, fp32 and bf16 autocast. Random data; an epoch is the 1,105
training chips of the Bijie region split (test ny, val qx).

    .venv/bin/python benchmarks/bench_train.py [--steps 4] [--configs fca_deeplab_lite fca_deeplab]
"""

from __future__ import annotations

import argparse
import time

import torch

from landslide_mapper.model.registry import build_model, get_config
from landslide_mapper.training.train import bce_dice_loss

EPOCH_CHIPS = 1105


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--configs", nargs="*", default=["fca_deeplab_lite", "fca_deeplab"])
    ap.add_argument("--sizes", nargs="*", type=int, default=[224, 512])
    ap.add_argument("--batch", type=int, default=4)
    args = ap.parse_args()
    print("| configuration | px | precision | s/step | images/s | s/epoch (1105 chips) |\n|---|---|---|---|---|---|")
    for name in args.configs:
        cfg = get_config(name)
        for size in args.sizes:
            for bf16 in (False, True):
                torch.manual_seed(0)
                model = build_model(cfg).train().to(memory_format=torch.channels_last)
                opt = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-3)
                x = torch.randn(args.batch, cfg.in_channels, size, size).contiguous(memory_format=torch.channels_last)
                y = (torch.rand(args.batch, 1, size, size) > 0.9).float()
                times = []
                for i in range(args.steps + 1):
                    t = time.perf_counter()
                    opt.zero_grad()
                    if bf16:
                        with torch.autocast("cpu", dtype=torch.bfloat16):
                            logits = model(x)
                        loss = bce_dice_loss(logits.float(), y)
                    else:
                        loss = bce_dice_loss(model(x), y)
                    loss.backward()
                    opt.step()
                    if i:
                        times.append(time.perf_counter() - t)
                s = sorted(times)[len(times) // 2]
                print(f"| {name} | {size} | {'bf16' if bf16 else 'fp32'} | {s:.2f} | {args.batch / s:.1f} | "
                      f"{EPOCH_CHIPS / args.batch * s:.0f} |", flush=True)


if __name__ == "__main__":
    main()
