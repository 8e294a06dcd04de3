"""The command line in the editor's language, --help and argparse's own words included.

`--help` and a mistyped option are answered while the options are parsed, so the language
is decided first, from the raw arguments (--lang, else site.yaml's `language` in --root);
then argparse borrows our catalog for its own words ("usage:", "options", "error: …"),
which it looks up through the `_` and `ngettext` of its module each time it needs one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import config, i18n
from .i18n import N_

# argparse's words an editor can meet (Python 3.11-3.13), declared so the catalog holds them.
ARGPARSE = (
    N_("usage: "), N_("options"), N_("positional arguments"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"), N_("expected at least one argument"), N_("expected at most one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"), N_("one of the arguments %s is required"),
)


def language(argv: Sequence[str]) -> str:
    """The language of the messages, from the arguments as typed (before parsing them)."""
    requested = _value(argv, "--lang")
    if requested:
        return i18n.choose(requested, "")
    return i18n.choose(None, config.site_language(Path(_value(argv, "--root") or ".")))


def _value(argv: Sequence[str], option: str) -> str | None:
    """The last value given to `option` (`--opt V` or `--opt=V`), as argparse would keep it."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == option and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith(option + "="):
            found = arg.split("=", 1)[1]
    return found


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's own words in `lang` while parsers are made and used (then its own again)."""
    words = i18n.catalog(lang)
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = words.gettext, words.ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class Formatter(argparse.HelpFormatter):
    """argparse's help, a Chinese heading followed by a Chinese colon ("选项："): argparse
    (3.11, 3.12) writes an ASCII one after any heading."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headings: set[str] = set()

    def start_section(self, heading: str | None) -> None:
        if heading and not heading.isascii():
            self._headings.add(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:
            text = text.replace(f"{heading}:\n", f"{heading}：\n")
        return text


def named(kind: Callable[[str], Any], name: str) -> Callable[[str], Any]:
    """`kind`, called `name` where argparse says a value is not one ("invalid count value: 'x'"):
    the editor's word for it, not the name of a Python function or type."""
    def parse(text: str) -> Any:
        return kind(text)
    parse.__name__ = parse.__qualname__ = name
    return parse
