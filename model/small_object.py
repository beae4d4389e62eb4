"""The small-object attention head: CBAM on the backbone's low-level (stride-4) features before they join the
decoder. Small landslides (< 50 x 50 px at 2 m) survive only in these high-resolution features; channel attention
picks the feature maps that respond to them and spatial attention suppresses background texture, which sharpens
the edge cues the decoder uses for boundary refinement (paper, "Small-object attention mechanism").

With ``enabled=False`` it is the identity: the "remove the small-object attention mechanism" ablation.
"""

from __future__ import annotations

from torch import nn

from .cbam import CBAM


class SmallObjectAttention(nn.Module):
    def __init__(self, channels: int, enabled: bool = True, reduction: int = 8) -> None:
        super().__init__()
        self.enabled = enabled
        self.attention = CBAM(channels, reduction=reduction) if enabled else nn.Identity()

    def forward(self, low_level):
        return self.attention(low_level)
