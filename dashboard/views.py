from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.replicas import reading
from dashboard.access import can_see_dashboard
from dashboard.queries import dashboard_json
from org.access import require
from org.http import PersonRequest


@login_required
def dashboard(request: PersonRequest) -> HttpResponse:
    require(can_see_dashboard(request.user))
    return render(request, "dashboard/dashboard.html", {"refresh_seconds": 60})


@login_required
@reading()
def dashboard_data(request: PersonRequest) -> HttpResponse:
    require(can_see_dashboard(request.user))
    return HttpResponse(dashboard_json(), content_type="application/json")
