"""A real S3-compatible server process for the tests: moto's standalone `moto_server`
(the dev extra), started on a free port of 127.0.0.1 and stopped at the end.

CI (.ci/run, CI=true) must run these tests: there a missing or silent server fails them.
A developer without moto_server sees them skipped, with the reason."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY = "inaproc-test"
SECRET_KEY = "inaproc-test-secret"  # noqa: S105 - moto accepts any key
REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint_url: str
    process: subprocess.Popen

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        name = f"inaproc-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage_options(self, bucket: str) -> dict:
        """STORAGES["documents"]["OPTIONS"] as config/settings/base.py builds them."""
        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint_url,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "addressing_style": "path",
        }

    def environment(self, bucket: str) -> dict[str, str]:
        """The same, as the environment variables an operator sets (docs/operations.md)."""
        return {
            "DOCUMENT_STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ADDRESSING_STYLE": "path",
        }


def moto_server_path() -> str | None:
    beside = Path(sys.executable).parent / "moto_server"
    if beside.exists():
        return str(beside)
    return shutil.which("moto_server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_s3_server(log_path: Path) -> S3Server:
    """Start moto_server and wait until it answers; fail (CI) or skip (elsewhere) when
    it is not installed, fail when it does not answer."""
    binary = moto_server_path()
    if binary is None:
        message = "moto_server is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI runs the object-storage tests against it")
        pytest.skip(message)
    port = free_port()
    log = open(log_path, "wb")  # noqa: SIM115 - the server writes to it until stopped
    process = subprocess.Popen(  # noqa: S603 - our own venv's binary
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(endpoint + "/", timeout=1):  # noqa: S310 - http to ourselves
                return S3Server(endpoint_url=endpoint, process=process)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    process.kill()
    process.wait()
    pytest.fail(f"moto_server did not answer on {endpoint}; its log: {log_path}")


def stop_s3_server(server: S3Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
