"""Can the bundled model process a 2 m image at 2 m instead of upsampling it to its 1 m? (issue 26)

Bijie county ny (the held-out test county of the chips, treated at the model's 1 m as in training) with the bundled
model, plain chip IoU at the model's threshold, three ways:

- ``1 m``: the chips as they are (the reference);
- ``2 m, upsampled``: each chip averaged over 2 x 2 pixels (a 2 m image), then resampled back to 1 m (bilinear):
  what ``detect`` does today with a 2 m image;
- ``2 m, native``: the 2 m chip given to the model as it is (a quarter of the pixels, so a quarter of the chips on a
  scene), its probabilities brought back to the 1 m mask (nearest).

The model's card would only widen its resolution range to 2 m if ``2 m, native`` is within 0.02 IoU of
``2 m, upsampled``.

Chips alone flatter or hide what a model does on a scene (a 2 m Bijie chip is 112 px: little context), so the same
three ways are then run on whole scenes through ``detect``, as a user runs it: the Jinsha areas A and B (0.5 m
orthophotos) averaged to exactly 1 m and 2 m, scored against their landslide masks; ``2 m, upsampled`` gives the
processing resolution 1 m explicitly, ``2 m, native`` 2 m.

    .venv/bin/python benchmarks/native_resolution.py [MODEL]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
BUNDLED = ROOT / "resources" / "models" / "landslide_mapper_default.onnx"


def main() -> None:
    import torch
    import torch.nn.functional as F

    from landslide_mapper.detection.engines import open_engine
    from landslide_mapper.detection.options import Overrides, resolve_overrides
    from landslide_mapper.training.dataset import IGNORE, list_samples, split_by_region
    from landslide_mapper.training.metrics import SegmentationMetrics
    from landslide_mapper.training.train import ChipSet, _pad32

    model = Path(sys.argv[1]) if len(sys.argv) > 1 else BUNDLED
    eng = open_engine(model, "auto", "auto")
    card = eng.card
    samples = split_by_region(list_samples(SHARED / "bijie-rgb"), val_regions=["qx"], test_regions=["ny"])["test"]
    chips = ChipSet(samples, card, False, None, 0)
    threshold = resolve_overrides(Overrides(), card, "none").threshold
    ways = ("1 m", "2 m, upsampled", "2 m, native")
    metrics = {w: SegmentationMetrics() for w in ways}
    pixels = {w: 0 for w in ways}

    def predict(x: torch.Tensor) -> np.ndarray:
        x, h, w = _pad32(x)
        return eng.predict(x.numpy())[:, :h, :w]

    for i in range(0, len(chips), 8):
        xs, ys = zip(*(chips[j] for j in range(i, min(i + 8, len(chips)))))
        x = torch.stack(xs)
        h, w = x.shape[-2:]
        h2, w2 = h // 2 * 2, w // 2 * 2
        x = x[..., :h2, :w2]
        coarse = F.avg_pool2d(x, 2)
        probs = {"1 m": predict(x),
                 "2 m, upsampled": predict(F.interpolate(coarse, size=(h2, w2), mode="bilinear", align_corners=False)),
                 "2 m, native": np.repeat(np.repeat(predict(coarse), 2, axis=-2), 2, axis=-1)}
        for way, prob in probs.items():
            pixels[way] += int(np.prod(prob.shape[-2:]) if way != "2 m, native" else np.prod(coarse.shape[-2:]))
            for p, y in zip(prob, ys):
                t = y[0].numpy()[:h2, :w2]
                metrics[way].update(p >= threshold, t == 1, objects=False, mapped=t != IGNORE)
    print(f"Bijie ny, {len(chips)} chips, model {model.name} (trained at {card.resolution_m:g} m), threshold "
          f"{threshold:g}")
    for way in ways:
        r = metrics[way].compute()
        print(f"{way}: IoU {r['iou']:.3f}, precision {r['precision']:.3f}, recall {r['recall']:.3f} "
              f"({pixels[way] / pixels['1 m']:.2f} of the pixels)")
    scenes(model)


def scenes(model: Path) -> None:
    import tempfile

    import rasterio
    from affine import Affine
    from rasterio.enums import Resampling

    from landslide_mapper.training.scene_eval import evaluate_scene

    jinsha = SHARED / "jinsha-rgbdem"
    work = Path(tempfile.mkdtemp(prefix="native-resolution-"))
    for area in "AB":
        images = {}
        for res in (1.0, 2.0):
            images[res] = work / f"{area}_{res:g}m.tif"
            with rasterio.open(jinsha / f"area_{area}_rgb.tif") as src:
                f = int(round(res / src.res[0]))  # whole source pixels per output pixel: exactly res m
                h, w = src.height // f, src.width // f
                data = src.read(window=((0, h * f), (0, w * f)), out_shape=(src.count, h, w),
                                resampling=Resampling.average)
                profile = src.profile | {"width": w, "height": h, "transform": src.transform * Affine.scale(f)}
                with rasterio.open(images[res], "w", **profile) as dst:
                    dst.write(data)
        for way, image, resolution in (("1 m", images[1.0], 1.0), ("2 m, upsampled", images[2.0], 1.0),
                                       ("2 m, native", images[2.0], 2.0)):
            r = evaluate_scene(model, image, jinsha / f"area_{area}_mask.tif", resolution=resolution)
            print(f"Jinsha {area}, whole scene through detect, {way}: IoU {r['iou']:.3f}, precision "
                  f"{r['precision']:.3f}, recall {r['recall']:.3f}", flush=True)


if __name__ == "__main__":
    main()
