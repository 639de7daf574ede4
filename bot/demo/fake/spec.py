"""The Telegram Bot API reference as data, for the fake server and for checking its answers.

Reads ``telegram-bot-api-spec/api.json`` (Bot API 10.1, MIT, from PaulSonOfLars/telegram-bot-api-spec;
see the LICENSE beside it) and answers three questions:

* which methods exist and which parameters each takes, required or not (:meth:`Spec.method`);
* how to turn a parameter as it arrives over HTTP into a Python value (:func:`decode_param`):
  in form and multipart bodies every value is a string, and arrays and objects are JSON in it;
* whether an object the fake sends back carries every field its type requires, with values of
  the right types, and no field the type does not have (:meth:`Spec.check`).

It does no I/O beyond reading the JSON file once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "SPEC_PATH",
    "FieldSpec",
    "MethodSpec",
    "ParamError",
    "Spec",
    "UploadedFile",
    "decode_param",
    "load_spec",
]

SPEC_PATH = Path(__file__).with_name("telegram-bot-api-spec") / "api.json"

_PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
# 'Type of the chat member, always "creator"' and the like: the value that tells subtypes apart.
_ALWAYS_RE = re.compile(r'always [“"]([^”"]+)[”"]')
_INT_RE = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    name: str  # the form field name (a parameter name or an attach:// name)
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str

    @property
    def constant(self) -> str | None:
        """The only value this field may have (discriminator of a subtype), if the spec says."""
        match = _ALWAYS_RE.search(self.description)
        return match.group(1) if match else None


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]
    description: str

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.required]


class ParamError(ValueError):
    """A parameter value that cannot be decoded to its spec type; str() is the 400 description."""


class Spec:
    """Methods and types of the Bot API, looked up case-insensitively for methods."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw["version"]
        self.methods: dict[str, MethodSpec] = {}
        self._methods_lower: dict[str, MethodSpec] = {}
        for name, method in raw["methods"].items():
            spec = MethodSpec(
                name=name,
                fields={f["name"]: _field(f) for f in method.get("fields", [])},
                returns=tuple(method["returns"]),
                description=" ".join(method.get("description", [])),
            )
            self.methods[name] = spec
            self._methods_lower[name.lower()] = spec
        self.types: dict[str, dict[str, FieldSpec]] = {}
        self.subtypes: dict[str, tuple[str, ...]] = {}
        for name, typ in raw["types"].items():
            if "subtypes" in typ:
                self.subtypes[name] = tuple(typ["subtypes"])
            self.types[name] = {f["name"]: _field(f) for f in typ.get("fields", [])}

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name`` in any letter case, as Telegram resolves it."""
        return self._methods_lower.get(name.lower())

    def check(
        self, types: str | tuple[str, ...] | list[str], value: Any, path: str = ""
    ) -> list[str]:
        """Problems with ``value`` as one of ``types``; an empty list means it conforms.

        Strict in both directions: every required field present, every present field known to
        the type and of a type the spec allows. Keys starting with "_" are the fake's own
        bookkeeping and are reported too: they must never reach the wire.
        """
        alternatives = [types] if isinstance(types, str) else list(types)
        best: list[str] | None = None
        for alternative in alternatives:
            problems = self._check_one(alternative, value, path or alternative)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or [f"{path}: no type to check against"]

    def _check_one(self, typ: str, value: Any, path: str) -> list[str]:
        if typ.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {typ}, got {type(value).__name__}"]
            inner = typ[len("Array of ") :]
            problems: list[str] = []
            for index, item in enumerate(value):
                problems += self.check(inner, item, f"{path}[{index}]")
            return problems
        if typ in _PRIMITIVES:
            return [] if _is_primitive(typ, value) else [f"{path}: expected {typ}, got {value!r}"]
        if typ in self.subtypes:
            return self.check(self.subtypes[typ], value, path)
        fields = self.types.get(typ)
        if fields is None:
            return [f"{path}: unknown type {typ}"]
        if not isinstance(value, dict):
            return [f"{path}: expected {typ} object, got {type(value).__name__}"]
        problems = []
        for name, spec in fields.items():
            if name not in value:
                if spec.required:
                    problems.append(f"{path}.{name}: required field of {typ} missing")
                continue
            constant = spec.constant
            if constant is not None and value[name] != constant:
                problems.append(f"{path}.{name}: must be {constant!r} in {typ}")
                continue
            problems += self.check(spec.types, value[name], f"{path}.{name}")
        for name in value:
            if name not in fields:
                problems.append(f"{path}.{name}: field not defined for {typ}")
        return problems

    def check_result(self, method: str, result: Any) -> list[str]:
        """Problems with ``result`` as the return value of ``method``."""
        spec = self.method(method)
        if spec is None:
            return [f"unknown method {method}"]
        returns = tuple("Boolean" if r in ("True", "Boolean") else r for r in spec.returns)
        if result is True and "Boolean" in returns:
            return []
        return self.check(returns, result, method)


def _field(raw: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=raw["name"],
        types=tuple(raw["types"]),
        required=bool(raw["required"]),
        description=raw.get("description", ""),
    )


def _is_primitive(typ: str, value: Any) -> bool:
    if typ == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if typ == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if typ == "Boolean":
        return isinstance(value, bool)
    if typ == "String":
        return isinstance(value, str)
    return isinstance(value, str | UploadedFile)  # InputFile


@cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """The spec, parsed once per process."""
    with path.open(encoding="utf-8") as fh:
        return Spec(json.load(fh))


def decode_param(field: FieldSpec, raw: Any, files: dict[str, UploadedFile]) -> Any:
    """Turn one request parameter into the value its spec type describes.

    ``raw`` is a string for form-urlencoded and multipart bodies (python-telegram-bot sends
    every non-file value that way, with arrays and objects JSON-encoded, booleans as "true" and
    numbers as digits), or an already-typed value from a JSON body. Telegram is lenient about
    "123" for an Integer in JSON too, so both paths share this. A file parameter may also
    arrive as a multipart part of the same name, passed in ``files``.
    """
    types = field.types
    name = field.name
    if "InputFile" in types:
        if isinstance(raw, UploadedFile):
            return raw
        if isinstance(raw, str):
            return raw
        raise ParamError(f"Bad Request: invalid file specified in {name}")
    if types == ("Integer",) or types == ("Integer", "String"):
        if isinstance(raw, bool):
            raise ParamError(f"Bad Request: field {name!r} must be an Integer")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and _INT_RE.match(raw.strip()):
            return int(raw.strip())
        if "String" in types and isinstance(raw, str):
            return raw
        raise ParamError(f"Bad Request: field {name!r} must be an Integer")
    if types == ("Float",):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        try:
            return float(str(raw))
        except ValueError:
            raise ParamError(f"Bad Request: field {name!r} must be a Float") from None
    if types == ("Boolean",):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0", ""):
            return False
        raise ParamError(f"Bad Request: field {name!r} must be a Boolean")
    if types == ("String",):
        if isinstance(raw, str):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return str(raw)
        raise ParamError(f"Bad Request: field {name!r} must be a String")
    # Arrays and objects: JSON in a string for form bodies, already decoded in JSON bodies.
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ParamError(f"Bad Request: can't parse {name} JSON object") from None
    else:
        value = raw
    wants_array = all(t.startswith("Array of ") for t in types)
    if wants_array and not isinstance(value, list):
        raise ParamError(f"Bad Request: field {name!r} must be an Array")
    if not wants_array and not isinstance(value, dict):
        raise ParamError(f"Bad Request: can't parse {name} JSON object")
    return value
