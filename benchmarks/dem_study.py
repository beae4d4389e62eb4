"""What the DEM adds on real elevation: FCA-DeepLab with the DSM against the same network RGB-only, on the Jinsha
River valley scenes (../shared/datasets/jinsha-rgbdem), trained on one area and validated on the other, both ways,
over several seeds. Each model is judged on the other area's whole scene through ``detect`` (the DEM given to the
DEM model), polygons rasterised onto its mask, mapped pixels only.

    .venv/bin/python benchmarks/dem_study.py --seeds 0 1 2 --budget 100 --out experiments/scene_training/dem_study

Both variants are ``fca_deeplab_efficientnet_lite0`` (ImageNet-pretrained EfficientNet-Lite0 encoder; the DEM
branch joins after the pretrained stem through CBAM, ``model/fusion.py``) and its ``_no_fusion`` ablation, with the
same recipe, windows, seeds and CPU time budget (fp32: bf16 autocast is ten times slower on CPUs without bf16
instructions). The DEM channels are the card's defaults: relative elevation
(100 m radius) and slope, from the DSM. Caveat: the validation area chooses the best epoch and the threshold AND
scores the model (there are only two areas); the comparison between variants is fair, the absolute figures are
optimistic. Writes ``<out>.json`` and ``<out>.md`` (a table: mean and spread over seeds).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))

from landslide_mapper.training.scene_eval import evaluate_scene  # noqa: E402
from landslide_mapper.training.scenes import SceneSource  # noqa: E402
from landslide_mapper.training.train import TrainConfig, train  # noqa: E402

JINSHA = ROOT.parent / "shared" / "datasets" / "jinsha-rgbdem"
VARIANTS = {"dem": "fca_deeplab_efficientnet_lite0", "rgb": "fca_deeplab_efficientnet_lite0_no_fusion"}


def scene(area: str) -> SceneSource:
    return SceneSource(str(JINSHA / f"area_{area}_rgb.tif"), str(JINSHA / f"area_{area}_mask.tif"),
                       f"jinsha_{area.lower()}", str(JINSHA / f"area_{area}_dsm.tif"))


def run(variant: str, train_area: str, val_area: str, seed: int, budget: float, work: Path) -> dict:
    config = TrainConfig(arch=VARIANTS[variant], encoder_weights="imagenet:efficientnet_lite0", crop=256,
                         batch_size=8, lr=5e-4, epochs=1000, warmup_epochs=1000, seed=seed, time_budget_s=budget,
                         val_regions=[f"jinsha_{val_area.lower()}"], test_regions=[], resolution_m=1.0,
                         scaling="percentile", tta_thresholds=False, name=f"dem_study_{variant}")
    t0 = time.perf_counter()
    result = train([scene(train_area), scene(val_area)], work / f"{variant}_{train_area}{val_area}_{seed}", config)
    trained = time.perf_counter() - t0
    val = scene(val_area)
    score = evaluate_scene(result.best_path, val.image, val.mask, val.dem if variant == "dem" else None)
    return {"variant": variant, "train": train_area, "val": val_area, "seed": seed, "iou": score["iou"],
            "precision": score["precision"], "recall": score["recall"],
            "covered_share_median": score["covered_share_median"], "best_epoch": result.best_epoch,
            "epochs": result.epochs_run, "train_s": round(trained, 1), "threshold": score["threshold"]}


def table(rows: list[dict]) -> str:
    lines = ["| direction | variant | IoU mean | IoU spread (min-max) | precision | recall | covered share |",
             "|---|---|---|---|---|---|---|"]
    for direction in ("AB", "BA"):
        for variant in VARIANTS:
            got = [r for r in rows if r["train"] + r["val"] == direction and r["variant"] == variant]
            if not got:
                continue
            ious = [r["iou"] for r in got]

            def mean(key, got=got):
                return statistics.mean(r[key] for r in got)

            lines.append(f"| {direction[0]} -> {direction[1]} | {variant} | {statistics.mean(ious):.3f} | "
                         f"{min(ious):.3f}-{max(ious):.3f} (n={len(ious)}"
                         + (f", sd {statistics.stdev(ious):.3f})" if len(ious) > 1 else ")")
                         + f" | {mean('precision'):.3f} | {mean('recall'):.3f} | {mean('covered_share_median'):.2f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--budget", type=float, default=100.0, help="CPU seconds of training per run")
    ap.add_argument("--directions", nargs="+", default=["AB", "BA"])
    ap.add_argument("--out", default=str(ROOT / "experiments" / "dem_study"))
    args = ap.parse_args()
    out = Path(args.out)
    rows = json.loads(out.with_suffix(".json").read_text()) if out.with_suffix(".json").exists() else []
    done = {(r["variant"], r["train"] + r["val"], r["seed"]) for r in rows}
    with tempfile.TemporaryDirectory(prefix="dem-study-") as tmp:
        for seed in args.seeds:
            for direction in args.directions:
                for variant in VARIANTS:
                    if (variant, direction, seed) in done:
                        continue
                    row = run(variant, direction[0], direction[1], seed, args.budget, Path(tmp))
                    rows.append(row)
                    print(json.dumps(row), flush=True)
                    out.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    out.with_suffix(".md").write_text(f"# DEM study (budget {args.budget:g} s per run)\n\n{table(rows)}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
