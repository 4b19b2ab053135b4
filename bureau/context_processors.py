from django.conf import settings


def platform(request):
    """What the base layout needs: the district, the navigation for this user's role, calendar warnings."""
    from bureau.navigation import navigation_for
    from bureau.workcalendar.services import calendar_missing_years

    user = getattr(request, "user", None)
    ctx = {"DISTRICT_NAME": settings.DISTRICT_NAME, "DISTRICT_CODE": settings.DISTRICT_CODE}
    if user is not None and user.is_authenticated:
        ctx["nav_items"] = navigation_for(user)
        if user.is_bureau_staff:  # superusers included
            ctx["calendar_missing_years"] = calendar_missing_years()
    return ctx
