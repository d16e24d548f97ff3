"""URLs of an entity's subdomain (its own schema)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.admin_sites import entity_admin_site
from config.login_throttle import ThrottledLoginView

urlpatterns = [
    path("", include("tenants.workspace.urls")),
    path("", include("tenants.web_urls")),
    path("services/", include("shared_services.urls_entity")),
    path("api/v1/", include("tenants.api_urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", entity_admin_site.urls),
]

# An address under /api/ that matches no route answers in the API error format.
handler404 = "config.api_errors.page_not_found"
# A database that does not answer: a clean 503 (config/unavailable.py); anything else: the plain 500.
handler500 = "config.unavailable.server_error"
