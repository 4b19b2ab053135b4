"""Departments' accounts: which department an account of the department role answers for. Who works where is
a fact of the domain (a leader's street lives in grids' assignments); a department account's department lives
here, beside the Department it names, and points at the user."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Department


class DepartmentAccount(models.Model):
    """An account that answers, for `department`, the cases referred to it (accept, refuse, handle)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="department_account",
                                verbose_name=_("账号"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="accounts",
                                   verbose_name=_("协办部门"))
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("协办部门账号")
        verbose_name_plural = _("协办部门账号")
        ordering = ["department", "user"]

    def __str__(self):
        return f"{self.user} → {self.department}"
