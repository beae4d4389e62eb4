"""The About page: what the plugin is, its version, and the bundled model files (the model card)."""

from __future__ import annotations

import configparser
import html
from pathlib import Path

from landslide_mapper.environment.report import model_files

from ..processing.algorithms.qgis_compat import tr, tr_noop

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def read_metadata(path: Path | None = None) -> dict[str, str]:
    """The ``[general]`` section of ``metadata.txt`` as a dict."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path or PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return dict(parser["general"]) if parser.has_section("general") else {}


DEFAULT_MODEL_NAME = "landslide_mapper_default.onnx"


def bundled_model_path() -> Path:
    """The bundled default model (``detection/pipeline.py:default_model_path``; the same path without
    importing the pipeline when its packages are missing)."""
    try:
        from ..detection.pipeline import default_model_path

        return default_model_path()
    except ImportError:
        return PLUGIN_DIR / "resources" / "models" / DEFAULT_MODEL_NAME


def load_card(path: Path | None = None):
    """``(card, error)`` for a model file (default: the bundled model): the card, or None and why not.
    Imports the model code lazily (it needs PyTorch); never raises."""
    path = Path(path) if path else bundled_model_path()
    if not path.is_file():
        return None, tr("The bundled model is not installed in this version of the plugin (expected {name}).").format(
            name=path.name)
    try:
        from ..model.checkpoint import read_card

        return read_card(path), None
    except ImportError as exc:
        return None, tr("The model card of {name} cannot be read: a Python package is missing ({error}). Open "
                        "Raster > Landslide Mapper > Environment and GPU… to install it.").format(name=path.name,
                                                                                               error=exc)
    except Exception as exc:  # noqa: BLE001 - a damaged file: show why
        return None, tr("The model card of {name} cannot be read: {error}").format(name=path.name, error=exc)


#: the architecture fields that mean something for each network (the rest of a config are unused defaults)
ARCH_FIELDS = {
    "unet": ("unet_encoder", "unet_channels", "unet_decoder_channels", "fusion", "dem_channels"),
    "fca_deeplab": ("backbone", "fusion", "dem_channels", "fusion_rgb_channels", "fusion_dem_channels",
                    "output_stride", "aspp_channels", "decoder", "decoder_channels", "low_level_channels",
                    "dropout_fusion", "dropout_classifier", "small_object"),
    "threshold": ("probe_channel", "probe_level", "probe_gain", "dem_channels"),
}
#: every field some network uses; a field outside all of these (a newer config) is shown rather than hidden
_KNOWN_FIELDS = {"arch"} | {name for names in ARCH_FIELDS.values() for name in names}
#: metric columns of the card's metrics table: (key, heading, format)
METRIC_COLUMNS = (("precision", tr_noop("Precision"), "{:.3f}"), ("recall", tr_noop("Recall"), "{:.3f}"),
                  ("f1", "F1", "{:.3f}"), ("iou", tr_noop("IoU"), "{:.3f}"), ("miou", tr_noop("mIoU"), "{:.3f}"),
                  ("accuracy", tr_noop("Accuracy"), "{:.3f}"),
                  ("small_object_recall", tr_noop("Small-object recall"), "{:.3f}"),
                  ("threshold", tr_noop("Threshold"), "{:g}"), ("chips", tr_noop("Chips"), "{}"))
#: the training recipe's fields shown, with their labels
RECIPE_FIELDS = (("arch", tr_noop("Configuration")), ("epochs", tr_noop("Maximum epochs")),
                 ("batch_size", tr_noop("Batch size")), ("lr", tr_noop("Learning rate")),
                 ("weight_decay", tr_noop("Weight decay")), ("crop", tr_noop("Training crops (px)")),
                 ("time_budget_s", tr_noop("Time budget (s)")), ("scaling", tr_noop("Optical scaling")),
                 ("seed", tr_noop("Seed")), ("encoder_weights", tr_noop("Encoder weights")))

_TH = '<th style="text-align:left;padding:2px 8px;vertical-align:top;">{}</th>'
_TD = '<td style="padding:2px 8px;">{}</td>'


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _table(rows) -> str:
    """Two-column HTML table of (label, value) rows; values are escaped plain text."""
    body = "".join("<tr>" + _TH.format(html.escape(str(k))) + _TD.format(html.escape(_text(v))) + "</tr>"
                   for k, v in rows if v not in (None, "", [], {}))
    return f"<table>{body}</table>"


def architecture_rows(architecture: dict) -> list[tuple[str, object]]:
    """The fields of a network's config that apply to it (``ARCH_FIELDS``), plus any field unknown here."""
    arch = architecture.get("arch", "?")
    wanted = ARCH_FIELDS.get(arch, tuple(k for k in architecture if k != "arch"))
    rows = [(tr("Network"), arch)]
    rows += [(k.replace("_", " "), architecture[k]) for k in wanted if k in architecture]
    if arch == "unet" and architecture.get("unet_encoder", "plain") != "plain":
        rows = [r for r in rows if r[0] != "unet channels"]  # the timm encoder sets its own widths
    rows += [(k.replace("_", " "), v) for k, v in architecture.items() if k not in _KNOWN_FIELDS]
    return rows


def metrics_table(metrics: dict) -> str:
    """One row per evaluated split (test county, validation county...), the usual segmentation metrics."""
    splits = [(name, m) for name, m in metrics.items() if isinstance(m, dict) and "iou" in m]
    if not splits:
        return "<p>" + tr("No evaluation recorded.") + "</p>"
    present = [c for c in METRIC_COLUMNS if any(c[0] in m for _, m in splits)]
    head = "<tr><th></th>" + "".join(_TH.format(html.escape(tr(h))) for _, h, _ in present) + "</tr>"
    rows = ""
    for name, m in splits:
        label = name.replace("_", " ")
        regions = ", ".join(m.get("regions", []))
        if regions and regions not in label:
            label += f" ({regions})"
        cells = "".join(_TD.format(html.escape(fmt.format(m[k])) if k in m else "") for k, _, fmt in present)
        rows += "<tr>" + _TH.format(html.escape(label)) + cells + "</tr>"
    return f"<table>{head}{rows}</table>"


def training_rows(training: dict) -> list[tuple[str, object]]:
    recipe = training.get("recipe", {}) if isinstance(training.get("recipe"), dict) else {}
    rows: list[tuple[str, object]] = [(tr("Data"), training.get("data"))]
    regions = training.get("regions")
    if isinstance(regions, dict):
        rows.append((tr("Regions"), "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in regions.items())))
    chips = training.get("chips")
    if isinstance(chips, dict):
        rows.append((tr("Chips"), ", ".join(f"{k} {v}" for k, v in chips.items())))
    if "epochs_run" in training:
        rows.append((tr("Epochs run (best)"), f"{training['epochs_run']} ({training.get('best_epoch', '?')})"))
    rows += [(tr(label), recipe[key]) for key, label in RECIPE_FIELDS if key in recipe]
    rows.append((tr("Script"), training.get("script")))
    return rows


def card_html(card, model_path: Path | None = None) -> str:
    """The model card as readable HTML: the model, its inputs, its training and its scores as tables."""
    esc = html.escape
    d = card.to_dict()
    scaling = d["optical_scaling"]
    inputs = [
        (tr("Optical bands (R, G, B)"), ", ".join(d["bands"])),
        (tr("Optical scaling"), scaling.get("method") if isinstance(scaling, dict) else scaling),
        (tr("Standardisation mean / std"), f"{_text(d['mean'])} / {_text(d['std'])}"),
        (tr("DEM channels"), ", ".join(c.get("name", "?") for c in d["dem_channels"])
         or tr("none: the model uses the image only (a DEM adds slope and elevation to each landslide)")),
        (tr("Training resolution"), tr("{res:g} m per pixel").format(res=d["resolution_m"])),
        (tr("Tile size / overlap"), tr("{tile} / {overlap} pixels").format(tile=d["tile_size"],
                                                                          overlap=d["overlap"])),
        (tr("Threshold"), d["threshold"]),
        (tr("Classes"), ", ".join(d["class_names"])),
    ]
    where = f"<p>{tr('File')}: <tt>{esc(str(model_path))}</tt></p>" if model_path else ""
    return (
        _table([(tr("Name"), d["name"]), (tr("Version"), d["version"]), (tr("Description"), d["description"])])
        + f"<h4>{tr('Network')}</h4>" + _table(architecture_rows(d["architecture"]))
        + f"<h4>{tr('Inputs')}</h4>" + _table(inputs)
        + f"<h4>{tr('Scores')}</h4>" + metrics_table(d["metrics"])
        + f"<h4>{tr('Training')}</h4>" + (_table(training_rows(d["training"])) if d["training"] else "<p>-</p>")
        + f"<h4>{tr('Limitations')}</h4>" + f"<p>{esc(d['limitations'] or '-')}</p>"
        + where
    )


def about_html(card=None, card_error: str | None = None, model_path: Path | None = None) -> str:
    """HTML for the About / model card dialog (``card``: the bundled model's card, see :func:`load_card`)."""
    meta = read_metadata()
    esc = html.escape
    about = " ".join(meta.get("about", "").split())
    models = model_files()
    if models:
        model_rows = "".join(
            f"<tr><td>{esc(m['name'])}</td><td>{m['size_bytes']} {tr('bytes')}</td>"
            f"<td><tt>{esc(str(m['sha256']))}</tt></td></tr>"
            for m in models
        )
        model_part = (f"<table><tr><th>{tr('File')}</th><th>{tr('Size')}</th><th>SHA-256</th></tr>{model_rows}"
                      "</table>")
    else:
        model_part = "<p>" + tr("No model files are bundled with this version.") + "</p>"
    home = esc(meta.get("homepage", ""))
    return (
        f"<h2>{esc(meta.get('name', 'Landslide Mapper'))} {esc(meta.get('version', ''))}</h2>"
        f"<p>{esc(meta.get('description', ''))}</p><p>{esc(about)}</p>"
        + "<h3>" + tr("The bundled model") + "</h3>"
        + (card_html(card, model_path) if card is not None else f"<p>{esc(card_error or tr('No model card.'))}</p>")
        + "<h3>" + tr("Bundled model files") + f"</h3>{model_part}"
        + f'<p>{tr("Home page")}: <a href="{home}">{home}</a><br>{tr("Licence")}: GPL-2.0-or-later</p>'
    )
