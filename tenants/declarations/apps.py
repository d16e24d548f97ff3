from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    """ "Declare once": one performance declaration creates the invoice, contracts, levy and postings."""

    name = "tenants.declarations"
    label = "declarations"
    verbose_name = _("Declarations")
