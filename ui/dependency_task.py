"""``QgsTask`` wrappers around ``dependencies.install`` / ``dependencies.uninstall``: pip runs in QGIS's task
manager (a worker thread, with a progress bar in the status bar and a cancel button), never in the GUI thread.

Signals (delivered to the GUI thread): ``lineReceived(str)`` for every line of pip's output,
``done(bool ok, str message)`` once at the end (success, failure with pip's output, or cancel).
"""

from __future__ import annotations

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..environment.dependencies import InstallError, InstallPlan, install, uninstall
from ..errors import message_of
from ..processing.algorithms.qgis_compat import tr, translated


class DependencyTask(QgsTask):
    lineReceived = pyqtSignal(str)  # noqa: N815 (Qt naming)
    done = pyqtSignal(bool, str)

    def __init__(self, description: str, plan: InstallPlan | None = None, uninstall_folder=None,
                 python: str | None = None):
        flags = QgsTask.Flag.CanCancel if hasattr(QgsTask, "Flag") else QgsTask.CanCancel
        super().__init__(description, flags)
        self.plan = plan
        self.uninstall_folder = uninstall_folder
        self.python = python
        self.ok = False
        self.message = ""

    def run(self) -> bool:  # worker thread: no widgets here, only signals
        try:
            if self.uninstall_folder is not None:
                self.setProgress(10)
                names = uninstall(self.uninstall_folder)
                self.message = tr("Removed {folder} ({n} package(s)). Restart QGIS so that packages already loaded "
                                  "are unloaded.").format(folder=self.uninstall_folder, n=len(names))
                self.lineReceived.emit(self.message)
                self.ok = True
                return True
            result = install(
                self.plan,
                python=self.python,
                on_line=self.lineReceived.emit,
                on_progress=lambda fraction: self.setProgress(100.0 * fraction),
                is_cancelled=self.isCanceled,
            )
        except InstallError as exc:
            self.message = translated(message_of(exc))
            return False
        except Exception as exc:  # never let an exception escape into the task manager
            self.message = f"{type(exc).__name__}: {exc}"
            return False
        if result.cancelled:
            self.message = tr("Cancelled: pip was stopped; nothing was changed outside the dependency folder.")
            return False
        names = ", ".join(f"{k} {v}" for k, v in sorted(result.installed.items()))
        self.message = tr("Installed into {target}: {names}.").format(target=self.plan.target, names=names or "-")
        self.ok = True
        return True

    def finished(self, result: bool) -> None:  # GUI thread
        self.done.emit(bool(result and self.ok), self.message or (tr("Done.") if result else tr("Failed.")))
