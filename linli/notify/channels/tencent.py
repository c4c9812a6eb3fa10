"""Tencent Cloud SMS (短信, ``SendSms``, API 2021-01-11) over HTTPS, without the SDK.

Signed with TC3-HMAC-SHA256 (API 3.0 "签名方法 v3"): CanonicalRequest = method, "/", query (empty for POST),
canonical headers (content-type, host, x-tc-action: lower-case names, sorted, ``name:value\\n``), the signed header
names joined by ";", and the hex SHA-256 of the JSON body; StringToSign = "TC3-HMAC-SHA256", the timestamp,
``<UTC date>/sms/tc3_request`` and the hex SHA-256 of the CanonicalRequest; the key is derived by HMAC-SHA256 chain
("TC3" + SecretKey → date → service → "tc3_request") and the hex HMAC of StringToSign goes in the Authorization
header, with X-TC-Action, X-TC-Version, X-TC-Timestamp and X-TC-Region.

Settings: LINLI_TENCENT_SMS_SECRET_ID, LINLI_TENCENT_SMS_SECRET_KEY, LINLI_TENCENT_SMS_SDK_APP_ID,
LINLI_TENCENT_SMS_SIGN_NAME, LINLI_TENCENT_SMS_ENDPOINT (https://sms.tencentcloudapi.com/), LINLI_TENCENT_SMS_REGION
(ap-guangzhou), and the shared LINLI_SMS_TEMPLATES ({kind: TemplateId}) and LINLI_SMS_TEMPLATE_VARS (the order of
the template's {1}, {2} …). See docs/notifications-channels.md.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.parse

from django.conf import settings

from linli.core.text import mask_phone, redact

from .base import PermanentFailure, TemporaryFailure
from .common import http, json_or_none, seconds_to_local_midnight
from .sms import SmsChannel, normalize_number

log = logging.getLogger("linli.notify")

SERVICE = "sms"
ACTION = "SendSms"
API_VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def authorization(*, secret_id: str, secret_key: str, host: str, action: str, timestamp: int, payload: bytes,
                  service: str = SERVICE) -> str:
    """The Authorization header of a POST with a JSON ``payload`` (signed headers content-type, host, x-tc-action)."""
    headers = {"content-type": CONTENT_TYPE, "host": host, "x-tc-action": action.lower()}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["POST", "/", "", "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed,
                           sha256_hex(payload)])
    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join([ALGORITHM, str(timestamp), scope, sha256_hex(canonical.encode())])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={signed}, Signature={signature}"


# The provider's codes (cloud.tencent.com, 短信 "错误码") and what Linli does with each.
LIMIT_RETRY = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30,
    "LimitExceeded.PhoneNumberOneHourLimit": 3600,
    "LimitExceeded.DeliveryFrequencyLimit": 60,
}
TEMPORARY = {"FailedOperation.InsufficientBalanceInSmsPackage", "AuthFailure.SignatureExpire", "FailedOperation",
             "InternalError", "RequestLimitExceeded", "LimitExceeded"}
TEMPORARY_PREFIXES = ("LimitExceeded.", "RequestLimitExceeded.", "InternalError.")
PERMANENT = {
    "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.SignatureIncorrectOrUnapproved", "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.ContainSensitiveWord", "FailedOperation.MissingSignature", "FailedOperation.MissingTemplate",
    "FailedOperation.FailResolvePacket", "FailedOperation.JsonParseFail", "InternalError.SigFieldMissing",
    "InternalError.SigVerificationFail", "InvalidParameterValue.TemplateParameterFormatError",
    "InvalidParameterValue.TemplateParameterLengthLimit", "InvalidParameterValue.ContentLengthLimit",
    "InvalidParameterValue.SdkAppIdNotExist", "MissingParameter",
}
PERMANENT_PREFIXES = ("InvalidParameter", "UnauthorizedOperation.", "AuthFailure.", "MissingParameter.",
                      "UnsupportedOperation.")


def classify(code: str, message: str) -> Exception:
    if code in LIMIT_RETRY:
        return TemporaryFailure(code, message, retry_after=LIMIT_RETRY[code])
    if code in PERMANENT:
        return PermanentFailure(code, message)
    if code.startswith("LimitExceeded.") and "Daily" in code:
        return TemporaryFailure(code, message, retry_after=seconds_to_local_midnight())
    if code in TEMPORARY or code.startswith(TEMPORARY_PREFIXES):
        return TemporaryFailure(code, message, retry_after=3600 if "Balance" in code else None)
    if code.startswith(PERMANENT_PREFIXES):
        return PermanentFailure(code, message)
    return PermanentFailure(code or "unknown", message)


def e164(phone: str) -> str:
    """+8613812345678 for a mainland number written any way; a number that starts with + keeps its country code."""
    raw = (phone or "").strip()
    if raw.startswith("+"):
        return "+" + re.sub(r"\D", "", raw)
    return "+86" + normalize_number(raw)


class TencentSms(SmsChannel):
    provider = "tencent"

    def _send(self, phone: str, template: str, values: dict, key: str) -> str:
        secret_id = getattr(settings, "LINLI_TENCENT_SMS_SECRET_ID", "")
        secret_key = getattr(settings, "LINLI_TENCENT_SMS_SECRET_KEY", "")
        app_id = getattr(settings, "LINLI_TENCENT_SMS_SDK_APP_ID", "")
        sign_name = getattr(settings, "LINLI_TENCENT_SMS_SIGN_NAME", "")
        if not (secret_id and secret_key and app_id and sign_name):
            raise PermanentFailure("not_configured", "Tencent SMS secret, SdkAppId or sign name missing")
        endpoint = getattr(settings, "LINLI_TENCENT_SMS_ENDPOINT", "") or "https://sms.tencentcloudapi.com/"
        host = urllib.parse.urlsplit(endpoint).netloc
        payload = json.dumps({
            "PhoneNumberSet": [e164(phone)], "SmsSdkAppId": str(app_id), "SignName": sign_name,
            "TemplateId": str(template), "TemplateParamSet": [str(v) for v in values.values()],
            "SessionContext": key[:500],
        }, ensure_ascii=False).encode()
        timestamp = int(time.time())
        headers = {
            "Authorization": authorization(secret_id=secret_id, secret_key=secret_key, host=host, action=ACTION,
                                           timestamp=timestamp, payload=payload),
            "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": ACTION, "X-TC-Version": API_VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": getattr(settings, "LINLI_TENCENT_SMS_REGION", "ap-guangzhou") or "ap-guangzhou",
        }
        status, raw = http("POST", endpoint, body=payload, headers=headers)
        data = json_or_none(raw)
        response = data.get("Response") if isinstance(data, dict) else None
        if not isinstance(response, dict):
            if status >= 500:
                raise TemporaryFailure("http_5xx", f"HTTP {status}")
            raise TemporaryFailure("bad_answer", f"HTTP {status} without a Response")
        error = response.get("Error")
        if isinstance(error, dict):
            code, message = str(error.get("Code", "")), redact(str(error.get("Message", "")))[:200]
        else:
            statuses = response.get("SendStatusSet") or [{}]
            first = statuses[0] if isinstance(statuses[0], dict) else {}
            code, message = str(first.get("Code", "")), redact(str(first.get("Message", "")))[:200]
            if code == "Ok":
                return str(first.get("SerialNo") or response.get("RequestId") or "")
        log.warning("sms tencent: %s refused (%s: %s)", mask_phone(phone), code, message)
        raise classify(code, message)
