"""User-facing errors and messages shared by the core, the command line and the QGIS algorithms.

Every error a user can cause (bad input, bad model file, cancel) is a :class:`LandslideMapperError` whose
message is one sentence a geologist can act on, a :class:`Message`. The CLI prints it as one line and exits
non-zero; the QGIS algorithms re-raise it as ``QgsProcessingException`` with the same sentence in the user's
language (``processing/algorithms/qgis_compat.translated``).
"""

from __future__ import annotations

import string


class LandslideMapperError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(LandslideMapperError):
    """A raster, band list, layer or parameter that cannot be used."""


class ModelFileError(LandslideMapperError):
    """A model file that is missing, corrupt, unsafe (pickled code) or of an unknown architecture."""


class MissingDependencyError(LandslideMapperError):
    """An optional Python package (torch, onnxruntime, ...) is not installed."""


class CancelledError(LandslideMapperError):
    """The user cancelled the run; no output was written."""


def message_of(exc: BaseException) -> str:
    """An error's sentence: its Message (translatable) when it was raised with one, else its text."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return exc.args[0]
    return str(exc)


def user_message(exc: BaseException) -> str | None:
    """One sentence for a failure that comes from the machine or a file rather than from this program: a full disk,
    a file or folder without permission, a damaged or truncated raster or vector file that GDAL cannot read; None
    for anything else (a bug: the caller shows its type and first line, the traceback goes to the debug log)."""
    if isinstance(exc, LandslideMapperError):
        return message_of(exc)
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    errno = getattr(exc, "errno", None)
    if errno == 28 or "no space left" in text.lower() or "disk is full" in text.lower():
        return Message("no space left on the disk: nothing was written; free some space and run again")
    if errno in (1, 13) or "permission denied" in text.lower():
        where = getattr(exc, "filename", None)
        if where:
            return Message("permission denied on {where}: nothing was written ({first})", where=where, first=first)
        return Message("permission denied: nothing was written ({first})", first=first)
    module = type(exc).__module__ or ""
    if module.startswith(("rasterio", "fiona", "pyogrio")) or isinstance(exc, OSError):
        cause = exc.__cause__ or exc.__context__
        if "see previous exception" in first.lower() and cause is not None and str(cause).strip():
            first = str(cause).strip().splitlines()[0]  # rasterio's "Read failed": GDAL's message names the file
        return Message("a file could not be read or written (damaged, truncated, or not a supported format): {first}",
                       first=first)
    return None


class Message(str):
    """A sentence for the user that keeps its English template and values.

    It *is* the English text (a ``str``: the CLI prints it, logs and tests read it as they always did), and it
    carries what the QGIS glue needs to show it in the user's language: ``template`` (the ``str.format`` pattern,
    found in ``i18n/*.ts`` by ``scripts/i18n.py`` like the glue's ``tr()`` strings) and ``values``, each already
    formatted as the English text shows it (a nested Message stays one, so it is translated too)::

        raise InputError(Message("the DEM {name} does not overlap the image", name=path.name))

    Field names are plain identifiers; a translation may reorder them but not change them.
    """

    template: str
    values: dict

    def __new__(cls, template: str, **values) -> Message:
        shown: dict = {}
        parts = []
        for literal, field, spec, conversion in _FORMATTER.parse(template):
            parts.append(literal)
            if field is None:
                continue
            value = values[field]
            if isinstance(value, Message) and not spec and conversion in (None, "s"):
                text = value
            else:
                text = format(_FORMATTER.convert_field(value, conversion), spec)
            shown[field] = text
            parts.append(str(text))
        self = super().__new__(cls, "".join(parts))
        self.template = template
        self.values = shown
        return self

    def __reduce__(self):  # pickled (a Dask worker's error): rebuilt as a Message, not as the plain str
        return (_restore, (str(self), self.template, self.values))

    @staticmethod
    def to_json(value):
        """``value`` (a dict, list, ... holding Messages: a task's result, a log line) ready for ``json.dumps``,
        each Message as ``{"message": template, "text": ..., "values": ...}``; :meth:`from_json` rebuilds them. The
        worker process's JSON lines (``worker.py``) carry the Messages so the QGIS glue can translate them."""
        if isinstance(value, Message):
            return {"message": value.template, "text": str(value),
                    "values": {k: Message.to_json(v) for k, v in value.values.items()}}
        if isinstance(value, dict):
            return {k: Message.to_json(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [Message.to_json(v) for v in value]
        return value

    @staticmethod
    def from_json(value):
        """The inverse of :meth:`to_json`."""
        if isinstance(value, dict):
            if set(value) == {"message", "text", "values"} and isinstance(value["values"], dict):
                return _restore(value["text"], value["message"],
                                {k: Message.from_json(v) for k, v in value["values"].items()})
            return {k: Message.from_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [Message.from_json(v) for v in value]
        return value

    def render(self, translate) -> str:
        """The sentence with ``translate(template)`` as its pattern (the nested Messages rendered the same way);
        the English text when the translation does not fit the values (a field it does not know)."""
        pattern = translate(self.template)
        if pattern == self.template and not any(isinstance(v, Message) for v in self.values.values()):
            return str(self)
        try:
            parts = []
            for literal, field, _spec, _conversion in _FORMATTER.parse(pattern):
                parts.append(literal)
                if field is not None:  # the value as the English text formatted it (its spec applied once)
                    value = self.values[field]
                    parts.append(value.render(translate) if isinstance(value, Message) else str(value))
            return "".join(parts)
        except (KeyError, ValueError):
            return str(self)


def _restore(text: str, template: str, values: dict) -> Message:
    self = str.__new__(Message, text)
    self.template = template
    self.values = values
    return self


_FORMATTER = string.Formatter()
