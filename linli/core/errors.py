"""Domain errors the services raise, beside Django's own (no DRF here: pages, commands and tasks raise them too).

* ``django.core.exceptions.ValidationError(message, code=...)``: the input breaks a rule (API: 400);
* ``Conflict``: the input is fine but the object's current state refuses it, e.g. a step the work order's
  status does not allow (API: 409; a page shows the message like any other refusal);
* ``django.core.exceptions.PermissionDenied``: the caller may see the object but not do this (API: 403);
* ``django.http.Http404``: the caller may not see it, or it does not exist (API: 404, the same answer).

The API turns them into one JSON shape in one place: linli.core.api.exception_handler (docs/api.md).
A ValueError is not among them: from a service it is a bug, and the API answers 500.
"""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The object's current state does not allow this (HTTP 409); the message says why."""

    default_code = "conflict"

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code=code or self.default_code, params=params)
