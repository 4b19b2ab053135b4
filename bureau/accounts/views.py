from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .services import user_change_password


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(self.get_success_url())
