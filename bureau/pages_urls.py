from django.urls import path

from bureau.jobs import views as job_views

urlpatterns = [
    path("jobs/", job_views.job_list, name="job-list"),
]
