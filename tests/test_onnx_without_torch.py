"""Detection with the 'Detection' package set alone: an ONNX model runs with every package of the training set
that the detection set lacks (PyTorch, timm, safetensors, onnx) unimportable; the card, the engine, the whole
pipeline and the command line never import them (environment/dependencies.py: PACKAGE_SETS)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import synthetic

from landslide_mapper.environment.dependencies import PACKAGE_SETS


def test_onnx_detection_with_the_detection_set_only(tmp_path):
    _, onnx_path = synthetic.oracle_files(tmp_path)
    opt, dem, _ = synthetic.scene(tmp_path)
    blocked = sorted(set(PACKAGE_SETS["training"]) - set(PACKAGE_SETS["detection"])) + ["torchvision"]
    assert {"torch", "timm", "safetensors", "onnx"} <= set(blocked)
    code = textwrap.dedent(f"""
        import sys
        BLOCKED = {blocked!r}
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        from landslide_mapper.detection.options import DetectOptions
        from landslide_mapper.detection.pipeline import detect
        r = detect(DetectOptions.from_flat(optical={str(opt)!r}, output={str(tmp_path / 'o.gpkg')!r},
                                           dem={str(dem)!r}, model={str(onnx_path)!r}))
        assert r.count == 4, r.count
        from landslide_mapper.cli import main
        rc = main(["detect", "--quiet", "--optical", {str(opt)!r}, "--dem", {str(dem)!r}, "--model",
                   {str(onnx_path)!r}, "--output", {str(tmp_path / 'cli.gpkg')!r}])
        assert rc == 0, rc
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
        assert leaked == [], leaked
        print("ok", r.engine)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "ok onnx"
