"""Accounts. Which street a leader leads and which cells an officer holds live in grids/ (assignments)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SECOND_FACTOR_ROLES, Role


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser is the system administrator and nothing else.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person or client system with one role.

    Separation of duties holds in the database: a superuser is the system administrator, so the security
    and audit administrators (and every other role) can never be one.
    """

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.NONE, db_index=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=False) | models.Q(role=Role.ADMIN),
                name="accounts_user_superuser_is_system_admin",
                violation_error_message=_("只有系统管理员可以是超级用户：安全管理员、审计管理员与其他角色不能兼任。"),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        # Wall-clock time, like every security deadline of an account, never the platform clock (the demo
        # makes accounts with its clock set back).
        self.password_changed_at = timezone.now()

    def password_expired(self, now=None) -> bool:
        """The password must be changed before the account is used again: it is older than
        PASSWORD_MAX_AGE_DAYS, or someone else set it (an administrator's reset leaves no change time)."""
        if not self.has_usable_password():
            return False
        if self.password_changed_at is None:
            return True
        return (now or timezone.now()) - self.password_changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    @property
    def requires_second_factor(self) -> bool:
        """The administrators confirm a one-time code after their password (MLPS 2.0: two factors)."""
        return self.is_superuser or self.is_staff or self.role in SECOND_FACTOR_ROLES

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
    def is_department_staff(self) -> bool:
        """A department's account: answers the cases referred to its department and reads nothing else."""
        return self.is_active and self.role == Role.DEPARTMENT and not self.is_superuser

    @property
    def is_audit_admin(self) -> bool:
        # never a superuser too: the system administrator must not read the audit log
        return self.is_active and self.role == Role.AUDITOR and not self.is_superuser

    @property
    def is_security_admin(self) -> bool:
        """Manages accounts, roles and second factors, and nothing else."""
        return self.is_active and self.role == Role.SECURITY and not self.is_superuser

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and self.is_superuser and self.role == Role.ADMIN

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


class PasswordHistoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Old password hashes: read only by the password rules, never shown to anyone.
        return self.none()

    def recent(self, user, count):
        return self.filter(user=user).order_by("-created_at", "-id")[:count]


class PasswordHistory(models.Model):
    """The hash of a password an account has had, so a new one cannot repeat one of the last few
    (PASSWORD_HISTORY_COUNT). Written when a password is saved, whatever the path; older rows are dropped."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name=_("用户"))
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"))

    objects = PasswordHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["user_id", "-created_at", "-id"]
        indexes = [
            # the password rules' look-up of a user's last passwords, newest first
            models.Index(fields=["user", "-created_at"], name="password_history_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"
