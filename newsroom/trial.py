"""A trial render for `check`: every template compiled, every kind of page rendered once.

`check` writes nothing, yet an editor trusts it to say what `build` would: a template with an
unknown filter, an undefined name or a syntax error must fail it, with the same located line
(path:line: error: …) that `build` prints. Rendering one page per template finds those at the
cost of a dozen pages, not the whole archive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jinja2

from . import interrupts, render
from .pages import Page
from .problems import Problem, warning

THEME_FILES = (".html", ".xml", ".txt")


def problems(env: jinja2.Environment, planned: Sequence[Page],
             on_error: Callable[[BaseException, Page], Problem]) -> list[Problem]:
    """The first page of each template rendered (as `build` renders it): its errors are build's.
    Then every template of the theme compiled, so one that no page uses yet is checked too (a
    warning: build does not read it). One problem per place."""
    found: dict[tuple[str, int], Problem] = {}
    first: dict[str, Page] = {}
    for page in planned:
        first.setdefault(page.template, page)
    for page in first.values():
        try:
            render.render(env, page)
        except Exception as exc:  # noqa: BLE001 - any template bug becomes a located Problem, as in build
            if interrupts.unwrapped(exc):   # Ctrl-C as a template's first use loaded a module
                raise
            problem = on_error(exc, page)
            found.setdefault((problem.path, problem.line), problem)
    for name in env.list_templates(filter_func=_is_template):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            located = on_error(exc, Page(path=name, template=name, context={}))
            # No page uses it, so build does not fail on it: a warning, with the fix to make.
            found.setdefault((located.path, located.line),
                             warning(located.path, located.line,
                                     "template syntax error (no page uses this template): {reason}",
                                     reason=exc.message))
    return list(found.values())


def _is_template(name: str) -> bool:
    return name.endswith(THEME_FILES) and not name.startswith("static/") and "/." not in f"/{name}"
