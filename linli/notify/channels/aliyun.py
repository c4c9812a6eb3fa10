"""Alibaba Cloud SMS (短信服务, dysmsapi ``SendSms``, API version 2017-05-25) over HTTPS, without the SDK.

The request is an RPC-style call signed with the V1 signature (HMAC-SHA1, SignatureVersion 1.0): every parameter
but ``Signature`` is percent-encoded (RFC 3986: only ``A-Z a-z 0-9 - _ . ~`` stay), sorted by name and joined into
the canonical query; StringToSign = ``POST&%2F&`` + percentEncode(canonical query); Signature =
Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)). The parameters travel as a form-encoded POST body.

Settings: LINLI_ALIYUN_SMS_ACCESS_KEY_ID, LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET, LINLI_ALIYUN_SMS_SIGN_NAME,
LINLI_ALIYUN_SMS_ENDPOINT (https://dysmsapi.aliyuncs.com/), LINLI_ALIYUN_SMS_REGION (cn-hangzhou), and the shared
LINLI_SMS_TEMPLATES ({kind: TemplateCode, "default": …}), LINLI_SMS_TEMPLATE_VARS. See docs/notifications-channels.md.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import urllib.parse
import uuid

from django.conf import settings

from linli.core.text import mask_phone, redact

from .base import PermanentFailure, TemporaryFailure
from .common import http, json_or_none, seconds_to_local_midnight
from .sms import SmsChannel, normalize_number

log = logging.getLogger("linli.notify")

API_VERSION = "2017-05-25"

# The provider's codes (help.aliyun.com, 短信服务 "API错误码") and what Linli does with each.
TEMPORARY = {
    "isv.BUSINESS_LIMIT_CONTROL",  # 触发号码天级/小时级/分钟级流控
    "isv.DAY_LIMIT_CONTROL",  # the account's daily quota set in the console
    "isv.MONTH_LIMIT_CONTROL",
    "isv.OUT_OF_SERVICE",  # 业务停机: balance exhausted; sends again once topped up
    "isv.AMOUNT_NOT_ENOUGH",
    "isp.SYSTEM_ERROR", "isv.SYSTEM_ERROR", "isp.GATEWAY_ERROR",
    "ServiceUnavailable", "InternalError", "SignatureNonceUsed", "InvalidTimeStamp.Expired",
}
TEMPORARY_PREFIXES = ("Throttling", "isp.")
PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    "isv.SMS_TEMPLATE_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL",
    "isv.INVALID_JSON_PARAM", "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.INVALID_PARAMETERS",
    "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.SIGN_STATE_ILLEGAL", "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
    "isv.SMS_CONTENT_ILLEGAL", "isv.BLACK_KEY_CONTROL_LIMIT", "isv.EXTEND_CODE_ERROR", "isv.DENY_IP_RANGE",
    "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.PRODUCT_UN_SUBSCRIPT", "isv.PRODUCT_UNSUBSCRIBE",
    "isp.RAM_PERMISSION_DENY", "Forbidden.RAM", "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
    "SignatureDoesNotMatch", "IncompleteSignature", "MissingParameter", "InvalidParameter",
}


def percent_encode(value) -> str:
    return urllib.parse.quote(str(value), safe="~")


def canonical_query(params: dict) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))


def string_to_sign(method: str, params: dict) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def sign(method: str, params: dict, secret: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def limit_retry_after(message: str) -> int:
    """Seconds until a number-level limit of isv.BUSINESS_LIMIT_CONTROL passes (its message names the window)."""
    if "天级" in message or "day" in message.lower():
        return seconds_to_local_midnight()
    if "小时级" in message or "hour" in message.lower():
        return 3600
    return 60


def classify(code: str, message: str) -> Exception:
    if code == "isv.BUSINESS_LIMIT_CONTROL":
        return TemporaryFailure(code, message, retry_after=limit_retry_after(message))
    if code in ("isv.DAY_LIMIT_CONTROL",):
        return TemporaryFailure(code, message, retry_after=seconds_to_local_midnight())
    if code in PERMANENT:
        return PermanentFailure(code, message)
    if code in TEMPORARY or code.startswith(TEMPORARY_PREFIXES):
        return TemporaryFailure(code, message, retry_after=10 if code.startswith("Throttling") else None)
    return PermanentFailure(code or "unknown", message)


class AliyunSms(SmsChannel):
    provider = "aliyun"

    def _send(self, phone: str, template: str, values: dict, key: str) -> str:
        key_id = getattr(settings, "LINLI_ALIYUN_SMS_ACCESS_KEY_ID", "")
        secret = getattr(settings, "LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET", "")
        sign_name = getattr(settings, "LINLI_ALIYUN_SMS_SIGN_NAME", "")
        if not (key_id and secret and sign_name):
            raise PermanentFailure("not_configured", "Aliyun SMS access key, secret or sign name missing")
        params = {
            "AccessKeyId": key_id, "Action": "SendSms", "Format": "JSON", "Version": API_VERSION,
            "RegionId": getattr(settings, "LINLI_ALIYUN_SMS_REGION", "cn-hangzhou") or "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PhoneNumbers": normalize_number(phone), "SignName": sign_name, "TemplateCode": template,
            "TemplateParam": json.dumps(values, ensure_ascii=False), "OutId": key[:64],
        }
        body = f"{canonical_query(params)}&Signature={percent_encode(sign('POST', params, secret))}"
        endpoint = getattr(settings, "LINLI_ALIYUN_SMS_ENDPOINT", "") or "https://dysmsapi.aliyuncs.com/"
        status, raw = http("POST", endpoint, body=body.encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                    "Accept": "application/json"})
        data = json_or_none(raw)
        code = str(data.get("Code", "")) if isinstance(data, dict) else ""
        if code == "OK" and data.get("BizId"):
            return str(data["BizId"])
        if not code:
            if status >= 500:
                raise TemporaryFailure("http_5xx", f"HTTP {status}")
            raise TemporaryFailure("bad_answer", f"HTTP {status} without a code")
        message = redact(str(data.get("Message", "")))[:200]
        log.warning("sms aliyun: %s refused (%s: %s)", mask_phone(phone), code, message)
        raise classify(code, message)
