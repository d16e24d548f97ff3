from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.payroll.smoothing import smoothing_alerts

from . import selectors, services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "job_checks": selectors.job_check_recent(limit=5),
        # Warn before a smoothing reserve runs dry (C9).
        "smoothing_alerts": smoothing_alerts(as_of=timezone.localdate()),
    }
    return render(request, "workspace/home.html", context)


@login_required
@require_POST
def job_check_create(request: HttpRequest) -> HttpResponse:
    services.job_check_request(requested_by=request.user.get_username())
    messages.success(request, _("A check was sent to the background workers."))
    return redirect("home")
