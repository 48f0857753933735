from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notify import actions
from notify.access import can_manage_webhooks, can_see_deliveries
from notify.forms import LiaisonForm, PreferencesForm, WebhookForm
from notify.models import Channel, Delivery, Preferences, WebhookEndpoint
from org.access import can_name_liaison, require
from org.http import PersonRequest


@login_required
def inbox(request: PersonRequest) -> HttpResponse:
    # Folded messages were told in a summary; they stay only to keep their keys sent.
    notifications = request.user.notifications.filter(folded=False).order_by("read_at", "-created_at")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request: PersonRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(request.user.notifications, pk=pk)
    actions.mark_read(request.user, notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notify:inbox")


@login_required
@require_POST
def read_all(request: PersonRequest) -> HttpResponse:
    actions.mark_all_read(request.user)
    return redirect("notify:inbox")


@login_required
def webhook_list(request: PersonRequest) -> HttpResponse:
    require(can_manage_webhooks(request.user))
    endpoints = WebhookEndpoint.objects.select_related("unit").order_by("unit__path", "name")
    return render(request, "notify/webhook_list.html", {"endpoints": endpoints})


@login_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_webhooks(request.user))
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk) if pk else None
    form = WebhookForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_webhook(request.user, endpoint, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("notify:webhooks")
    return render(request, "org/form.html", {"form": form, "title": _("Robot webhook")})


@login_required
def delivery_list(request: PersonRequest) -> HttpResponse:
    """Every message that left (or is to leave) the system, newest first, by state and channel."""
    require(can_see_deliveries(request.user))
    status, channel = request.GET.get("status", ""), request.GET.get("channel", "")
    deliveries = Delivery.objects.select_related("person", "unit").order_by("-created_at", "-pk")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    if channel in Channel.values:
        deliveries = deliveries.filter(channel=channel)
    context = {
        "page": Paginator(deliveries, 50).get_page(request.GET.get("page")),
        "status": status,
        "channel": channel,
        "statuses": Delivery.Status.choices,
        "channels": Channel.choices,
        "failed": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
    }
    return render(request, "notify/delivery_list.html", context)


@login_required
@require_POST
def delivery_retry(request: PersonRequest) -> HttpResponse:
    """Retry one failed delivery (`pk` in the form) or all of them."""
    require(can_see_deliveries(request.user))
    chosen = Delivery.objects.all()
    if request.POST.get("pk"):
        chosen = chosen.filter(pk=request.POST["pk"])
    count = actions.retry_deliveries(request.user, chosen)
    messages.success(request, _("%(count)d deliveries will be sent again.") % {"count": count})
    return redirect(f"{reverse('notify:deliveries')}?status=pending")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: PersonRequest) -> HttpResponse:
    """One's own notification settings."""
    mine = Preferences.objects.filter(person=request.user).first() or Preferences(person=request.user)
    form = PreferencesForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PreferencesForm.Meta.fields}
        actions.save_preferences(request.user, mine, form.channels(), **fields)
        messages.success(request, _("Notification settings saved."))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def liaison(request: PersonRequest) -> HttpResponse:
    """The unit head names the unit's liaison (联络员), who gets an SMS for every step of the unit's cases."""
    unit = request.user.unit
    require(unit is not None and can_name_liaison(request.user, unit))
    assert unit is not None  # for the type checker: `require` refused a person without a unit
    form = LiaisonForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.appoint_liaison(
                request.user, unit, form.cleaned_data["name"], form.cleaned_data["phone"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("Liaison saved; your unit and the liaison have been told."))
            return redirect("notify:liaison")
    return render(request, "notify/liaison.html", {"form": form, "unit": unit})
