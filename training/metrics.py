"""The paper's accuracy metrics (Eqs. 2-6) for the landslide class, plus mIoU and object-level recall.

    Precision = TP / (TP + FP)                     Recall = TP / (TP + FN)
    Accuracy  = (TP + TN) / (TP + TN + FP + FN)    F1 = 2 P R / (P + R)
    IoU       = TP / (TP + FP + FN)                (landslide class)
    mIoU      = mean of the landslide IoU and the background IoU TN / (TN + FP + FN)

Object-level recall: each 4-connected landslide of the reference mask counts as found when at least half of its
pixels are predicted landslide; "small" objects have fewer than 50 x 50 = 2500 pixels (the paper's small targets).
Pure numpy + rasterio (components are labelled as the vectoriser labels them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SMALL_OBJECT_PIXELS = 50 * 50


def label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected components of a boolean mask: ``(labels int32, count)`` (the vectoriser's labelling)."""
    from ..detection.vectorize import label_polygons

    polys, labels = label_polygons(mask)
    return labels, len(polys)


def component_cover(pred: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sizes, covered)``: for each reference landslide (4-connected component of ``truth``, in label order), its
    pixel count and how many of its pixels ``pred`` marks."""
    labels, n = label_components(truth)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    sizes = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    hits = np.bincount(labels.ravel(), weights=pred.ravel().astype(np.float64), minlength=n + 1)[1:]
    return sizes, hits


def covered_shares(pred: np.ndarray, truth: np.ndarray, mapped: np.ndarray | None = None) -> np.ndarray:
    """For each reference landslide, the share of its mapped pixels that ``pred`` covers (float64, label order):
    the shape check of whole-scene evaluation (``scene_eval.py``)."""
    sizes, hits = component_cover(pred, truth & mapped if mapped is not None else truth)
    return hits / np.maximum(sizes, 1)


@dataclass
class SegmentationMetrics:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    objects: dict = field(default_factory=lambda: {"small": [0, 0], "large": [0, 0]})  # [found, total]

    def update(self, pred: np.ndarray, truth: np.ndarray, objects: bool = True,
               mapped: np.ndarray | None = None) -> None:
        """Add a prediction and its reference (bool arrays of one shape); ``mapped``: only these pixels count
        (the rest is not mapped: mask value 255)."""
        pred, truth = pred.astype(bool), truth.astype(bool)
        if mapped is not None and not mapped.all():
            pred, truth = pred & mapped, truth & mapped
            self.tn -= int(np.count_nonzero(~mapped))  # unmapped pixels fall in tn below: take them out
        self.tp += int(np.count_nonzero(pred & truth))
        self.fp += int(np.count_nonzero(pred & ~truth))
        self.fn += int(np.count_nonzero(~pred & truth))
        self.tn += int(np.count_nonzero(~pred & ~truth))
        if objects and truth.any():
            for size, hits in zip(*component_cover(pred, truth)):
                kind = "small" if size < SMALL_OBJECT_PIXELS else "large"
                self.objects[kind][1] += 1
                self.objects[kind][0] += int(hits >= 0.5 * size)

    @staticmethod
    def _ratio(a: float, b: float) -> float:
        return float(a / b) if b else 0.0

    def compute(self) -> dict:
        tp, fp, fn, tn = self.tp, self.fp, self.fn, self.tn
        precision = self._ratio(tp, tp + fp)
        recall = self._ratio(tp, tp + fn)
        iou = self._ratio(tp, tp + fp + fn)
        iou_bg = self._ratio(tn, tn + fp + fn)
        return {
            "precision": precision,
            "accuracy": self._ratio(tp + tn, tp + tn + fp + fn),
            "recall": recall,
            "f1": self._ratio(2 * precision * recall, precision + recall),
            "iou": iou,
            "iou_background": iou_bg,
            "miou": (iou + iou_bg) / 2.0,
            "small_object_recall": self._ratio(*self.objects["small"]),
            "large_object_recall": self._ratio(*self.objects["large"]),
            "small_objects": self.objects["small"][1],
            "large_objects": self.objects["large"][1],
            "pixels": tp + fp + fn + tn,
        }
