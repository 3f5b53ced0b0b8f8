"""Letter wording as data: `resources/letters/{kind}.{lang}.json`, named fields with placeholders.

`common.{lang}.json` holds what every letter says; a partly approved letter also takes the
sections of the approved and denied files. A district may override any field by putting a
file of the same name in its own templates folder (for the items CONTENT.md marks *verify*).
"""

from __future__ import annotations

import json
import string
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from mocap_desktop.letters.model import KINDS, LANGUAGES, LetterDataError
from mocap_desktop.resources import resource_path

_LAYERS = {"partially_approved": ("approved", "denied", "partially_approved")}


def wording_dir() -> Path:
    return resource_path("letters")


def _read(folder: Path, name: str) -> dict:
    path = folder / name
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LetterDataError(f"The letter wording file {path} cannot be read: {exc}") from exc
    return {k: v for k, v in data.items() if not k.startswith("_")}


class Wording:
    """The named fields of one kind in one language; `text()` fills placeholders."""

    def __init__(self, kind: str, language: str, fields: dict):
        self.kind = kind
        self.language = language
        self.fields = fields

    def __contains__(self, key: str) -> bool:
        return key in self.fields

    def raw(self, key: str):
        try:
            return self.fields[key]
        except KeyError:
            raise LetterDataError(
                f"The {self.language} wording of the {self.kind} letter has no field {key!r}.") from None

    def text(self, key: str, values: dict[str, str] | None = None, **more: str) -> str:
        """The field with placeholders filled. Values must already be escaped (see `escape_values`)."""
        template = self.raw(key)
        merged = {**(values or {}), **more}
        try:
            return template.format_map(merged)
        except KeyError as exc:
            raise LetterDataError(
                f"The {self.language} wording field {key!r} of the {self.kind} letter uses "
                f"{{{exc.args[0]}}}, which letters do not provide.") from None


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def escape_values(values: dict[str, object]) -> dict[str, str]:
    """Values made safe for ReportLab's paragraph markup (names like `O'Brien & Sons`)."""
    return {k: escape(str(v)) for k, v in values.items()}


@lru_cache(maxsize=64)
def _load(kind: str, language: str, override: str) -> Wording:
    base = wording_dir()
    fields = _read(base, f"common.{language}.json")
    if not fields:
        raise LetterDataError(f"The wording file common.{language}.json is missing from {base}.")
    for layer in _LAYERS.get(kind, (kind,)):
        part = _read(base, f"{layer}.{language}.json")
        if not part:
            raise LetterDataError(f"The wording file {layer}.{language}.json is missing from {base}.")
        fields.update(part)
    if override:
        for layer in ("common", *_LAYERS.get(kind, (kind,))):
            fields.update(_read(Path(override), f"{layer}.{language}.json"))
    return Wording(kind, language, fields)


def load_wording(kind: str, language: str, override_dir: Path | None = None) -> Wording:
    if kind not in KINDS:
        raise LetterDataError(f"Unknown letter kind {kind!r}: use one of {', '.join(KINDS)}.")
    if language not in LANGUAGES:
        raise LetterDataError(f"Unsupported letter language {language!r}: use en or es.")
    return _load(kind, language, str(override_dir) if override_dir else "")
