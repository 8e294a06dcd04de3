"""Safe YAML loading that keeps line numbers and leaves dates as text.

Dates stay strings so that `2022-13-45` is reported by our date parser with its line,
instead of failing the whole document inside PyYAML. Only plain data is built: YAML
tags that construct objects (`!!python/object`) are errors, as in `yaml.safe_load`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from . import yamlfix
from .i18n import Explained


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser is ~10x faster; documents it rejects are parsed again by the pure-Python
# loader so that error messages (and their lines) stay exactly the same.
class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


# Drop the timestamp resolver: dates are parsed (and their errors located) by dates.py.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@dataclass
class YamlDoc:
    """Parsed data plus the 1-based line of every key and list item, by path."""

    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *path: object) -> int:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


class YamlError(Exception):
    """Invalid YAML at `line`: `template` and `params` make the message (problems.error)."""

    def __init__(self, line: int, template: str, **params: object):
        self.message = template.format(**params) if params else template
        super().__init__(self.message)
        self.line = line
        self.template = template
        self.params = params


def load(text: str, first_line: int = 1, suggest: bool = True) -> YamlDoc:
    """Parse one YAML document; `first_line` is the file line the text starts on; `suggest`:
    an error names the corrected line when it is a usual mistake.

    Raises YamlError (with the file line) for invalid YAML or unsafe tags.
    """
    if _FastLoader is not _Loader:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            if node is None:
                return YamlDoc(None, {}, first_line)
            direct = _Direct(fast, first_line, "*" in text).document(node)
            if direct is not None:
                return direct
            _keys_once(node, first_line)
            data = fast.construct_document(node)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            pass   # fall through to the pure-Python loader for the exact message
        else:
            lines: dict[tuple, int] = {}
            _collect_lines(node, (), lines, first_line)
            return YamlDoc(data, lines, first_line)
        finally:
            fast.dispose()
    try:
        loader = _Loader(text)   # checks every character first: a control character fails here
    except yaml.reader.ReaderError as exc:
        line = first_line + text[: exc.position].count("\n")
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise YamlError(line, "invalid YAML: the control character U+{code} is not allowed "
                              "(remove it or write it as an escape in double quotes)", code=f"{char:04X}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, {}, first_line)
        _keys_once(node, first_line)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(problem) or "constructor" in str(exc):
            raise YamlError(first_line + (mark.line if mark else 0), "invalid YAML: YAML tag not allowed here ({tag})",
                            tag=problem.split("for the tag")[-1].strip()) from None
        if not suggest:
            raise YamlError(first_line + (mark.line if mark else 0), "invalid YAML: {problem}", problem=problem) from None
        raise _with_fix(text, mark.line if mark else 0, first_line, problem) from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, "invalid YAML: {problem}", problem=str(exc)) from None
    except RecursionError:
        raise _too_deep(text, first_line) from None
    except (ValueError, TypeError) as exc:
        raise YamlError(first_line, "invalid YAML: {problem}", problem=str(exc)) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    _collect_lines(node, (), lines, first_line)
    return YamlDoc(data, lines, first_line)


_DEEPEST = 100   # levels of nesting named in the message for a document PyYAML cannot compose


def _too_deep(text: str, first_line: int) -> YamlError:
    """A document nested so deep that PyYAML's composer (which recurses, two frames a level)
    ran out of stack: the line where it passes _DEEPEST levels, found by its parser, which
    does not recurse."""
    line, depth = first_line, 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _DEEPEST:
                    line = first_line + event.start_mark.line
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return YamlError(line, "invalid YAML: lists and mappings nested more than {levels} deep", levels=_DEEPEST)


def parses(text: str) -> bool:
    """Whether `text` is valid YAML. (Without suggestions: trying a fix must not try fixes of
    the fix, which doubled quotes without end until memory ran out.)"""
    try:
        load(text, suggest=False)
    except YamlError:
        return False
    return True


def _with_fix(text: str, index: int, first_line: int, problem: str) -> YamlError:
    """The error at line `index` of `text`, with the corrected line when it is a usual mistake."""
    found = yamlfix.near(text.split("\n"), index, parses)
    if found is None:
        return YamlError(first_line + index, "invalid YAML: {problem}", problem=problem)
    index, fixed = found
    said = yamlfix.cause(text.split("\n")[index])
    return YamlError(first_line + index, "invalid YAML: {problem} — write the line as: {fixed}",
                     problem=Explained(said) if said else problem, fixed=fixed)


_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
_OTHER_SCALARS = frozenset(_TAG + name for name in ("int", "float", "bool", "null"))


class _Unusual(Exception):
    """A node the direct walk leaves to PyYAML's constructor (an alias, a merge key, a set …)."""


class _Direct:
    """A document of strings, numbers, lists and mappings built straight from its nodes, with
    the lines of its keys and items in the same walk. Front matter is such a document, and
    PyYAML's constructor (a generator per list and mapping) and a second walk for the lines
    were two thirds of reading an article's (a tenth of a cold build's read stage). What it
    builds is what `construct_document` and `_collect_lines` would (tests/test_yamlfile.py);
    anything else is theirs."""

    def __init__(self, loader: yaml.constructor.SafeConstructor, first_line: int, aliases: bool) -> None:
        self.loader, self.first_line = loader, first_line
        self.lines: dict[tuple, int] = {}
        self.aliases = aliases   # (no `*` in the text: no alias, nothing to look for)
        self.seen: set[int] = set()

    def document(self, node: yaml.Node) -> YamlDoc | None:
        try:
            data = self.value(node, ())
        except _Unusual:
            return None
        return YamlDoc(data, self.lines, self.first_line)

    def value(self, node: yaml.Node, path: tuple) -> Any:
        self.lines[path] = self.first_line + node.start_mark.line
        kind = type(node)
        if kind is yaml.ScalarNode:
            return self.scalar(node)
        if self.aliases:
            self.once(node)
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        if kind is not yaml.MappingNode or node.tag != _MAP:
            raise _Unusual
        mapping = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unusual
            key = self.scalar(key_node)   # (a merge key `<<` or a value key `=` is unusual)
            where = (*path, key_node.value)
            if where in self.lines:
                raise twice(key_node, self.lines[where], self.first_line)
            mapping[key] = self.value(value_node, where)
            self.lines[where] = self.first_line + key_node.start_mark.line
        return mapping

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if self.aliases:
            self.once(node)
        if node.tag == _STR:
            return node.value
        if node.tag in _OTHER_SCALARS:
            return self.loader.construct_object(node)
        raise _Unusual

    def once(self, node: yaml.Node) -> None:
        """An alias (a node met again) is left to the constructor, which shares its value."""
        if id(node) in self.seen:
            raise _Unusual
        self.seen.add(id(node))


def twice(key_node: yaml.ScalarNode, first: int, first_line: int) -> YamlError:
    """A key given twice in one mapping: PyYAML keeps the last without a word, so a title
    or a name fixed further down would hide the first one (and its mistakes)."""
    return YamlError(first_line + key_node.start_mark.line, "'{key}' is given twice (first on line {first}): keep one",
                     key=key_node.value, first=first)


def _keys_once(node: yaml.Node, first_line: int) -> None:
    """Raise `twice` for a key repeated in one mapping, before the constructor merges `<<`
    keys into the mapping (a merged key may be given again: that is what merging is for)."""
    walked: set[int] = set()
    todo = [node]
    while todo:
        node = todo.pop()
        if id(node) in walked:
            continue   # an alias: its value was checked where it was defined
        walked.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                    if key_node.value in seen:
                        raise twice(key_node, seen[key_node.value], first_line)
                    seen[key_node.value] = first_line + key_node.start_mark.line
                todo.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)


def _collect_lines(node: yaml.Node, path: tuple, lines: dict, first_line: int) -> None:
    """The line of every key and item under `node`, by path. A value repeated by aliases is
    walked once: a few lines of nested aliases (a "billion laughs") would otherwise expand to
    billions of paths and hang the build. A value holding an alias to itself is an error."""
    walked: set[int] = set()
    within: set[int] = set()

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path] = first_line + node.start_mark.line
        if id(node) in within:
            raise YamlError(first_line + node.start_mark.line,
                            "invalid YAML: this value contains an alias to itself (*name inside &name)")
        if id(node) in walked:
            return
        walked.add(id(node))
        within.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    walk(value_node, path + (key_node.value,))
                    lines[path + (key_node.value,)] = first_line + key_node.start_mark.line
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))
        within.discard(id(node))

    walk(node, path)
