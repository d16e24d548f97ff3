from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedServicesConfig(AppConfig):
    name = "shared_services"
    label = "shared_services"
    verbose_name = _("Mutualised services")
