from django.urls import path

from . import views

urlpatterns = [
    path("", views.team_home, name="insurance_team_home"),
    path("claims/<uuid:claim_id>/", views.team_claim, name="insurance_team_claim"),
    path("claims/<uuid:claim_id>/documents/<uuid:document_id>/", views.team_document, name="insurance_team_document"),
    path(
        "certificates/<slug:entity_slug>/<uuid:member_id>.pdf",
        views.team_certificate,
        name="insurance_team_certificate",
    ),
]
