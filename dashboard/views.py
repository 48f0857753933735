"""The 大屏's pages: a screen (for people signed in, or for a display link), its panels' JSON, and the office's
editing of named screens and their links. Thin: reads in queries, writes in actions, rules in access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.replicas import reading
from dashboard import actions
from dashboard.access import (
    can_edit_screens,
    can_see_dashboard,
    get_screen_for,
    live_link,
    screens_for,
    sign_link,
)
from dashboard.forms import LinkForm, ScreenForm
from dashboard.models import DisplayLink, Panel, Screen
from dashboard.queries import REFRESH_SECONDS, default_screen, screen_data
from org.access import get_or_404, require
from org.http import PersonRequest


def _show(request: HttpRequest, screen: Screen, data_url: str, display: bool) -> HttpResponse:
    chosen = screen.chosen()
    charts = [key for key in chosen if key not in (Panel.FIGURES, Panel.MAP, Panel.TICKER)]
    return render(
        request,
        "dashboard/screen.html",
        {
            "screen": screen,
            "jurisdiction": settings.CHUANGWEN_JURISDICTION,
            "time_zone": settings.TIME_ZONE,
            "panels": chosen,
            "charts": charts,
            "has": {key: key in chosen for key in Panel.values},
            "data_url": data_url,
            "refresh_seconds": REFRESH_SECONDS,
            "display": display,
        },
    )


def _panel(screen: Screen, key: str) -> HttpResponse:
    """One panel's JSON; a panel the screen does not show is not there."""
    encoded = screen_data(screen).get(key) if key in screen.chosen() else None
    if encoded is None:
        raise Http404
    return HttpResponse(encoded, content_type="application/json")


@login_required
def screen(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    require(can_see_dashboard(request.user))
    shown = get_screen_for(request.user, pk) if pk is not None else default_screen()
    url = reverse("dashboard:panel", args=[shown.pk]) if shown.pk else reverse("dashboard:default_panel")
    return _show(request, shown, url, display=False)


@login_required
@reading()
def panel(request: PersonRequest, key: str, pk: int | None = None) -> HttpResponse:
    require(can_see_dashboard(request.user))
    return _panel(get_screen_for(request.user, pk) if pk is not None else default_screen(), key)


def display(request: HttpRequest, token: str) -> HttpResponse:
    """A lobby TV's screen: no sign-in, the link's screen only, refused once revoked."""
    link = live_link(token)
    if link is None:
        raise Http404
    return _show(request, link.screen, reverse("dashboard:display_panel", args=[token]), display=True)


@reading()
def display_panel(request: HttpRequest, token: str, key: str) -> HttpResponse:
    link = live_link(token)
    if link is None:
        raise Http404
    return _panel(link.screen, key)


@login_required
def screens(request: PersonRequest) -> HttpResponse:
    require(can_see_dashboard(request.user))
    rows = screens_for(request.user).select_related("town").prefetch_related("links")
    editor = can_edit_screens(request.user)
    listed = [
        (
            screen,
            [
                (link, request.build_absolute_uri(reverse("dashboard:display", args=[sign_link(link)])))
                for link in screen.links.all()
                if link.is_live()
            ]
            if editor
            else [],
        )
        for screen in rows
    ]
    return render(
        request, "dashboard/screens.html", {"screens": listed, "editor": editor, "link_form": LinkForm()}
    )


@login_required
def edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    require(can_edit_screens(request.user))
    screen = get_screen_for(request.user, pk, write=True) if pk is not None else Screen()
    form = ScreenForm(request.POST or None, instance=screen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.save_screen(
            request.user,
            form.instance,
            name=data["name"],
            town=data["town"],
            rotation_seconds=data["rotation_seconds"],
            panels=data["panels"],
        )
        messages.success(request, _("Screen saved."))
        return redirect("dashboard:screens")
    return render(request, "dashboard/edit.html", {"form": form, "screen": screen})


@login_required
@require_POST
def add_link(request: PersonRequest, pk: int) -> HttpResponse:
    screen = get_screen_for(request.user, pk, write=True)
    form = LinkForm(request.POST)
    if form.is_valid():
        actions.make_link(request.user, screen, form.cleaned_data["label"])
        messages.success(request, _("Display link made."))
    else:
        messages.error(request, _("Say where the link will be shown."))
    return redirect("dashboard:screens")


@login_required
@require_POST
def revoke(request: PersonRequest, pk: int) -> HttpResponse:
    require(can_edit_screens(request.user))
    link = get_or_404(DisplayLink.objects.select_related("screen"), pk)
    actions.revoke_link(request.user, link)
    messages.success(request, _("Display link revoked."))
    return redirect("dashboard:screens")
