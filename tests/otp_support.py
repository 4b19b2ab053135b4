"""TOTP codes for tests that sign in as an administrator (the demo's admin, security, auditor).

`totp_code(user_or_username)` returns a code the account's authenticator device accepts now: the current
30-second step's, or, when that step's code was already used (each is accepted once), the next step's, which
the server accepts one step early; past that it waits for the clock.
"""
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(user_or_username) -> str:
    filters = ({"user__username": user_or_username} if isinstance(user_or_username, str)
               else {"user": user_or_username})
    device = TOTPDevice.objects.filter(confirmed=True, **filters).order_by("-id").first()
    assert device is not None, f"{user_or_username} has no authenticator enrolled"
    now_t = int((time.time() - device.t0) // device.step)
    t = max(now_t, device.last_t + 1)
    while t > now_t + device.tolerance:
        time.sleep(1)
        now_t = int((time.time() - device.t0) // device.step)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = device.t0 + t * device.step + 1
    return f"{totp.token():0{device.digits}d}"
