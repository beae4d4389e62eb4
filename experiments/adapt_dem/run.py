import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, "/work/main/benchmarks")
from adapt_curve import JINSHA, inventory
from adapt_diagnosis import curve, iou

from landslide_mapper.training.adapt import AdaptOptions, adapt
from landslide_mapper.training.scene_eval import read_reference

variant, minutes, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
train_area, test_area = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else ("A", "B")
use_dem = variant != "rgb"
base = {"rgb": None, "dem": "/tmp/demx/bundled_dem.safetensors", "dem20": "/tmp/demx/bundled_dem20.safetensors"}[variant]

def prob(model, area, dem, shape, transform, crs):
    import rasterio
    from rasterio.warp import Resampling, reproject

    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import detect
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "p.tif"
        flat = {"optical": str(JINSHA / f"area_{area}_rgb.tif"), "output": str(Path(tmp) / "d.gpkg"),
                "probability": str(p), "model": str(model)}
        if dem:
            flat["dem"] = str(JINSHA / f"area_{area}_dsm.tif")
        r = detect(DetectOptions.from_flat(**flat))
        with rasterio.open(p) as src:
            out = np.zeros(shape, np.float32)
            reproject(src.read(1), out, src_transform=src.transform, src_crs=src.crs, dst_transform=transform,
                      dst_crs=crs, resampling=Resampling.bilinear, src_nodata=src.nodata, dst_nodata=0)
    return out, r.threshold

truth, mapped, transform, crs = read_reference(JINSHA / f"area_{test_area}_mask.tif")
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    slides, area, _ = inventory(train_area, None, tmp)
    out = Path(f"/tmp/demx/{variant}_{train_area}_s{seed}.safetensors")
    r = adapt(AdaptOptions(str(JINSHA / f"area_{train_area}_rgb.tif"), slides, str(out), mapped_area=area,
                           dem=str(JINSHA / f"area_{train_area}_dsm.tif") if use_dem else None, base_model=base,
                           minutes=minutes, seed=seed), log=lambda m: None)
    p, th = prob(out, test_area, use_dem, truth.shape, transform, crs)
    c = curve(p, truth, mapped)
    print(json.dumps({"variant": variant, "seed": seed, "train": train_area, "test": test_area, "epochs": r.epochs, "seconds": round(r.seconds),
                      "heldout": [round(r.base_iou, 3), round(r.adapted_iou, 3)], "threshold": th,
                      "iou_at_own": iou(p >= th, truth, mapped), "best": max(c.values()), "curve": c}), flush=True)
