"""Reading the text files editors write: articles, sidecars, the settings, the registries,
the edition files. One reader for all of them, so a file saved as GBK (what Chinese Windows
editors write by default) gets the same message wherever it is: where the first byte that is
not UTF-8 sits, and what to do, never Python's codec error."""

from __future__ import annotations

from pathlib import Path

from . import yamlfile
from .i18n import N_
from .problems import Problem, error


def decode(raw: bytes, source: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a BOM is fine), or an error that names the encoding problem."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = N_("the file is not UTF-8 text (it looks like GBK/GB18030; save it as UTF-8)")
        except UnicodeDecodeError:
            hint = N_("the file is not UTF-8 text (save it as UTF-8)")
        return None, error(source, line, hint)


def read(path: Path, source: str) -> tuple[str | None, Problem | None]:
    """The file's text, or the one error that says why it cannot be had."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, error(source, 0, "cannot read: {reason}", reason=exc.strerror or exc)
    return decode(raw, source)


def read_yaml(path: Path, source: str) -> tuple[yamlfile.YamlDoc | None, Problem | None]:
    """The file as YAML (see yamlfile.load), or the one error that says why it cannot be had."""
    text, problem = read(path, source)
    if text is None:
        return None, problem
    try:
        return yamlfile.load(text), None
    except yamlfile.YamlError as exc:
        return None, error(source, exc.line, exc.template, **exc.params)
