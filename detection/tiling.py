"""Tiling: where chips come from, and how overlapping chips are weighted when blended.

Chips are ``tile x tile`` windows of the processing grid, ``tile - overlap`` apart, in raster order, the last
row/column aligned to the scene edge (a scene smaller than a tile gives one padded chip). Blending weights ramp
linearly from the chip edge over the overlap, so overlapping predictions fade into each other without seams; every
weight is > 0, so a pixel covered by one chip only keeps that chip's value exactly. Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from rasterio.windows import Window


def starts(length: int, tile: int, overlap: int) -> list[int]:
    """Chip start offsets along one axis."""
    if tile <= 0 or not 0 <= overlap < tile:
        raise ValueError(f"need tile > 0 and 0 <= overlap < tile, got tile={tile}, overlap={overlap}")
    if length <= tile:
        return [0]
    stride = tile - overlap
    out = list(range(0, length - tile, stride))
    out.append(length - tile)
    return out


def chip_span(length: int, tile: int, overlap: int, lo: int, hi: int) -> tuple[int, int]:
    """``(start, end)`` along one axis of the chips that touch ``[lo, hi)``: the first one's start, the last one's
    end."""
    touching = [s for s in starts(length, tile, overlap) if s < hi and s + min(tile, length - s) > lo]
    return touching[0], touching[-1] + min(tile, length - touching[-1])


def straddling(length: int, tile: int, overlap: int, at: int) -> int:
    """How many chips along one axis hold pixels on both sides of ``at`` (a seam there: chips inferred twice)."""
    return sum(1 for s in starts(length, tile, overlap) if s < at < s + min(tile, length - s))


def chip_windows(height: int, width: int, tile: int, overlap: int) -> Iterator[tuple[int, Window]]:
    """``(strip_index, window)`` in raster order; windows are clipped to the scene (edge chips are padded later)."""
    for i, row in enumerate(starts(height, tile, overlap)):
        for col in starts(width, tile, overlap):
            yield i, Window(col, row, min(tile, width - col), min(tile, height - row))


def blend_ramp(tile: int, overlap: int) -> np.ndarray:
    """``[tile]`` float32: 1 inside, a linear ramp over ``overlap`` pixels at each end, never 0."""
    i = np.arange(tile)
    edge = np.minimum(i, tile - 1 - i)
    return np.minimum(1.0, (edge + 1.0) / (overlap + 1.0)).astype(np.float32)


def blend_weights(tile: int, overlap: int) -> np.ndarray:
    """``[tile, tile]`` float32 weights: the outer product of two ramps (1 inside, linear over the overlap)."""
    ramp = blend_ramp(tile, overlap)
    return np.outer(ramp, ramp)


def pad_chip(chip: np.ndarray, tile: int) -> np.ndarray:
    """Pad ``[C, h, w]`` to ``[C, tile, tile]`` by reflection (edge values where too small to reflect)."""
    c, h, w = chip.shape
    if h == tile and w == tile:
        return chip
    ph, pw = tile - h, tile - w
    mode = "reflect" if h > ph and w > pw else "edge"
    return np.pad(chip, ((0, 0), (0, ph), (0, pw)), mode=mode)
