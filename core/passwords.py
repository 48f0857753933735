"""Password rules of the security baseline (等保 2.0 level 2): at least three character classes."""

from __future__ import annotations

import re
import secrets
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


def character_classes(password: str) -> int:
    return sum(1 for pattern in CHARACTER_CLASSES if re.search(pattern, password))


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(n)d kind of character: lower-case, upper-case, digits, symbols.",
            "Use at least %(n)d of these kinds of characters: lower-case, upper-case, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


def temporary_password() -> str:
    """A random password that meets the rules, for a new account or a reset (changed at first login)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        candidate = f"{body}#{secrets.randbelow(10)}"
        if character_classes(candidate) >= 4:
            return candidate


def describe_rules() -> str:
    return _("At least 8 characters, with three of: lower-case, upper-case, digits, symbols.")
