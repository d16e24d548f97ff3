from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "tenants.registry"
    label = "entities"
    verbose_name = _("Entities of the group")
