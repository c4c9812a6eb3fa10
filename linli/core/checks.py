"""Linli's own deploy checks (``linli check --deploy``), next to Django's: keys, the sandbox, the production flag."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from linli.core.crypto import KNOWN_KEYS, weak_secret_key


@register(Tags.security, deploy=True)
def check_secret_keys(app_configs, **kwargs):
    """No key that anyone can read in the source, and no short one; the same for the rotation fallbacks."""
    found = []
    keys = [("SECRET_KEY", settings.SECRET_KEY)]
    keys += [(f"SECRET_KEY_FALLBACKS[{i}]", k) for i, k in enumerate(getattr(settings, "SECRET_KEY_FALLBACKS", []))]
    for name, key in keys:
        if key in KNOWN_KEYS:
            found.append(Warning(f"{name} is a key published in Linli's source: anyone can sign with it.",
                                 hint="Set SECRET_KEY to 50+ random characters (see docs/deploy.md).",
                                 id="linli.W001"))
        elif weak_secret_key(key):
            found.append(Warning(f"{name} is shorter than 50 characters or too repetitive.",
                                 hint="Set SECRET_KEY to 50+ random characters (see docs/deploy.md).",
                                 id="linli.W002"))
    return found


@register(Tags.security, deploy=True)
def check_payment_sandbox(app_configs, **kwargs):
    if settings.LINLI_PAYMENT_SANDBOX:
        return [Warning("The sandbox payment gateway is on: whoever can sign its callback can mark bills paid.",
                        hint="Unset LINLI_PAYMENT_SANDBOX; list real gateways in LINLI_PAYMENT_GATEWAYS.",
                        id="linli.W003")]
    return []


@register(Tags.security, deploy=True)
def check_production_flag(app_configs, **kwargs):
    if not settings.LINLI_PRODUCTION:
        return [Warning("LINLI_PRODUCTION is off: nothing stops this installation from starting with unsafe "
                        "settings, and `linli demo` may create its known logins.",
                        hint="Set LINLI_PRODUCTION=true on a production installation (see docs/deploy.md).",
                        id="linli.W004")]
    return []


@register(Tags.security, deploy=True)
def check_session_idle(app_configs, **kwargs):
    if settings.LINLI_SESSION_IDLE_MINUTES > 30:
        return [Warning("Staff sessions stay open for more than 30 minutes without activity.",
                        hint="等保 2.0 expects a short idle timeout: LINLI_SESSION_IDLE_MINUTES ≤ 30.",
                        id="linli.W005")]
    return []
