"""The channel backends against a local HTTP server that checks each request as the provider documents it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from notify.backends import AliyunSms, DingTalkApp, Outgoing, SendError, TencentSms, WeComApp

MESSAGE = Outgoing(
    text="新派案件：2026-000123 暴露垃圾", params={"title": "新派案件：2026-000123"}, key="case-dispatch:7"
)


class Seen:
    def __init__(self) -> None:
        self.requests: list[dict] = []


@pytest.fixture
def provider() -> Iterator[Callable[[Callable[[dict], dict]], tuple[str, Seen]]]:
    """Start a local server whose answer to each request is `answer(request)`; the requests are kept."""
    servers = []

    def start(answer: Callable[[dict], dict]) -> tuple[str, Seen]:
        seen = Seen()

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": self.rfile.read(length).decode() if length else "",
                }
                seen.requests.append(request)
                body = json.dumps(answer(request)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

            def log_message(self, *args) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"127.0.0.1:{server.server_port}", seen

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def sms_settings(settings):
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "LTAI-test", "secret"
    settings.SMS_SIGN_NAME, settings.SMS_TEMPLATE_ID = "示范县创建办", "SMS_123456"
    settings.SMS_SDK_APP_ID, settings.SMS_PROTOCOL = "1400000000", "http"
    return settings


def _form(request: dict) -> dict[str, str]:
    """The parameters of an Aliyun RPC call (in the query string, or the form body)."""
    query = urllib.parse.urlparse(request["path"]).query
    return {k: v[0] for k, v in urllib.parse.parse_qs(query + "&" + request["body"]).items()}


def _signed_headers(request: dict, authorization: str) -> tuple[str, str]:
    match = re.search(r"SignedHeaders=([^,]+)", authorization)
    assert match is not None
    names = match.group(1)
    canonical = "".join(f"{name}:{request['headers'][name].strip()}\n" for name in names.split(";"))
    return canonical, names


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def aliyun_signature_ok(request: dict, secret: str) -> bool:
    """Aliyun's V3 request signature (ACS3-HMAC-SHA256), recomputed as its documentation gives it."""
    authorization = request["headers"]["authorization"]
    url = urllib.parse.urlparse(request["path"])
    pairs = sorted(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
    query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in pairs
    )
    headers, names = _signed_headers(request, authorization)
    canonical = "\n".join(
        [request["method"], url.path or "/", query, headers, names, _sha256(request["body"])]
    )
    expected = hmac.new(secret.encode(), f"ACS3-HMAC-SHA256\n{_sha256(canonical)}".encode(), hashlib.sha256)
    return authorization.endswith(f"Signature={expected.hexdigest()}")


def tencent_signature_ok(request: dict, secret: str, service: str = "sms") -> bool:
    """Tencent Cloud's TC3-HMAC-SHA256 signature, recomputed as its documentation gives it."""
    authorization = request["headers"]["authorization"]
    timestamp = int(request["headers"]["x-tc-timestamp"])
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    headers, names = _signed_headers(request, authorization)
    canonical = "\n".join(["POST", "/", "", headers, names, _sha256(request["body"])])
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256(canonical)}"
    key = _hmac(_hmac(_hmac(f"TC3{secret}".encode(), date), service), "tc3_request")
    return authorization.endswith(f"Signature={hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()}")


def test_aliyun_sends_the_template_with_its_parameters(provider, sms_settings):
    endpoint, seen = provider(lambda r: {"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "r"})
    sms_settings.SMS_ENDPOINT = endpoint
    AliyunSms().send("13800000001", MESSAGE)
    [request] = seen.requests
    params = _form(request)
    assert request["method"] == "POST"
    assert (
        request["headers"]["x-acs-action"] == "SendSms"
        and request["headers"]["x-acs-version"] == "2017-05-25"
    )
    assert request["headers"]["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test,")
    assert aliyun_signature_ok(request, "secret")
    assert params["PhoneNumbers"] == "13800000001" and params["SignName"] == "示范县创建办"
    assert params["TemplateCode"] == "SMS_123456"
    assert json.loads(params["TemplateParam"]) == {"title": "新派案件：2026-000123"}
    assert params["OutId"] == "case-dispatch:7"
    assert "LTAI-test" in request["headers"].get("authorization", "") + json.dumps(
        params
    )  # signed with our key


def test_aliyun_refusal_raises(provider, sms_settings):
    endpoint, _seen = provider(lambda r: {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"})
    sms_settings.SMS_ENDPOINT = endpoint
    with pytest.raises(SendError, match="BUSINESS_LIMIT_CONTROL"):
        AliyunSms().send("13800000001", MESSAGE)


def _tencent_ok(request: dict) -> dict:
    phones = json.loads(request["body"])["PhoneNumberSet"]
    return {
        "Response": {"SendStatusSet": [{"Code": "Ok", "PhoneNumber": p} for p in phones], "RequestId": "r"}
    }


def test_tencent_sends_the_template_with_its_parameters(provider, sms_settings):
    endpoint, seen = provider(_tencent_ok)
    sms_settings.SMS_ENDPOINT = endpoint
    TencentSms().send("13800000001", MESSAGE)
    [request] = seen.requests
    body = json.loads(request["body"])
    assert (
        request["headers"]["x-tc-action"] == "SendSms" and request["headers"]["x-tc-version"] == "2021-01-11"
    )
    assert request["headers"]["authorization"].startswith("TC3-HMAC-SHA256 Credential=LTAI-test/")
    assert tencent_signature_ok(request, "secret")
    assert body["PhoneNumberSet"] == ["+8613800000001"] and body["SmsSdkAppId"] == "1400000000"
    assert body["SignName"] == "示范县创建办" and body["TemplateId"] == "SMS_123456"
    assert body["TemplateParamSet"] == ["新派案件：2026-000123"]


def test_tencent_refusal_raises(provider, sms_settings):
    endpoint, _seen = provider(
        lambda r: {
            "Response": {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}], "RequestId": "r"}
        }
    )
    sms_settings.SMS_ENDPOINT = endpoint
    with pytest.raises(SendError, match="DailyLimit"):
        TencentSms().send("13800000001", MESSAGE)


def _app(token_path: str, token_reply: dict) -> Callable[[dict], dict]:
    def answer(request: dict) -> dict:
        return token_reply if request["path"].startswith(token_path) else {"errcode": 0, "errmsg": "ok"}

    return answer


def test_wecom_sends_an_application_message_to_the_person(provider, settings):
    host, seen = provider(_app("/cgi-bin/gettoken", {"errcode": 0, "access_token": "T1", "expires_in": 7200}))
    settings.WECOM_API, settings.WECOM_CORP_ID, settings.WECOM_SECRET = f"http://{host}", "ww1", "s"
    settings.WECOM_AGENT_ID = 1000002
    WeComApp().send("zhangsan", MESSAGE)
    WeComApp().send("lisi", MESSAGE)
    token, first, second = seen.requests  # the token is asked once and cached
    assert token["path"] == "/cgi-bin/gettoken?corpid=ww1&corpsecret=s"
    assert first["path"] == "/cgi-bin/message/send?access_token=T1"
    assert json.loads(first["body"]) == {
        "touser": "zhangsan",
        "msgtype": "text",
        "agentid": 1000002,
        "text": {"content": MESSAGE.text},
    }
    assert json.loads(second["body"])["touser"] == "lisi"


def test_dingtalk_sends_a_work_notification_to_the_person(provider, settings):
    host, seen = provider(_app("/gettoken", {"errcode": 0, "access_token": "D1", "expires_in": 7200}))
    settings.DINGTALK_API, settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET = (
        f"http://{host}",
        "k",
        "s",
    )
    settings.DINGTALK_AGENT_ID = 2000001
    DingTalkApp().send("manager123", MESSAGE)
    token, sent = seen.requests
    assert token["path"] == "/gettoken?appkey=k&appsecret=s"
    assert sent["path"] == "/topapi/message/corpconversation/asyncsend_v2?access_token=D1"
    assert json.loads(sent["body"]) == {
        "agent_id": 2000001,
        "userid_list": "manager123",
        "msg": {"msgtype": "text", "text": {"content": MESSAGE.text}},
    }


def test_a_work_app_refusal_raises(provider, settings):
    host, _seen = provider(lambda r: {"errcode": 40014, "errmsg": "invalid access_token"})
    settings.WECOM_API = f"http://{host}"
    with pytest.raises(SendError, match="40014"):
        WeComApp().send("zhangsan", MESSAGE)
