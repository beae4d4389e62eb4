"""Model files: bit-exact round trips, refusal of pickled code and corrupt files, ONNX parity and metadata."""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from model_helpers import randomise

from landslide_mapper.errors import ModelFileError
from landslide_mapper.model.card import ModelCard, default_card
from landslide_mapper.model.checkpoint import load_checkpoint, read_card, save_checkpoint
from landslide_mapper.model.export import ProbabilityModel, export_onnx
from landslide_mapper.model.registry import build_model, get_config, list_configs


def _lite(seed=0):
    torch.manual_seed(seed)
    cfg = get_config("fca_deeplab_lite")
    return randomise(build_model(cfg), seed), default_card("lite-test", cfg, tile_size=256, overlap=32)


def test_safetensors_round_trip_is_bit_exact(tmp_path):
    model, card = _lite()
    path = save_checkpoint(tmp_path / "m.safetensors", model, card)
    loaded, card2 = load_checkpoint(path)
    assert card2 == card
    a, b = model.state_dict(), loaded.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    x = torch.randn(1, 5, 64, 64)
    with torch.inference_mode():
        assert torch.equal(model(x), loaded(x))


def test_weights_only_torch_file_is_accepted(tmp_path):
    model, card = _lite()
    torch.save({"card": card.to_dict(), "state_dict": model.state_dict()}, tmp_path / "m.pt")
    loaded, card2 = load_checkpoint(tmp_path / "m.pt")
    assert card2 == card
    assert all(torch.equal(v, loaded.state_dict()[k]) for k, v in model.state_dict().items())


class Payload:
    """A pickled object that would run code when unpickled by plain pickle."""

    def __reduce__(self):
        return (print, ("pwned",))


@pytest.mark.parametrize("obj", ["model", "payload"])
def test_pickled_objects_are_refused(tmp_path, capsys, obj):
    model, card = _lite()
    thing = model if obj == "model" else {"card": card.to_dict(), "evil": Payload()}
    torch.save(thing, tmp_path / "bad.pt")
    with pytest.raises(ModelFileError, match="pickled Python objects"):
        load_checkpoint(tmp_path / "bad.pt")
    assert "pwned" not in capsys.readouterr().out


def test_corrupt_truncated_missing_and_foreign_files(tmp_path):
    model, card = _lite()
    good = save_checkpoint(tmp_path / "m.safetensors", model, card)
    data = good.read_bytes()
    (tmp_path / "trunc.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="corrupt or truncated"):
        load_checkpoint(tmp_path / "trunc.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(ModelFileError):
        load_checkpoint(tmp_path / "junk.safetensors")
    with pytest.raises(ModelFileError, match="not found"):
        load_checkpoint(tmp_path / "nope.safetensors")
    from safetensors.torch import save_file
    save_file({"w": torch.zeros(2)}, tmp_path / "plain.safetensors")
    with pytest.raises(ModelFileError, match="no Landslide Mapper model card"):
        load_checkpoint(tmp_path / "plain.safetensors")


def test_unknown_architecture_and_mismatched_weights(tmp_path):
    from safetensors.torch import save_file
    model, card = _lite()
    bad = card.to_dict()
    bad["architecture"] = {**bad["architecture"], "backbone": "hal9000"}
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, tmp_path / "a.safetensors", metadata={"landslide_mapper_card": json.dumps(bad)})
    with pytest.raises(ModelFileError, match="unknown backbone"):
        load_checkpoint(tmp_path / "a.safetensors")
    other = default_card("x", get_config("fca_deeplab_lite", decoder_channels=32))
    save_file(state, tmp_path / "b.safetensors", metadata={"landslide_mapper_card": other.to_json()})
    with pytest.raises(ModelFileError, match="do not match the architecture"):
        load_checkpoint(tmp_path / "b.safetensors")


def test_card_validation():
    cfg = get_config("fca_deeplab_lite")
    with pytest.raises(ValueError, match="DEM channels"):
        ModelCard(name="x", architecture=cfg.to_dict(), dem_channels=[])
    with pytest.raises(ValueError, match="threshold"):
        default_card("x", cfg, threshold=1.5)
    with pytest.raises(ValueError, match="multiple of 32"):
        default_card("x", cfg, tile_size=500)


@pytest.mark.parametrize("name", list_configs())
def test_onnx_parity_every_configuration(tmp_path, name):
    torch.manual_seed(0)
    cfg = get_config(name)
    model = randomise(build_model(cfg))
    card = default_card(name, cfg)
    path = export_onnx(model, card, tmp_path / f"{name}.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input"]
    assert [o.name for o in session.get_outputs()] == ["probability"]
    for batch, size in ((1, 128), (3, 128), (2, 96)):
        x = torch.randn(batch, cfg.in_channels, size, size)
        with torch.inference_mode():
            ref = ProbabilityModel(model)(x).numpy()
        assert ref.std() > 0.01  # the comparison is not between two flat maps
        out = session.run(None, {"input": x.numpy()})[0]
        assert out.shape == (batch, 1, size, size)
        assert np.abs(out - ref).max() < 1e-4


def test_onnx_metadata_card_and_deepness_keys(tmp_path):
    model, card = _lite()
    path = export_onnx(model, card, tmp_path / "m.onnx")
    proto = onnx.load(str(path))
    assert proto.opset_import[0].version == 17
    meta = {p.key: p.value for p in proto.metadata_props}
    assert read_card(path) == card
    assert json.loads(meta["model_type"]) == "Segmentor"
    assert json.loads(meta["class_names"]) == {"0": "background", "1": "landslide"}
    assert json.loads(meta["resolution"]) == 200.0          # cm per pixel
    assert json.loads(meta["tiles_size"]) == 256
    assert json.loads(meta["tiles_overlap"]) == 12          # percent
    assert json.loads(meta["standardization_mean"]) == card.mean
    assert json.loads(meta["standardization_std"]) == card.std
    assert json.loads(meta["seg_thresh"]) == 0.5
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in dims] == ["batch", 5, "height", "width"]


def test_onnx_half_weights_halve_the_file_and_keep_the_output(tmp_path):
    model, card = _lite()
    full = export_onnx(model, card, tmp_path / "full.onnx")
    half = export_onnx(model, card, tmp_path / "half.onnx", half_weights=True)
    assert half.stat().st_size < 0.6 * full.stat().st_size
    assert read_card(half) == card
    inits = {i.name: i for i in onnx.load(str(half)).graph.initializer}
    big = [i for i in inits.values() if np.prod(i.dims) >= 1024]
    assert big and all(i.data_type == onnx.TensorProto.FLOAT16 for i in big)
    # normalisation statistics and biases stay float32 (float16 would flush tiny variances)
    assert any(i.data_type == onnx.TensorProto.FLOAT for i in inits.values())
    options = ort.SessionOptions()
    options.optimized_model_filepath = str(tmp_path / "optimised.onnx")
    session = ort.InferenceSession(str(half), options, providers=["CPUExecutionProvider"])
    optimised = onnx.load(str(tmp_path / "optimised.onnx"))
    # the casts are folded when the session loads: the arithmetic is float32, the weights no longer float16
    assert not any(i.data_type == onnx.TensorProto.FLOAT16 for i in optimised.graph.initializer)
    assert not any(n.name.endswith("__to_f32") for n in optimised.graph.node)
    x = torch.randn(2, card.in_channels, 128, 128)
    with torch.inference_mode():
        ref = ProbabilityModel(model)(x).numpy()
    out = session.run(None, {"input": x.numpy()})[0]
    assert ref.std() > 0.01 and np.abs(out - ref).max() < 5e-3
