"""Blended stitching with bounded memory.

Chips arrive in raster order (strip by strip). ``StripBlender`` keeps one ``tile``-row band of the scene: the
weighted sum of the chips' probabilities and the optical validity. When the first chip of a new strip arrives, the
rows above that strip's top can no longer change: they are normalised and handed on, in chunks of rows, to
``on_rows(row0, probabilities)`` (NaN where the optical image is nodata), which writes them to the probability
GeoTIFF and feeds the vectoriser.

The sum of the weights is not stored: the chips form a grid (every row start with every column start) and each
chip's weight is ``ramp(row) * ramp(col)``, so at any pixel the sum is ``R(row) * C(col)``, two 1-D profiles. A
chip that is skipped (no valid optical pixel) changes nothing, since its pixels are nodata whatever the other chips
say. The band thus costs 5 bytes per pixel (float32 sum + validity). Chips may also be left out altogether (an
area of interest keeps only the chips touching it): the pixels no chip reached are nodata, also whole rows of
chips missing between two chips that arrive. The band may also cover only some columns of the scene (a column
stripe of a wide scene, ``partitions.py``): ``left`` is then the scene column of its first one, and only chips
within those columns arrive. Pure numpy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rasterio.windows import Window

from .tiling import blend_ramp, blend_weights, starts

RowsCallback = Callable[[int, np.ndarray], None]


def weight_profile(length: int, tile: int, overlap: int) -> np.ndarray:
    """Sum over the chips along one axis of their ramps, per pixel (float32, > 0 everywhere)."""
    ramp = blend_ramp(tile, overlap)
    out = np.zeros(length, np.float32)
    for s in starts(length, tile, overlap):
        n = min(tile, length - s)
        out[s:s + n] += ramp[:n]
    return out


class StripBlender:
    def __init__(self, width: int, height: int, tile: int, overlap: int, on_rows: RowsCallback,
                 chunk_rows: int = 64, top: int = 0, left: int = 0, scene_width: int | None = None) -> None:
        """``top``: the first chip row's start (a band of a scene starting below row 0; rows are then handed on
        from there). ``width`` columns from the scene column ``left`` (chip starts, as the chips' own extent) of a
        scene ``scene_width`` wide (default: ``width``, the whole scene); rows are handed on ``width`` wide."""
        self.width, self.height, self.tile, self.left = width, height, tile, left
        self.chunk_rows = max(1, chunk_rows)
        self.on_rows = on_rows
        self.weights = blend_weights(tile, overlap)
        self.row_weight = weight_profile(height, tile, overlap)
        self.col_weight = weight_profile(scene_width or width, tile, overlap)[left:left + width]
        rows = min(tile, height)
        self.acc = np.zeros((rows, width), np.float32)
        self.valid = np.zeros((rows, width), bool)
        self.top = top  # scene row of buffer row 0

    def _flush_to(self, row: int) -> None:
        n = row - self.top
        if n <= 0:
            return
        held = min(n, self.acc.shape[0])
        # handed on in chunks of rows, so the callback's temporaries stay small however wide the scene is
        for r0 in range(0, held, self.chunk_rows):
            r1 = min(held, r0 + self.chunk_rows)
            prob = self.acc[r0:r1] / np.outer(self.row_weight[self.top + r0:self.top + r1], self.col_weight)
            prob[~self.valid[r0:r1]] = np.nan
            self.on_rows(self.top + r0, prob)
        # rows below the band that no chip reached (whole rows of chips left out: an area of interest): nodata
        for r0 in range(held, n, self.chunk_rows):
            self.on_rows(self.top + r0, np.full((min(n, r0 + self.chunk_rows) - r0, self.width), np.nan, np.float32))
        keep = max(self.acc.shape[0] - n, 0)
        for a in (self.acc, self.valid):
            a[:keep] = a[n:n + keep].copy()
            a[keep:] = 0
        self.top = row

    def add(self, window: Window, prob: np.ndarray, valid: np.ndarray) -> None:
        """Blend one chip's probabilities (``[tile, tile]``, padded) into the band; ``valid`` is ``[h, w]``."""
        row, col = int(window.row_off), int(window.col_off) - self.left
        h, w = int(window.height), int(window.width)
        if row > self.top:
            self._flush_to(row)
        r = row - self.top
        self.acc[r:r + h, col:col + w] += prob[:h, :w] * self.weights[:h, :w]
        self.valid[r:r + h, col:col + w] |= valid

    def skip(self, window: Window) -> None:
        """A chip with no valid optical pixel: nothing to blend, but the strip still advances."""
        if int(window.row_off) > self.top:
            self._flush_to(int(window.row_off))

    def finish(self, until: int | None = None) -> None:
        """Hand on the last rows: all of them, or those above ``until`` (the rows below need chips not added)."""
        self._flush_to(self.height if until is None else min(until, self.height))
