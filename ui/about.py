"""The About page: what the plugin is, its version, and the bundled model files (the model card)."""

from __future__ import annotations

import configparser
import html
from pathlib import Path

from landslide_mapper.processing.environment import model_files

PLUGIN_DIR = Path(__file__).resolve().parents[1]


def read_metadata(path: Path | None = None) -> dict[str, str]:
    """The ``[general]`` section of ``metadata.txt`` as a dict."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path or PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return dict(parser["general"]) if parser.has_section("general") else {}


def about_html() -> str:
    """HTML for the About / model card dialog."""
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
        f"<h3>Model card: bundled model files</h3>{model_part}"
        f'<p>Home page: <a href="{home}">{home}</a><br>Licence: GPL-2.0-or-later</p>'
    )
