"""ONNX Runtime settings measured end to end (issue 27): thread spinning, batch size, graph optimisation.

On a real-format scene (``benchmarks/make_real_scenes.py``; default the tiled pixel-interleaved DEFLATE one) with the
bundled model, each setting runs in its own process, and the settings are interleaved over ``--rounds`` rounds (the
two cores' speed drifts over minutes: compare within a round). Per run:

* ``plain``: model-only chips/s of a plain ONNX Runtime session with ORT's default options (how Deepness creates
  it), batch 1 as Deepness runs it, on every chip of the scene prepared beforehand;
* ``engine``: model-only chips/s of our engine with the setting, same chips;
  both measured before and after the end-to-end run, in the same process, and averaged (the cores' speed drifts by
  10-20 % over minutes; a reference of a second taken before the run alone was noise);
* ``e2e``: the whole detection (``pipeline.detect``, probability raster written) with the setting.

Printed: per setting the median over rounds of e2e seconds, e2e / plain model-only time (the issue's target: <=
1.25), e2e / own model-only (target >= 0.90). Settings are chosen through the engine's environment variables
(``LANDSLIDE_MAPPER_ORT_SPINNING``, ``LANDSLIDE_MAPPER_ORT_OPTIMISATION``) and the batch option.

    .venv/bin/python benchmarks/bench_engine_settings.py --real /tmp/real-scenes [--rounds 3] [--scene NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TILE, OVERLAP, THRESHOLD = 512, 51, 0.7
#: name -> (environment, batch)
SETTINGS = {
    "spin off, batch 4": ({"LANDSLIDE_MAPPER_ORT_SPINNING": "0"}, 4),
    "spin on, batch 4": ({"LANDSLIDE_MAPPER_ORT_SPINNING": "1"}, 4),
    "spin off, batch 1 (default on the CPU)": ({"LANDSLIDE_MAPPER_ORT_SPINNING": "0"}, 1),
    "spin on, batch 1": ({"LANDSLIDE_MAPPER_ORT_SPINNING": "1"}, 1),
    "spin off, batch 8": ({"LANDSLIDE_MAPPER_ORT_SPINNING": "0"}, 8),
    "spin off, batch 4, extended optimisation": ({"LANDSLIDE_MAPPER_ORT_SPINNING": "0",
                                                  "LANDSLIDE_MAPPER_ORT_OPTIMISATION": "extended"}, 4),
}


def child(scene: Path, batch: int, n_chips: int, work: Path) -> dict:
    import onnxruntime as ort
    from bench_detect import prepared_chips

    from landslide_mapper.detection.engines import open_engine
    from landslide_mapper.detection.options import DetectOptions
    from landslide_mapper.detection.pipeline import default_model_path, detect

    model = default_model_path()
    chips = prepared_chips(scene, model, n_chips or 10**9, TILE, OVERLAP)  # 0: every chip of the scene
    plain = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])  # ORT's defaults (Deepness)
    eng = open_engine(model, "onnx", "cpu")

    def plain_cps() -> float:
        t = time.perf_counter()
        for i in range(len(chips)):
            plain.run(None, {"input": chips[i:i + 1]})
        return len(chips) / (time.perf_counter() - t)

    def engine_cps() -> float:
        t = time.perf_counter()
        for i in range(0, len(chips), batch):
            eng.predict(chips[i:i + batch])
        return len(chips) / (time.perf_counter() - t)

    plain.run(None, {"input": chips[:1]})
    eng.predict(chips[:batch])
    before = plain_cps(), engine_cps()  # the references bracket the end-to-end run: the cores' speed drifts
    t = time.perf_counter()
    r = detect(DetectOptions.from_flat(optical=scene, output=work / "out.gpkg", probability=work / "p.tif",
                                       engine="onnx", device="cpu", tile=TILE, overlap=OVERLAP, batch=batch,
                                       threshold=THRESHOLD, min_area=0.0, simplify=0.0))
    seconds = time.perf_counter() - t
    after = engine_cps(), plain_cps()
    plain_mean, engine_mean = (before[0] + after[1]) / 2, (before[1] + after[0]) / 2
    for f in work.iterdir():
        f.unlink()
    return {"chips": r.chips, "seconds": seconds, "e2e_cps": r.chips / seconds, "plain_cps": plain_mean,
            "engine_cps": engine_mean, "model_chips": len(chips)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", required=True, help="folder of the real-format scenes (made there when missing)")
    ap.add_argument("--scene", default="tiled_deflate")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model-chips", type=int, default=0, help="chips of the model-only references (0: all)")
    ap.add_argument("--settings", nargs="*", help="names of SETTINGS to run (default all)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.child:
        batch, path, work = json.loads(args.child)
        print(json.dumps(child(Path(path), batch, args.model_chips, Path(work))))
        return
    from make_real_scenes import make_scenes

    scene = make_scenes(Path(args.real), (args.scene,))[args.scene]
    names = args.settings or list(SETTINGS)
    rows: dict[str, list[dict]] = {n: [] for n in names}
    for rnd in range(args.rounds):
        for name in (names if rnd % 2 == 0 else names[::-1]):  # interleaved, alternating order
            env, batch = SETTINGS[name]
            work = Path(tempfile.mkdtemp(prefix="bench-engine-"))
            out = subprocess.run([sys.executable, __file__, "--real", args.real, "--model-chips",
                                  str(args.model_chips), "--child", json.dumps([batch, str(scene), str(work)])],
                                 capture_output=True, text=True, env={**os.environ, **env})
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{name} failed")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows[name].append(r)
            print(f"round {rnd + 1} {name}: {r['chips']} chips, e2e {r['seconds']:.1f} s ({r['e2e_cps']:.2f} "
                  f"chips/s), engine model-only {r['engine_cps']:.2f}, plain ORT model-only {r['plain_cps']:.2f}",
                  flush=True)
    n_model = rows[names[0]][0]["model_chips"]
    print(f"\n{args.scene}: bundled model, ONNX Runtime on the CPU ({os.cpu_count()} cores), tile {TILE}, overlap "
          f"{OVERLAP}; medians over {args.rounds} interleaved rounds; model-only on {n_model} chips, measured before "
          "and after the end-to-end run in the same process and averaged")
    print("| setting | e2e s | e2e chips/s | engine model-only chips/s | e2e / engine model-only | "
          "plain-ORT model-only chips/s | e2e time / plain-ORT model-only time |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        rs = rows[name]
        med = {k: statistics.median(r[k] for r in rs) for k in ("seconds", "e2e_cps", "engine_cps", "plain_cps")}
        ratio_own = statistics.median(r["e2e_cps"] / r["engine_cps"] for r in rs)
        ratio_plain = statistics.median(r["plain_cps"] / r["e2e_cps"] for r in rs)
        print(f"| {name} | {med['seconds']:.1f} | {med['e2e_cps']:.2f} | {med['engine_cps']:.2f} | {ratio_own:.2f} "
              f"| {med['plain_cps']:.2f} | {ratio_plain:.2f} |")


if __name__ == "__main__":
    main()
