"""Password rules of the bureau (AUTH_PASSWORD_VALIDATORS), beside Django's length and common-password checks:
three of the four character classes, and none of the account's last PASSWORD_HISTORY_COUNT passwords."""
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bureau import clock


def character_classes(password: str) -> int:
    """How many of lower-case letters, upper-case letters, digits and other characters the password holds."""
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


class CharacterClassesValidator:
    """At least `min_classes` of the four character classes (MLPS 2.0: complex passwords)."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、其他字符这四类中的至少 %(n)d 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the account's last `count` passwords, the current one included.

    `password_changed` is Django's hook, called whenever a user with a new password is saved (forms,
    services, the admin, createsuperuser), so the history is kept whatever the path.
    """

    def __init__(self, count=None):
        self.count = count or settings.PASSWORD_HISTORY_COUNT

    def _previous_hashes(self, user):
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.recent(user, self.count).values_list("password", flat=True))
        if user.password and user.password not in hashes:
            hashes = [user.password, *hashes][: self.count]
        return hashes

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._previous_hashes(user)):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        from .models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password, created_at=clock.now())
        keep = PasswordHistory.objects.recent(user, self.count).values_list("pk", flat=True)
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        return _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.count}
