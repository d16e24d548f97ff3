"""The entity REST API (``/api/v1/`` on an entity's subdomain). Same URL conventions as web_urls."""

urlpatterns: list = []
