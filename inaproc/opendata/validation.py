"""Validating OCDS output against the project's copy of the OCDS 1.1.5 schema
(`schema/ocds-1.1.5`, README there): JSON Schema Draft 4 with the format checker, the
schema's URL `$ref`s mapped to the local files (no network), and the closed codelists
checked against their CSVs (the schema alone accepts any string there)."""

import csv
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema" / "ocds-1.1.5"
_FILES = (
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
)


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {name: json.loads((SCHEMA_DIR / name).read_text("utf-8")) for name in _FILES}


@functools.cache
def _registry() -> Registry:
    resources = [
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in _schemas().values()
    ]
    return Registry().with_resources(resources)


@functools.cache
def _validator(name: str) -> Draft4Validator:
    return Draft4Validator(
        _schemas()[name],
        registry=_registry(),
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


@functools.cache
def _codes(codelist: str) -> frozenset[str]:
    with (SCHEMA_DIR / "codelists" / codelist).open(encoding="utf-8", newline="") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/definitions/"):
        return _schemas()["release-schema.json"]["definitions"][ref.rsplit("/", 1)[1]]
    return node


def _closed_codelist_errors(node: dict[str, Any], value: Any, path: str) -> Iterator[str]:
    node = _resolve(node)
    if node.get("codelist") and node.get("openCodelist") is False:
        codes = _codes(node["codelist"])
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item not in codes:
                yield f"{path}: {item!r} is not in the closed codelist {node['codelist']}"
    if isinstance(value, dict):
        for key, child in value.items():
            if key in node.get("properties", {}):
                yield from _closed_codelist_errors(node["properties"][key], child, f"{path}/{key}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, child in enumerate(value):
            yield from _closed_codelist_errors(node["items"], child, f"{path}/{index}")


def codelist_errors(release: dict[str, Any]) -> list[str]:
    """Values of closed codelists in one release (or compiled release) outside their CSV."""
    return list(_closed_codelist_errors(_schemas()["release-schema.json"], release, ""))


def _schema_errors(name: str, data: dict[str, Any]) -> list[str]:
    return [
        f"/{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in _validator(name).iter_errors(data)
    ]


def release_errors(release: dict[str, Any]) -> list[str]:
    return _schema_errors("release-schema.json", release) + codelist_errors(release)


def release_package_errors(package: dict[str, Any]) -> list[str]:
    errors = _schema_errors("release-package-schema.json", package)
    for release in package.get("releases", []):
        errors += codelist_errors(release)
    return errors


def record_package_errors(package: dict[str, Any]) -> list[str]:
    errors = _schema_errors("record-package-schema.json", package)
    for record in package.get("records", []):
        for release in record.get("releases", []):
            if "ocid" in release:  # embedded (not linked) releases
                errors += release_errors(release)
        if "compiledRelease" in record:
            errors += release_errors(record["compiledRelease"])
    return errors
