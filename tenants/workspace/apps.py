from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The entity's own workspace (per-entity schema): its home page and its background-job checks."""

    name = "tenants.workspace"
    label = "workspace"
    verbose_name = _("Workspace")
