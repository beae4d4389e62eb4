"""Backbone adapter: any timm feature extractor behind one contract.

``Backbone(name, in_chans, output_stride)`` returns ``(low_level, deep)``: the stride-4 features (the decoder's
and the small-object head's input) and the deepest features at ``output_stride`` (16 as in DeepLabv3+: the last
stage is dilated instead of strided; timm does this for ConvNeXt and ResNet through ``output_stride``).

The network is always built with ``pretrained=False``: nothing is ever downloaded. ImageNet (or other) weights
can be given as a LOCAL file (safetensors, or a state dict loadable with ``torch.load(weights_only=True)``) or by
NAME (``imagenet:efficientnet_lite0``, ..., see ``pretrained.py``: a file inside an installed package, every encoder
tensor mapped and checked); when the first convolution's input channels differ (e.g. the fused map has 32
channels), timm's ``adapt_input_conv`` adapts the stem weights.

``forward(x, after_stem=f)`` (EfficientNet/MobileNet encoders only) applies ``f`` to the stem's output before the
blocks: FCA-DeepLab's ``cbam_stem`` fusion joins the DEM branch there, so the pretrained stem sees RGB only.
"""

from __future__ import annotations

from pathlib import Path

import timm
import torch
from torch import nn

from ..errors import Message, ModelFileError

#: Backbones the registry offers; any timm model with ``features_only`` support also works.
SUPPORTED_BACKBONES = (
    "convnext_atto", "convnext_femto", "convnext_pico", "convnext_nano", "convnext_tiny", "convnext_small",
    "convnext_base", "resnet101", "resnet50", "resnet18", "tf_efficientnet_lite0", "tf_efficientnet_lite1",
    "tf_efficientnet_lite2", "mobilenetv2_100",
)


class Backbone(nn.Module):
    def __init__(self, name: str, in_chans: int = 3, output_stride: int = 16,
                 weights_path: str | Path | None = None) -> None:
        """``weights_path``: a local weights file or a pretrained-weights name (``imagenet:...``)."""
        super().__init__()
        if output_stride not in (8, 16, 32):
            raise ValueError(f"output_stride must be 8, 16 or 32, got {output_stride}")
        if not timm.is_model(name):
            raise ValueError(f"unknown backbone {name!r}; supported: {', '.join(SUPPORTED_BACKBONES)}")
        self.name = name
        self.body = timm.create_model(name, pretrained=False, features_only=True, in_chans=in_chans,
                                      output_stride=output_stride)
        reductions = self.body.feature_info.reduction()
        channels = self.body.feature_info.channels()
        self.reductions, self.channels = list(reductions), list(channels)
        if 4 not in reductions:
            raise ValueError(f"backbone {name!r} has no stride-4 features (strides {reductions})")
        self.low_index = reductions.index(4)
        self.low_channels = channels[self.low_index]
        self.deep_channels = channels[-1]
        self.output_stride = output_stride
        self.stem_channels = self.body.conv_stem.out_channels if self.has_stem_hook else None
        self.pretraining: dict | None = None  # what was loaded (card record), for named weights
        if weights_path is not None:
            from .pretrained import is_named

            if is_named(weights_path):
                self.load_named_weights(str(weights_path))
            else:
                self.load_local_weights(weights_path)

    @property
    def has_stem_hook(self) -> bool:
        """Whether ``after_stem`` can be used (timm's EfficientNet/MobileNet feature extractors)."""
        return all(hasattr(self.body, a) for a in ("conv_stem", "bn1", "blocks", "_stage_out_idx"))

    def forward(self, x: torch.Tensor, after_stem=None) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.pyramid(x, after_stem)
        return features[self.low_index], features[-1]

    def pyramid(self, x: torch.Tensor, after_stem=None) -> list[torch.Tensor]:
        """Every stage's features, shallow to deep (strides ``self.reductions``): a UNet decoder's skips."""
        if after_stem is None:
            return self.body(x)
        if not self.has_stem_hook:
            raise ValueError(f"backbone {self.name!r} has no separate stem to fuse after")
        body = self.body
        x = after_stem(body.bn1(body.conv_stem(x)))
        features = [x] if 0 in body._stage_out_idx else []
        for i, block in enumerate(body.blocks):
            x = block(x)
            if i + 1 in body._stage_out_idx:
                features.append(x)
        return features

    def load_named_weights(self, name: str) -> None:
        """Pretrained weights by name (``pretrained.py``); every tensor of the encoder must receive a value."""
        from timm.models import adapt_input_conv

        from .pretrained import load_named

        state, weights = load_named(name, self.name)
        own = self.body.state_dict()
        missing = [k for k in own if k not in state]
        if missing:
            raise ModelFileError(Message("the pretrained weights {name} leave {n_missing} encoder tensors unset (e.g. "
                                         "{missing})", name=name, n_missing=len(missing), missing=missing[0]))
        matched = {}
        for key, target in own.items():
            value = state[key]
            if value.ndim == 4 and target.ndim == 4 and value.shape[1] != target.shape[1]:
                value = adapt_input_conv(target.shape[1], value)  # a stem fed more (or fewer) than 3 channels
            if value.shape != target.shape:
                raise ModelFileError(Message("pretrained tensor {key} has shape {shape}, the encoder {shape2}",
                                             key=key, shape=tuple(value.shape), shape2=tuple(target.shape)))
            matched[key] = value
        self.body.load_state_dict(matched, strict=True)
        self.pretraining = weights.describe()

    def load_local_weights(self, path: str | Path) -> None:
        """Load backbone weights from a local file (never a hub). Classifier weights are ignored."""
        from timm.models import adapt_input_conv

        from .weights import read_state_dict

        state = read_state_dict(path)
        own = self.body.state_dict()
        matched = {}
        for key, value in state.items():
            target = key if key in own else key.replace("stages.", "stages_", 1)
            if target not in own:
                continue
            if own[target].ndim == 4 and value.ndim == 4 and own[target].shape[1] != value.shape[1] \
                    and own[target].shape[0] == value.shape[0]:
                value = adapt_input_conv(own[target].shape[1], value)
            if own[target].shape == value.shape:
                matched[target] = value
        if not matched:
            raise ValueError(f"no tensor in {path} matches backbone {self.name!r}")
        self.body.load_state_dict(matched, strict=False)
