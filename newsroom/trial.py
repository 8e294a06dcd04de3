"""A trial render for `check`: every template compiled, every shape of page rendered once.

`check` writes nothing, yet an editor trusts it to say what `build` would: a template with an
unknown filter, an undefined name or a syntax error must fail it, with the same located line
(path:line: error: …) that `build` prints. A mistake can hide in a branch only some pages take
(a story's corrections, a list's later pages): so each template renders one page of each
shape, which of its context's values (and of their fields) are empty and which are not
(`_shape`), at the cost of a few hundred pages, not the whole archive.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

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
    first: dict[tuple, Page] = {}
    for page in planned:
        first.setdefault((page.template, _shape(page.context)), page)
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
        except jinja2.TemplateNotFound:   # listed, yet not there: a link to nothing
            found.setdefault((f"templates/{name}", 0), warning(f"templates/{name}", 0, "cannot be read (a link "
                             "to a file that is not there?): no page uses it, so build does not read it"))
        except jinja2.TemplateSyntaxError as exc:
            located = on_error(exc, Page(path=name, template=name, context={}))
            # No page uses it, so build does not fail on it: a warning, with the fix to make.
            found.setdefault((located.path, located.line),
                             warning(located.path, located.line,
                                     "template syntax error (no page uses this template): {reason}",
                                     reason=exc.message))
    found.update({(p.path, p.line): p for p in misnamed(env, {page.template for page in planned})})
    return list(found.values())


def misnamed(env: jinja2.Environment, used: set[str]) -> list[Problem]:
    """An own template named almost as a default one, that no page uses and no template
    includes or extends: meant to replace that one (articel.html), it silently did nothing."""
    own, default = _names(env, 0), _names(env, 1)
    referenced: set[str] = set()
    for name in own | default:
        try:
            source = env.loader.get_source(env, name)[0]
            referenced |= {ref for ref in meta.find_referenced_templates(env.parse(source)) if ref}
        except jinja2.TemplateError:
            continue   # said above
    problems = []
    for name in sorted(own - default - used - referenced):
        hint = difflib.get_close_matches(name, sorted(default), n=1, cutoff=0.8)
        if hint:
            problems.append(warning(f"templates/{name}", 0, "no page uses this template and none includes it "
                                    "— did you mean '{hint}' (an own file replaces the default one of its name)?",
                                    hint=hint[0]))
    return problems


def _names(env: jinja2.Environment, which: int) -> set[str]:
    """The templates of the archive's own folder (0) or of the default theme (1)."""
    folders = env.loader.loaders[0].searchpath   # (render.loader: own, then the default theme's)
    if which == 0 and len(folders) < 2:
        return set()   # no own folder
    folder = Path(folders[-1] if which else folders[0])
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
            and _is_template(p.relative_to(folder).as_posix())}


def _shape(context: dict[str, Any]) -> tuple:
    """Which of a page's values are filled: for a record (a story, a pager), which of its
    fields; for anything else, whether it is empty."""
    return tuple((key, _filled(value)) for key, value in sorted(context.items()))


def _filled(value: Any) -> bool | tuple[bool, ...]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(bool(getattr(value, field.name)) for field in dataclasses.fields(value))
    try:
        return bool(value)
    except Exception:  # noqa: BLE001 - a value with no truth (an array): filled
        return True


def _is_template(name: str) -> bool:
    """A theme's own template (not its static files, nor the default theme's again as default/…)."""
    return (name.endswith(THEME_FILES) and not name.startswith(("static/", f"{render.DEFAULT}/"))
            and "/." not in f"/{name}")
