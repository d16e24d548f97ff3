from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/check/", views.job_check_create, name="job_check_create"),
]
