"""A simple dialog that shows an HTML report (the environment report, the about page / model card)."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from ..processing.algorithms.qgis_compat import tr


class ReportDialog(QDialog):
    """Shows ``html`` in a read-only browser, with Close and (if ``copy_text`` is given) Copy buttons."""

    def tr(self, text: str) -> str:  # the plugin's one translation context (i18n/*.ts)
        return tr(text)

    def __init__(self, title: str, html: str, copy_text: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 560)
        self.copy_text = copy_text
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(html)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        if copy_text is not None:
            copy_button = self.buttons.addButton(
                self.tr("Copy as JSON"), QDialogButtonBox.ButtonRole.ActionRole
            )
            copy_button.clicked.connect(self.copy_to_clipboard)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(self.buttons)

    def copy_to_clipboard(self) -> None:
        if self.copy_text is not None:
            QApplication.clipboard().setText(self.copy_text)
