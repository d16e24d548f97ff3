from django.conf import settings
from django.http import HttpRequest


def current_entity(request: HttpRequest) -> dict[str, object]:
    return {"entity": getattr(request, "entity", None), "base_domain": settings.BASE_DOMAIN}
