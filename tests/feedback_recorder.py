"""A Processing feedback that keeps what an algorithm reports (info and warning lines, progress values) and can
cancel itself once the progress passes a value. QGIS is imported when one is made, inside a test."""

from __future__ import annotations


def recorder(cancel_after: float | None = None):
    from qgis.core import QgsProcessingFeedback

    class Recorder(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.infos, self.warnings, self.values = [], [], []
            self.cancel_after = cancel_after
            self.progressChanged.connect(self.values.append)

        def pushInfo(self, info):  # noqa: N802
            self.infos.append(info)
            super().pushInfo(info)

        def pushWarning(self, warning):  # noqa: N802
            self.warnings.append(warning)
            super().pushWarning(warning)

        def isCanceled(self):  # noqa: N802
            return self.cancel_after is not None and bool(self.values) and self.values[-1] >= self.cancel_after

    return Recorder()
