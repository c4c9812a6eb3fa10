import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from linli.core.text import mask_name, mask_phone
from linli.core.wechat import in_wechat

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_name(value):
    return mask_name(value)


@register.filter
def percent(value, digits=1):
    """0.873 → "87.3%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, val in kwargs.items():
        params[key] = val
    return params.urlencode()


@register.filter
def options(choices, current=""):
    """``<option>`` elements of (value, label) pairs, the one equal to ``current`` selected. Written in Python: a
    template loop per option (a street's estates, its organisations) cost more than the rest of a list page."""
    current = "" if current is None else str(current)
    # html.escape is what Django's escape does (same characters), without its lazy-string wrapper: a district's
    # 567 estates cost 1.7 ms through it
    return mark_safe("".join(
        f'<option value="{html.escape(str(value))}"{" selected" if str(value) == current else ""}>'
        f'{html.escape(str(label))}</option>' for value, label in choices))


@register.simple_tag(takes_context=True)
def wechat_download_hint(context, kind="download"):
    """Beside a file link (a PDF, an Excel sheet) or a print button: in WeChat's browser, which neither downloads nor
    prints, the way to open the page in a real browser; elsewhere nothing (linli/core/wechat.py)."""
    request = context.get("request")
    if request is None or not in_wechat(request):
        return ""
    text = _("微信内无法打印，请点右上角“…”，选择“在浏览器中打开”后再打印。") if kind == "print" else _(
        "微信内无法下载文件，请点右上角“…”，选择“在浏览器中打开”后再下载。")
    return format_html('<p class="msg wechat-hint" role="note">{}</p>', text)
