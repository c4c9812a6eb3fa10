"""WeChat's built-in browser (issue 18): many residents open Linli only through a link in their WeChat group.

It shows pages like any phone browser, but it does not download files (a PDF or an Excel sheet opens a blank page
or nothing) and it does not print. Pages with such links tell WeChat users how to open them in a real browser
(``{% wechat_download_hint %}`` in linli/core/templatetags/linli.py); everyone else sees nothing.
"""

WECHAT_MARK = "micromessenger"  # in every WeChat user agent: "... MicroMessenger/8.0.47.2560(0x28002F35) ..."


def in_wechat(request) -> bool:
    """Whether the request comes from WeChat's built-in browser (Android, iOS or the desktop client)."""
    return WECHAT_MARK in request.META.get("HTTP_USER_AGENT", "").lower()
