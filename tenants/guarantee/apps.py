from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntityGuaranteeConfig(AppConfig):
    name = "tenants.guarantee"
    label = "entity_guarantee"
    verbose_name = _("Guarantee fund (entity side)")
