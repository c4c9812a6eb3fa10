"""The fakes' signature verifiers, written from the providers' documents, reproduce the example signatures those
documents publish; the Aliyun adapter's signer does too (Tencent's adapter signs one header more than the published
example, so it is checked by the fake in test_channels_tencent.py)."""

import hashlib

from linli.notify.channels import aliyun
from linli.notify.testing import aliyun_rpc_signature, rfc3986, tencent_tc3_signature

# help.aliyun.com, "签名机制" example: DescribeRegions with AccessKeyId testid, secret testsecret.
ALIYUN_EXAMPLE = {
    "TimeStamp": "2016-02-23T12:46:24Z", "Format": "XML", "AccessKeyId": "testid", "Action": "DescribeRegions",
    "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Version": "2014-05-26", "SignatureVersion": "1.0",
}
ALIYUN_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
    "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
    "%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
ALIYUN_SIGNATURE = "CT9X0VtwR86fNWSnsc6v8YGOjuE="

# cloud.tencent.com, "签名方法 v3" example: CVM DescribeInstances at 1551113065.
TENCENT_PAYLOAD = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
TENCENT_SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_the_aliyun_verifier_reproduces_the_published_example():
    assert aliyun_rpc_signature("GET", ALIYUN_EXAMPLE, "testsecret") == ALIYUN_SIGNATURE


def test_the_aliyun_adapter_builds_the_published_string_to_sign_and_signature():
    assert aliyun.string_to_sign("GET", ALIYUN_EXAMPLE) == ALIYUN_STRING_TO_SIGN
    assert aliyun.sign("GET", ALIYUN_EXAMPLE, "testsecret") == ALIYUN_SIGNATURE


def test_percent_encoding_follows_rfc3986_as_aliyun_asks():
    for text in ("a b", "a+b*c~d", "邻里", "x=y&z", "/"):
        assert aliyun.percent_encode(text) == rfc3986(text)
    assert rfc3986("a b*~") == "a%20b%2A~"


def test_the_tencent_verifier_reproduces_the_published_example():
    assert hashlib.sha256(TENCENT_PAYLOAD).hexdigest() == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
    signature = tencent_tc3_signature(
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", method="POST", query="",
        headers={"content-type": "application/json; charset=utf-8", "host": "cvm.tencentcloudapi.com"},
        signed_headers=["content-type", "host"], payload=TENCENT_PAYLOAD, timestamp=1551113065, service="cvm")
    assert signature == TENCENT_SIGNATURE
