"""What reading a satellite product as delivered costs (issue 26): orthorectification with the DEM and
pansharpening on the fly, against the model's own time, and peak memory against the scene's size.

For each Jinsha area (A, B: synthetic GF-6 PMS Level-1A products made from the real 0.5 m orthophotos and DSMs
through a known RPC camera, ``tests/data/gf_product.py``; packed as ``.tar.gz`` like a delivered product, 16-bit
PAN 2 m and MUX 8 m, uncompressed stripped GeoTIFFs inside), in separate processes, the bundled model on ONNX
Runtime on the CPU:

- ``archive``: ``detect`` on the archive itself (read in place, orthorectified and pansharpened on the fly);
- ``prepared``: ``detect`` on the same scene written beforehand by ``prepare-scene`` at the model's 1 m (a COG):
  the same pixels (so the same landslides) with no orthorectification or pansharpening in the run;
- ``model-only``: the engine alone on chips of the scene prepared beforehand (``bench_detect.model_only``).

Printed per area: chips, seconds of each run, the on-the-fly cost ``(archive - prepared) / model-only time``
(target <= 25 %), peak RSS of each run, and the time ``prepare-scene`` takes to write the COG.

    .venv/bin/python benchmarks/bench_product.py [--areas A B] [--mosaic N]

``--mosaic 3``: each area mirrored into 3 x 3 copies (9 times the ground, 2.4 MiB of compressed 16-bit product
for A): the fixed costs (the VRTs, the scene statistics, the DEM's checks) spread over more chips, and peak memory
compared with the single area's.
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

HERE = Path(__file__).resolve().parent


def run_detect(optical: str, dem: str, out: str) -> dict:
    from landslide_mapper.detection.dispatch import run_detection
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import default_model_path

    t = time.perf_counter()
    r = run_detection(DetectOptions.from_flat(optical=optical, dem=dem, output=out, model=default_model_path(),
                                              engine="onnx", device="cpu"))
    return {"seconds": time.perf_counter() - t, "chips": r.chips, "landslides": r.count,
            "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started: VmHWM (ru_maxrss would count the parent's memory at
    the fork, which holds the product made for the benchmark)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(args)} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--areas", nargs="*", default=["A", "B"])
    ap.add_argument("--mosaic", type=int, default=1, help="each area mirrored into N x N copies: a larger scene")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_detect(*args.child)))
        return
    sys.path.insert(0, str(HERE.parent / "tests" / "data"))
    sys.path.insert(0, str(HERE))
    import gf_product
    from bench_detect import model_only

    from landslide_mapper.detection.pipeline import default_model_path
    from landslide_mapper.detection.products import write_scene

    work = Path(tempfile.mkdtemp(prefix="bench-product-"))
    for area in args.areas:
        folder = work / area
        archive, truth = gf_product.make_product(folder, area=area, mosaic=args.mosaic)
        dem = str(truth.dem)
        t = time.perf_counter()
        # at the model's 1 m, as detect orthorectifies a product: the same pixels, so the same landslides
        scene = write_scene(str(archive), dem, str(folder / "scene.tif"), resolution=1.0)
        prep_s = time.perf_counter() - t
        on_the_fly = child(["--child", str(archive), dem, str(folder / "a.gpkg")])
        prepared = child(["--child", scene.path, dem, str(folder / "p.gpkg")])
        cps, n = model_only(Path(scene.path), default_model_path(), 32)
        model_s = on_the_fly["chips"] / cps
        cost = (on_the_fly["seconds"] - prepared["seconds"]) / model_s
        label = f"{area} x {args.mosaic} x {args.mosaic}" if args.mosaic > 1 else area
        print(f"Jinsha {label}: product {archive.stat().st_size / 2**20:.1f} MiB, scene {scene.resolution:g} m; "
              f"{on_the_fly['chips']} chips at 1 m; detect on the archive {on_the_fly['seconds']:.1f} s "
              f"({on_the_fly['landslides']} landslides, peak RSS {on_the_fly['peak_rss_mb']:.0f} MB), on the prepared "
              f"COG {prepared['seconds']:.1f} s ({prepared['landslides']} landslides, peak RSS "
              f"{prepared['peak_rss_mb']:.0f} MB); model-only {model_s:.1f} s ({cps:.2f} chips/s on {n} chips); "
              f"on-the-fly cost {100 * cost:.0f} % of model-only (target <= 25 %); prepare-scene COG {prep_s:.1f} s",
              flush=True)


if __name__ == "__main__":
    main()
