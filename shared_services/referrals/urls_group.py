from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.team_webhooks, name="referral_team_webhooks"),
    path("webhooks/deliveries/<uuid:delivery_id>/", views.team_delivery, name="referral_team_delivery"),
    path(
        "webhooks/deliveries/<uuid:delivery_id>/redeliver/",
        views.team_delivery_redeliver,
        name="referral_team_redeliver",
    ),
]
