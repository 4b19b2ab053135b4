"""Enrol an administrator's authenticator from the server's shell: the first system or security administrator
of a new installation has nobody to do it for them in the admin. Prints the secret and the otpauth:// URI once."""
from django.core.management.base import BaseCommand, CommandError

from bureau.accounts.models import User
from bureau.accounts.second_factor import key_to_secret, recovery_codes_issue, totp_enrol


class Command(BaseCommand):
    help = "Give USERNAME a new TOTP secret (and, with --recovery-codes, new recovery codes) and print them once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--secret", help="a base32 secret to use instead of a random one")
        parser.add_argument("--recovery-codes", action="store_true", help="also issue single-use recovery codes")

    def handle(self, *args, username, secret=None, recovery_codes=False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        try:
            device = totp_enrol(acting_user=None, user=user, secret_base32=secret)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"TOTP secret for {username}: {key_to_secret(device.key)}")
        self.stdout.write(f"otpauth URI: {device.config_url}")
        if recovery_codes:
            codes = recovery_codes_issue(acting_user=None, user=user)
            self.stdout.write("recovery codes (each works once): " + " ".join(codes))
