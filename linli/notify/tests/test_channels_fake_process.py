"""The fakes run as a process of their own (``python -m linli.notify.testing …``) for the deploy check: the adapter
sends to it, and its control endpoints inject faults and list what it accepted."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from linli.notify.channels.aliyun import AliyunSms
from linli.notify.channels.base import Outgoing, TemporaryFailure

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake_process():
    process = subprocess.Popen([sys.executable, "-m", "linli.notify.testing", "sms-aliyun", "--port", "0"],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert "listening on 127.0.0.1:" in line, line
        yield f"http://127.0.0.1:{int(line.rsplit(':', 1)[1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def control(url: str, path: str, payload=None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    with urllib.request.urlopen(urllib.request.Request(url + path, data=data, method="POST" if data else "GET"),
                                timeout=5) as response:
        return json.loads(response.read())


def test_an_adapter_sends_to_a_fake_in_another_process(fake_process, db):
    with override_settings(LINLI_ALIYUN_SMS_ACCESS_KEY_ID="fake-key-id", LINLI_ALIYUN_SMS_ACCESS_KEY_SECRET="fake-key-secret",
                           LINLI_ALIYUN_SMS_SIGN_NAME="邻里", LINLI_ALIYUN_SMS_ENDPOINT=fake_process + "/",
                           LINLI_SMS_TEMPLATES={"default": "SMS_1"}):
        control(fake_process, "/_fake/fail", {"fault": "rate_limited", "times": 1})
        with pytest.raises(TemporaryFailure):
            AliyunSms().send(address="13812345678", message=Outgoing(title="通知"), key="d-1")
        AliyunSms().send(address="13812345678", message=Outgoing(title="通知"), key="d-1")
    answer = control(fake_process, "/_fake/messages")
    assert [m["key"] for m in answer["messages"]] == ["d-1"] and answer["requests"] == 2
