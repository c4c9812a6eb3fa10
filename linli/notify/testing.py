"""Fake provider servers for the notification channels: Alibaba Cloud SMS, Tencent Cloud SMS, the WeChat Official
Account API and an SMTP server. Tests start them in a thread on port 0; another process (the deploy check) runs one
with ``python -m linli.notify.testing sms-aliyun|sms-tencent|wechat|smtp --port N``.

Each fake checks a request the way the provider does, written from the provider's documentation and not from
Linli's adapters: the signature (Aliyun's RPC HMAC-SHA1, Tencent's TC3-HMAC-SHA256; both verifiers are tested
against the example signatures published in those documents), the required fields, the numbers, sign names and
templates it knows. It records every accepted message (with the OutId / SessionContext / key, so that a test can
check "sent once"), and ``fail_next(fault, times)`` makes it answer the next requests with the provider's real error
codes: ``rate_limited``, ``invalid_number``, ``template``, ``signature``, ``bad_key``, ``5xx``, ``slow`` (and, for
WeChat, ``token_expired``, ``busy``, ``unsubscribed``, ``invalid_openid``), or any raw provider code.

Another process controls a running fake over HTTP: ``POST /_fake/fail`` with {"fault": …, "times": N},
``GET /_fake/messages`` (the accepted messages as JSON), ``POST /_fake/reset``.

This module imports nothing of Django, so that it runs as a plain program.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime
import hashlib
import hmac
import http.server
import json
import re
import socketserver
import threading
import time
import urllib.parse
import uuid

MAINLAND_MOBILE = re.compile(r"^(?:\+?86|0086)?1[3-9]\d{9}$")


# -- the signatures, as the providers' documents describe them ------------------------------------------------

_UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def rfc3986(value: str) -> str:
    """Percent-encode every byte of the UTF-8 text except the RFC 3986 unreserved characters (upper-case hex)."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in str(value).encode("utf-8"))


def aliyun_rpc_signature(method: str, params: dict, secret: str) -> str:
    """Alibaba Cloud RPC signature V1 ("签名机制"): sort the parameters (Signature excluded) by name, encode names and
    values, join with = and &, StringToSign = METHOD&%2F&encode(that), Base64(HMAC-SHA1(secret + "&", StringToSign))."""
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    canonical = "&".join(f"{rfc3986(k)}={rfc3986(v)}" for k, v in pairs)
    to_sign = f"{method.upper()}&{rfc3986('/')}&{rfc3986(canonical)}"
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def tencent_tc3_signature(*, secret_key: str, method: str, query: str, headers: dict, signed_headers: list[str],
                          payload: bytes, timestamp: int, service: str) -> str:
    """Tencent Cloud API 3.0 "签名方法 v3" (TC3-HMAC-SHA256), step by step as documented."""
    canonical_headers = "".join(f"{h}:{headers.get(h, '').strip().lower()}\n" for h in signed_headers)
    canonical_request = "\n".join([method.upper(), "/", query, canonical_headers, ";".join(signed_headers),
                                   hashlib.sha256(payload).hexdigest()])
    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), f"{date}/{service}/tc3_request",
                                hashlib.sha256(canonical_request.encode()).hexdigest()])

    def h(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    signing = h(h(h(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(signing, string_to_sign.encode(), hashlib.sha256).hexdigest()


# -- the HTTP fake: a server in a thread, faults, records ------------------------------------------------------

class FakeServer:
    """A provider on 127.0.0.1 (``url``). Subclasses implement ``handle(method, path, query, headers, body)`` →
    (status, JSON-able answer)."""

    kind = ""
    slow_seconds = 3.0

    def __init__(self, port: int = 0):
        self.port = port
        self.messages: list[dict] = []
        self.requests: list[dict] = []
        self._faults: collections.deque = collections.deque()
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None

    # control
    def fail_next(self, fault: str, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def take_fault(self) -> str | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self.messages.clear()
            self.requests.clear()

    def keys(self) -> list[str]:
        return [m["key"] for m in self.messages]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, answer) -> None:
                raw = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a "slow" answer)
                    pass

            def _do(self, method: str) -> None:
                split = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                if split.path.startswith("/_fake/"):
                    return self._answer(*fake.control(method, split.path, body))
                with fake._lock:
                    fake.requests.append({"method": method, "path": split.path})
                self._answer(*fake.handle(method, split.path, split.query, headers, body))

            def do_GET(self):
                self._do("GET")

            def do_POST(self):
                self._do("POST")

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name=f"fake-{self.kind}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def control(self, method: str, path: str, body: bytes):
        if path == "/_fake/fail" and method == "POST":
            data = json.loads(body or b"{}")
            self.fail_next(str(data["fault"]), int(data.get("times", 1)))
            return 200, {"ok": True}
        if path == "/_fake/reset" and method == "POST":
            self.reset()
            return 200, {"ok": True}
        if path == "/_fake/messages":
            with self._lock:
                return 200, {"messages": list(self.messages), "requests": len(self.requests)}
        return 404, {"error": "unknown control"}

    def _record(self, entry: dict) -> None:
        with self._lock:
            self.messages.append(entry)

    def _common_fault(self, fault: str | None):
        """``slow`` sleeps then answers normally (the message is accepted, the answer comes late); ``5xx`` answers
        503 with a gateway page, no JSON."""
        if fault == "slow":
            time.sleep(self.slow_seconds)
            return None
        if fault == "5xx":
            return 503, b"<html><body>503 Service Temporarily Unavailable</body></html>"
        return None


class AliyunSmsFake(FakeServer):
    """dysmsapi SendSms (2017-05-25), RPC style, signature V1 (HMAC-SHA1). Answers as the provider does: business
    errors with HTTP 200 and ``Code``; signature and key errors with HTTP 400/404."""

    kind = "sms-aliyun"
    FAULTS = {
        "rate_limited": (200, "isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"),
        "day_limit": (200, "isv.DAY_LIMIT_CONTROL", "触发日发送限额"),
        "invalid_number": (200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
        "template": (200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"),
        "signature": (200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名"),
        "bad_key": (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
        "busy": (200, "isp.SYSTEM_ERROR", "系统错误"),
        "throttled": (400, "Throttling.User", "Request was denied due to user flow control."),
    }

    def __init__(self, port: int = 0, *, key_id: str = "fake-key-id", secret: str = "fake-key-secret",
                 sign_names=("邻里",), templates=None):
        super().__init__(port)
        self.key_id, self.secret = key_id, secret
        self.sign_names, self.templates = set(sign_names), set(templates) if templates else None
        self._nonces: set[str] = set()

    def _error(self, status: int, code: str, message: str):
        return status, {"Code": code, "Message": message, "RequestId": str(uuid.uuid4()).upper()}

    def handle(self, method, path, query, headers, body):
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if body:
            params.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        for name in ("AccessKeyId", "Action", "SignatureMethod", "SignatureNonce", "SignatureVersion", "Timestamp",
                     "Version", "Signature"):
            if not params.get(name):
                return self._error(400, "MissingParameter", f"{name} is mandatory for this action.")
        if params["AccessKeyId"] != self.key_id:
            return self._error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return self._error(400, "IncompleteSignature", "The request signature does not conform to standards.")
        try:
            stamp = datetime.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
        except ValueError:
            return self._error(400, "InvalidTimeStamp.Format", "Specified time stamp is not valid.")
        if abs((datetime.datetime.now(datetime.UTC) - stamp).total_seconds()) > 900:
            return self._error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        if params["Signature"] != aliyun_rpc_signature(method, params, self.secret):
            return self._error(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                return self._error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces.add(params["SignatureNonce"])
        if params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            return self._error(400, "InvalidAction.NotFound", "Specified api is not found.")
        fault = self.take_fault()
        common = self._common_fault(fault)
        if common:
            return common
        if fault and fault != "slow":
            status, code, message = self.FAULTS.get(fault, (200, fault, "fake fault"))
            return self._error(status, code, message)
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return self._error(400, "MissingParameter", f"{name} is mandatory for this action.")
        phones = params["PhoneNumbers"].split(",")
        if not all(MAINLAND_MOBILE.match(p) for p in phones):
            return self._error(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if params["SignName"] not in self.sign_names:
            return self._error(200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        if self.templates is not None and params["TemplateCode"] not in self.templates:
            return self._error(200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        try:
            template_params = json.loads(params.get("TemplateParam") or "{}")
            assert isinstance(template_params, dict)
        except (ValueError, AssertionError):
            return self._error(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        biz_id = f"{len(self.messages) + 1:06d}{uuid.uuid4().int % 10**8:08d}^0"
        self._record({"phone": params["PhoneNumbers"], "sign_name": params["SignName"],
                      "template": params["TemplateCode"], "params": template_params,
                      "key": params.get("OutId", ""), "provider_id": biz_id})
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": str(uuid.uuid4()).upper()}


class TencentSmsFake(FakeServer):
    """SendSms (2021-01-11) with TC3-HMAC-SHA256. Errors of the call are ``Response.Error``; a refusal of one number
    is the ``Code`` of its ``SendStatusSet`` entry, as the provider answers."""

    kind = "sms-tencent"
    STATUS_FAULTS = {
        "rate_limited": ("LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发短信条数超过设定的上限"),
        "hour_limit": ("LimitExceeded.PhoneNumberOneHourLimit", "单个手机号1小时内下发短信条数超过设定的上限"),
        "invalid_number": ("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"),
        "template": ("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或请求的内容与审核通过的模板内容不匹配"),
        "signature": ("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误"),
        "balance": ("FailedOperation.InsufficientBalanceInSmsPackage", "套餐包余量不足"),
    }
    ERROR_FAULTS = {
        "bad_key": ("AuthFailure.SecretIdNotFound", "密钥不存在"),
        "busy": ("InternalError.Timeout", "请求下发短信超时"),
        "throttled": ("RequestLimitExceeded", "请求的次数超过了频率限制"),
    }

    def __init__(self, port: int = 0, *, secret_id: str = "AKIDfake", secret_key: str = "fake-secret-key",
                 app_ids=("1400000000",), sign_names=("邻里",), templates=None):
        super().__init__(port)
        self.secret_id, self.secret_key = secret_id, secret_key
        self.app_ids, self.sign_names = set(app_ids), set(sign_names)
        self.templates = set(templates) if templates else None

    def _error(self, code: str, message: str):
        return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}

    def verify(self, method, query, headers, body) -> tuple[str, str] | None:
        auth = headers.get("authorization", "")
        match = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, "
                             r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", auth)
        if not match:
            return "AuthFailure.InvalidAuthorization", "Authorization 不符合腾讯云标准"
        secret_id, date, service, signed, signature = match.groups()
        if secret_id != self.secret_id:
            return "AuthFailure.SecretIdNotFound", "密钥不存在"
        try:
            timestamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            return "MissingParameter", "X-TC-Timestamp"
        if abs(time.time() - timestamp) > 300:
            return "AuthFailure.SignatureExpire", "签名过期"
        if date != datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d") or service != "sms":
            return "AuthFailure.SignatureFailure", "Credential 的日期或服务不符"
        signed_headers = signed.split(";")
        if not {"content-type", "host"} <= set(signed_headers) or signed_headers != sorted(signed_headers):
            return "AuthFailure.SignatureFailure", "SignedHeaders 须含 content-type 与 host 且升序"
        expected = tencent_tc3_signature(secret_key=self.secret_key, method=method, query=query, headers=headers,
                                         signed_headers=signed_headers, payload=body, timestamp=timestamp,
                                         service=service)
        if not hmac.compare_digest(expected, signature):
            return "AuthFailure.SignatureFailure", "签名错误"
        if headers.get("x-tc-action") != "SendSms":
            return "InvalidAction", "接口不存在"
        if headers.get("x-tc-version") != "2021-01-11":
            return "NoSuchVersion", "接口版本不存在"
        if not headers.get("x-tc-region"):
            return "MissingParameter", "X-TC-Region"
        return None

    def handle(self, method, path, query, headers, body):
        refused = self.verify(method, query, headers, body)
        if refused:
            return self._error(*refused)
        try:
            data = json.loads(body)
        except ValueError:
            return self._error("FailedOperation.JsonParseFail", "解析请求包体时候失败")
        for name in ("PhoneNumberSet", "SmsSdkAppId", "TemplateId"):
            if not data.get(name):
                return self._error("MissingParameter", f"缺少参数 {name}")
        if data["SmsSdkAppId"] not in self.app_ids:
            return self._error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId 不存在")
        fault = self.take_fault()
        common = self._common_fault(fault)
        if common:
            return common
        if fault in self.ERROR_FAULTS:
            return self._error(*self.ERROR_FAULTS[fault])
        statuses, accepted = [], []
        for phone in data["PhoneNumberSet"]:
            serial = f"2645:{uuid.uuid4().int % 10**20:020d}"
            if fault and fault != "slow":
                code, message = self.STATUS_FAULTS.get(fault, (fault, "fake fault"))
            elif not MAINLAND_MOBILE.match(phone):
                code, message = self.STATUS_FAULTS["invalid_number"]
            elif data.get("SignName") not in self.sign_names:
                code, message = self.STATUS_FAULTS["signature"]
            elif self.templates is not None and data["TemplateId"] not in self.templates:
                code, message = self.STATUS_FAULTS["template"]
            else:
                code, message = "Ok", "send success"
                accepted.append({"phone": phone, "sign_name": data.get("SignName"), "template": data["TemplateId"],
                                 "params": list(data.get("TemplateParamSet") or []),
                                 "key": data.get("SessionContext", ""), "provider_id": serial})
            statuses.append({"SerialNo": serial if code == "Ok" else "", "PhoneNumber": phone,
                             "Fee": 1 if code == "Ok" else 0, "SessionContext": data.get("SessionContext", ""),
                             "Code": code, "Message": message, "IsoCode": "CN"})
        for entry in accepted:
            self._record(entry)
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}}


class WeChatFake(FakeServer):
    """The Official Account API: /cgi-bin/token, /cgi-bin/message/template/send, /sns/oauth2/access_token. A new
    token replaces the previous one. ``codes`` maps OAuth codes to openids (each code works once)."""

    kind = "wechat"
    FAULTS = {"busy": (-1, "system error"), "rate_limited": (45009, "reach max api daily quota limit"),
              "unsubscribed": (43004, "require subscribe"), "invalid_openid": (40003, "invalid openid"),
              "template": (40037, "invalid template_id"), "token_invalid": (40001, "invalid credential")}

    def __init__(self, port: int = 0, *, appid: str = "wxfake0000000001", secret: str = "fake-app-secret",
                 templates=None, openids=None, unsubscribed=(), expires_in: int = 7200):
        super().__init__(port)
        self.appid, self.secret, self.expires_in = appid, secret, expires_in
        self.templates = set(templates) if templates else None
        self.openids = set(openids) if openids is not None else None
        self.unsubscribed = set(unsubscribed)
        self.codes: dict[str, str] = {}
        self.token: str | None = None
        self.token_requests = 0

    def handle(self, method, path, query, headers, body):
        params = dict(urllib.parse.parse_qsl(query))
        if path == "/cgi-bin/token" and method == "GET":
            return 200, self._token(params)
        if path == "/sns/oauth2/access_token" and method == "GET":
            return 200, self._oauth(params)
        if path == "/cgi-bin/message/template/send" and method == "POST":
            return self._send(params, body)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def _token(self, params):
        with self._lock:
            self.token_requests += 1
        if params.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if params.get("appid") != self.appid:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if params.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.token = f"tok-{uuid.uuid4().hex}"
        return {"access_token": self.token, "expires_in": self.expires_in}

    def _oauth(self, params):
        if params.get("appid") != self.appid or params.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if params.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        with self._lock:
            openid = self.codes.pop(params.get("code", ""), None)
        if not openid:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"access_token": f"web-{uuid.uuid4().hex}", "expires_in": 7200, "refresh_token": uuid.uuid4().hex,
                "openid": openid, "scope": "snsapi_base"}

    def _send(self, params, body):
        token = params.get("access_token", "")
        if not token:
            return 200, {"errcode": 41001, "errmsg": "access_token missing"}
        if token != self.token:
            return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        fault = self.take_fault()
        if fault == "token_expired":
            self.token = None
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        common = self._common_fault(fault)
        if common:
            return common
        if fault and fault != "slow":
            errcode, errmsg = self.FAULTS.get(fault, (int(fault) if fault.lstrip("-").isdigit() else -1, "fault"))
            return 200, {"errcode": errcode, "errmsg": errmsg}
        try:
            data = json.loads(body)
        except ValueError:
            return 200, {"errcode": 47001, "errmsg": "data format error"}
        touser, template_id = data.get("touser"), data.get("template_id")
        if not touser or (self.openids is not None and touser not in self.openids):
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        if touser in self.unsubscribed:
            return 200, {"errcode": 43004, "errmsg": "require subscribe"}
        if not template_id or (self.templates is not None and template_id not in self.templates):
            return 200, {"errcode": 40037, "errmsg": "invalid template_id"}
        fields = data.get("data")
        if not isinstance(fields, dict) or not all(isinstance(v, dict) and "value" in v for v in fields.values()):
            return 200, {"errcode": 47003, "errmsg": "argument invalid! data.value empty"}
        msgid = 200000000 + len(self.messages) + 1
        self._record({"touser": touser, "template_id": template_id, "url": data.get("url", ""), "data": fields,
                      "key": "", "provider_id": str(msgid)})
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": msgid}


# -- a tiny SMTP server ---------------------------------------------------------------------------------------

class SmtpFake:
    """Enough SMTP for Django's smtp backend (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH).
    Recipients in ``refuse`` get 550; ``fail_next("4xx")`` answers 451 to the next RCPT, ``"disconnect"`` drops the
    next connection after the greeting."""

    kind = "smtp"

    def __init__(self, port: int = 0, *, refuse=()):
        self.port, self.refuse = port, {a.lower() for a in refuse}
        self.messages: list[dict] = []
        self._faults: collections.deque = collections.deque()
        self._lock = threading.Lock()
        self._server = None

    def fail_next(self, fault: str, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def take_fault(self):
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def start(self) -> SmtpFake:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                self.reply("220 fake.smtp ESMTP")
                fault = fake.take_fault()
                if fault == "disconnect":
                    return
                sender, recipients = "", []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.decode(errors="replace").strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250-fake.smtp" if verb == "EHLO" else "250 fake.smtp")
                        if verb == "EHLO":
                            self.reply("250 8BITMIME")
                    elif verb == "MAIL":
                        sender, recipients = command.split(":", 1)[1].strip().strip("<>").split(">")[0], []
                        self.reply("250 2.1.0 Ok")
                    elif verb == "RCPT":
                        address = command.split(":", 1)[1].strip().strip("<>").split(">")[0].lower()
                        if fault == "4xx":
                            fault = None
                            self.reply("451 4.7.1 Greylisted, try again later")
                        elif address in fake.refuse:
                            self.reply("550 5.1.1 User unknown")
                        else:
                            recipients.append(address)
                            self.reply("250 2.1.5 Ok")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while True:
                            chunk = self.rfile.readline()
                            if not chunk or chunk in (b".\r\n", b".\n"):
                                break
                            lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        raw = b"".join(lines).decode("utf-8", errors="replace")
                        key = re.search(r"^X-Linli-Key: *(.*)$", raw, re.M | re.I)
                        with fake._lock:
                            fake.messages.append({"from": sender, "to": recipients, "data": raw,
                                                  "key": key.group(1).strip() if key else ""})
                        self.reply("250 2.0.0 Ok: queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 2.0.0 Ok")
                    elif verb == "QUIT":
                        self.reply("221 2.0.0 Bye")
                        return
                    else:
                        self.reply("502 5.5.2 Command not recognized")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-smtp", daemon=True).start()
        return self

    def keys(self) -> list[str]:
        return [m["key"] for m in self.messages]

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


FAKES = {"sms-aliyun": AliyunSmsFake, "sms-tencent": TencentSmsFake, "wechat": WeChatFake, "smtp": SmtpFake}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m linli.notify.testing",
                                     description="Run a fake notification provider on 127.0.0.1.")
    parser.add_argument("kind", choices=sorted(FAKES))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FAKES[args.kind](args.port).start()
    print(f"{args.kind} fake listening on 127.0.0.1:{fake.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
