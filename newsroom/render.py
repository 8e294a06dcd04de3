"""Pages to bytes through Jinja2 (autoescape on, StrictUndefined: a template typo fails loudly)."""

from __future__ import annotations

import os
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import bodies, cachedir, depends, output, sums, theme
from .config import DEFAULT_TEMPLATES, Config, template_dirs
from .index import Archive
from .libtext import NOT_UTF8
from .pages import Page
from .problems import Problem, error, shown

RELOAD_SCRIPT = "<script src=\"/__newsroom/reload.js\"></script>"


class _Context(jinja2.runtime.Context):
    """Jinja's template context, with a shorter road for the calls a page makes most.

    Every call in a template goes through Context.call, which asks the callable whether it
    wants the context, the eval context or the environment (hasattr, three times) before
    calling it; a page makes about sixty calls (url(), macros, helpers), and the asking
    was a tenth of rendering. Functions, builtins and macros that carry no such mark are
    called straight away, as Jinja would call them; anything else goes Jinja's way.
    tests/test_render_context.py renders the sample archive both ways.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        kind = type(__obj)
        # A bound method's attributes are its function's, asked straight: asked of the method,
        # a missing one raised an AttributeError inside hasattr (0.24 µs against 0.03 µs).
        if kind in _UNMARKED_TYPES and not hasattr(__obj.__func__ if kind is _METHOD else __obj, "jinja_pass_arg"):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return super().call(__obj, *args, **kwargs)


class _Recording(jinja2.Environment):
    """Jinja's environment, recording each attribute a template reads of the archive's
    objects (Jinja compiles `a.b` to getattr and `a['b']` to getitem), whatever the
    variable holding the object is called: depends.py makes the page's dependencies of them."""

    theme: theme.Theme

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in depends.ENTITY_TYPES:
            self.theme.recorder.attribute(obj, attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if type(obj) in depends.ENTITY_TYPES and isinstance(argument, str):
            self.theme.recorder.attribute(obj, argument)
        return super().getitem(obj, argument)

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:  # type: ignore[override]
        """A template's globals as a plain dict, not Jinja's ChainMap over the environment's:
        every page copies them into its context, and every `{% from … import %}` compares its
        names with them, each name looked up through both maps (a tenth of the masthead and
        footer every page has). They are all set before the first template is loaded."""
        return {**self.globals, **(d or {})}


try:   # MarkupSafe 3: escape() is Python around this (MarkupSafe 2's escape is C throughout)
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - MarkupSafe 2
    _escape_inner = None
_new_str = str.__new__


def _escape(value: Any) -> Markup:
    """markupsafe.escape for what a template outputs ({{ … }}), a shorter road for the usual
    two: text is escaped straight into a Markup (without Markup.__new__'s checks), and Markup
    (a macro's or once()'s output) is already safe. A page outputs about 120 values, and
    escape was a tenth of rendering one (0.32 µs each against 0.07 µs)."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    return escape(value)


class _Template(jinja2.Template):
    """Jinja's template, outputting through _escape: the compiled code looks `escape` up in
    its module's namespace, which is the globals of its functions."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: types.CodeType, globals: Any,
                  uptodate: Any = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        if _escape_inner is not None:
            template.root_render_func.__globals__["escape"] = _escape
        return template


_METHOD = types.MethodType
_UNMARKED_TYPES = frozenset({jinja2.runtime.Macro, types.FunctionType, types.BuiltinFunctionType,
                             types.MethodType})


COMPILED = "%s.jinja"   # a compiled template's file in .cache/jinja/, by Jinja's key
SEAL = b"NRJ1"          # then the CRC-32 of Jinja's bytes (sums.seal)


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds: compiling them is half of a one-edit
    rebuild's rendering (0.06 s). Jinja keys each by its source, so an edit is seen."""
    try:
        cachedir.folder(folder)
    except (OSError, cachedir.CacheError):   # a read-only archive still builds, compiling afresh
        return None
    return _BytecodeCache(str(folder), COMPILED)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Each file sealed with its checksum: Jinja checks its magic and the source's checksum,
    not that the code is whole, and a truncated file failed every build. A file damaged
    between builds is reported and removed first (check_compiled); one damaged during a
    build is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = compiled(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        file = Path(self._get_cache_filename(bucket))
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")   # workers may compile it at once
        try:
            tmp.write_bytes(sums.seal(SEAL, bucket.bytecode_to_string()))
            os.replace(tmp, file)
        except OSError:   # a full disk: it is compiled again next time
            tmp.unlink(missing_ok=True)


def compiled(file: Path) -> memoryview | None:
    """Jinja's bytes in a compiled template's file; None if it is missing or damaged."""
    try:
        return sums.unseal(SEAL, file.read_bytes())
    except OSError:
        return None


def check_compiled(config: Config) -> list[Problem]:
    """Compiled templates in the cache whose bytes are not what was written, removed (to be
    compiled again) and each reported in one line. Before rendering, in the build itself:
    its workers could not report them."""
    folder = config.cache_dir / "jinja"
    found = []
    for file in sorted(folder.glob(COMPILED % "*")) if folder.is_dir() else ():
        if file.is_file() and compiled(file) is None:
            file.unlink(missing_ok=True)
            found.append(cachedir.damaged(file, config.root))
    return found


DEFAULT = "default"   # the prefix of the default theme's templates: {% extends "default/base.html" %}


class _Utf8Loader(jinja2.FileSystemLoader):
    """Templates are UTF-8 text. One saved in GBK (a Chinese editor's default) is a located
    mistake, with its file and the line of the first byte that is not UTF-8, as a syntax error
    is: Jinja's loader raised a bare UnicodeDecodeError, a traceback in check."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line = exc.object[:exc.start].count(b"\n") + 1
            filename = next((str(Path(folder) / template) for folder in self.searchpath
                             if (Path(folder) / template).is_file()), template)
            raise jinja2.TemplateSyntaxError(NOT_UTF8, line, template, filename) from None


def loader(config: Config) -> jinja2.BaseLoader:
    """The archive's templates, then the default theme's; and default/NAME, always the default
    theme's NAME: an own base.html can extend it and change one block, not copy it all."""
    return jinja2.ChoiceLoader([_Utf8Loader([str(d) for d in template_dirs(config)]),
                                jinja2.PrefixLoader({DEFAULT: _Utf8Loader([str(DEFAULT_TEMPLATES)])})])


def environment(config: Config, archive: Archive, firsts: Mapping[str, str] | None = None) -> jinja2.Environment:
    """A Jinja environment for one build: the theme's templates, and the theme API
    (theme.Theme) bound to this archive (and `firsts`, the moved stories' first addresses:
    redirects.first_paths) as `env.theme`."""
    env = _Recording(
        loader=loader(config),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(config.cache_dir / "jinja"),
    )
    env.context_class = _Context
    env.template_class = _Template
    env.theme = theme.Theme(config, archive, firsts)
    env.globals.update(env.theme.globals())
    env.filters.update(env.theme.filters())
    return env


def render(env: jinja2.Environment, page: Page, serve: bool = False) -> bytes:
    env.theme.page = page.path
    env.theme.recorder.reads = []
    html = env.get_template(page.template).render(page.context, page_path=page.path)
    if serve and page.template.endswith(".html"):
        html = html.replace("</body>", f"{RELOAD_SCRIPT}\n</body>", 1)
    return html.encode("utf-8")


def problem(exc: BaseException | None, page: Page, config: Config) -> Problem:
    """A template mistake, located in the template file rather than as a traceback."""
    if isinstance(exc, sums.Truncated):   # not the template's: the kept plan, cut short since it was checked
        return cachedir.cut_short(exc.file, config.root)
    if isinstance(exc, bodies.Damaged):   # not the template's: a story's body, read from the cache
        return error(shown(Path(exc.file).resolve(), config.root), 0,
                     "damaged in the cache while rendering /{path}: removed, so the next build reads its "
                     "articles again; build again", path=page.path)
    if isinstance(exc, OSError):   # not the template's either: a full disk, a folder that cannot be written
        where = output.published_name(Path(exc.filename), config.output) if exc.filename else config.output
        return error(shown(where, config.root), 0, "cannot write /{path}: {reason}", path=page.path,
                     reason=exc.strerror or exc)
    # (where Jinja names no file: the archive's own template, not one of the folder the build runs in)
    name = getattr(exc, "filename", None) or str(config.root / "templates" / page.template)
    line = getattr(exc, "lineno", 0) or 0
    if not isinstance(exc, jinja2.TemplateSyntaxError):
        # Runtime errors: find the template line in the traceback Jinja rewrote for us.
        tb = exc.__traceback__ if exc else None
        while tb is not None:
            code = tb.tb_frame.f_code.co_filename   # a template's frame bears its file's name
            if not code.endswith(".py") and not code.startswith("<"):   # (robots.txt, _redirects too)
                name, line = code, tb.tb_lineno
            tb = tb.tb_next
    return error(shown(Path(name).resolve(), config.root), line, "template error while rendering /{path}: {exc}",
                 path=page.path, exc=exc)
