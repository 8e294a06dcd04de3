"""What the system, PyYAML and Jinja say, in the editor's language: their messages by kind.

Their text is English and reaches our messages as a value (`cannot read: {reason}`). In another
language a value of a known kind is replaced by the message declared here for it: an OSError
by its errno, PyYAML's and Jinja's messages by their wording (stable across their versions).
An unknown one is kept as it is: an English detail is better than none. i18n.tr calls `shown`
on every value it fills in.
"""

from __future__ import annotations

import errno
import os
import re
import sys

from .i18n import N_, Explained, tr

_ERRNO = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EDQUOT: N_("disk quota exceeded"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("part of the path is a file, not a folder"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EEXIST: N_("it already exists"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EADDRINUSE: N_("the address is already in use"),
    errno.EADDRNOTAVAIL: N_("the address is not available here"),
    errno.ECONNREFUSED: N_("connection refused"),
    errno.EIO: N_("input/output error (a failing disk?)"),
}
_STRERROR = {os.strerror(code): message for code, message in _ERRNO.items()}

_NAME = r"'(?P<name>[^']*)'"
# (wording, message): the wording's named groups fill the message's placeholders; first match wins.
# A template file that is not UTF-8 (render._Utf8Loader says it as Jinja says a syntax error).
NOT_UTF8 = N_("the template is not UTF-8 text: save it as UTF-8")

_WORDINGS = [(re.compile(pattern + r"\Z", re.S), message) for pattern, message in (
    # PyYAML
    (r"mapping values are not allowed here", N_("a colon followed by a space is not allowed here "
                                                 "(put the value in quotes)")),
    (r"found character '\\t' that cannot start any token", N_("a tab is not allowed here (indent with spaces)")),
    (r"found character '(?P<char>.+)' that cannot start any token",
     N_("a value cannot start with {char} (put the value in quotes)")),
    (r"found unexpected end of stream", N_("the text ended early (a quote or bracket not closed?)")),
    (r"could not find expected ':'", N_("a colon ':' was expected (a field name without its colon?)")),
    (r"did not find expected key", N_("a field name was expected (is the indentation the same?)")),
    (r"did not find expected '-' indicator", N_("a list item '-' was expected (is the indentation the same?)")),
    (r"expected <block end>, but found '(?P<found>.+)'",
     N_("unexpected {found} (wrong indentation, or quotes inside quotes?)")),
    (r"expected '(?P<a>.)' or '(?P<b>.)', but got '(?P<found>.+)'",
     N_("{a} or {b} was expected, not {found} (a bracket not closed?)")),
    (r"found undefined alias " + _NAME, N_("'*{name}' refers to no '&{name}' (put the value in quotes)")),
    (r"found unknown escape character '(?P<char>.+)'",
     N_("unknown escape '\\{char}' inside double quotes (use single quotes, or write \\\\)")),
    (r"but found another document", N_("a second document (a line '---'): one is allowed")),
    # Jinja
    (_NAME + r" is undefined", N_("undefined name '{name}'")),
    (r"'(?P<thing>[^']*)' has no attribute " + _NAME, N_("{thing} has no attribute '{name}'")),
    (r"No filter named " + _NAME + r"\.?", N_("no filter named '{name}'")),
    (r"No test named " + _NAME + r"(?: found)?\.?", N_("no test named '{name}'")),
    (r"Encountered unknown tag " + _NAME + r"\..*?(?:The innermost block that needs to be closed is "
     r"'(?P<block>[^']*)'\.)?", N_("unknown tag '{name}'")),
    (r"Unexpected end of template\..*?(?:The innermost block that needs to be closed is "
     r"'(?P<block>[^']*)'\.)?", N_("the template ended before a block was closed")),
    (r"unexpected '(?P<token>.+)'(?:, expected '(?P<expected>.+)')?", N_("unexpected '{token}'")),
    (r"expected token '(?P<expected>.+)', got '(?P<got>.+)'", N_("'{expected}' was expected, not '{got}'")),
    (r"block " + _NAME + r" defined twice", N_("block '{name}' is defined twice")),
    (r"Expected an expression, got '(?P<got>.+)'", N_("an expression was expected, not '{got}'")),
    (r"integer division or modulo by zero|division by zero", N_("division by zero")),
    (r"maximum recursion depth exceeded.*", N_("a template that includes or extends itself (no end to it)")),
    # Newsroom's own, raised as Jinja's are (render._Utf8Loader)
    (re.escape(NOT_UTF8), NOT_UTF8),
)]
# Said after the message when the wording names it.
_AFTER = {"block": N_("(the block to close: '{block}')"), "expected": N_("('{expected}' was expected)")}


def shown(value: object, lang: str) -> object:
    """`value` as a message in `lang` shows it: a known library message in `lang`, anything else unchanged."""
    if isinstance(value, Explained):
        return value.text(lang)
    if isinstance(value, OSError) and value.errno in _ERRNO:
        reason = tr(lang, _ERRNO[value.errno])
        return tr(lang, "{reason}: {file}", reason=reason, file=value.filename) if value.filename else reason
    # A Jinja error exists only once Jinja is loaded: a build with nothing to do never loads it.
    jinja2 = sys.modules.get("jinja2")
    if jinja2 is not None and isinstance(value, jinja2.TemplateNotFound):
        return tr(lang, "no template named '{name}'", name=value.name)
    if jinja2 is not None and isinstance(value, jinja2.TemplateError):
        text = value.message or ""
    elif isinstance(value, str):
        text = value
    else:
        return value
    return _known(text.strip(), lang) or value


def _known(text: str, lang: str) -> str | None:
    if text in _STRERROR:
        return tr(lang, _STRERROR[text])
    for wording, message in _WORDINGS:
        found = wording.match(text)
        if found:
            parts = {k: v for k, v in found.groupdict().items() if v is not None}
            said = tr(lang, message, **{k: v for k, v in parts.items() if "{" + k + "}" in message})
            extra = [tr(lang, _AFTER[k], **{k: parts[k]}) for k in _AFTER if k in parts and "{" + k + "}" not in message]
            return " ".join([said, *extra])
    return None
