"""The XML fast path (S3 Control): read a result document the way botocore does, faster.

Why: botocore's rest-xml parser spends about two thirds of an S3 Control ``ListJobs`` page
in ``dateutil`` parsing timestamps, and the rest walking the tree through a regex per node
and a method lookup per value; batchkit then validated the dicts.  This module reads the
same ElementTree (the same expat parser botocore uses) with a reader compiled once per
output shape, parses ISO 8601 timestamps with ``datetime.fromisoformat`` (C), and validates
the items with pydantic-core.

Exactly botocore's result: a reader is compiled only for shapes it handles exactly like
botocore's parser (structures, non-flattened lists, strings, numbers, booleans,
timestamps; no attributes, maps or flattened lists), and whenever a document is anything
but plain (a member element repeated, an integer that does not parse, a timestamp that is
not strict ISO 8601 with a zone) it either defers to botocore's own code for that value or
gives up (:class:`Fallback`) and lets botocore parse the whole document, as before.
``tests/contract/test_fastpath.py`` checks fast == slow on random documents.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

__all__ = [
    "TAG_CACHE_LIMIT",
    "Fallback",
    "TimestampError",
    "XmlPage",
    "read_items_apart",
    "read_page",
    "read_token",
    "tag_cache_sizes",
]


class Fallback(Exception):
    """This document is not one the fast reader handles exactly: let botocore parse it."""


class TimestampError(ValueError):
    """A timestamp botocore's parser would fail on (out of range, not a date)."""

    def __init__(self, member: str, text: str) -> None:
        super().__init__(f"{member}: not a timestamp in range: {text[:40]!r}")
        self.member = member


Reader = Callable[[Any], Any]

# What fromisoformat and dateutil read as the same instant: full date, time, an optional
# fraction of 1-6 digits and an explicit zone.  Anything else goes to botocore's parser.
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)\Z")


def _text(node: Any) -> str:
    if len(node):
        raise Fallback  # mixed content: botocore would read only .text; rare, stay exact
    text = node.text
    return "" if text is None else text


def _string(node: Any) -> str:
    return _text(node)


def _integer(node: Any) -> int:
    try:
        return int(_text(node))
    except ValueError:
        raise Fallback from None


def _float(node: Any) -> float:
    try:
        return float(_text(node))
    except ValueError:
        raise Fallback from None


def _boolean(node: Any) -> bool:
    return _text(node) == "true"


def _timestamp(member: str) -> Reader:
    def read(node: Any) -> datetime:
        text = _text(node)
        if _ISO.match(text):
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                pass  # e.g. hour 24: botocore's parser decides
        from botocore.utils import parse_timestamp

        try:
            return parse_timestamp(text)
        except Exception:
            raise TimestampError(member, text) from None

    return read


def _local(tag: str) -> str:
    return tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag


def compile_reader(shape: Any, member: str = "", depth: int = 0) -> Reader:
    """A function reading one element of ``shape`` as botocore's rest-xml parser does.
    Raises NotImplementedError for shapes it would not read exactly."""
    from botocore.model import ListShape, StructureShape

    if depth > 20:
        raise NotImplementedError("recursive shape")
    serialization = shape.serialization
    if serialization.get("flattened") or serialization.get("xmlAttribute"):
        raise NotImplementedError("flattened lists and attributes")
    if isinstance(shape, StructureShape):
        if shape.metadata.get("exception") or shape.is_tagged_union:
            raise NotImplementedError("exceptions and unions")
        members: dict[str, tuple[str, Reader]] = {}
        for name, child in shape.members.items():
            if child.serialization.get("location") or child.serialization.get("eventheader"):
                raise NotImplementedError("header or status members")
            xml_name = child.serialization.get("name", name)
            members[xml_name] = (name, compile_reader(child, name, depth + 1))
        return _structure(members)
    if isinstance(shape, ListShape):
        return _list(compile_reader(shape.member, member, depth + 1))
    simple: dict[str, Reader] = {
        "string": _string,
        "integer": _integer,
        "long": _integer,
        "float": _float,
        "double": _float,
        "boolean": _boolean,
    }
    if shape.type_name == "timestamp":
        return _timestamp(member)
    if shape.type_name not in simple:
        raise NotImplementedError(shape.type_name)
    return simple[shape.type_name]


def _unknown(node: Any) -> Any:
    """An element no member of the shape names (newer than the installed botocore): kept,
    as XML says it without types -- its text, or a dict of its children (a repeated child:
    a list)."""
    if not len(node):
        return node.text or ""
    parsed: dict[str, Any] = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        key, value = _local(child.tag), _unknown(child)
        if key in parsed:
            held = parsed[key]
            parsed[key] = [*held, value] if isinstance(held, list) else [held, value]
        else:
            parsed[key] = value
    return parsed


#: How many element names a structure's reader remembers beyond its members' own: the
#: namespaced spellings (``{uri}Name``) and unknown names of real documents are a handful; a
#: hostile document's endless new names are looked up each time instead of kept.
TAG_CACHE_LIMIT = 256

#: The structure readers alive (weakly held), for :func:`tag_cache_sizes`.
_READERS: weakref.WeakSet[Reader] = weakref.WeakSet()


def tag_cache_sizes() -> list[tuple[int, int]]:
    """``(names cached, bound)`` of every live structure reader: what the memory tests check."""
    return [
        (len(getattr(reader, "tag_cache", ())), int(getattr(reader, "tag_cache_limit", 0)))
        for reader in list(_READERS)
    ]


def _structure(members: dict[str, tuple[str, Reader]]) -> Reader:
    # Element names of known members (namespaced spellings, ``{uri}Name``) are looked up once,
    # then cached here -- up to a bound; unknown names are never cached (they are kept as
    # unknown members, see _unknown).
    by_tag: dict[Any, tuple[str, Reader]] = dict(members)
    limit = len(members) + TAG_CACHE_LIMIT

    def read(node: Any) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for child in node:
            tag = child.tag
            entry = by_tag.get(tag)
            if entry is None:
                if not isinstance(tag, str):
                    continue  # a comment or processing instruction
                entry = members.get(_local(tag))
                if entry is None:
                    # botocore drops an element it has no member for; batchkit keeps it,
                    # as its JSON paths keep members newer than botocore
                    name = _local(tag)
                    if name not in parsed:
                        parsed[name] = _unknown(child)
                    continue
                if len(by_tag) < limit:
                    by_tag[tag] = entry
            name, reader = entry
            if name in parsed:
                raise Fallback  # a repeated element: botocore makes a list of nodes of it
            parsed[name] = reader(child)
        return parsed

    setattr(read, "tag_cache", by_tag)  # noqa: B010 - a function attribute, for the tests
    setattr(read, "tag_cache_limit", limit)  # noqa: B010
    _READERS.add(read)
    return read


def _list(item: Reader) -> Reader:
    def read(node: Any) -> list[Any]:
        return [item(child) for child in node]  # botocore reads every child as an item

    return read


class XmlPage:
    """The items (botocore's dicts) of one result document and its next token."""

    def __init__(self, items: list[dict[str, Any]] | None, token: str | None) -> None:
        self.items = items
        self.token = token


@functools.lru_cache(maxsize=32)  # by shape object: each new botocore client has its own
def _page_reader(output: Any) -> Reader | None:
    try:
        return compile_reader(output)
    except NotImplementedError:
        return None


def read_page(output: Any, body: bytes, result_key: str, token_key: str | None) -> XmlPage:
    """Parse ``body`` (whose root was checked) as botocore would parse ``output``.

    Raises :class:`Fallback` when botocore must parse it, :class:`TimestampError` for a
    timestamp botocore's parser cannot read."""
    reader = _page_reader(output)
    if reader is None:
        raise Fallback
    try:
        parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(), encoding="utf-8")
        parser.feed(body)
        root = parser.close()
    except ElementTree.ParseError:
        raise Fallback from None  # botocore raises its own ResponseParserError
    parsed = reader(root)
    token = parsed.get(token_key) if token_key is not None else None
    return XmlPage(parsed.get(result_key), token)


def rest_body(root: str, token_key: str | None, token: str | None) -> bytes:
    """The document left for botocore to parse: only the next token."""
    inner = f"<{token_key}>{escape(token)}</{token_key}>" if token_key and token is not None else ""
    return f"<{root}>{inner}</{root}>".encode()


def read_items_apart(output: Any, body: bytes, result_key: str) -> list[Any]:
    """The items of ``body`` read one by one: each a dict, or the :class:`TimestampError`
    that made it unreadable (so one bad timestamp costs one item, not the page)."""
    from botocore.model import ListShape

    member = output.members[result_key]
    if not isinstance(member, ListShape):  # pragma: no cover - S3 Control's result is a list
        raise Fallback
    item = compile_reader(member.member, result_key)
    name = member.serialization.get("name", result_key)
    parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(), encoding="utf-8")
    parser.feed(body)
    root = parser.close()
    parts: list[Any] = []
    for child in root:
        if isinstance(child.tag, str) and _local(child.tag) == name:
            for node in child:
                try:
                    parts.append(item(node))
                except TimestampError as error:
                    parts.append(error)
    return parts


def read_token(body: bytes, token_key: str | None) -> str | None:
    """The next token of ``body`` (a result document), read apart from its items."""
    if token_key is None:
        return None
    parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(), encoding="utf-8")
    parser.feed(body)
    for child in parser.close():
        if isinstance(child.tag, str) and _local(child.tag) == token_key:
            return child.text or ""
    return None
