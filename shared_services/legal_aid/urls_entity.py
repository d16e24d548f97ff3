from django.urls import path

from . import views

urlpatterns = [
    path("", views.entity_cases, name="legal_entity_cases"),
    path("new/", views.entity_case_request, name="legal_case_request"),
]
