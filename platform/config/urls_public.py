"""URLs of the group domain (public schema). Entity-only URLs are absent, so they answer 404 here."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.admin_sites import group_admin_site
from config.health import health
from config.login_throttle import ThrottledLoginView
from federation_api.api import EntityListApi
from federation_api.views import group_home

urlpatterns = [
    path("", group_home, name="home"),
    path("health/", health, name="health"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", group_admin_site.urls),
    path("services/", include("shared_services.urls_group")),
    path("governance/", include("governance.urls")),
    path("dashboard/", include("federation_api.dashboard_urls")),
    path("api/v1/entities/", EntityListApi.as_view(), name="api-entity-list"),
    path("api/v1/entities/provision/", include("federation_api.provisioning_api")),
    path("api/v1/federation/", include("federation_api.urls")),
    path("api/v1/partner/", include("federation_api.partner_urls")),
]

# An address under /api/ that matches no route answers in the API error format.
handler404 = "config.api_errors.page_not_found"
# A database that does not answer: a clean 503 (config/unavailable.py); anything else: the plain 500.
handler500 = "config.unavailable.server_error"
