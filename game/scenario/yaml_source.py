"""Safe YAML reading that keeps the position of every value and every key.

Only PyYAML's *parser* is used (libyaml's ``CSafeLoader`` when the wheel has it,
``SafeLoader`` otherwise): the event stream is composed into nodes by an iterative
composer here, and the nodes are turned into plain Python data (dict, list, str, int,
float, bool, None) by a builder here. No PyYAML constructor runs, so no tag can ever
create an object or call a function, and no part of the work recurses deeper than
:data:`MAX_DEPTH` levels.

Scalars are resolved with the YAML 1.2 core schema, not PyYAML's YAML 1.1 one:

* ``true``/``false`` (any case style YAML allows) are booleans; ``yes``, ``no``, ``on``,
  ``off``, ``y`` and ``n`` stay text. A segment called ``no`` (Norwegian) is the text
  ``"no"``, not ``False``.
* ``null``, ``~`` and an empty value are ``None``.
* ``12``, ``-3``, ``1_000``, ``0x1f`` and ``0o17`` are integers (``010`` is ten, not
  eight); ``1.5``, ``1e3``, ``.5``, ``.inf`` and ``.nan`` are floats. A number is written
  with at most :data:`MAX_DIGITS` digits.
* everything else is text, including ``9:30`` (YAML 1.1 would read ninety minutes as the
  integer 570) and ``2024-05-01`` (no timestamps: dates stay text).

Quoted scalars are always text. Explicit standard tags (``!!str``, ``!!int``,
``!!float``, ``!!bool``, ``!!null``, ``!!map``, ``!!seq``) are honoured; any other tag
(``!!python/object...``, ``!!timestamp``, ``!include``...) is reported and the value is
read as if untagged. Merge keys (``<<: *defaults``) work as in YAML 1.1.

Problems that make the file unreadable (bad encoding, syntax errors, nesting or alias
expansion beyond the limits) raise :class:`YamlError`; the others (duplicate keys, keys
that are not text, refused tags) are collected in :attr:`Document.issues` so that a file's
problems are all reported in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import yaml

MAX_DEPTH = 100
"""Deepest nesting of lists and mappings (aliases and merges included)."""
MAX_VALUES = 100_000
"""Most values a file may hold or expand to through aliases (stops 'billion laughs')."""
MAX_DIGITS = 100
"""Most digits a number may be written with (Python refuses to convert or print some
longer integers, and no scenario needs them)."""

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The fastest safe parser available."""

_CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = _CORE + "map", _CORE + "seq", _CORE + "merge"
_SCALAR_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL})

_NULL_RE = re.compile(r"~|null|Null|NULL|")
_BOOL_RE = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT_RE = re.compile(r"[-+]?[0-9][0-9_]*|0x_*[0-9a-fA-F][0-9a-fA-F_]*|0o_*[0-7][0-7_]*")
_FLOAT_RE = re.compile(
    r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Path: TypeAlias = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the file: 1-based line and column (in characters).

    ``inner`` is set on single-line scalars whose text appears verbatim in the file: it is
    the offset from ``col`` to the first character of the text (1 for a quoted scalar,
    0 for a plain one), so a column inside the text can be turned into a file column.
    """

    line: int
    col: int
    inner: int | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found while reading YAML."""

    line: int
    col: int
    message: str


class YamlError(Exception):
    """The file cannot be read as YAML; ``issues`` says where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("\n".join(f"{i.line}:{i.col}: {i.message}" for i in issues))
        self.issues = issues


@dataclass
class Document:
    """Plain data read from a YAML file, with positions.

    ``values[path]`` is where the value at ``path`` starts (for an alias, where the alias
    is written); ``keys[path]`` is where the key of a mapping entry is written.
    ``spoiled`` holds paths whose value was read in spite of an issue: checks of what lies
    there would only repeat that issue.
    """

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    spoiled: set[Path] = field(default_factory=set)


def read_yaml(data: bytes, *, pure_python: bool = False) -> Document:
    """Decode, parse and build one YAML document; raise :class:`YamlError` when unreadable.

    ``pure_python`` forces PyYAML's Python parser instead of libyaml (for tests).
    An empty file (or one with only comments) gives a document whose data is ``None``.
    """
    text = decode(data)
    loader = yaml.SafeLoader if pure_python else _LOADER
    composer = _Composer()
    root = composer.compose(_events(text, loader))
    document = Document(data=None, issues=composer.issues)
    if root is not None:
        _Builder(document).build_root(root)
    return document


# --- decoding ---------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM is dropped), printable characters only."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fatal(1, 1, "the file is encoded as UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_place(data, exc.start)
        byte = data[exc.start]
        raise _fatal(
            line, col, f"the file is not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, col = _char_place(text, bad.start())
        char = bad.group()
        if char == "\x00":
            message = "the file contains a NUL byte: is it a binary file? a scenario is text"
        else:
            message = f"the file contains the control character U+{ord(char):04X}, "
            message += "which YAML does not allow; delete it"
        raise _fatal(line, col, message)
    return text


def _byte_place(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8").removeprefix("\ufeff")
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def _char_place(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _fatal(line: int, col: int, message: str) -> YamlError:
    return YamlError([Issue(line, col, message)])


# --- parsing ----------------------------------------------------------------------------


def _events(text: str, loader: Any) -> Iterator[yaml.Event]:
    """PyYAML's events, with syntax errors turned into :class:`YamlError`."""
    try:
        yield from yaml.parse(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlError([_syntax_issue(exc, text)]) from None
    except yaml.YAMLError as exc:
        raise _fatal(1, 1, f"cannot read the YAML: {exc}") from None


def _syntax_issue(exc: yaml.MarkedYAMLError, text: str) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (exc.problem or "this is not valid YAML").replace("'\\t'", "(a tab)")
    if "maximum nesting depth" in problem:
        return Issue(line, col, _TOO_DEEP)
    context = exc.context_mark
    if (
        exc.context
        and context is not None
        and (context.line, context.column)
        != (
            line - 1,
            col - 1,
        )
    ):
        problem += f" ({exc.context} at line {context.line + 1}, column {context.column + 1})"
    return Issue(line, col, "YAML syntax error: " + problem + _syntax_hint(problem, text, line))


def _syntax_hint(problem: str, text: str, line: int) -> str:
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent or "tab" in problem:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "; if the text contains ': ', put the whole text in quotes"
    if "expected ':'" in problem:
        return "; each entry of a mapping is written 'key: value'"
    if "expected key" in problem or "<block end>" in problem or "'-' indicator" in problem:
        return "; check the indentation of this line against the lines above"
    if "end of stream" in problem and "quoted" in problem:
        return "; a quote is not closed"
    if "expected ',' or" in problem:
        return "; is a bracket not closed, or a comma missing?"
    if "escape" in problem:
        return "; in double quotes a backslash starts an escape: use single quotes instead"
    return ""


# --- composing --------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Scalar:
    tag: str
    value: str
    pos: Position
    refused_tag: str | None = None


@dataclass(slots=True, eq=False)
class _Seq:
    tag: str
    items: list[_Node]
    pos: Position
    refused_tag: str | None = None


@dataclass(slots=True, eq=False)
class _Map:
    tag: str
    pairs: list[tuple[_Node, _Node]]
    pos: Position
    refused_tag: str | None = None


@dataclass(slots=True, eq=False)
class _Alias:
    name: str
    target: _Node
    pos: Position


_Node: TypeAlias = "_Scalar | _Seq | _Map | _Alias"


@dataclass(slots=True, eq=False)
class _Open:
    node: _Seq | _Map
    anchor: str | None
    key: _Node | None = None


class _Composer:
    """Turns an event stream into nodes without recursion, checking depth and aliases."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.anchors: dict[str, _Node] = {}
        self.root: _Node | None = None
        self.issues: list[Issue] = []
        self.documents = 0
        self.nodes = 0

    def compose(self, events: Iterator[yaml.Event]) -> _Node | None:
        """The first document's root node, or ``None`` for an empty file."""
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.issues.append(_issue_at(event.start_mark, _MANY_DOCUMENTS))
                    break
            elif isinstance(event, yaml.ScalarEvent):
                self._add(_scalar(event), event.anchor)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                self._open(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                done = self.stack.pop()
                self._add(done.node, done.anchor)
            elif isinstance(event, yaml.AliasEvent):
                self._add(self._alias(event), None)
        return self.root

    def _open(self, event: yaml.SequenceStartEvent | yaml.MappingStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError([_issue_at(event.start_mark, _TOO_DEEP)])
        pos = _position(event.start_mark)
        node: _Seq | _Map
        if isinstance(event, yaml.SequenceStartEvent):
            tag, refused = _collection_tag(event.tag, SEQ)
            node = _Seq(tag, [], pos, refused)
        else:
            tag, refused = _collection_tag(event.tag, MAP)
            node = _Map(tag, [], pos, refused)
        self.stack.append(_Open(node, event.anchor))

    def _alias(self, event: yaml.AliasEvent) -> _Alias:
        name = str(event.anchor)
        target = self.anchors.get(name)
        if target is None:
            if any(entry.anchor == name for entry in self.stack):
                message = f"the alias *{name} is inside the value of &{name} itself"
            else:
                message = f"unknown alias *{name}: define it first with &{name}"
            raise YamlError([_issue_at(event.start_mark, message)])
        return _Alias(name, target, _position(event.start_mark))

    def _add(self, node: _Node, anchor: str | None) -> None:
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _fatal(node.pos.line, node.pos.col, _TOO_MANY_NODES)
        if anchor is not None:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent.node, _Seq):
            parent.node.items.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.pairs.append((parent.key, node))
            parent.key = None


_TOO_MANY_NODES = f"the file holds more than {MAX_VALUES:,} values; a scenario needs far fewer"
_MANY_DOCUMENTS = "a second YAML document starts here; a scenario file holds one document"
_TOO_DEEP = f"lists and mappings are nested more than {MAX_DEPTH} levels deep here"


def _position(mark: Any) -> Position:
    """A PyYAML mark (0-based) as a 1-based position; 1:1 when PyYAML gives none."""
    if mark is None:
        return Position(1, 1)
    return Position(mark.line + 1, mark.column + 1)


def _issue_at(mark: Any, message: str) -> Issue:
    pos = _position(mark)
    return Issue(pos.line, pos.col, message)


def _scalar(event: yaml.ScalarEvent) -> _Scalar:
    start, end = _position(event.start_mark), _position(event.end_mark)
    style = event.style or ""
    quoted = style in ("'", '"')
    pos = start
    if style in ("", "'", '"') and start.line == end.line:
        width = end.col - start.col
        if width == len(event.value) + (2 if quoted else 0):
            pos = Position(pos.line, pos.col, 1 if quoted else 0)
    tag, refused = event.tag, None
    if tag is None or tag == "!":
        plain = style == "" and event.implicit[0] and tag is None
        tag = _resolve_plain(event.value) if plain else STR
    elif tag not in _SCALAR_TAGS:
        tag, refused = STR, tag
    return _Scalar(tag, event.value, pos, refused)


def _collection_tag(tag: str | None, standard: str) -> tuple[str, str | None]:
    if tag is None or tag in ("!", standard):
        return standard, None
    return standard, tag


def _resolve_plain(value: str) -> str:
    if value == "<<":
        return MERGE
    if _NULL_RE.fullmatch(value):
        return NULL
    if _BOOL_RE.fullmatch(value):
        return BOOL
    if _INT_RE.fullmatch(value):
        return INT
    if _FLOAT_RE.fullmatch(value):
        return FLOAT
    return STR


# --- building ---------------------------------------------------------------------------


class _Builder:
    """Turns nodes into plain data, recording positions; expands aliases and merges."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.count = 0

    def build_root(self, root: _Node) -> None:
        """Build the document's data from its root node."""
        self.doc.data = self.build(root, (), 0)

    def build(self, node: _Node, path: Path, depth: int) -> Any:
        """The value of ``node``, placed at ``path``."""
        where = self.doc.values[path] = node.pos
        node = _target(node)
        self.count += 1
        if self.count > MAX_VALUES:
            raise _fatal(where.line, where.col, _TOO_MANY)
        if depth > MAX_DEPTH:
            raise _fatal(where.line, where.col, _TOO_DEEP + " (through aliases)")
        if node.refused_tag is not None:
            self._refuse_tag(node, path)
        if isinstance(node, _Scalar):
            return self._scalar(node, path)
        if isinstance(node, _Seq):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.items)]
        return self.mapping(node, path, depth)

    def mapping(self, node: _Map, path: Path, depth: int) -> dict[str, Any]:
        """A mapping's entries: merged ones first, then its own (which win)."""
        own: dict[str, tuple[_Node, _Node]] = {}
        for key_node, value_node in node.pairs:
            key = None if _is_merge(key_node) else self._key(key_node)
            if key is None:
                continue
            if key in own:
                self._duplicate(key, key_node, own[key][0].pos, (*path, key))
            else:
                own[key] = (key_node, value_node)
        result: dict[str, Any] = {}
        self._merge(node, path, depth, result)
        for key, (key_node, value_node) in own.items():
            self.doc.keys[(*path, key)] = key_node.pos
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _merge(self, node: _Map, path: Path, depth: int, result: dict[str, Any]) -> None:
        for key_node, value_node in node.pairs:
            if not _is_merge(key_node):
                continue
            sources = _target(value_node)
            items = sources.items if isinstance(sources, _Seq) else [value_node]
            for source in reversed(items):
                target = _target(source)
                if not isinstance(target, _Map):
                    self._issue(source.pos, _BAD_MERGE)
                    continue
                if depth + 1 > MAX_DEPTH:
                    raise _fatal(source.pos.line, source.pos.col, _TOO_DEEP + " (through <<)")
                result.update(self.mapping(target, path, depth + 1))

    def _key(self, node: _Node) -> str | None:
        target = _target(node)
        if target.refused_tag is not None:
            message = _tag_message(target.refused_tag)
        elif not isinstance(target, _Scalar):
            message = f"a key must be text, not {_kind_of(target)}"
        elif target.tag == STR:
            return target.value
        elif not target.value:
            message = "a key is missing before the ':'"
        else:
            kind = _kind_of(target)
            message = f"a key must be text, not {kind}: put it in quotes, '{target.value}'"
        self._issue(node.pos, message)
        return None

    def _duplicate(self, key: str, node: _Node, first: Position, path: Path) -> None:
        self._issue(
            node.pos,
            f"duplicate key '{key}' (first at line {first.line}); keep only one of them",
        )
        self.doc.spoiled.add(path)

    def _refuse_tag(self, node: _Scalar | _Seq | _Map, path: Path) -> None:
        self._issue(node.pos, _tag_message(str(node.refused_tag)))
        self.doc.spoiled.add(path)

    def _scalar(self, node: _Scalar, path: Path) -> Any:
        value, tag = node.value, node.tag
        if tag == STR:
            return value
        converted = _convert(value, tag)
        if converted is _NOT_CONVERTED:
            shown = value if len(value) <= 40 else value[:37] + "..."
            digits = _digit_count(value)
            if digits > MAX_DIGITS and tag in (INT, FLOAT):
                message = (
                    f"the number {shown} has {digits:,} digits; a number in a scenario has "
                    f"at most {MAX_DIGITS}"
                )
            else:
                message = f"'{shown}' is not a valid {tag.replace(_CORE, '!!')}"
            self._issue(node.pos, message)
            self.doc.spoiled.add(path)
            return value
        return converted

    def _issue(self, pos: Position, message: str) -> None:
        self.doc.issues.append(Issue(pos.line, pos.col, message))


_TOO_MANY = (
    f"the file expands to more than {MAX_VALUES:,} values; "
    "are aliases (*name) repeating a large anchor again and again?"
)
_BAD_MERGE = "'<<' merges mappings: its value must be a mapping or a list of mappings"
_NOT_CONVERTED = object()


def _tag_message(tag: str) -> str:
    shown = tag.replace(_CORE, "!!")
    return (
        f"the tag {shown} is not allowed; a scenario is plain YAML: text, numbers, "
        "true/false, lists and mappings"
    )


def _target(node: _Node) -> _Scalar | _Seq | _Map:
    while isinstance(node, _Alias):
        node = node.target
    return node


def _is_merge(node: _Node) -> bool:
    return isinstance(node, _Scalar) and node.tag == MERGE


def _kind_of(node: _Scalar | _Seq | _Map) -> str:
    if isinstance(node, _Seq):
        return "a list"
    if isinstance(node, _Map):
        return "a mapping"
    return {NULL: "null", BOOL: "true/false", INT: "a number", FLOAT: "a number"}.get(
        node.tag, "text"
    )


def _convert(value: str, tag: str) -> Any:
    """The value of a scalar with a non-text tag, or ``_NOT_CONVERTED``."""
    if tag == NULL:
        return None if _NULL_RE.fullmatch(value) else _NOT_CONVERTED
    if tag == BOOL:
        return value.lower() == "true" if _BOOL_RE.fullmatch(value) else _NOT_CONVERTED
    if tag == INT and _INT_RE.fullmatch(value):
        return _int(value)
    if tag == FLOAT and (_FLOAT_RE.fullmatch(value) or _INT_RE.fullmatch(value)):
        return _float(value)
    if tag == MERGE:
        return value
    return _NOT_CONVERTED


def _digit_count(value: str) -> int:
    """How many digits a number is written with (prefix, sign, '_' and exponent aside)."""
    text = value.replace("_", "").lower().lstrip("+-")
    if text.startswith(("0x", "0o")):
        return len(text) - 2
    return sum(char.isdigit() for char in text.split("e")[0])


def _int(value: str) -> Any:
    if _digit_count(value) > MAX_DIGITS:
        return _NOT_CONVERTED
    digits = value.replace("_", "")
    if digits.startswith(("0x", "0o")):
        return int(digits, 0)
    return int(digits, 10)


def _float(value: str) -> Any:
    if _digit_count(value) > MAX_DIGITS:
        return _NOT_CONVERTED
    lowered = value.replace("_", "").lower()
    if lowered.endswith(".inf"):
        return float(lowered.replace(".inf", "inf"))
    if lowered == ".nan":
        return float("nan")
    if lowered.startswith(("0x", "0o")):
        return float(int(lowered, 0))  # at most MAX_DIGITS digits: always a finite float
    return float(lowered)
