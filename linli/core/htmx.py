def is_htmx(request) -> bool:
    """True for an htmx partial request (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
