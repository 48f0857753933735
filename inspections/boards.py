"""The public face of a site: the printable responsibility board (包保责任牌) with its QR code, and what a
citizen who scans it may see (phones of the keeper's people, mobiles masked)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import segno

from inspections.models import Site

MOBILE = re.compile(r"^1\d{10}$")
MAX_BATCH = 300  # boards printed at once
MAX_DUTIES = 7  # checklist lines printed as the keeper's duties


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
    return segno.make(url, error="m").svg_inline(border=2, dark="#000", omitsize=True)
