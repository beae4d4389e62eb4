"""Processing algorithm ``landslide_mapper:check_environment``: what Landslide Mapper can use here."""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
)

from landslide_mapper.environment.report import environment_report, render_html, summary_lines

from .base import LandslideMapperAlgorithm
from .qgis_compat import translated


class CheckEnvironmentAlgorithm(LandslideMapperAlgorithm):
    """Report Python, QGIS, package versions, ONNX Runtime providers, CUDA devices and bundled model files."""

    NAME = "check_environment"
    DISPLAY_NAME = "Check environment and GPU"
    GROUP = "Utilities"
    GROUP_ID = "utilities"

    OUTPUT = "OUTPUT"
    REPORT = "REPORT"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Reports the Python packages, GPU and model files Landslide Mapper can use here.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Checks what Landslide Mapper can use on this computer and writes a report. Run it first when "
            "detection fails or seems slow.\n\n"
            "The report lists the Python and QGIS versions; the versions of the Python packages the "
            "plugin needs (torch, timm, onnxruntime, rasterio with its GDAL, fiona, shapely, numpy, "
            "safetensors, onnx) and which of them are missing; the ONNX Runtime execution providers "
            "(CUDAExecutionProvider means ONNX Runtime can use an NVIDIA GPU); the CUDA GPUs PyTorch sees "
            "(name and memory); and the model files bundled with the plugin (size and SHA-256 checksum).\n\n"
            "Missing packages are reported, never an error. Install them into the Python that QGIS uses "
            "(see the plugin's README). If no GPU is listed, detection runs on the CPU: the results are "
            "the same, only slower.\n\n"
            "Output: an HTML page (default) or, if the file name ends in .json, the same report as JSON. "
            "The result REPORT always holds the JSON text."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT,
                self.tr("Environment report"),
                self.tr("HTML files (*.html *.htm);;JSON files (*.json)"),
            )
        )
        self.addOutput(QgsProcessingOutputString(self.REPORT, self.tr("Environment report (JSON text)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        feedback.setProgress(0)
        feedback.pushInfo(self.tr("Checking Python packages (importing PyTorch can take a few seconds)..."))
        report = environment_report(qgis_version=Qgis.QGIS_VERSION)
        feedback.setProgress(80)
        for line in summary_lines(report):
            if line.startswith("WARNING:"):  # (the English text decides; the user reads it in their language)
                feedback.reportError(translated(line), False)
            else:
                feedback.pushInfo(translated(line))
        text = json.dumps(report, indent=2)
        if path:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix.lower() == ".json":
                target.write_text(text + "\n", encoding="utf-8")
            else:
                target.write_text(render_html(report), encoding="utf-8")
        feedback.setProgress(100)
        return {self.OUTPUT: path, self.REPORT: text}
