from django.urls import path

from . import views

urlpatterns = [
    path("", views.entity_guarantee, name="guarantee_entity"),
    path("run/", views.entity_run, name="guarantee_entity_run"),
    path("wages/<uuid:contract_id>/pay/", views.entity_wage_pay, name="guarantee_wage_pay"),
]
