"""Rule files: the JSON data every component compiles, checked as it loads.

``patterns/<name>.json`` ships in the package with its schema
(``patterns/schemas/<name>.schema.json``); rules from ``initialize(rules=...)``, ``from_disk``
and ``from_bytes`` are checked the same way, so an unknown or misspelt key is an error that
names the file and the key. Named parts (``defs``) are expanded before a component
compiles its rules (``expand_defs``).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from importlib import resources
from typing import Any

PATTERN_PACKAGE = "iro_evidence.patterns"
SCHEMA_FOLDER = "schemas"  # patterns/schemas/<name>.schema.json: the shape of patterns/<name>.json


class RuleError(ValueError):
    """Rules that do not fit their file's schema, or that name a part no ``defs`` defines."""


def load_packaged(name: str) -> Any:
    """Read ``patterns/<name>`` shipped inside the package, checked against its schema
    (once per process: the packaged files do not change while it runs)."""
    rules = json.loads(resources.files(PATTERN_PACKAGE).joinpath(name).read_text("utf-8"))
    if _schema_text(name) is not None:
        _check_packaged(name, json.dumps(rules, sort_keys=True))
    return rules


@functools.cache
def _schema_text(rules_file: str) -> str | None:
    schema = rules_file.replace(".json", ".schema.json")
    path = resources.files(PATTERN_PACKAGE).joinpath(SCHEMA_FOLDER).joinpath(schema)
    return path.read_text("utf-8") if path.is_file() else None


@functools.cache
def _validator(rules_file: str):
    # imported here, not with the package: building a blank pipeline must stay light
    # (tests/test_startup.py); only loading a rule component pays for it
    import jsonschema

    schema = json.loads(_schema_text(rules_file))
    # the schemas themselves are checked by the tests (tests/test_rule_files.py), not here:
    # checking a schema against its meta-schema costs more than checking the rules
    return jsonschema.validators.validator_for(schema)(schema)


@functools.cache
def _check_packaged(name: str, text: str) -> None:
    check_rules(json.loads(text), name, f"patterns/{name}")


def check_rules(rules: Any, rules_file: str, source: str) -> None:
    """Raise ``RuleError`` naming ``source`` and the key when ``rules`` does not fit the
    schema of ``rules_file`` (an unknown or misspelt key, a wrong type), or when a pattern
    names a part (``(?&name)``) that ``defs`` does not define."""
    if _schema_text(rules_file) is not None:
        errors = sorted(_validator(rules_file).iter_errors(rules), key=lambda e: list(map(str, e.path)))
        if errors:
            raise RuleError(f"{source}: " + "; ".join(_say(e) for e in errors[:5]))
    expand_defs(rules, source)


def _say(error) -> str:
    """One schema error in words: where, and which key (with the allowed keys near it)."""
    if error.context:  # anyOf / oneOf: the branch that came closest
        import jsonschema

        # a branch of the instance's own type says more than "is not of type"
        said = [e for e in error.context if e.validator != "type"] or error.context
        return _say(jsonschema.exceptions.best_match(said))
    where = "/" + "/".join(map(str, error.absolute_path))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        pats = list(error.schema.get("patternProperties", {}))
        bad = [k for k in error.instance if k not in known and not any(re.search(p, k) for p in pats)]
        hints = []
        for k in bad:
            near = difflib.get_close_matches(k, known, n=1)
            hints.append(f"unknown key {k!r} at {where}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        return "; ".join(hints) + f" (known keys: {', '.join(sorted(known))})"
    return f"{where}: {error.message[:300]}"


# A rule file may name parts in ``defs`` ({"copula": "is|are|was|were"}) and use them in
# any pattern (and in other defs) as ``(?&copula)``; compile() sees each use replaced by
# the part as a group. ``(?&`` is not Python regex syntax, so a name left unexpanded can
# never match silently.
DEF_REF = re.compile(r"\(\?&([A-Za-z_]\w*)\)")


def expand_defs(rules: Any, source: str = "rules") -> Any:
    """``rules`` with every ``(?&name)`` replaced by ``defs[name]`` (itself expanded) as a
    group, and without ``defs``; the same object when there is nothing to expand."""
    defs = rules.get("defs") if isinstance(rules, dict) else None
    done: dict[str, str] = {}

    def part(name: str, trail: tuple[str, ...]) -> str:
        if name in done:
            return done[name]
        if not defs or name not in defs or name.startswith("_"):
            raise RuleError(f"{source}: (?&{name}) names no part of 'defs'")
        if name in trail:
            raise RuleError(f"{source}: 'defs' {name!r} refers to itself ({' -> '.join((*trail, name))})")
        body = sub(defs[name], (*trail, name))
        done[name] = body if _one_group(body) else f"(?:{body})"
        return done[name]

    def sub(text: str, trail: tuple[str, ...] = ()) -> str:
        if "(?&" not in text:
            return text
        return DEF_REF.sub(lambda m: part(m.group(1), trail), text)

    def walk(x: Any, key: str = "") -> Any:
        if isinstance(x, str):
            return sub(x)
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, dict):
            return {k: (v if k.startswith("_") else walk(v, k)) for k, v in x.items() if k != "defs"}
        return x

    for name in defs or ():
        if not name.startswith("_"):  # every part is checked, used or not ("_doc": a note)
            part(name, ())
    if not defs and "(?&" not in json.dumps(rules):
        return rules
    return walk(rules)


def _one_group(body: str) -> bool:
    """``body`` is one ``(?:...)`` group (so it needs no group around it)."""
    if not body.startswith("(?:") or not body.endswith(")"):
        return False
    depth, i = 0, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a character class: parentheses in it are literal
            j = i + 1
            if j < len(body) and body[j] == "^":
                j += 1
            if j < len(body) and body[j] == "]":
                j += 1
            while j < len(body) and body[j] != "]":
                j += 2 if body[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and i != len(body) - 1:
                return False
        i += 1
    return depth == 0


NEVER = "(?!)"  # a regex that matches nothing


def empty_like(rules):
    """The same structure as ``rules`` with every list emptied and every string a regex
    that never matches; numbers and booleans are kept."""
    if isinstance(rules, dict):
        return {k: (v if k.startswith("_") else empty_like(v)) for k, v in rules.items()}
    if isinstance(rules, list):
        return []
    if isinstance(rules, str):
        return NEVER
    return rules
