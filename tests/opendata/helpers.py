import json

from inaproc.opendata import validation
from inaproc.opendata.models import Record, Release


def releases_of(package) -> list[dict]:
    return [json.loads(r.body) for r in Release.objects.filter(package=package).order_by("seq")]


def assert_valid_release(release: dict) -> None:
    assert validation.release_errors(release) == []


def compiled_of(package) -> dict:
    return json.loads(Record.objects.get(package=package).compiled)
