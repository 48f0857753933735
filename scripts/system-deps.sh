#!/usr/bin/env bash
# System packages the tests need: Chromium (browser tests), Noto CJK fonts (Chinese in PDFs and screenshots),
# poppler-utils (pdftotext in tests), gettext (msgfmt) and LibreOffice Calc without its GUI (the exports are printed
# to PDF in tests; about 30 s to install on Debian 12), nginx (the shipped config is checked and run in front of the
# app in chuangwen/tests/test_nginx.py). Installed through apt when missing and running as root.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need these system packages: ${missing[*]}" >&2
  echo "Install them, e.g.: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
