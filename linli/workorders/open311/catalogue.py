"""Discovery, the service list and service definitions."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.http import require_GET

from .base import CATEGORY, CHANGESET, SPEC, Open311Error, _echo, endpoint, jurisdiction, render

# -- discovery and services ----------------------------------------------------------------------------------


@require_GET
@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "请联系所在街道物业服务中心"),
        "key_service": "API 密钥由管理员用 linli apikey create NAME 创建，并为其账号授予所在街道的角色；"
                       "密钥放在请求头 X-Api-Key 中发送，不得放在网址或请求体中",
        "endpoints": [{"specification": SPEC, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    })


def _service(code: str) -> dict:
    name, group, subs = CATEGORY[code]
    return {"service_code": code, "service_name": name, "description": f"{group}：{name}",
            "metadata": bool(subs), "type": "realtime", "keywords": ", ".join(n for _c, n in subs), "group": group}


@require_GET
@endpoint
def service_list(request, fmt):
    jurisdiction(request.GET, required=False)
    return render(fmt, "services", [_service(code) for code in CATEGORY])


@require_GET
@endpoint
def service_definition(request, fmt, code):
    jurisdiction(request.GET, required=False)
    if code not in CATEGORY:
        raise Open311Error(404, f"service_code provided was not found: {_echo(code)}")
    _name, _group, subs = CATEGORY[code]
    attributes = []
    if subs:
        attributes.append({
            "variable": True, "code": "subcategory", "datatype": "singlevaluelist", "required": False,
            "datatype_description": None, "order": 1, "description": "具体问题（可不选）",
            "values": [{"key": key, "name": name} for key, name in subs],
        })
    return render(fmt, "service_definition", {"service_code": code, "attributes": attributes})
