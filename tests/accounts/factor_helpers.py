"""Shared by the second-factor tests: the time they run at (the `frozen_clock` fixture
in tests/accounts/conftest.py) and the codes an authenticator app shows."""

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# Ten seconds into a 30-second step: codes of the step before and after are well defined.
START = timezone.datetime(2026, 11, 25, 9, 0, 10, tzinfo=timezone.get_fixed_timezone(7 * 60))


def code_of(device: TOTPDevice, steps: int = 0) -> str:
    """What the app shows now, or `steps` time steps (30 s) away."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A 6-digit code the device accepts at no step within the tolerance."""
    right = {code_of(device, steps) for steps in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in right)
