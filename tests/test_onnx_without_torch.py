"""An ONNX model runs with PyTorch absent: the card, the engine and the whole pipeline never import torch."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import synthetic


def test_onnx_detection_without_torch(tmp_path):
    _, onnx_path = synthetic.oracle_files(tmp_path)
    opt, dem, _ = synthetic.scene(tmp_path)
    code = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "torch" or name.startswith("torch.") or name == "timm" or name.startswith("timm."):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        from landslide_mapper.detection.options import DetectOptions
        from landslide_mapper.detection.pipeline import detect
        r = detect(DetectOptions.from_flat(optical={str(opt)!r}, output={str(tmp_path / 'o.gpkg')!r},
                                           dem={str(dem)!r}, model={str(onnx_path)!r}))
        assert r.count == 4, r.count
        assert "torch" not in sys.modules
        print("ok", r.engine)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok onnx"
