"""Accounts. Which street a leader leads and which cells an officer holds live in grids/ (assignments)."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role


class User(AbstractUser):
    """A person or client system with one role."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.BUREAU, db_index=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    # Role predicates: one place that says what each role is, used by permissions and scopes.
    @property
    def is_bureau_staff(self) -> bool:
        return self.is_active and (self.role == Role.BUREAU or self.is_superuser)

    @property
    def is_street_leader(self) -> bool:
        return self.is_active and self.role == Role.LEADER

    @property
    def is_grid_officer(self) -> bool:
        return self.is_active and self.role == Role.OFFICER

    @property
    def is_api_client(self) -> bool:
        return self.is_active and self.role == Role.API

    @property
    def is_audit_admin(self) -> bool:
        return self.is_active and self.role == Role.AUDITOR

    @property
    def is_field_staff(self) -> bool:
        """Staff who use the product's pages: bureau, leaders, officers (not the API client or auditor)."""
        return self.is_bureau_staff or self.is_street_leader or self.is_grid_officer


class LoginFailureQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Security state, not anyone's business in a page: only the platform reads it.
        if getattr(user, "is_authenticated", False) and user.is_superuser:
            return self
        return self.none()

    def locked_at(self, moment):
        return self.filter(locked_until__gt=moment)


class LoginFailure(models.Model):
    """Failed logins of one account from one address, and the lockout they led to.

    Per (user, address), so someone guessing a predictable username from elsewhere cannot lock its owner
    out. Each attempt is counted before its password is checked, under a row lock, so a burst of parallel
    guesses gets exactly the limit of checks and no more.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_failures", verbose_name=_("用户"))
    address = models.CharField(_("来源地址"), max_length=45, blank=True)
    failures = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)

    objects = LoginFailureQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        ordering = ["user_id", "address"]
        constraints = [
            models.UniqueConstraint(fields=["user", "address"], name="login_failure_unique_per_user_address"),
        ]

    def __str__(self):
        return f"{self.user_id}@{self.address or '-'}: {self.failures}"
