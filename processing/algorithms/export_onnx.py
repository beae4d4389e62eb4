"""Processing algorithm ``landslide_mapper:export_onnx``: a model checkpoint to an ONNX file, model card kept.

A thin adapter over the worker task ``export_onnx`` (``model.checkpoint.load_checkpoint`` and
``model.export.export_onnx``), run like the other heavy algorithms through ``run_core_task``: building the network
imports timm, which must not happen inside the QGIS desktop on Linux (its triton LLVM crashes next to Mesa's).
"""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from .base import LandslideMapperAlgorithm
from .parameters import DOCTOR
from .qgis_compat import FILE_BEHAVIOR_FILE


class ExportOnnxAlgorithm(LandslideMapperAlgorithm):
    """Export a .safetensors / .pt model checkpoint to ONNX, with its model card in the ONNX metadata."""

    NAME = "export_onnx"
    DISPLAY_NAME = "Export model to ONNX"
    GROUP = "Utilities"
    GROUP_ID = "utilities"

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    HALF_WEIGHTS = "HALF_WEIGHTS"
    MODEL_CARD = "MODEL_CARD"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Converts a model checkpoint (.safetensors, .pt) into an ONNX file for ONNX Runtime.")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>Converts a Landslide Mapper model checkpoint into an ONNX file, which the detection algorithm "
            "runs with ONNX Runtime (engine Auto or ONNX Runtime) - often faster on a CPU and without PyTorch "
            "at run time.</p>"
            "<p><b>Model checkpoint</b>: a .safetensors file (as written by training) or a .pt/.pth file holding "
            "a model card and a state dict. Files holding pickled Python objects (a whole model saved with "
            "torch.save(model)) are refused, because loading them could run arbitrary code.</p>"
            "<p><b>ONNX model</b>: the .onnx file to write. It takes one input 'input' [batch, 3 + DEM channels, "
            "height, width] (height and width multiples of 32) and gives one output 'probability' [batch, 1, "
            "height, width] (0-1). The model card (bands, scaling, DEM channels, resolution in m, tile size and "
            "overlap in pixels, threshold, training data, metrics) is stored in the file's metadata, so the "
            "ONNX file is used exactly like the checkpoint; the keys the Deepness plugin reads are written "
            "too.</p>"
            "<p><b>Store weights in half precision</b>: stores the large weight tensors as 16-bit floats, which "
            "halves the file (useful to share a model); the computation still runs in 32-bit floats and the "
            "probabilities change by a few ten-thousandths at most.</p>"
            "<p>Output MODEL_CARD: the model card as JSON text. Needs PyTorch, timm and onnx: if one is "
            "missing, open {doctor}.</p>"
        ).format(doctor=self.tr(DOCTOR))

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                self.tr("Model checkpoint"),
                behavior=FILE_BEHAVIOR_FILE,
                fileFilter=self.tr("Model checkpoints (*.safetensors *.pt *.pth);;All files (*.*)"),
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(
            self.HALF_WEIGHTS, self.tr("Store weights in half precision (half the file size)"), defaultValue=False))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, self.tr("ONNX model"), self.tr("ONNX models (*.onnx)"), defaultValue=None
            )
        )
        self.addOutput(QgsProcessingOutputString(self.MODEL_CARD, self.tr("Model card (JSON)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        source = self.parameterAsFile(parameters, self.INPUT, context)
        target = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        half = self.parameterAsBoolean(parameters, self.HALF_WEIGHTS, context)
        if target.suffix.lower() != ".onnx":
            raise QgsProcessingException(
                self.tr("The ONNX model must be a .onnx file, got {name}").format(name=target.name)
            )
        from .core_tasks import run_core_task  # (the network is built in the worker process where QGIS needs one)

        feedback.setProgress(0)
        feedback.pushInfo(self.tr("Loading {name}").format(name=Path(source).name))
        result = run_core_task("export_onnx", feedback, checkpoint=source, output=str(target), half_weights=half)
        if result is None:  # cancelled
            return {}
        card = result["card"]
        if result["written_card"] != card:
            raise QgsProcessingException(self.tr("The model card was not stored correctly in {name}").format(
                name=target.name))
        feedback.pushInfo(self.tr("Wrote {path} with the model card of '{name}'").format(path=target,
                                                                                        name=card["name"]))
        feedback.setProgress(100)
        return {self.OUTPUT: str(target), self.MODEL_CARD: json.dumps(card, sort_keys=True)}
