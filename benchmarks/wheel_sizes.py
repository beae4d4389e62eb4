"""Download size of each package set the environment dialog offers (issue 27), measured from the wheels.

For each set of ``environment/dependencies.py: PACKAGE_SETS`` and each platform, ``pip download`` fetches the wheels
a new Python 3.12 would install (dependencies included, binary wheels only) into a scratch folder, and their sizes
are added up. The training set is measured for Linux only, with PyPI's PyTorch, which pulls NVIDIA's CUDA
libraries: what a Linux machine with an NVIDIA GPU downloads. For a CPU the plugin installs PyTorch from its CPU
wheel index instead, which a machine that reaches only PyPI cannot measure (its wheels are a few hundred MB).
The machine's pip constraints (``PIP_CONSTRAINT``) are lifted for the download.

    .venv/bin/python benchmarks/wheel_sizes.py [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

PLATFORMS = {
    "linux": ["--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_17_x86_64",
              "--platform", "manylinux2014_x86_64"],
    "win": ["--platform", "win_amd64"],
}
#: the pip requirement of each module (dependencies.REQUIREMENTS), ONNX Runtime's CPU flavour, rasterio's companion
EXTRA = {"rasterio": ["attrs>=23.2"]}


def requirements(package_set: str) -> list[str]:
    from landslide_mapper.environment.dependencies import ORT_FLAVOURS, ORT_VERSION, PACKAGE_SETS, REQUIREMENTS

    out = []
    for module in PACKAGE_SETS[package_set]:
        out.append(f"{ORT_FLAVOURS['cpu']}{ORT_VERSION}" if module == "onnxruntime" else REQUIREMENTS[module])
        out += EXTRA.get(module, [])
    return out


def measure(reqs: list[str], platform: str, folder: Path) -> tuple[float, list[tuple[str, float]]]:
    import os

    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "--python-version", "3.12",
                    "--implementation", "cp", *PLATFORMS[platform], "-d", str(folder), *reqs], check=True,
                   stderr=subprocess.DEVNULL, env={**os.environ, "PIP_CONSTRAINT": ""})
    files = sorted(((p.name, p.stat().st_size / 2**20) for p in folder.glob("*.whl")), key=lambda f: -f[1])
    return sum(size for _, size in files), files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="scratch folder (default: a temporary one)")
    args = ap.parse_args()
    base = Path(args.out or tempfile.mkdtemp(prefix="wheel-sizes-"))
    print("| set | platform | wheels | MB | largest |")
    print("|---|---|---|---|---|")
    for package_set in ("detection", "training"):
        for platform in PLATFORMS:
            if (package_set, platform) == ("training", "win"):
                print("| training | win | - | - | not measured: pip evaluates dependency markers for the machine "
                      "it runs on (Linux), so PyTorch's Windows dependencies cannot be resolved from here |")
                continue
            folder = base / f"{package_set}-{platform}"
            folder.mkdir(parents=True, exist_ok=True)
            total, files = measure(requirements(package_set), platform, folder)
            largest = ", ".join(f"{name.split('-')[0]} {size:.0f}" for name, size in files[:3])
            print(f"| {package_set} | {platform} | {len(files)} | {total:.0f} | {largest} |", flush=True)


if __name__ == "__main__":
    main()
