"""The About page: what the plugin is, its version, and the bundled model files (the model card)."""

from __future__ import annotations

import configparser
import html
import json
from pathlib import Path

from landslide_mapper.processing.environment import model_files

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def read_metadata(path: Path | None = None) -> dict[str, str]:
    """The ``[general]`` section of ``metadata.txt`` as a dict."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path or PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return dict(parser["general"]) if parser.has_section("general") else {}


DEFAULT_MODEL_NAME = "landslide_mapper_default.onnx"


def bundled_model_path() -> Path:
    """The bundled default model (``processing/pipeline.py:default_model_path``; the same path without
    importing the pipeline when its packages are missing)."""
    try:
        from ..processing.pipeline import default_model_path

        return default_model_path()
    except ImportError:
        return PLUGIN_DIR / "resources" / "models" / DEFAULT_MODEL_NAME


def load_card(path: Path | None = None):
    """``(card, error)`` for a model file (default: the bundled model): the card, or None and why not.
    Imports the model code lazily (it needs PyTorch); never raises."""
    path = Path(path) if path else bundled_model_path()
    if not path.is_file():
        return None, f"The bundled model is not installed in this version of the plugin (expected {path.name})."
    try:
        from ..model.checkpoint import read_card

        return read_card(path), None
    except ImportError as exc:
        return None, (f"The model card of {path.name} cannot be read: a Python package is missing ({exc}). "
                      "Open Raster > Landslide Mapper > Environment and GPU… to install it.")
    except Exception as exc:  # noqa: BLE001 - a damaged file: show why
        return None, f"The model card of {path.name} cannot be read: {exc}"


def _card_value(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def card_html(card, model_path: Path | None = None) -> str:
    """The model card as an HTML table (the fields of ``model/card.py``)."""
    esc = html.escape
    d = card.to_dict()
    first = [
        ("Name", d["name"]),
        ("Version", d["version"]),
        ("Description", d["description"]),
        ("Architecture", d["architecture"].get("arch", "?")),
        ("Optical bands (R, G, B)", ", ".join(d["bands"])),
        ("Optical scaling", d["optical_scaling"]),
        ("Standardisation mean / std", f"{d['mean']} / {d['std']}"),
        ("DEM channels", ", ".join(c.get("name", "?") for c in d["dem_channels"]) or "none (no DEM needed)"),
        ("Training resolution", f"{d['resolution_m']:g} m per pixel"),
        ("Tile size / overlap", f"{d['tile_size']} / {d['overlap']} pixels"),
        ("Threshold", d["threshold"]),
        ("Classes", ", ".join(d["class_names"])),
        ("Training", d["training"] or "-"),
        ("Metrics", d["metrics"] or "-"),
        ("Limitations", d["limitations"] or "-"),
        ("Full architecture", d["architecture"]),
    ]
    rows = "".join(
        f'<tr><th style="text-align:left;padding:2px 8px;">{esc(k)}</th><td>{esc(_card_value(v))}</td></tr>'
        for k, v in first
    )
    where = f"<p>File: <tt>{esc(str(model_path))}</tt></p>" if model_path else ""
    return f"<table>{rows}</table>{where}"


def about_html(card=None, card_error: str | None = None, model_path: Path | None = None) -> str:
    """HTML for the About / model card dialog (``card``: the bundled model's card, see :func:`load_card`)."""
    meta = read_metadata()
    esc = html.escape
    about = " ".join(meta.get("about", "").split())
    models = model_files()
    if models:
        model_rows = "".join(
            f"<tr><td>{esc(m['name'])}</td><td>{m['size_bytes']} bytes</td>"
            f"<td><tt>{esc(str(m['sha256']))}</tt></td></tr>"
            for m in models
        )
        model_part = f"<table><tr><th>File</th><th>Size</th><th>SHA-256</th></tr>{model_rows}</table>"
    else:
        model_part = "<p>No model files are bundled with this version.</p>"
    home = esc(meta.get("homepage", ""))
    return (
        f"<h2>{esc(meta.get('name', 'Landslide Mapper'))} {esc(meta.get('version', ''))}</h2>"
        f"<p>{esc(meta.get('description', ''))}</p><p>{esc(about)}</p>"
        + "<h3>Model card</h3>"
        + (card_html(card, model_path) if card is not None else f"<p>{esc(card_error or 'No model card.')}</p>")
        + f"<h3>Bundled model files</h3>{model_part}"
        f'<p>Home page: <a href="{home}">{home}</a><br>Licence: GPL-2.0-or-later</p>'
    )
