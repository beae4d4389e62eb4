"""The architecture configuration: a plain dict that travels inside model files and rebuilds the network.

``ModelConfig.from_dict`` validates up front with one clear message per problem (an unknown key, an unknown
backbone, an impossible combination), so a bad model file fails at load time, not deep inside a forward pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

# (no torch import here: a model card, and so an ONNX model, must be readable without PyTorch)
ARCHITECTURES = ("fca_deeplab", "unet", "threshold")
FUSION_MODES = ("cbam", "cbam_stem", "stack", "none")  # see fusion.py
DECODER_KINDS = ("original", "improved")      # see decoder.py


@dataclass(frozen=True)
class ModelConfig:
    arch: str = "fca_deeplab"
    backbone: str = "convnext_tiny"
    fusion: str = "cbam"                 # cbam | cbam_stem | stack | none (see fusion.py)
    dem_channels: int = 2                # K: DEM-derived channels after the 3 RGB bands
    fusion_rgb_channels: int = 24
    fusion_dem_channels: int = 8
    output_stride: int = 16
    aspp_channels: int = 256
    decoder: str = "improved"            # improved | original (see decoder.py)
    decoder_channels: int = 256
    low_level_channels: int = 48
    dropout_fusion: float = 0.1
    dropout_classifier: float = 0.1
    small_object: bool = True            # the small-object attention head (small_object.py)
    unet_channels: tuple[int, ...] = field(default=(32, 64, 128, 256, 512))  # arch 'unet', plain encoder only
    unet_encoder: str = "plain"          # arch 'unet': 'plain' (four max-pool levels) or a timm backbone name
    unet_decoder_channels: tuple[int, ...] = field(default=(128, 64, 32, 16, 16))  # arch 'unet', timm encoder
    probe_channel: int = 3               # arch 'threshold' only: input channel it thresholds
    probe_level: float = 0.0             # arch 'threshold' only: landslide where that channel > level
    probe_gain: float = 50.0             # arch 'threshold' only: logit slope

    def __post_init__(self) -> None:
        if self.arch not in ARCHITECTURES:
            raise ValueError(f"unknown architecture {self.arch!r}; known: {', '.join(ARCHITECTURES)}")
        if self.fusion not in FUSION_MODES:
            raise ValueError(f"fusion must be one of {FUSION_MODES}, got {self.fusion!r}")
        if self.decoder not in DECODER_KINDS:
            raise ValueError(f"decoder must be one of {DECODER_KINDS}, got {self.decoder!r}")
        if self.output_stride not in (8, 16):
            raise ValueError(f"output_stride must be 8 or 16 (DeepLabv3+), got {self.output_stride}")
        if not isinstance(self.dem_channels, int) or self.dem_channels < 0:
            raise ValueError(f"dem_channels must be an integer >= 0, got {self.dem_channels!r}")
        if (self.fusion == "none") != (self.dem_channels == 0):
            raise ValueError("fusion 'none' means RGB only (dem_channels 0); 'cbam', 'cbam_stem' and 'stack' need "
                             "dem_channels >= 1")
        for name in ("fusion_rgb_channels", "fusion_dem_channels", "aspp_channels", "decoder_channels",
                     "low_level_channels"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.arch == "threshold" and not 0 <= self.probe_channel < self.in_channels:
            raise ValueError(f"probe_channel must be in [0, {self.in_channels}), got {self.probe_channel}")
        if self.arch == "unet":
            if self.fusion in ("cbam", "cbam_stem"):
                raise ValueError(f"the UNet baseline takes RGB ('none') or stacked RGB+DEM ('stack') input, not "
                                 f"{self.fusion!r}")
            if len(self.unet_channels) != 5 or any(c < 1 for c in self.unet_channels):
                raise ValueError("unet_channels must list 5 positive widths (a four-level encoder plus its bottom)")
            if len(self.unet_decoder_channels) != 5 or any(c < 1 for c in self.unet_decoder_channels):
                raise ValueError("unet_decoder_channels must list 5 positive widths (one per 2x upsampling)")

    @property
    def in_channels(self) -> int:
        return 3 + self.dem_channels

    def to_dict(self) -> dict:
        d = asdict(self)
        d["unet_channels"] = list(self.unet_channels)
        d["unet_decoder_channels"] = list(self.unet_decoder_channels)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        if not isinstance(d, dict):
            raise ValueError(f"an architecture config must be a dict, got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown architecture setting(s): {', '.join(unknown)}")
        d = dict(d)
        for key in ("unet_channels", "unet_decoder_channels"):
            if key in d:
                d[key] = tuple(d[key])
        return cls(**d)
