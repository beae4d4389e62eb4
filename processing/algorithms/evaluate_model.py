"""Processing algorithm ``landslide_mapper:evaluate_model``: a thin adapter over
``landslide_mapper.training.train.evaluate_model`` and ``metrics_markdown``.

The metrics are computed by the core (inside the QGIS programs on Linux in a separate Python process; see
``core_tasks.run_core_task``) and written here as JSON plus a Markdown report beside it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .base import LandslideMapperAlgorithm
from .core_tasks import chip_folder, region_list, run_core_task
from .parameters import optional_double, tta_choices
from .qgis_compat import FILE_BEHAVIOR_FILE, FILE_BEHAVIOR_FOLDER, NUMBER_DOUBLE, NUMBER_INTEGER, PARAMETER_ADVANCED

#: the chip splits (static strings: the value is the name, as in ``evaluate_model(split=...)``)
SPLITS = ["test", "val", "train", "all"]


def _write_text(path: Path, text: str) -> None:
    """Write a text file atomically (a temporary file beside it, renamed into place)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class EvaluateModelAlgorithm(LandslideMapperAlgorithm):
    """Precision, accuracy, recall, F1, IoU, mIoU and object recall of a model on a chip folder."""

    NAME = "evaluate_model"
    DISPLAY_NAME = "Evaluate a landslide model"
    GROUP = "Training"
    GROUP_ID = "training"
    TAGS = "landslide,evaluation,accuracy,iou,f1,precision,recall,metrics,model"

    MODEL = "MODEL"
    DATA = "DATA"
    SPLIT = "SPLIT"
    VAL_REGIONS = "VAL_REGIONS"
    TEST_REGIONS = "TEST_REGIONS"
    THRESHOLD = "THRESHOLD"
    TTA = "TTA"
    SEED = "SEED"
    OUTPUT = "OUTPUT"
    # outputs
    REPORT = "REPORT"
    IOU = "IOU"
    F1 = "F1"

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr("Measures how well a model finds the landslides of a chip folder (IoU, F1, ...).")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "<p>Runs a model on the chips of one split of a chip folder and compares its landslide masks with "
            "the mapped ones, pixel by pixel and landslide by landslide.</p>"
            "<h3>Inputs</h3>"
            "<p><b>Model file</b>: .onnx, .safetensors or .pt (e.g. the MODEL output of 'Train a landslide "
            "model'); the chips are prepared as its model card says. <b>Chip folder</b>: images/, masks/ and, "
            "for models that use a DEM, dems/ (the output of 'Prepare training chips').</p>"
            "<p><b>Split</b> (default test): the chips of the test, validation or training regions, or all "
            "chips. The regions are split exactly as in training: give the same <b>validation regions</b> and "
            "<b>test regions</b> (comma-separated) and the same <b>seed</b> (default 0) as for training to "
            "evaluate on the regions the model never saw. <b>Probability threshold</b> (0-1; empty = the "
            "model's own, chosen on its validation data). <b>Test-time augmentation</b>: infer each chip also as "
            "its mirror images (Flips) or in all 8 rotations and mirrors, and average, as the detection algorithm "
            "can; empty "
            "threshold = the model's for that choice.</p>"
            "<h3>Outputs</h3>"
            "<p><b>Metrics (JSON)</b>: precision, accuracy, recall, F1 and IoU of the landslide class (the "
            "paper's Eqs. 2-6), iou_background, miou (the mean of the landslide and background IoU - not the "
            "landslide IoU), small_object_recall (share of mapped landslides smaller than 50 x 50 pixels that "
            "the model finds) and large_object_recall (the larger ones), the object counts, the number of chips "
            "and pixels, the threshold and the regions evaluated; all ratios 0-1. A Markdown report with the "
            "same figures is written beside it (same name, .md). <b>IOU</b> and <b>F1</b>: the landslide IoU "
            "and F1, for the graphical modeler.</p>"
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.MODEL,
                self.tr("Model file"),
                behavior=FILE_BEHAVIOR_FILE,
                fileFilter=self.tr("Landslide Mapper models (*.onnx *.safetensors *.pt *.pth);;All files (*.*)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(self.DATA, self.tr("Chip folder (images/, masks/, optional dems/)"),
                                       behavior=FILE_BEHAVIOR_FOLDER)
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.SPLIT, self.tr("Split"), SPLITS, defaultValue="test",
                                       usesStaticStrings=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.VAL_REGIONS, self.tr("Validation regions (comma-separated)"),
                                         optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.TEST_REGIONS, self.tr("Test regions (comma-separated)"),
                                         optional=True)
        )
        threshold = QgsProcessingParameterNumber(
            self.THRESHOLD, self.tr("Probability threshold 0-1 (empty = the model's)"), NUMBER_DOUBLE,
            optional=True, minValue=0.0, maxValue=1.0,
        )
        threshold.setMetadata({"widget_wrapper": {"decimals": 2}})
        self.addParameter(threshold)
        self.addParameter(QgsProcessingParameterEnum(
            self.TTA, self.tr("Test-time augmentation (as in detection)"),
            [self.tr(label) for label, _ in tta_choices()],
            defaultValue=0))
        seed = QgsProcessingParameterNumber(self.SEED, self.tr("Seed of the split (as in training)"),
                                            NUMBER_INTEGER, defaultValue=0, minValue=0)
        seed.setFlags(seed.flags() | PARAMETER_ADVANCED)
        self.addParameter(seed)
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Metrics (JSON)"),
                                                  self.tr("JSON files (*.json)"))
        )
        self.addOutput(QgsProcessingOutputFile(self.REPORT, self.tr("Report (Markdown)")))
        self.addOutput(QgsProcessingOutputNumber(self.IOU, self.tr("IoU (landslide)")))
        self.addOutput(QgsProcessingOutputNumber(self.F1, self.tr("F1 (landslide)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        model = self.parameterAsFile(parameters, self.MODEL, context)
        if not model or not os.path.isfile(model):
            raise QgsProcessingException(self.tr("The model file {path} does not exist.").format(
                path=model or self.tr("(none given)")))
        data = chip_folder(self, parameters, self.DATA, context)
        split = self.parameterAsEnumString(parameters, self.SPLIT, context) or "test"
        if split not in SPLITS:
            raise QgsProcessingException(self.tr("Unknown split '{split}'; choose one of {known}").format(
                split=split, known=", ".join(SPLITS)))
        target = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if target.suffix.lower() != ".json":
            raise QgsProcessingException(
                self.tr("The metrics file must be a .json file, got {name}").format(name=target.name))
        report = target.with_suffix(".md")
        threshold = optional_double(self, parameters, self.THRESHOLD, context)
        feedback.pushInfo(self.tr("Evaluating {model} on the {split} split of {data}").format(
            model=Path(model).name, split=split, data=data))
        feedback.setProgress(5)
        out = run_core_task(
            "evaluate", feedback, model_path=model, data=data, split=split,
            seed=self.parameterAsInt(parameters, self.SEED, context),
            val_regions=region_list(self, parameters, self.VAL_REGIONS, context),
            test_regions=region_list(self, parameters, self.TEST_REGIONS, context),
            threshold=threshold, engine="auto",
            tta=tta_choices()[self.parameterAsEnum(parameters, self.TTA, context)][1],
        )
        if out is None:  # cancelled (run_core_task said so)
            return {}
        metrics, markdown = out["metrics"], out["markdown"]
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_text(target, json.dumps(metrics, indent=2))
        _write_text(report, markdown)
        for line in markdown.splitlines():
            if line.strip():
                feedback.pushInfo(line)
        feedback.setProgress(100)
        return {self.OUTPUT: str(target), self.REPORT: str(report), self.IOU: float(metrics["iou"]),
                self.F1: float(metrics["f1"])}
