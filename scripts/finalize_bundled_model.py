"""Turn the best checkpoint of scripts/train_bundled_model.sh into the bundled model.

1. export ONNX (weights stored as float16, arithmetic float32: see model/export.py) to
   resources/models/landslide_mapper_default.onnx (the PyTorch checkpoint's test figure is recorded beside it);
2. choose THAT file's decision thresholds on the VALIDATION county (qx), as `train` does at its end: plain and for
   each test-time augmentation (detection/tta.py), and evaluate it, what users get, on the held-out test county
   (ny) and on the validation county with them;
3. write the model card's description, limitations and metrics into the file, its sidecar, and the metrics to
   docs/bundled_model.json.

    .venv/bin/python scripts/finalize_bundled_model.py [runs/bundled]
    .venv/bin/python scripts/finalize_bundled_model.py --onnx-only   (steps 2-3 on the bundled file as it is)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from landslide_mapper.model.card import TTA_MODES, write_sidecar
from landslide_mapper.model.checkpoint import load_checkpoint, read_card, save_checkpoint
from landslide_mapper.model.export import export_onnx, replace_onnx_card
from landslide_mapper.training.dataset import list_samples, split_by_region
from landslide_mapper.training.train import ChipSet, calibrate_threshold, evaluate_model

ROOT = Path(__file__).resolve().parents[1]

DATA = ROOT.parent / "shared" / "datasets" / "bijie-rgb"
REGIONS = {"val_regions": ["qx"], "test_regions": ["ny"]}
ONNX = ROOT / "resources" / "models" / "landslide_mapper_default.onnx"
SUMMARY = ROOT / "docs" / "bundled_model.json"


def architecture(config) -> str:
    """The network, in words, for the card."""
    if config.arch == "unet" and config.unet_encoder.startswith(("tf_efficientnet", "mobilenet")):
        return (f"UNet on an ImageNet-pretrained {config.unet_encoder} encoder (decoder widths "
                f"{'-'.join(str(c) for c in config.unet_decoder_channels)}; a baseline of the paper, not FCA-DeepLab, "
                "shipped because it had the best validation IoU of the recipes trained within the CPU budget)")
    if config.arch == "unet":
        return (f"UNet on a {config.unet_encoder} encoder (decoder widths "
                f"{'-'.join(str(c) for c in config.unet_decoder_channels)}; a baseline of the paper, not FCA-DeepLab, "
                "shipped because it beat FCA-DeepLab-lite on the validation county within the CPU budget)")
    return (f"FCA-DeepLab-lite ({config.backbone} backbone, slim ASPP and improved decoder, small-object attention "
            "head)")


DEEPNESS = {"method": "divide", "value": 255}  # what the Deepness plugin does before the metadata's mean/std


def deepness_note(card, test: dict, val: dict, deep_test: dict, deep_val: dict) -> str:
    """What the Deepness plugin does with this file, against what the model expects, and what it costs."""
    if card.optical_scaling.get("method") == "auto":
        return ("In Deepness: the metadata (8-bit RGB / 255, then standardization_mean/std) is how it was trained, "
                "for 8-bit RGB imagery; 16-bit imagery must be converted to 8-bit first.")
    return ("In Deepness: Deepness feeds 8-bit RGB / 255, then standardization_mean/std, but this model was trained "
            "on images stretched between their own 2 and 98 % values (optical_scaling percentile). Fed the Deepness "
            f"way it scores landslide IoU {deep_test['iou']:.3f} instead of {test['iou']:.3f} on the test county ny "
            f"and {deep_val['iou']:.3f} instead of {val['iou']:.3f} on the validation county qx. Give Deepness an "
            "8-bit image already stretched between its 2 and 98 % values (then nothing is lost), or use Landslide "
            "Mapper's detection, which stretches by itself.")


def main() -> None:
    if sys.argv[1:] == ["--onnx-only"]:  # the bundled file as it is: re-choose its thresholds, re-measure, re-card
        summary = json.loads(SUMMARY.read_text())
        describe(ONNX, summary["epochs_run"], summary["test_ny_pytorch_checkpoint_iou"])
        return
    run = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "runs" / "bundled"
    best = run / "best.safetensors"  # its thresholds were chosen on validation at the end of `train`
    torch_test = evaluate_model(best, DATA, "test", **REGIONS)
    model, card = load_checkpoint(best)
    export_onnx(model, card, ONNX, half_weights=True)
    history = (run / "metrics.csv").read_text().strip().splitlines()
    card = describe(ONNX, len(history) - 1, torch_test["iou"])
    save_checkpoint(best, model, card)


def describe(onnx_path: Path, epochs_run: int, torch_test_iou: float):
    """Choose the ONNX file's thresholds on the validation county (plain and with each test-time augmentation),
    evaluate THAT file, what users get, and write its card (description, limitations, metrics), its sidecar and
    docs/bundled_model.json. Returns the card."""
    card = read_card(onnx_path)
    splits = split_by_region(list_samples(DATA), seed=0, **REGIONS)
    threshold = calibrate_threshold(onnx_path, ChipSet(splits["val"], card, False, None, 0))
    card = read_card(onnx_path)
    test = evaluate_model(onnx_path, DATA, "test", **REGIONS)
    val = evaluate_model(onnx_path, DATA, "val", **REGIONS)
    tta = {mode: {"threshold": card.tta_thresholds[mode],
                  "test_ny": evaluate_model(onnx_path, DATA, "test", **REGIONS, tta=mode),
                  "validation_qx": evaluate_model(onnx_path, DATA, "val", **REGIONS, tta=mode)}
           for mode in TTA_MODES if mode != "none"}
    deep_test = evaluate_model(onnx_path, DATA, "test", **REGIONS, optical_scaling=DEEPNESS)
    deep_val = evaluate_model(onnx_path, DATA, "val", **REGIONS, optical_scaling=DEEPNESS)
    budget_s = card.training.get("recipe", {}).get("time_budget_s")
    budget = (f"for a CPU time budget of {round(float(budget_s) / 60)} minutes" if budget_s else
              f"for {epochs_run} epochs on the CPU")
    pretraining = card.training.get("pretraining")
    start = (f"fine-tuned from {pretraining['source']} (weights {pretraining['weights']}, licence "
             f"{pretraining['licence']}; inputs standardised as in that pretraining, mean {card.mean}, std {card.std})"
             if pretraining else "trained from scratch")
    card.description = (
        f"{architecture(card.config)}, RGB only, {start}, on the CPU on the Bijie landslide dataset "
        "(Ji et al., 2020, Landslides 17, "
        "1337-1352; TripleSat 0.8 m imagery of Bijie, Guizhou, China, resized to 224 x 224 chips). Weights are "
        "stored as float16 in the ONNX file; the arithmetic is float32.")
    card.limitations = (
        "RGB only: it uses no DEM, so it cannot separate landslides from spectrally similar bare soil, rock, "
        "roads or fields the way the paper's DEM fusion does. Trained on 1,105 resized 224 px chips of one "
        "region of south-west China, not on GF-6 + DEM; ground resolution of the chips is not exactly known "
        f"(0.8 m source, resized), so 1 m is nominal. Trained {budget}; held-out landslide IoU {test['iou']:.2f} "
        f"(county ny), {tta['d4']['test_ny']['iou']:.2f} with test-time augmentation over the 8 rotations and "
        "mirrors (8 times the inference). Treat detections as candidates for a "
        "geologist to check, not as an inventory. " + deepness_note(card, test, val, deep_test, deep_val))
    card.training = {**card.training, "epochs_run": epochs_run, "data": "bijie-rgb (../shared/datasets)",
                     "script": "scripts/train_bundled_model.sh + scripts/finalize_bundled_model.py"}
    card.metrics = {**card.metrics, "test_ny": test, "validation_qx": val,
                    "test_time_augmentation": {mode: {"threshold": r["threshold"], "test_ny_iou": r["test_ny"]["iou"],
                                                      "validation_qx_iou": r["validation_qx"]["iou"]}
                                               for mode, r in tta.items()},
                    "deepness_scaling": {"scaling": DEEPNESS, "test_ny_iou": deep_test["iou"],
                                         "validation_qx_iou": deep_val["iou"]}}
    card.version = "0.1.0"
    card.name = "landslide_mapper_default"
    replace_onnx_card(onnx_path, card)
    write_sidecar(card, onnx_path)  # what the QGIS dialogs show without opening the model file
    summary = {"threshold": threshold, "test_ny": test, "validation_qx": val, "epochs_run": epochs_run,
               "test_ny_pytorch_checkpoint_iou": torch_test_iou, "test_time_augmentation": tta,
               "fed_as_deepness": {"test_ny": deep_test, "validation_qx": deep_val},
               "best_epoch": card.training.get("best_epoch"), "onnx_bytes": onnx_path.stat().st_size}
    SUMMARY.write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items()
                      if k not in ("test_ny", "validation_qx", "fed_as_deepness", "test_time_augmentation")}, indent=1))
    print(f"fed as Deepness (8-bit / 255): test ny IoU {deep_test['iou']:.3f}, val qx IoU {deep_val['iou']:.3f}")
    rows = [("test ny", test), ("val qx", val)]
    rows += [(f"{name} tta {mode} (threshold {r['threshold']})", r[key]) for mode, r in tta.items()
             for name, key in (("test ny", "test_ny"), ("val qx", "validation_qx"))]
    for name, r in rows:
        print(f"{name}: IoU {r['iou']:.3f} P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
              f"A {r['accuracy']:.3f} mIoU {r['miou']:.3f} small-obj recall {r['small_object_recall']:.3f}")
    return card


if __name__ == "__main__":
    main()
