"""Many scenes, or one scene cut into bands of rows, on 1 and 2 worker processes: chips/s and speed-up.

``--mode scenes`` (``detect --scenes``, ``detection/scenes.py``): one task per scene. ``--mode bands``
(``detect --workers``, ``detection/partitions.py``): the first scene alone, ``pipeline.detect`` in this process for 1
worker and ``detect_partitions`` (one row partition per worker) for 2; chips counted once per scene (the chip rows that
neighbouring bands both infer are extra work, not extra chips).

Generated UTM scenes (uint8 RGB + a DEM on the same grid), each run through ``detect_scenes`` once with
``workers=1`` (one scene after the other in this process, no Dask) and once with ``workers=2`` (a local Dask
cluster; its start-up is included in the wall time, and printed apart with the speed-up without it). Two engines:

- ``oracle``: the test suite's threshold model as ONNX (a few operations per pixel), so the pipeline (reading,
  warping, blending, vectorising) is the bottleneck: what several processes can speed up on a CPU;
- ``bundled``: the bundled model on ONNX Runtime, whose inference already uses every core: two workers share them
  (each engine gets half the threads), so the target is "no slower than one worker";
- ``real`` (``--real FILES``): real-format scene files, e.g. the tiled Hokkaido scenes of
  ``benchmarks/make_real_scenes.py``, with the bundled model (overlap 51 px, no DEM).

    .venv/bin/python benchmarks/bench_scale.py [--scenes 4] [--engines oracle bundled]

Run it alone on the machine (the CPU's speed drifts; the two worker counts are run back to back per engine).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def make_scenes(folder: Path, count: int, size: int, res: float) -> tuple[list[Path], list[Path]]:
    import synthetic

    scenes, dems = [], []
    for i in range(count):
        sub = folder / f"scene_{i}"
        sub.mkdir(parents=True)
        blobs = [(size * (0.2 + 0.15 * k) % size, size * (0.3 + 0.2 * k) % size, size * 0.03 + 10 * k)
                 for k in range(6)]
        opt, dem, _ = synthetic.scene(sub, height=size, width=size, blobs=blobs, res=res)
        scenes.append(opt)
        dems.append(dem)
    return scenes, dems


def run(engine: str, count: int, workers: int, folder: Path, real: list[str] | None = None,
        mode: str = "scenes") -> dict:
    import synthetic

    from landslide_mapper.detection.dispatch import run_detection
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import default_model_path

    if mode == "bands":
        count = 1

    if engine == "oracle":
        (folder / "model").mkdir()
        model = synthetic.oracle_files(folder / "model")[1]
        scenes, dems = make_scenes(folder / "data", count, 6000, 2.0)
        options = {"model": model, "tile": 128, "overlap": 16}
    elif engine == "real":  # real-format files (benchmarks/make_real_scenes.py), bundled model, no DEM
        scenes, dems, options = list(real), None, {"model": default_model_path(), "overlap": 51}
    else:
        model = default_model_path()
        scenes, dems = make_scenes(folder / "data", count, 3600, 1.0)
        options = {"model": model}
    started: list[float] = []
    start = time.perf_counter()

    def log(message: str) -> None:
        if message.startswith("Dask cluster:"):
            started.append(time.perf_counter() - start)

    options.update(min_area=0.0, simplify=0.0)  # as the figures in experiments/benchmarks were measured
    if mode == "bands":  # one scene in row partitions (this process alone for 1 worker)
        out, dem = folder / f"out_{workers}.gpkg", dems[0] if dems else None
        one = run_detection(DetectOptions.from_flat(optical=scenes[0], output=out, dem=dem, processes=workers,
                                                    **options), log=log)
        seconds = time.perf_counter() - start
        startup = started[0] if started else 0.0
        chips = one.chips + one.chips_skipped
        return {"seconds": seconds, "chips": chips, "chips_per_s": chips / seconds, "count": one.count,
                "startup": startup, "chips_per_s_after_startup": chips / (seconds - startup),
                "scene_seconds": seconds, "failures": 0}
    result = run_detection(DetectOptions.from_flat(optical=scenes, scenes=True, output=folder / f"out_{workers}.gpkg",
                                                   dem=dems, processes=workers, **options), log=log)
    seconds = time.perf_counter() - start
    chips = sum(s["chips"] for s in result.scenes.values())
    scene_seconds = sum(s["seconds"] for s in result.scenes.values())
    startup = started[0] if started else 0.0
    return {"seconds": seconds, "chips": chips, "chips_per_s": chips / seconds, "count": result.count,
            "startup": startup, "chips_per_s_after_startup": chips / (seconds - startup),
            "scene_seconds": scene_seconds, "failures": len(result.failures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=4)
    parser.add_argument("--engines", nargs="+", default=["oracle", "bundled"], choices=["oracle", "bundled", "real"])
    parser.add_argument("--real", nargs="+", metavar="TIF",
                        help="with --engines real: these scene files (e.g. the tiled scenes that "
                             "benchmarks/make_real_scenes.py writes), with the bundled model")
    parser.add_argument("--mode", choices=["scenes", "bands"], default="scenes",
                        help="scenes: one task per scene; bands: the first scene alone, cut into bands of rows")
    args = parser.parse_args()
    print(f"{'engine':<8} {'workers':>7} {'scenes':>6} {'chips':>6} {'wall s':>7} {'chips/s':>8} "
          f"{'speed-up':>8} {'start s':>7} {'w/o start':>9} {'landslides':>10}")
    for engine in args.engines:
        base = None
        for workers in (1, 2):
            with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
                r = run(engine, args.scenes, workers, Path(tmp), args.real[:1] if args.mode == "bands" and
                        args.real else args.real, args.mode)
            base = base or r["chips_per_s"]
            scenes = 1 if args.mode == "bands" else len(args.real) if engine == "real" else args.scenes
            print(f"{engine:<8} {workers:>7} {scenes:>6} {r['chips']:>6} {r['seconds']:>7.1f} "
                  f"{r['chips_per_s']:>8.2f} {r['chips_per_s'] / base:>7.2f}x {r['startup']:>7.1f} "
                  f"{r['chips_per_s_after_startup'] / base:>8.2f}x {r['count']:>10}", flush=True)


if __name__ == "__main__":
    main()
