from django.urls import path

from . import views

urlpatterns = [
    path("", views.entity_home, name="financing_entity_home"),
    path("loans/<uuid:loan_id>/", views.entity_loan, name="financing_entity_loan"),
    path("use-of-funds/<uuid:activity_id>/", views.entity_use_of_funds, name="financing_use_of_funds"),
    path(
        "use-of-funds/<uuid:activity_id>/export.csv",
        views.entity_use_of_funds,
        {"fmt": "csv"},
        name="financing_use_of_funds_csv",
    ),
]
