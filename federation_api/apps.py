from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationApiConfig(AppConfig):
    name = "federation_api"
    label = "federation_api"
    verbose_name = _("Federation")
