"""`chuangwen bench load --through-nginx` runs the shipped nginx config through `bench.nginx.shipped_config`, the
same function chuangwen/tests/test_nginx.py checks with `nginx -t` and runs in front of a live server; here, that
the bench's server is told it sits behind a proxy and accepts the name its clients give the site."""

from __future__ import annotations

from bench import nginx


def test_behind_nginx_the_server_reads_the_forwarded_address_and_allows_the_host():
    assert nginx.ENVIRONMENT["BEHIND_PROXY"] == "1"
    assert nginx.HOST in nginx.ENVIRONMENT["ALLOWED_HOSTS"].split(",")
