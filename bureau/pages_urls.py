from django.urls import path

from bureau.audit import views as audit_views
from bureau.jobs import views as job_views

urlpatterns = [
    path("jobs/", job_views.job_list, name="job-list"),
    path("audit/", audit_views.audit_log, name="audit-log"),
]
