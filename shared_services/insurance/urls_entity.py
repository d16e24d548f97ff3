from django.urls import path

from . import views

urlpatterns = [
    path("", views.entity_home, name="insurance_entity_home"),
    path("certificates/<uuid:member_id>.pdf", views.entity_certificate, name="insurance_certificate"),
    path("claims/new/", views.entity_claim_create, name="insurance_claim_create"),
    path("claims/<uuid:claim_id>/", views.entity_claim, name="insurance_entity_claim"),
    path(
        "claims/<uuid:claim_id>/documents/<uuid:document_id>/",
        views.entity_document,
        name="insurance_entity_document",
    ),
]
