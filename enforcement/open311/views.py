"""Pages: the integrators' guide (public) and the keys page where bureau staff issue and revoke keys."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiKeyIssueForm
from .models import ApiKey
from .permissions import may_manage_keys


def guide(request):
    """How an integrator reads the bureau's requests and gets a key to file them (no login needed)."""
    base = request.build_absolute_uri(reverse("open311:guide")) + "v2/"
    return render(request, "open311/guide.html", {
        "base": base, "district_code": settings.DISTRICT_CODE, "district_name": settings.DISTRICT_NAME,
        "may_manage_keys": may_manage_keys(request.user),
    })


@login_required
def key_list(request):
    if not may_manage_keys(request.user):
        raise PermissionDenied
    form = ApiKeyIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        key, secret = services.api_key_issue(acting_user=request.user, name=form.cleaned_data["name"],
                                             rate_limit=form.cleaned_data["rate_limit"])
        issued = {"key": key, "secret": secret}
        form = ApiKeyIssueForm()
    keys = ApiKey.objects.visible_to(request.user).select_related("created_by", "revoked_by")
    return render(request, "open311/keys.html", {"keys": keys, "form": form, "issued": issued})


@login_required
@require_POST
def key_revoke(request, pk):
    if not may_manage_keys(request.user):
        raise PermissionDenied
    key = get_object_or_404(ApiKey.objects.visible_to(request.user), pk=pk)
    services.api_key_revoke(acting_user=request.user, api_key=key)
    messages.success(request, _("已吊销密钥「%(name)s」。") % {"name": key.name})
    return redirect("open311:keys")
