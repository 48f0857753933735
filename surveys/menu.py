"""Surveys have one page in the bar."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register

register(Entry(_("Surveys"), "surveys:index", "bi-clipboard-check", order=60))
