from django.urls import path

from . import views

urlpatterns = [
    path("", views.team_home, name="financing_team_home"),
    path("advances/<uuid:advance_id>/decide/", views.team_advance_decide, name="financing_advance_decide"),
    path("loans/<uuid:loan_id>/", views.team_loan, name="financing_team_loan"),
    path("loans/<uuid:loan_id>/decide/", views.team_loan_decide, name="financing_loan_decide"),
]
