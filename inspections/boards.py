"""The public face of a site: the printable responsibility board (包保责任牌) with its QR code, and what a
citizen who scans it may see (phones of the keeper's people, mobiles masked)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import segno
from django.core.cache import cache

from inspections.models import Site

MOBILE = re.compile(r"^1\d{10}$")
MAX_BATCH = 300  # boards printed at once
MAX_DUTIES = 7  # checklist lines printed as the keeper's duties
QR_CACHE_SECONDS = 30 * 24 * 3600  # a site's public address does not change; reprints reuse its code
# One fixed mask pattern: any of the eight is a valid code every scanner reads; trying all eight to pick the
# "best" was two thirds of the cost (300 boards took 2.5–5 s).
QR_MASK = 3


def public_phone(phone: str) -> str:
    """An office landline is shown whole (it is meant to be called); a personal mobile keeps 3 + 4 digits."""
    phone = phone.strip()
    digits = re.sub(r"\D", "", phone)
    if MOBILE.match(digits):
        return f"{digits[:3]}****{digits[-4:]}"
    return phone


@dataclass
class Contact:
    role: str
    name: str
    phone: str


def contacts(site: Site, role_names: tuple[str, str], masked: bool = True) -> list[Contact]:
    """The keeper's head and liaison. The web page masks mobiles; the printed board, a 监督电话 on purpose, not."""
    keeper = site.keeper
    pairs = (
        (role_names[0], keeper.head_name, keeper.head_phone),
        (role_names[1], keeper.liaison_name, keeper.liaison_phone),
    )
    return [
        Contact(role, name, public_phone(phone) if masked else phone)
        for role, name, phone in pairs
        if name or phone
    ]


def qr_svg(url: str) -> str:
    """An inline SVG QR code (error correction M survives a scratched board)."""
    return segno.make(url, error="m", mask=QR_MASK).svg_inline(border=2, dark="#000", omitsize=True)


def qr_svgs(urls: list[str]) -> dict[str, str]:
    """The QR codes of many addresses, from the cache where made before (one round trip), the rest made now."""
    keys = {url: "qr:" + hashlib.sha256(url.encode()).hexdigest()[:32] for url in urls}
    cached = cache.get_many(list(keys.values()))
    codes = {url: cached[key] for url, key in keys.items() if key in cached}
    made = {url: qr_svg(url) for url in urls if url not in codes}
    if made:
        cache.set_many({keys[url]: svg for url, svg in made.items()}, QR_CACHE_SECONDS)
    return codes | made
