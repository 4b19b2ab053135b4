"""Login in two steps for the administrators (password, then a one-time code), logout, the password page."""
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from .models import User
from .second_factor import has_second_factor, second_factor_verify
from .services import user_change_password

PENDING_KEY = "bureau_pending_login"
# The one-time code must follow the password within this many seconds, in at most this many tries.
PENDING_SECONDS = 300
PENDING_TRIES = 5


class LoginView(auth_views.LoginView):
    """The password step. An administrator is not signed in yet: the session remembers who passed the
    password, and the code step signs them in."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not user.requires_second_factor:
            return super().form_valid(form)
        if not has_second_factor(user):
            return self.render_to_response(self.get_context_data(form=form, second_factor_missing=True))
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk, "backend": user.backend, "at": time.time(), "tries": 0,
            "next": self.get_success_url(),
        }
        return redirect("login-otp")


class OtpForm(forms.Form):
    otp = forms.CharField(label=_("动态口令"), max_length=16, strip=True)


def login_otp(request):
    """The code step: a TOTP code from the authenticator app, or a recovery code."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return redirect_to_login(reverse("dashboard"))
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(user=user, code=form.cleaned_data["otp"], request=request)
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            user.backend = pending["backend"]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending["next"]
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                target = reverse(settings.LOGIN_REDIRECT_URL)
            return HttpResponseRedirect(target)
        pending["tries"] += 1
        if pending["tries"] >= PENDING_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("动态口令错误次数过多，请重新登录。"))
            return redirect("login")
        request.session[PENDING_KEY] = pending
        form.add_error("otp", _("动态口令错误或已使用。"))
    return render(request, "accounts/login_otp.html", {"form": form, "username": user.get_username()})


def admin_login(request):
    """The admin site signs in through the product's login (password, then the code), never its own form."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        user_change_password(
            acting_user=self.request.user, user=self.request.user,
            new_password=form.cleaned_data["new_password1"], request=self.request,
        )
        messages.success(self.request, _("密码已修改。"))
        return HttpResponseRedirect(self.get_success_url())
