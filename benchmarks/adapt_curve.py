"""The adaptation learning curve: adapt a model on one Jinsha area from N of its landslides, score the other area
whole through ``detect`` (training/scene_eval.py: polygons rasterised onto the mask, mapped pixels only).

The geologist's inventory is simulated from the area's mask: its landslides (4-connected components, as polygons)
and, for N < all, the N landslides nearest the mapped area's centre with a mapped area around them (their bounding
box grown by 60 m, within the mapped pixels), as someone digitising a corner of the scene would have it.

    .venv/bin/python benchmarks/adapt_curve.py --train A --counts 10 all --minutes 5 10 [--json out.json]

Prints one JSON line per run: count, minutes, base and adapted held-out IoU, the other area's IoU, P, R.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))

from landslide_mapper.training.adapt import AdaptOptions, adapt  # noqa: E402
from landslide_mapper.training.scene_eval import evaluate_scene  # noqa: E402

JINSHA = ROOT.parent / "shared" / "datasets" / "jinsha-rgbdem"
CURVE = ROOT / "resources" / "adapt_curve.json"
MARGIN_M = 60.0


def inventory(area: str, count: int | None, folder: Path) -> tuple[str, str, int]:
    """``(landslides layer, mapped-area layer, landslides given)`` of Jinsha ``area`` as a GeoPackage."""
    import fiona
    import rasterio
    import shapely
    from rasterio.features import shapes
    from shapely.geometry import box, mapping, shape

    with rasterio.open(JINSHA / f"area_{area}_mask.tif") as src:
        mask, transform, crs = src.read(1), src.transform, src.crs
    slides = [shape(g) for g, v in shapes((mask == 1).astype(np.uint8), mask=mask == 1, connectivity=4,
                                          transform=transform) if v == 1]
    mapped = shapely.union_all([shape(g) for g, v in shapes((mask != 255).astype(np.uint8), mask=mask != 255,
                                                            transform=transform) if v == 1])
    slides = [s for s in slides if s.area >= 4.0]  # single pixels of the mask are not a digitised landslide
    if count is not None and count < len(slides):
        centre = mapped.centroid
        slides = sorted(slides, key=lambda s: s.centroid.distance(centre))[:count]
        x0, y0, x1, y1 = shapely.union_all(slides).bounds
        mapped = mapped.intersection(box(x0 - MARGIN_M, y0 - MARGIN_M, x1 + MARGIN_M, y1 + MARGIN_M))
    path = folder / f"inventory_{area}_{count or 'all'}.gpkg"
    schema = {"geometry": "Polygon", "properties": {}}
    for layer, geoms in (("landslides", slides), ("mapped_area", list(shapely.get_parts(mapped)))):
        with fiona.open(path, "w", driver="GPKG", layer=layer, crs_wkt=crs.to_wkt(), schema=schema) as dst:
            dst.writerecords({"geometry": mapping(g), "properties": {}} for g in geoms if g.geom_type == "Polygon")
    return f"{path}|layername=landslides", f"{path}|layername=mapped_area", len(slides)


def publish(row: dict, other: str, everything: bool) -> None:
    """Merge one run of the bundled model with the default settings into :data:`CURVE`."""
    doc = json.loads(CURVE.read_text()) if CURVE.exists() else {
        "about": "Adaptation of the bundled model on one Jinsha area from N of its landslides, scored on the whole "
                 "other area through detect; written by benchmarks/adapt_curve.py --publish", "runs": []}
    entry = {"train": row["train"], "scored_on": other, "landslides": "all" if everything else row["landslides"],
             "polygons": row["landslides"], "minutes": row["minutes"], "seconds": row["seconds"],
             "iou": row[f"{other}_iou"], "precision": row[f"{other}_precision"], "recall": row[f"{other}_recall"],
             "heldout_base_iou": row["heldout_base_iou"], "heldout_adapted_iou": row["heldout_adapted_iou"]}
    if other not in doc.setdefault("base", {}):  # the bundled model itself on the scored area
        doc["base"][other] = round(evaluate_scene(None, JINSHA / f"area_{other}_rgb.tif",
                                                  JINSHA / f"area_{other}_mask.tif")["iou"], 4)
    runs = [r for r in doc["runs"] if (r["train"], r["landslides"], r["minutes"]) !=
            (entry["train"], entry["landslides"], entry["minutes"])]
    doc["runs"] = sorted(runs + [entry], key=lambda r: (r["train"], str(r["landslides"]).zfill(4), r["minutes"]))
    CURVE.write_text(json.dumps(doc, indent=1) + "\n")


def plot(path: str) -> None:
    """The published curve: IoU on the other area against the landslides given, one line per budget."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    doc = json.loads(CURVE.read_text())
    trains = sorted({r["train"] for r in doc["runs"]})
    fig, axes = plt.subplots(1, len(trains), figsize=(5.5 * len(trains), 4), squeeze=False)
    for ax, train in zip(axes[0], trains):
        runs = [r for r in doc["runs"] if r["train"] == train]
        other = runs[0]["scored_on"]
        for minutes in sorted({r["minutes"] for r in runs}):
            pts = sorted((r["polygons"], r["iou"]) for r in runs if r["minutes"] == minutes)
            ax.plot(*zip(*pts), marker="o", label=f"budget {minutes:g} min")
        ax.axhline(doc["base"][other], color="grey", linestyle="--", label="bundled model, not adapted")
        ax.set_xlabel(f"landslides of area {train} given (with a mapped area around them)")
        ax.set_ylabel(f"landslide IoU on the whole of area {other} (detect)")
        ax.set_ylim(0, 1)
        ax.set_title(f"Adapted on Jinsha {train}, scored on Jinsha {other}")
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", choices=("A", "B"), default="A")
    ap.add_argument("--counts", nargs="+", default=["10", "all"], help="landslides given (numbers or 'all')")
    ap.add_argument("--minutes", nargs="+", type=float, default=[10.0])
    ap.add_argument("--base", help="base model (default: the bundled one)")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--layers", default="all")
    ap.add_argument("--json", help="append the results to this JSON-lines file")
    ap.add_argument("--plot", metavar="PNG", help=f"only draw the published curve ({CURVE.name}) into this file")
    ap.add_argument("--publish", action="store_true",
                    help=f"also merge the results into {CURVE.relative_to(ROOT)} (the algorithm's help reads it)")
    args = ap.parse_args()
    if args.plot:
        plot(args.plot)
        return
    other = "B" if args.train == "A" else "A"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for count in args.counts:
            n = None if count == "all" else int(count)
            slides, mapped, given = inventory(args.train, n, tmp)
            for minutes in args.minutes:
                out = tmp / f"adapted_{count}_{minutes:g}.safetensors"
                t0 = time.perf_counter()
                r = adapt(AdaptOptions(str(JINSHA / f"area_{args.train}_rgb.tif"), slides, str(out),
                                       mapped_area=mapped, base_model=args.base, minutes=minutes, lr=args.lr,
                                       layers=args.layers), log=lambda m: print(m, file=sys.stderr, flush=True))
                seconds = time.perf_counter() - t0
                s = evaluate_scene(out, JINSHA / f"area_{other}_rgb.tif", JINSHA / f"area_{other}_mask.tif")
                row = {"train": args.train, "landslides": given, "minutes": minutes, "lr": args.lr,
                       "layers": args.layers, "heldout_base_iou": round(r.base_iou, 4),
                       "heldout_adapted_iou": round(r.adapted_iou, 4), "epochs": r.epochs, "seconds": round(seconds),
                       f"{other}_iou": round(s["iou"], 4), f"{other}_precision": round(s["precision"], 4),
                       f"{other}_recall": round(s["recall"], 4),
                       f"{other}_covered_median": round(s.get("covered_share_median", float("nan")), 3),
                       "threshold": r.threshold, "warnings": r.warnings}
                print(json.dumps(row), flush=True)
                if args.json:
                    with open(args.json, "a") as f:
                        f.write(json.dumps(row) + "\n")
                if args.publish and args.base is None and args.lr == 1e-4 and args.layers == "all":
                    publish(row, other, count == "all")


if __name__ == "__main__":
    main()
