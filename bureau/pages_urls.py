from django.urls import path

from bureau.audit import views as audit_views
from bureau.jobs import views as job_views
from bureau.workcalendar import views as calendar_views

urlpatterns = [
    path("jobs/", job_views.job_list, name="job-list"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("calendar/", calendar_views.calendar_page, name="work-calendar"),
]
