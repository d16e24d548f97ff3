from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "shared_services.insurance"
    label = "insurance"
    verbose_name = _("Insurance")
