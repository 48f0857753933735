"""`chuangwen bench load --through-nginx` runs the shipped nginx config as the nginx tests do: it still passes
`nginx -t` after the bench's substitutions, and the bench's clients name the site as the server expects."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from bench import nginx

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.skipif(
    not os.path.exists(NGINX), reason="nginx is not installed (scripts/system-deps.sh installs it)"
)
def test_the_bench_config_passes_nginx_t(tmp_path):
    conf, port = nginx._config(tmp_path, upstream_port=8000)
    assert f"listen 127.0.0.1:{port} ssl" in (tmp_path / "chuangwen.conf").read_text()
    result = subprocess.run(
        [NGINX, "-p", f"{tmp_path}/", "-c", str(conf), "-e", f"{tmp_path}/error.log", "-t"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_behind_nginx_the_server_reads_the_forwarded_address_and_allows_the_host():
    assert nginx.ENVIRONMENT["BEHIND_PROXY"] == "1"
    assert nginx.HOST in nginx.ENVIRONMENT["ALLOWED_HOSTS"].split(",")
