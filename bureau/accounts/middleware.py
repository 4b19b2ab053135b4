"""Session rules of MLPS 2.0 that Django's settings do not cover.

The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST). Here: a session ends
SESSION_ABSOLUTE_HOURS after its login whatever the activity, and a user whose password has expired
(PASSWORD_MAX_AGE_DAYS, or set by an administrator) is sent to the password page until they change it.
Requests with an API token carry no session and pass untouched (the token endpoint refuses an expired
password itself).
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

LOGIN_AT_KEY = "bureau_login_at"


def stamp_login_time(sender, request, user, **kwargs):
    """user_logged_in receiver: the session remembers when its login happened."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().timestamp()


class SessionLimitsMiddleware:
    # Pages an expired password may still reach: changing it, leaving, and what those pages need.
    PASSWORD_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        now = timezone.now()  # wall-clock time, not the platform clock the demo and tests set back and forth
        login_at = request.session.get(LOGIN_AT_KEY)
        if login_at is None:  # a session from before this rule: it counts from now
            request.session[LOGIN_AT_KEY] = now.timestamp()
        elif now.timestamp() - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
            logout(request)
            if request.path.startswith("/api/"):
                return None  # the API answers 401 to the now anonymous request
            messages.info(request, _("登录已超过 %(hours)d 小时，请重新登录。") % {"hours": settings.SESSION_ABSOLUTE_HOURS})
            return redirect_to_login(request.get_full_path())
        if user.password_expired(now) and not request.path.startswith(self.PASSWORD_EXEMPT_PREFIXES):
            messages.warning(request, _("密码已过期（超过 %(days)d 天未修改，或由管理员重置），请先修改密码。")
                             % {"days": settings.PASSWORD_MAX_AGE_DAYS})
            return redirect(reverse("password_change"))
        return None
