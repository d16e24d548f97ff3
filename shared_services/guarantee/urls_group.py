from django.urls import path

from . import views

urlpatterns = [
    path("", views.fund_home, name="guarantee_fund_home"),
    path("movements/", views.movement_list, name="guarantee_movement_list"),
    path("claims/", views.claim_list, name="guarantee_claim_list"),
    path("claims/<uuid:cover_id>/settle/", views.claim_settle, name="guarantee_claim_settle"),
]
