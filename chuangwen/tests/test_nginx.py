"""The shipped nginx configuration (deploy/nginx/chuangwen.conf): `nginx -t` passes, and run in front of a live
server it keeps each citizen's rate limit apart (the address nginx saw, never one a client wrote in its header).

The test changes only what differs on this machine (ports, certificate, static folder, upstream), each replaced
exactly once, so a config that drifts from what is tested fails here. Clients come from 127.0.0.2 and 127.0.0.3:
Linux routes all of 127/8 to the loopback, so nginx sees two addresses.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPResponse, HTTPSConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from bench.nginx import NginxSite, shipped_config
from jobs.models import GeneratedFile

SHIPPED = Path(settings.BASE_DIR) / "deploy" / "nginx" / "chuangwen.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not os.path.exists(NGINX), reason="nginx is not installed (scripts/system-deps.sh installs it)"
)


def _prepare(tmp: Path, upstream_port: int) -> NginxSite:
    """The shipped config with this machine's ports, a self-signed certificate and a temporary prefix."""
    (tmp / "static").mkdir()
    (tmp / "static" / "app.css").write_text("body{}")
    return shipped_config(tmp, upstream_port, access_log=True)


def _nginx_args(nginx: NginxSite) -> list[str]:
    prefix = str(nginx.conf.parent)
    return [NGINX, "-p", prefix + "/", "-c", str(nginx.conf), "-e", f"{prefix}/error.log"]


def test_the_shipped_config_passes_nginx_t(tmp_path):
    nginx = _prepare(tmp_path, upstream_port=8000)
    result = subprocess.run([*_nginx_args(nginx), "-t"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_body_limit_is_the_apps():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", SHIPPED.read_text())[1])  # type: ignore[index]
    assert megabytes * 1024 * 1024 == settings.MAX_REQUEST_BYTES


@pytest.fixture
def nginx(tmp_path, live_server) -> Iterator[NginxSite]:
    running = _prepare(tmp_path, upstream_port=int(live_server.url.rsplit(":", 1)[1]))
    process = subprocess.Popen(_nginx_args(running), stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", running.https_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield running
    finally:
        process.terminate()
        process.wait(10)


def _https(nginx: NginxSite, source: str) -> HTTPSConnection:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's self-signed certificate
    return HTTPSConnection(
        "127.0.0.1", nginx.https_port, source_address=(source, 0), context=context, timeout=30
    )


def _request(
    nginx: NginxSite, source: str, method: str, path: str, body: str = "", headers: dict | None = None
) -> tuple[HTTPResponse, str]:
    connection = _https(nginx, source)
    connection.request(method, path, body=body or None, headers={"Host": "localhost", **(headers or {})})
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response, text


def _failed_sign_in(nginx: NginxSite, source: str, attempt: int, spoof: str = "") -> int:
    """One wrong password from `source`, with the sign-in form's CSRF token, as a browser would send it."""
    page, html = _request(nginx, source, "GET", "/login/")
    cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert cookie and token, f"no CSRF token in the sign-in page ({page.status})"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie[1]}",
        "Referer": "https://localhost/login/",
        **({"X-Forwarded-For": spoof} if spoof else {}),
    }
    form = {"csrfmiddlewaretoken": token[1], "username": f"nobody{attempt}", "password": "wrong-Password1"}
    response, _ = _request(nginx, source, "POST", "/login/", urlencode(form), headers)
    return response.status


@pytest.mark.django_db(transaction=True)
def test_each_citizen_has_their_own_limit_behind_nginx(nginx, settings):
    settings.BEHIND_PROXY, settings.PROXY_HOPS = True, 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.LOGIN_FAILURES_PER_IP, settings.LOGIN_CAPTCHA_AFTER = "3/15m", 100

    assert [_failed_sign_in(nginx, "127.0.0.2", n) for n in range(3)] == [200, 200, 200]
    assert _failed_sign_in(nginx, "127.0.0.2", 3) == 429
    # Writing another address into the header changes nothing: nginx appends the one it saw, the app reads that.
    assert _failed_sign_in(nginx, "127.0.0.2", 4, spoof="198.51.100.9") == 429
    # Another citizen, through the same nginx, is not held by the first one's failures.
    assert _failed_sign_in(nginx, "127.0.0.3", 5) == 200


def test_it_serves_static_files_and_never_media(nginx):
    response, body = _request(nginx, "127.0.0.1", "GET", "/static/app.css")
    assert response.status == 200 and body == "body{}" and "immutable" in response.headers["Cache-Control"]
    response, _ = _request(nginx, "127.0.0.1", "GET", "/media/generated/2026/12/cases-export-1.xlsx")
    assert response.status == 404


def test_it_refuses_a_body_over_the_limit_before_reading_it(nginx):
    connection = _https(nginx, "127.0.0.1")
    connection.putrequest("POST", "/portal/report/", skip_host=True)
    connection.putheader("Host", "localhost")
    connection.putheader("Content-Length", str(settings.MAX_REQUEST_BYTES + 1))
    connection.endheaders()  # no body sent: nginx answers from the header alone
    assert connection.getresponse().status == 413
    connection.close()


def test_plain_http_is_sent_to_https(nginx):
    connection = HTTPConnection("127.0.0.1", nginx.http_port, timeout=10)
    connection.request("GET", "/login/", headers={"Host": "localhost"})
    response = connection.getresponse()
    assert response.status == 301 and response.headers["Location"] == "https://localhost/login/"


@pytest.mark.django_db(transaction=True)
def test_nginx_sends_a_file_only_after_the_app_allowed_it(nginx, county, settings, client):
    settings.MEDIA_ACCEL_REDIRECT = True
    job = GeneratedFile.objects.create(
        created_by=county.office_admin,
        kind="cases-xlsx",
        status=GeneratedFile.Status.DONE,
        filename="问题清单.xlsx",
    )
    job.file.save("cases-export.xlsx", ContentFile(b"PK-the-export"))
    path = f"/jobs/{job.pk}/download/"

    def session_of(person) -> dict:
        client.force_login(person)
        return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}

    cookie = session_of(county.office_admin)
    direct = client.get(path)  # the app itself only names the file
    assert direct["X-Accel-Redirect"] == f"/protected-media/{job.file.name}" and direct.content == b""
    response, body = _request(nginx, "127.0.0.1", "GET", path, headers=cookie)
    assert response.status == 200 and body == "PK-the-export"  # sent by nginx from its internal location
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in response.headers

    response, body = _request(nginx, "127.0.0.1", "GET", path, headers=session_of(county.handler_a))
    assert response.status == 404 and "PK-the-export" not in body
    response, body = _request(nginx, "127.0.0.1", "GET", f"/protected-media/{job.file.name}")
    assert response.status == 404 and "PK-the-export" not in body  # internal: no client reaches it directly
