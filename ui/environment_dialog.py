"""The "Environment and GPU…" dialog (the doctor): what Landslide Mapper can use here, as a green/red table,
and buttons that install, repair or uninstall the Python packages in the plugin's own folder.

Installing runs ``dependencies.install`` (pip, for QGIS's own Python, into the folder ``dependencies.deps_dir``
names) as a ``QgsTask``: a progress bar and pip's output in the dialog, the task in QGIS's status bar, the GUI
stays responsive, and a failure shows pip's output. Works when torch, timm or onnxruntime are missing: the
report never raises for a missing package.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
)

from ..environment import dependencies
from ..environment.report import environment_report, render_html
from ..processing.algorithms.qgis_compat import tr, translated

OK, BAD, INFO = "ok", "bad", "info"
COLOURS = {OK: "#d8f3dc", BAD: "#ffd6d6", INFO: "#f1f3f5"}
STATUS_ROLE = Qt.ItemDataRole.UserRole


def set_label(name: str) -> str:
    """A package set's label in the dialog (translated), with its measured download size for this platform."""
    import sys

    sizes = dependencies.DOWNLOAD_MB.get(name, {})
    mb = sizes.get("win" if sys.platform.startswith("win") else "linux")
    label = tr(dependencies.SET_LABELS[name])
    if mb:
        return tr("{label} (about {mb} MB to download)").format(label=label, mb=f"{mb:,.0f}")
    if "linux-gpu" in sizes:
        return tr("{label} (adds PyTorch: hundreds of MB; about {gb:.0f} GB in all with CUDA)").format(
            label=label, gb=sizes["linux-gpu"] / 1000)
    return label


def report_rows(report: dict, folder: Path, gpu: dependencies.GpuInfo,
                native: dict | None = None) -> list[tuple[str, str, str]]:
    """``(label, text, status)`` rows of the table, status ``ok`` (green), ``bad`` (red) or ``info``."""
    rows = [
        (tr("Landslide Mapper"), str(report["plugin"]["version"]), INFO),
        (tr("Python running detection"), f"{report['python']['version']} ({report['python']['executable']})", INFO),
        ("QGIS", str(report["qgis"]["version"] or tr("not running")), OK if report["qgis"]["version"] else INFO),
    ]
    for name, entry in report["packages"].items():
        if entry["ok"]:
            rows.append((name, f"{entry['version'] or '?'} - {tr(entry['purpose'])}", OK))
        elif name in report.get("missing_training", ()):  # needed for training only: not an error for detection
            rows.append((name, tr("not installed: needed for training only (the set 'Detection and training')")
                         + f" - {tr(entry['purpose'])}", INFO))
        else:
            rows.append((name, tr("MISSING ({error})").format(error=entry["error"]) + f" - {tr(entry['purpose'])}",
                         BAD))
    gdal = report["gdal"]["rasterio"]
    rows.append((tr("GDAL used by rasterio"), gdal or tr("unknown"), OK if gdal else BAD))
    ort = report["onnxruntime"]
    providers = ort["providers"]
    rows.append((tr("ONNX Runtime providers"), ", ".join(providers) or ort["error"] or tr("none"),
                 OK if providers else BAD))
    devices = report["cuda"]["devices"]
    rows.append((tr("CUDA GPUs (PyTorch)"),
                 "; ".join(f"{d['name']} ({d['total_memory_mib']} MiB)" for d in devices)
                 or tr("none: the CPU is used"),
                 OK if devices else INFO))
    rows.append((tr("NVIDIA GPU detected"), f"{tr('yes') if gpu.nvidia else tr('no')} ({gpu.source}: {gpu.detail})",
                 OK if gpu.nvidia else INFO))
    if native is not None:
        broken = [name for name in ("shapely", "rasterio") if native.get(name) is False]
        text = "; ".join(f"{k}: {v}" for k, v in native.get("details", {}).items()) or tr("not checked")
        status = OK
        if broken and native.get("separate_process"):
            text = tr("inside QGIS, {names} would use QGIS's own GDAL/GEOS instead of their bundled copies, so "
                      "detection runs in a separate Python process (results are right).").format(
                names=", ".join(broken)) + f" {text}"
            status = INFO
        elif broken:
            text = tr("{names} use QGIS's own GDAL/GEOS instead of their bundled copies: results would be wrong (set "
                      "LANDSLIDE_MAPPER_WORKER=process to run detection in a separate process).").format(
                names=", ".join(broken)) + f" {text}"
            status = BAD
        rows.append((tr("GDAL/GEOS of the Python packages"), text, status))
    models = report["models"]
    rows.append((tr("Bundled model files"), ", ".join(m["name"] for m in models) or tr("none"), OK if models else BAD))
    installed = dependencies.installed_distributions(folder)
    state = dependencies.read_state(folder)
    if installed:
        where = tr("{folder} - {n} package(s), {flavour} flavour").format(
            folder=folder, n=len(installed), flavour=state.get("flavour", "?").upper())
        where += tr(", in use") if dependencies.is_active(folder) else tr(", not on sys.path (restart QGIS)")
    else:
        where = tr("{folder} - empty (nothing installed by the plugin)").format(folder=folder)
    rows.append((tr("Plugin's package folder"), where, INFO))
    for warning in report["warnings"]:
        rows.append((tr("Warning"), translated(warning), BAD))
    return rows


class EnvironmentDialog(QDialog):
    """The doctor. ``report``: ``environment_report()`` (computed when None); ``folder``: the dependency folder."""

    def tr(self, text: str) -> str:  # the plugin's one translation context (i18n/*.ts)
        return tr(text)

    def __init__(self, folder: Path, report: dict | None = None, gpu: dependencies.GpuInfo | None = None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Landslide Mapper: environment and GPU"))
        self.resize(860, 640)
        self.folder = Path(folder)
        self.task = None  # the running DependencyTask (a Python reference must be kept while it runs)
        self.last_result: tuple[bool, str] | None = None
        self.pip_args: list[str] = []  # extra pip options (tests: --no-index --find-links)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Status")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)  # one line per row; the full text is in the tooltip and the report tab
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.browser = QTextBrowser(self)  # the full report (same page as the check_environment algorithm)
        self.browser.setOpenExternalLinks(True)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setPlaceholderText(self.tr("pip's output appears here while packages are installed."))
        self.log.setMaximumBlockCount(5000)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.table, self.tr("Overview"))
        self.tabs.addTab(self.browser, self.tr("Full report"))
        self.log_tab = self.tabs.addTab(self.log, self.tr("Install log"))

        self.plan_label = QLabel(self)
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.package_set = QComboBox(self)  # which set "Install missing packages" completes
        for name in dependencies.PACKAGE_SETS:
            self.package_set.addItem(set_label(name), name)
        self.package_set.setToolTip(self.tr(
            "Detection: what running a model exported to ONNX needs (the bundled model is one): ONNX Runtime, "
            "rasterio, fiona, shapely, numpy. Detection and training: adds PyTorch, timm, safetensors and onnx, for "
            "training, PyTorch checkpoints and ONNX export."))
        self.package_set.currentIndexChanged.connect(lambda _: self._update_buttons() if self.report else None)
        self._set_chosen = False
        self.install_button = QPushButton(self.tr("Install missing packages"), self)
        self.repair_button = QPushButton(self.tr("Repair"), self)
        self.uninstall_button = QPushButton(self.tr("Uninstall"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.install_button.setToolTip(self.tr("Install the missing Python packages for QGIS's Python into the "
                                               "plugin's own folder (pip, in the background)"))
        self.repair_button.setToolTip(self.tr("Reinstall the packages in the plugin's folder and any missing or "
                                              "broken ones"))
        self.uninstall_button.setToolTip(self.tr("Delete the plugin's package folder (nothing else is touched)"))
        self.install_button.clicked.connect(lambda: self.start_install(repair=False))
        self.repair_button.clicked.connect(lambda: self.start_install(repair=True))
        self.uninstall_button.clicked.connect(self.confirm_uninstall)
        self.refresh_button.clicked.connect(self.refresh)
        actions = QHBoxLayout()
        actions.addWidget(self.package_set)
        for button in (self.install_button, self.repair_button, self.uninstall_button, self.refresh_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        copy_button = self.buttons.addButton(self.tr("Copy as JSON"), QDialogButtonBox.ButtonRole.ActionRole)
        copy_button.clicked.connect(self.copy_to_clipboard)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.plan_label)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self.gpu = gpu
        self.report: dict = {}
        self.copy_text = ""
        self._probe: threading.Thread | None = None
        self._answer: list = []
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._check_probe)
        self.refresh(report)

    # --- state ------------------------------------------------------------------------------------------
    def refresh(self, report: dict | None = None) -> None:
        """Show ``report``, or start computing a new one: the packages are imported and asked for GPUs by a separate
        Python process (nothing heavy enters QGIS's), in a background thread; the table fills when it answers
        (:meth:`report_ready`, :meth:`wait_for_report`)."""
        if isinstance(report, dict):
            self._show(report)
            return
        if self._probe is not None and self._probe.is_alive():
            return  # a check is already running; its answer will be shown
        self._answer = []
        self._probe = threading.Thread(target=self._compute, name="landslide-mapper-environment", daemon=True)
        self.summary.setText(self.tr("Checking the Python packages and the GPU (a few seconds)…"))
        self.refresh_button.setEnabled(False)
        self.install_button.setEnabled(False)
        self.repair_button.setEnabled(False)
        self._probe.start()
        self._poll.start()

    def _compute(self) -> None:
        try:
            self._answer.append(environment_report(qgis_version=Qgis.QGIS_VERSION))
        except Exception as exc:  # noqa: BLE001 - shown, never raised into Qt
            self._answer.append(exc)

    def _check_probe(self) -> None:
        if self._probe is None or self._probe.is_alive():
            return
        self._poll.stop()
        self._probe = None
        answer = self._answer[0] if self._answer else RuntimeError("no answer")
        if isinstance(answer, Exception):
            self.summary.setText(self.tr("The environment could not be checked: {error}").format(error=answer))
            self.refresh_button.setEnabled(True)
            return
        self._show(answer)

    def report_ready(self) -> bool:
        """Whether the table shows a finished report (no check running)."""
        return bool(self.report) and self._probe is None

    def wait_for_report(self, timeout_s: float = 300.0) -> bool:
        """Block until the running check has answered and its report is shown (tests, scripts)."""
        if self._probe is not None:
            self._probe.join(timeout_s)
            self._check_probe()
        return self.report_ready()

    def _show(self, report: dict) -> None:
        self.report = report
        self.copy_text = json.dumps(report, indent=2)
        if self.gpu is None:
            cuda_seen = bool(report["gpu"]["torch"] or report["gpu"]["onnxruntime"])
            self.gpu = dependencies.detect_gpu(cuda_seen=cuda_seen)
        try:
            from ..environment.native_libraries import check, separate_process_needed

            native = check()
            native["separate_process"] = separate_process_needed()
        except Exception as exc:  # noqa: BLE001
            native = {"shapely": False, "details": {"check": f"{type(exc).__name__}: {exc}"}}
        rows = report_rows(report, self.folder, self.gpu, native)
        self.table.setRowCount(len(rows))
        for i, (label, text, status) in enumerate(rows):
            for j, value in enumerate((label, text)):
                item = QTableWidgetItem(value)
                item.setBackground(QBrush(QColor(COLOURS[status])))
                item.setData(STATUS_ROLE, status)
                item.setToolTip(text)
                self.table.setItem(i, j, item)
        self.browser.setHtml(render_html(report))
        missing, training = report["missing_detection"], report["missing_training"]
        colour = COLOURS[BAD if missing else OK]
        self.summary.setText(
            f'<div style="background:{colour};padding:4px;">{translated(report["conclusion"])}'
            + (f"<br><b>{self.tr('Missing for detection')}: {', '.join(missing)}</b>" if missing else "")
            + (f"<br>{self.tr('Not installed, needed for training only')}: {', '.join(training)}" if training
               else "") + "</div>")
        if not self._set_chosen:  # first report: the training set once any of its own packages is there
            training_only = set(dependencies.PACKAGE_SETS["training"]) - set(dependencies.PACKAGE_SETS["detection"])
            has_training = any(report["packages"][m]["ok"] for m in training_only if m in report["packages"])
            self.package_set.setCurrentIndex(self.package_set.findData("training" if has_training else "detection"))
            self._set_chosen = True
        self._update_buttons()

    def chosen_set(self) -> str:
        return self.package_set.currentData() or "detection"

    def flavour(self) -> str:
        return dependencies.choose_flavour(self.gpu)

    def plan(self, repair: bool = False) -> dependencies.InstallPlan:
        missing = dependencies.missing_in_set(self.report["missing"], self.chosen_set())
        return dependencies.plan_install(missing, self.folder, self.flavour(), repair=repair, pip_args=self.pip_args)

    def _update_buttons(self) -> None:
        busy = self.task is not None
        plan = self.plan()
        repair = self.plan(repair=True)
        self.plan_label.setText(plan.describe() if not plan.empty else self.tr(
            "Every package of the set '{set}' is installed. Packages installed by the plugin go to {folder}."
        ).format(set=self.tr(dependencies.SET_LABELS[self.chosen_set()]), folder=self.folder))
        self.install_button.setEnabled(not busy and not plan.empty)
        self.repair_button.setEnabled(not busy and not repair.empty)
        self.uninstall_button.setEnabled(not busy and self.folder.exists())
        self.refresh_button.setEnabled(not busy)

    # --- actions ----------------------------------------------------------------------------------------
    def start_install(self, repair: bool = False, plan: dependencies.InstallPlan | None = None):
        """Start pip as a QgsTask (returns the task, or None when there is nothing to do)."""
        plan = plan or self.plan(repair=repair)
        if plan.empty:
            self._append(self.tr("Nothing to install."))
            return None
        from .dependency_task import DependencyTask

        title = self.tr("Landslide Mapper: repairing Python packages") if repair else self.tr(
            "Landslide Mapper: installing Python packages")
        self._append(plan.describe())
        return self._start(DependencyTask(title, plan=plan))

    def confirm_uninstall(self) -> None:
        answer = QMessageBox.question(
            self, self.tr("Uninstall"),
            self.tr("Delete {folder} and every package the plugin installed there?").format(folder=self.folder))
        if answer == QMessageBox.StandardButton.Yes:
            self.start_uninstall()

    def start_uninstall(self):
        from .dependency_task import DependencyTask

        return self._start(DependencyTask(self.tr("Landslide Mapper: removing Python packages"),
                                          uninstall_folder=self.folder))

    def _start(self, task):
        self.task = task  # keep a Python reference while the task manager runs it
        self.last_result = None
        task.lineReceived.connect(self._append)
        task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        task.done.connect(self._finished)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.tabs.setCurrentIndex(self.log_tab)
        self._update_buttons()
        QgsApplication.taskManager().addTask(task)
        return task

    def _finished(self, ok: bool, message: str) -> None:
        self.task = None
        self.last_result = (ok, message)
        self.progress.setValue(100 if ok else self.progress.value())
        self._append(("OK: " if ok else "FAILED: ") + message)
        self.refresh()
        self.tabs.setCurrentIndex(self.log_tab if not ok else 0)

    def _append(self, line: str) -> None:
        self.log.appendPlainText(line)

    def copy_to_clipboard(self) -> None:
        QApplication.clipboard().setText(self.copy_text)

    def cancel_task(self) -> None:
        """Cancel a running install/uninstall (pip is stopped; used when the plugin unloads)."""
        if self.task is not None:
            self.task.cancel()
