"""`chuangwen bench load --through-nginx`: the shipped nginx configuration (deploy/nginx/chuangwen.conf) in front
of the bench's gunicorn, run unprivileged on free ports with a self-signed certificate (as
chuangwen/tests/test_nginx.py runs it), each bench client from its own loopback address (127.0.0.10 and up; Linux
routes all of 127/8 to the loopback), so nginx adds a different X-Forwarded-For for each. After the load, the
per-address sign-in limit is checked through the same nginx: one address refused, a forged header changing
nothing, another address still let in.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings

if TYPE_CHECKING:
    from bench.load import Target

SHIPPED = Path(settings.BASE_DIR) / "deploy" / "nginx" / "chuangwen.conf"
HOST = "localhost"  # the Host every request names (ALLOWED_HOSTS), as a browser would name the site
# The server's environment behind nginx: the client's address from X-Forwarded-For, the scheme from
# X-Forwarded-Proto, and a sign-in limit small enough to check (the load itself never signs in).
ENVIRONMENT = {
    "BEHIND_PROXY": "1",
    "PROXY_HOPS": "1",
    "ALLOWED_HOSTS": f"127.0.0.1,{HOST}",
    "LOGIN_FAILURES_PER_IP": "3/15m",
    "LOGIN_CAPTCHA_AFTER": "100",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class NginxSite:
    conf: Path  # the nginx.conf to start nginx with (-c), including the shipped config
    https_port: int
    http_port: int


def shipped_config(scratch: Path, upstream_port: int, *, access_log: bool = False) -> NginxSite:
    """The shipped config with this machine's ports, a self-signed certificate and folders under `scratch`, each
    line replaced exactly once, so a config that drifts from what is run here fails (the bench and
    chuangwen/tests/test_nginx.py both run it this way)."""
    cert, key = scratch / "cert.pem", scratch / "key.pem"
    self_signed = ["-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"]
    subprocess.run(
        ["openssl", "req", *self_signed, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    (scratch / "static").mkdir(exist_ok=True)
    https_port, http_port = _free_port(), _free_port()
    text = SHIPPED.read_text()
    for old, new in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/ssl/chuangwen/fullchain.pem", str(cert)),
        ("/etc/ssl/chuangwen/privkey.pem", str(key)),
        ("/srv/chuangwen/static/", f"{scratch}/static/"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("/srv/chuangwen/media/", f"{settings.MEDIA_ROOT}/"),
    ]:
        if text.count(old) != 1:
            raise RuntimeError(f"the shipped nginx config no longer has exactly one {old!r}")
        text = text.replace(old, new)
    (scratch / "chuangwen.conf").write_text(text)
    temp_paths = " ".join(
        f"{name}_temp_path {scratch}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = scratch / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {scratch}/nginx.pid;\nerror_log {scratch}/error.log warn;\n"
        + "events { worker_connections 1024; }\n"
        + f"http {{\n include /etc/nginx/mime.types;\n access_log {f'{scratch}/access.log' if access_log else 'off'};\n"
        + f" {temp_paths}\n"
        + f" include {scratch}/chuangwen.conf;\n}}\n"
    )
    return NginxSite(conf, https_port, http_port)


class _Proxied(http.client.HTTPSConnection):
    """HTTPS to nginx naming the site as HOST, whatever address it connects to."""

    def putrequest(
        self, method: str, url: str, skip_host: bool = False, skip_accept_encoding: bool = False
    ) -> None:
        super().putrequest(method, url, skip_host=True, skip_accept_encoding=skip_accept_encoding)
        self.putheader("Host", HOST)


def _connector(port: int, sources: Iterator[str]) -> Callable[[], http.client.HTTPConnection]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the bench's self-signed certificate
    return lambda: _Proxied("127.0.0.1", port, source_address=(next(sources), 0), context=context, timeout=30)


@contextmanager
def behind_nginx(target: Target, scratch: Path) -> Iterator[Target]:
    """nginx started in front of `target`'s gunicorn; yields the target as the clients reach it through nginx."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    scratch.mkdir(parents=True, exist_ok=True)
    site = shipped_config(scratch, target.port)
    conf, https_port = site.conf, site.https_port
    prefix = f"{scratch}/"
    process = subprocess.Popen([nginx, "-p", prefix, "-c", str(conf), "-e", f"{scratch}/error.log"])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        sources = (f"127.0.{n // 250}.{10 + n % 250}" for n in itertools.count())
        yield replace(
            target, port=https_port, origin=f"https://{HOST}", connect=_connector(https_port, sources)
        )
    finally:
        process.terminate()
        process.wait(10)


def _failed_sign_in(target: Target, source: str, attempt: int, spoof: str = "") -> int:
    """One wrong password from `source` through nginx, with the sign-in form's CSRF token; the answer's status."""
    connect = _connector(target.port, itertools.repeat(source))
    page = connect()
    page.request("GET", "/login/")
    answer = page.getresponse()
    html = answer.read().decode(errors="replace")
    cookie = re.search(r"csrftoken=([^;]+)", "; ".join(answer.msg.get_all("Set-Cookie") or []))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not (cookie and token):
        raise RuntimeError(f"no CSRF token in the sign-in page through nginx ({answer.status})")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie[1]}",
        "Referer": f"https://{HOST}/login/",
        **({"X-Forwarded-For": spoof} if spoof else {}),
    }
    form = {"csrfmiddlewaretoken": token[1], "username": f"nobody{attempt}", "password": "wrong-Password1"}
    post = connect()
    post.request("POST", "/login/", body=urlencode(form), headers=headers)
    return post.getresponse().status


def limit_holds_per_citizen(target: Target) -> bool:
    """Three failures from one address are let through and the fourth refused, a forged X-Forwarded-For does not
    escape it, and another address is still let in: nginx passes each client's own address."""
    first = [_failed_sign_in(target, "127.0.0.2", n) for n in range(3)]
    refused = _failed_sign_in(target, "127.0.0.2", 3)
    forged = _failed_sign_in(target, "127.0.0.2", 4, spoof="198.51.100.9")
    other = _failed_sign_in(target, "127.0.0.3", 5)
    return first == [200, 200, 200] and refused == 429 and forged == 429 and other == 200
