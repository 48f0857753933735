"""The inbox: a person's own notifications, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notify import actions
from notify.models import Notification
from org.access import _get_or_404


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=request.user)
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    unread = mine.filter(read_at__isnull=True).count()
    return render(request, "notify/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own notifications exist for the lookup: someone else's is "not found".
    notification = _get_or_404(Notification.objects.filter(recipient=request.user), pk)
    actions.mark_read(request.user, [notification.pk])
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "notify:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.mark_read(request.user)
    return redirect("notify:inbox")
