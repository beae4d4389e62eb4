"""Does reading a product as delivered cost accuracy? (issue 26). Jinsha area A as a synthetic GF-6 PMS product
(``tests/data/gf_product.py``: 2 m PAN, 8 m MUX through a known RPC camera over 1050 m of relief), whole scene
through ``detect`` with the bundled model, polygons scored against the real landslide mask (mapped pixels only,
``training.scene_eval.score_layer``), three ways:

- ``truth 2 m``: the true orthophoto at 2 m (blue, green, red averaged from the 0.5 m original): what a perfect
  orthorectification and pansharpening would give;
- ``product``: the archive, as ``detect`` reads it (orthorectified straight onto the 1 m processing grid);
- ``product at 2 m, upsampled``: the product orthorectified at its own 2 m, then resampled to 1 m by the pipeline
  (how it was read before 3311d9a).

The same DEM (the product's) feeds every run.

    .venv/bin/python benchmarks/product_accuracy.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import rasterio

ROOT = Path(__file__).resolve().parents[1]
MASK = ROOT.parent / "shared" / "datasets" / "jinsha-rgbdem" / "area_A_mask.tif"


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests" / "data"))
    import gf_product

    from landslide_mapper.detection.dispatch import run_detection
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.products import opened
    from landslide_mapper.training.scene_eval import score_layer

    work = Path(tempfile.mkdtemp(prefix="product-accuracy-"))
    archive, truth = gf_product.make_product(work / "A")
    dem = str(truth.dem)
    b, g, r, _ = truth.ortho
    ortho = work / "truth_2m.tif"
    with rasterio.open(ortho, "w", driver="GTiff", width=b.shape[1], height=b.shape[0], count=3, dtype="float32",
                       crs=truth.crs, transform=truth.grid_transform, nodata=0) as dst:
        dst.write(np.stack([r, g, b]))

    def scored(label: str, optical: str) -> None:
        out = work / f"{label.replace(' ', '_').replace(',', '')}.gpkg"
        result = run_detection(DetectOptions.from_flat(optical=optical, dem=dem, output=out))
        s = score_layer(out, MASK)
        print(f"{label}: {result.count} landslides; IoU {s['iou']:.3f}, precision {s['precision']:.3f}, "
              f"recall {s['recall']:.3f}, F1 {s['f1']:.3f}", flush=True)

    scored("truth 2 m", str(ortho))
    scored("product", str(archive))
    with opened(str(archive), dem) as scene:  # its own 2 m grid
        scored("product at 2 m, upsampled", scene.path)


if __name__ == "__main__":
    main()
