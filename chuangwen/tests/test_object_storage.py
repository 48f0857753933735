"""Object storage through django-storages against a local S3 endpoint (moto_server, a real HTTP S3 API): files
land in the bucket, not on disk, and a download passes the app's access check first, then streams or redirects
to a signed URL that expires."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3  # type: ignore[import-untyped]
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from jobs.models import GeneratedFile

BUCKET = "chuangwen-test"
CONTENT = "整改台账\n".encode() * 1000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The settings STORAGE_S3_* make (chuangwen/settings.py), pointed at the local endpoint."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="t",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": _s3_storage(s3_endpoint)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _s3_storage(endpoint: str) -> dict:
    """The settings' S3 block as chuangwen/settings.py builds it from STORAGE_S3_* (read in a fresh process)."""
    env = {
        **os.environ,
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": endpoint,
        "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_ACCESS_KEY": "test",
        "STORAGE_S3_SECRET_KEY": "test",
        "STORAGE_S3_ADDRESSING_STYLE": "path",
        "STORAGE_S3_URL_SECONDS": "60",
    }
    script = "from django.conf import settings; print(repr(settings.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "chuangwen.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return ast.literal_eval(result.stdout)


def _export(person) -> GeneratedFile:
    job = GeneratedFile.objects.create(
        created_by=person, kind="cases-xlsx", status=GeneratedFile.Status.DONE, filename="问题清单.xlsx"
    )
    job.file.save("cases-export.xlsx", ContentFile(CONTENT))
    return job


def test_the_file_lands_in_the_bucket_not_on_disk(bucket, county, settings):
    job = _export(county.office_admin)
    stored = bucket.get_object(Bucket=BUCKET, Key=job.file.name)["Body"].read()
    assert stored == CONTENT
    assert not (Path(settings.MEDIA_ROOT) / job.file.name).exists()


def test_a_download_streams_from_the_bucket_after_the_access_check(bucket, county, login):
    job = _export(county.office_admin)
    url = reverse("jobs:download", args=[job.pk])
    assert login(county.handler_a).get(url).status_code == 404  # not the requester: nothing, no link
    response = login(county.office_admin).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == CONTENT
    assert "attachment" in response["Content-Disposition"]


def test_a_download_redirects_to_a_signed_url_that_expires(bucket, county, login, settings):
    settings.STORAGE_S3_REDIRECT = True
    job = _export(county.office_admin)
    url = reverse("jobs:download", args=[job.pk])
    assert login(county.handler_a).get(url).status_code == 404

    response = login(county.office_admin).get(url)
    assert response.status_code == 302
    signed = response["Location"]
    query = parse_qs(urlparse(signed).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    with urllib.request.urlopen(signed, timeout=10) as fetched:
        assert fetched.read() == CONTENT
        assert fetched.headers["Content-Disposition"].startswith("attachment")

    unsigned = signed.split("?", 1)[0]  # the bucket is private: without the signature, nothing
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 403
