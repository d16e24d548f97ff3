"""The "declare once" page: one form creates the document, the contracts, the levy and the postings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.errors import PlatformError
from tenants.billing.forms import line_formset
from tenants.billing.views import activity_from_query
from tenants.web import refuse

from . import services
from .forms import DeclarationForm, performer_formset


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declaration_create(request: HttpRequest) -> HttpResponse:
    entity = getattr(request, "entity", None)
    country = str(getattr(entity, "country", ""))
    status = 200
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        lines = line_formset(country, request.POST)
        performers = performer_formset(request.POST)
        status = 400
        # Every part is validated, so that every mistake shows at once.
        valid = [form.is_valid(), lines.is_valid(), performers.is_valid()]
        if all(valid):
            data = form.cleaned_data
            try:
                declaration = services.declare_performance(
                    activity=data["activity"],
                    client=data["client"],
                    document_kind=data["document_kind"],
                    lines=lines.lines(),
                    performers=performers.performers(),
                    performed_from=data["performed_from"],
                    performed_to=data["performed_to"],
                    country=data["country"],
                    on=data["issued_on"] or data["performed_to"],
                    by=request.user.get_username(),
                )
            except PlatformError as error:
                status = refuse(form, error, aliases={"ends_on": "performed_to"})
            else:
                invoice = declaration.invoice
                messages.success(
                    request,
                    _("The performance was declared: %(document)s %(number)s was issued.")
                    % {"document": invoice.get_kind_display(), "number": invoice.number},
                )
                return redirect("invoice_detail", invoice_id=invoice.public_id)
    else:
        activity = activity_from_query(request)
        today = timezone.localdate()
        form = DeclarationForm(
            initial={
                "activity": activity.public_id if activity else None,
                "country": country,
                "performed_from": today,
                "performed_to": today,
            }
        )
        lines = line_formset(country)
        performers = performer_formset()
    context = {"form": form, "lines": lines, "performers": performers}
    return render(request, "declarations/declaration_form.html", context, status=status)
