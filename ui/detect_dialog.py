"""The Processing dialog of "Detect landslides", with a cancel shown as a cancel.

QGIS 3.40's own algorithm dialog reports every cancelled run as "Execution failed after N seconds" in red, as if
something had gone wrong. The detect algorithm hands Processing this subclass instead
(``createCustomParametersWidget``, the hook QGIS's GDAL algorithms use for their dialogs): the same dialog, whose
log says "Cancelled by the user after N seconds" when the user pressed Cancel. A real failure still reads as one.
Imported only by the QGIS desktop (qgis_process never builds dialogs).
"""

from __future__ import annotations

from processing.gui.AlgorithmDialog import AlgorithmDialog


class DetectDialog(AlgorithmDialog):
    def createFeedback(self):  # noqa: N802
        feedback = super().createFeedback()
        failed = self.tr("Execution failed after {}").split("{}")[0]
        report_error = feedback.reportError

        def report(error, fatal_error=False):
            if feedback.isCanceled() and str(error).startswith(failed):
                feedback.pushWarning(self.tr("Cancelled by the user after {}").format(str(error)[len(failed):]))
                return
            report_error(error, fatal_error)

        feedback.reportError = report  # the dialog's own Python code calls it through this attribute
        return feedback
