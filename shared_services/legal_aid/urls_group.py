from django.urls import path

from . import views

urlpatterns = [
    path("", views.team_cases, name="legal_team_cases"),
    path("cases/<uuid:case_id>/", views.team_case, name="legal_team_case"),
    path("cases/<uuid:case_id>/documents/<uuid:document_id>/", views.team_document, name="legal_team_document"),
]
