"""YAML that means what it says, with the place of every value kept.

PyYAML reads YAML 1.1: an unquoted ``22:00`` becomes the integer 1320, ``NO``
becomes false, ``2015-07-01`` a date, and a repeated key silently keeps the last
value. A policy written the natural way must not mean something else, so scalars
resolve as in YAML 1.2's core schema (only true/false are booleans; ``22:00`` and
``no`` stay strings) and a duplicate key is an error. Every value's line and column
is kept so that errors point into the file the user wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from ._errors import PolicyError

Path = tuple[Any, ...]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 core-schema scalars."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))

# What YAML 1.1 tools (and older collectguard readers of a file) would read differently:
# lint warns on these so a reviewer quoting them is never surprised.
YAML11_SURPRISES = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$"
)


@dataclass
class Document:
    """Plain data loaded from YAML, and where each piece of it stood."""

    data: Any
    path: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    plain_strings: dict[Path, str] = field(default_factory=dict)
    # Loaded for lint (``load(..., every_duplicate=True)``): each duplicate key, its first
    # value kept, so that lint goes on to report everything else too.
    duplicates: list[PolicyError] | None = None

    def position(self, loc: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``loc``, or of its nearest ancestor."""
        if key and loc in self.keys:
            return self.keys[loc]
        loc = tuple(loc)
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (None, None))


def load(text: str, path: str, *, every_duplicate: bool = False) -> Document:
    """Parse one YAML document; raise PolicyError naming the place on any problem.
    ``every_duplicate`` (lint): a duplicate key is listed in ``doc.duplicates`` and the
    first value kept, instead of stopping the load."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PolicyError("the file is empty", path=path, line=1, column=1,
                              hint="a policy needs at least id, version and rules", check="yaml-syntax")
        doc = Document(data=None, path=path, duplicates=[] if every_duplicate else None)
        # Aliases can make a small file stand for an exponential tree (an alias bomb):
        # its expanded size is counted on the node graph before anything is built.
        _bounded(node, path)
        # Building reads scalars and merge keys: a tag no safe loader knows
        # (!!python/object) or a bad merge is refused here, with its place.
        doc.data = _build(loader, node, (), doc)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, path) from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"YAML syntax: {exc}", path=path, check="yaml-syntax") from None
    finally:
        loader.dispose()
    return doc


def _syntax_error(exc: yaml.MarkedYAMLError, path: str) -> PolicyError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    hint = ("a policy is plain YAML: remove the !! tag and write the value itself"
            if "constructor for the tag" in problem else "check indentation, colons and quotes on this line")
    return PolicyError(f"YAML syntax: {problem}", path=path,
                       line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None,
                       hint=hint, check="yaml-syntax")


# The most values a policy file may stand for once its aliases are expanded: the shipped
# pack has about 5,000; a pack of 200,000 terms still fits.
MAX_VALUES = 500_000
_PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))


def _bounded(root: yaml.Node, path: str) -> None:
    """Refuse a document whose expanded tree would exceed MAX_VALUES, in time linear in
    its node graph (each node's size is computed once, however often it is aliased)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(c), 1) for c in children)
        if size > MAX_VALUES:
            line, col = _mark(node)
            raise PolicyError(f"the file stands for more than {MAX_VALUES:,} values once its aliases are expanded",
                              path=path, line=line, column=col, check="yaml-syntax",
                              hint="write the values out, or use fewer nested aliases (*name)")
        sizes[id(node)] = size


def _tag_error(node: yaml.Node, doc: Document) -> PolicyError:
    line, col = _mark(node)
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    return PolicyError(f"YAML tag '{tag}' is not allowed in a policy", path=doc.path, line=line,
                       column=col, hint="a policy is plain YAML: remove the tag and write the value itself",
                       check="yaml-syntax")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(loader: Any, node: yaml.Node, loc: Path, doc: Document) -> Any:
    doc.values[loc] = _mark(node)
    if node.tag not in _PLAIN_TAGS:
        raise _tag_error(node, doc)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(loader, key_node, loc + ("<key>",), doc)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                line, col = _mark(key_node)
                raise PolicyError("a mapping key must be a plain word", path=doc.path, line=line,
                                  column=col, check="yaml-syntax")
            if key in out:
                line, col = _mark(key_node)
                first = doc.keys.get(loc + (key,), (None, None))[0]
                problem = PolicyError(f"duplicate key '{key}' (first given on line {first})", path=doc.path,
                                      line=line, column=col,
                                      hint="YAML keeps only the last value silently; merge the two or remove one",
                                      check="duplicate-key")
                if doc.duplicates is None:
                    raise problem
                doc.duplicates.append(problem)
                continue
            doc.keys[loc + (key,)] = _mark(key_node)
            out[key] = _build(loader, value_node, loc + (key,), doc)
        doc.values.pop(loc + ("<key>",), None)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, loc + (i,), doc) for i, item in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    # Not a mapping or a sequence: a scalar node, which has a style.
    if isinstance(value, str) and cast(yaml.ScalarNode, node).style in (None, "") and YAML11_SURPRISES.match(value):
        doc.plain_strings[loc] = value
    return value
