import base64
from pathlib import Path

import pytest

from tests.helpers import signed_in
from tests.uploads.urls import DemoPolicy

TUS = {"Tus-Resumable": "1.0.0"}
CREATE_URL = "/lpse-a/unggah/"


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path) -> Path:
    root = tmp_path / "uploads"
    settings.UPLOAD_TEMP_ROOT = root
    return root


@pytest.fixture(autouse=True)
def fresh_policy(monkeypatch):
    monkeypatch.setattr(DemoPolicy, "completed", [])


@pytest.fixture
def vendor_client(vendor_a):
    return signed_in(vendor_a)


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client, length: int, *, url: str = CREATE_URL, **headers: str):
    wanted = {**TUS, "Upload-Length": str(length), "Upload-Metadata": metadata(filename="a.bin")}
    return client.post(url, headers={**wanted, **headers})


def patch(client, location: str, offset: int, data: bytes, **headers: str):
    wanted = {**TUS, "Upload-Offset": str(offset)}
    content_type = headers.pop("content_type", "application/offset+octet-stream")
    # CONTENT_TYPE given as well: the test client leaves it out of a request with no body.
    return client.patch(
        location,
        data=data,
        content_type=content_type,
        headers={**wanted, **headers},
        CONTENT_TYPE=content_type,
    )


def head(client, location: str):
    return client.head(location, headers=TUS)
