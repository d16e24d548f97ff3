from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteeConfig(AppConfig):
    name = "shared_services.guarantee"
    label = "guarantee"
    verbose_name = _("Salary guarantee fund")
