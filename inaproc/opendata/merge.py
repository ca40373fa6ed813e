"""Compiling releases into a record's `compiledRelease` (OCDS 1.1 merge rules, the simple
form that the releases Inaproc writes need; docs/open-data.md, "Records"):

- releases are merged in feed order (their sequence, which is their date order);
- objects merge field by field; a field set to null removes it;
- an array whose items are all objects with an `id` merges item by item on the id
  (items keep their first position, new ids are appended);
- any other array (strings, objects without ids) replaces the earlier value whole;
- the compiled release has tag ["compiled"], the latest date, and the id
  `<ocid>-<latest date>`.
"""

from typing import Any

_SKIPPED = ("id", "tag")


def _is_identified_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "id" in item for item in value)
    )


def _merge_list(earlier: list[Any], later: list[Any]) -> list[Any]:
    merged: dict[str, Any] = {str(item["id"]): item for item in earlier}
    for item in later:
        key = str(item["id"])
        merged[key] = merge_value(merged.get(key), item)
    return list(merged.values())


def merge_value(earlier: Any, later: Any) -> Any:
    if isinstance(earlier, dict) and isinstance(later, dict):
        result = dict(earlier)
        for key, value in later.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = merge_value(result.get(key), value)
        return result
    if _is_identified_list(later) and _is_identified_list(earlier):
        return _merge_list(earlier, later)
    return later


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one ocid's releases, given in feed order."""
    compiled: dict[str, Any] = {}
    for release in releases:
        body = {key: value for key, value in release.items() if key not in _SKIPPED}
        compiled = merge_value(compiled, body)
    latest = releases[-1]["date"] if releases else ""
    ocid = releases[0]["ocid"] if releases else ""
    return {
        "ocid": ocid,
        "id": f"{ocid}-{latest}",
        "date": latest,
        "tag": ["compiled"],
        **{key: value for key, value in compiled.items() if key not in ("ocid", "date")},
    }
