"""Messages in the archive's language: English text in the code, Chinese from a gettext catalog.

How a message is declared: write it in English with `{named}` placeholders and pass the
values separately, so one catalog entry serves every value —

    error(source, line, "unknown street '{name}'", name=name)     # problems.error / warning
    tr(lang, "checked {articles} articles", articles=n)           # anything else shown
    N_("build failed")                                            # a constant, translated later

`scripts/catalogs.py` extracts those calls with Babel, merges them into each language's
.po (newsroom/locale/) and compiles the .mo files read here (committed, so a
plain `pip install` needs no Babel). A message missing from a catalog is shown in English.
Problems keep their English text and are translated only when shown, so the parse cache and
the tests see one language, and `path:line: severity:` stays the same in every language.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "newsroom"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)
ENV = "NEWSROOM_LANG"   # chooses the language when --lang is not given (the tests set it to en)


def choose(requested: str | None, site_language: str) -> str:
    """The language of messages: --lang, else $NEWSROOM_LANG, else site.yaml's `language`."""
    for wanted in (requested, os.environ.get(ENV), site_language):
        if wanted:
            return CHINESE if wanted.lower().replace("-", "_").startswith("zh") else ENGLISH
    return ENGLISH


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (English, or a language without one: the text as written)."""
    if lang == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def tr(lang: str, message: str, **params: object) -> str:
    """`message` in `lang`, its placeholders filled in (a library's message among the values in
    `lang` too, when libtext knows its kind)."""
    text = catalog(lang).gettext(message)
    return text.format(**_shown(params, lang)) if params else text


def ntr(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """The singular or plural form for `n` in `lang` (`{n}` is filled in too)."""
    return catalog(lang).ngettext(singular, plural, n).format(n=n, **_shown(params, lang))


def _shown(params: dict[str, object], lang: str) -> dict[str, object]:
    if lang == ENGLISH:
        return params
    from .libtext import shown  # not at the top: libtext declares its messages with this module

    return {name: shown(value, lang) for name, value in params.items()}


class Explained(Exception):
    """A failure whose message is declared as a problem's is (English with `{named}` placeholders,
    and their values), so it can be shown in any language: `text(lang)`; str() is the English."""

    def __init__(self, template: str, /, **params: object) -> None:
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params

    def text(self, lang: str) -> str:
        return tr(lang, self.template, **self.params)

    def __reduce__(self):   # through a worker pool with its values, not only its English text
        return _explained, (type(self), self.template, self.params)


def _explained(kind: type[Explained], template: str, params: dict[str, object]) -> Explained:
    return kind(template, **params)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Marks a constant message for extraction; `tr` translates it where it is shown."""
    return message
