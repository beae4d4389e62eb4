"""Blended stitching with bounded memory.

Chips arrive in raster order (strip by strip). ``StripBlender`` keeps one ``tile``-row band of the scene
(weighted sum, weight sum, validity): memory depends on the scene width and the tile size, never on the scene's
height. When the first chip of a new strip arrives, the rows above that strip's top can no longer change: they are
normalised and handed to ``on_rows(row0, probabilities, extras)`` (NaN where the optical image is nodata or no chip
ran), which writes them to the probability GeoTIFF and feeds the vectoriser. ``extras`` are per-pixel values that
chips carry along unblended (the terrain: elevation and slope, the same whichever chip brings them), ``[K, rows, W]``
or None. Pure numpy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rasterio.windows import Window

RowsCallback = Callable[[int, np.ndarray, np.ndarray | None], None]


class StripBlender:
    def __init__(self, width: int, height: int, tile: int, weights: np.ndarray, on_rows: RowsCallback,
                 chunk_rows: int = 128) -> None:
        self.width, self.height, self.tile = width, height, tile
        self.chunk_rows = max(1, chunk_rows)
        self.weights = weights
        self.on_rows = on_rows
        rows = min(tile, height)
        self.acc = np.zeros((rows, width), np.float32)
        self.wsum = np.zeros((rows, width), np.float32)
        self.valid = np.zeros((rows, width), bool)
        self.extra: np.ndarray | None = None  # [K, rows, width], allocated with the first chip that has extras
        self.top = 0  # scene row of buffer row 0

    def _flush_to(self, row: int) -> None:
        n = row - self.top
        if n <= 0:
            return
        # handed on in chunks of rows, so the callback's temporaries stay small however wide the scene is
        for r0 in range(0, n, self.chunk_rows):
            r1 = min(n, r0 + self.chunk_rows)
            with np.errstate(invalid="ignore", divide="ignore"):
                prob = self.acc[r0:r1] / self.wsum[r0:r1]
            prob[~self.valid[r0:r1] | (self.wsum[r0:r1] == 0)] = np.nan
            self.on_rows(self.top + r0, prob, None if self.extra is None else self.extra[:, r0:r1])
        keep = max(self.acc.shape[0] - n, 0)
        if self.extra is not None:
            self.extra[:, :keep] = self.extra[:, n:n + keep].copy()
            self.extra[:, keep:] = np.nan
        for a in (self.acc, self.wsum, self.valid):
            a[:keep] = a[n:n + keep].copy()
            a[keep:] = 0
        self.top = row

    def add(self, window: Window, prob: np.ndarray, valid: np.ndarray, extras: np.ndarray | None = None) -> None:
        """Blend one chip's probabilities (``[tile, tile]``, padded) into the band; ``valid`` is ``[h, w]``,
        ``extras`` ``[K, h, w]`` (copied, not blended)."""
        row, col = int(window.row_off), int(window.col_off)
        h, w = int(window.height), int(window.width)
        if row > self.top:
            self._flush_to(row)
        r = row - self.top
        wts = self.weights[:h, :w]
        self.acc[r:r + h, col:col + w] += prob[:h, :w] * wts
        self.wsum[r:r + h, col:col + w] += wts
        self.valid[r:r + h, col:col + w] |= valid
        if extras is not None:
            if self.extra is None:
                self.extra = np.full((len(extras),) + self.acc.shape, np.nan, np.float32)
            self.extra[:, r:r + h, col:col + w] = extras

    def skip(self, window: Window) -> None:
        """A chip with no valid optical pixel: nothing to blend, but the strip still advances."""
        if int(window.row_off) > self.top:
            self._flush_to(int(window.row_off))

    def finish(self) -> None:
        self._flush_to(self.height)
