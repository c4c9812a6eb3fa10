"""The large-type mode (大字模式) for older eyes: one switch for the whole site, remembered per device and per user.

The device's choice is a cookie (it works before signing in, on the sign-in page too); the account's choice is
``User.large_type`` (linli.people), so that signing in on a new device brings the mode along. A device that has
chosen keeps its choice; a device that has not follows the account. linli.js writes the account's choice into the
cookie of a new device, so the device remembers it after signing out.
"""

LARGE_TYPE_COOKIE = "linli_large"
LARGE_TYPE_MAX_AGE = 3600 * 24 * 365


def large_type_on(request) -> bool:
    """Whether this request's pages are drawn in large type."""
    device = request.COOKIES.get(LARGE_TYPE_COOKIE)
    if device in ("1", "0"):
        return device == "1"
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "large_type", False))


def remember_large_type(response, on: bool):
    """Remember the choice on this device (the caller saves it on the account)."""
    response.set_cookie(LARGE_TYPE_COOKIE, "1" if on else "0", max_age=LARGE_TYPE_MAX_AGE, samesite="Lax")
    return response
