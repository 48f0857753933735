"""The channel backends: one interface, `send(address, message)`, raising on failure (the task records the error
and retries with backoff). Each channel's backend is named in settings (SMS_BACKEND, WECOM_BACKEND,
DINGTALK_BACKEND; email goes through Django's EMAIL_BACKEND); the default of each writes to the log.

- SMS: Aliyun 短信服务 (`AliyunSms`) and Tencent Cloud SMS (`TencentSms`) through their official SDKs. Both send
  only an approved template: the template id and its parameters (`Outgoing.params`, in template order), signed
  with the approved sign name.
- WeCom (企业微信) application messages and DingTalk (钉钉) work notifications to one person, by their user ID in
  that app, through the apps' HTTP APIs (an access token per app, cached until it expires).
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from alibabacloud_dysmsapi20170525 import models as aliyun_models  # type: ignore[import-untyped]
from alibabacloud_dysmsapi20170525.client import Client as AliyunClient  # type: ignore[import-untyped]
from alibabacloud_tea_openapi.utils_models import Config as AliyunConfig  # type: ignore[import-untyped]
from django.conf import settings
from django.core.cache import cache
from tencentcloud.common import credential  # type: ignore[import-untyped]
from tencentcloud.common.profile.client_profile import ClientProfile  # type: ignore[import-untyped]
from tencentcloud.common.profile.http_profile import HttpProfile  # type: ignore[import-untyped]
from tencentcloud.sms.v20210111 import models as tencent_models  # type: ignore[import-untyped]
from tencentcloud.sms.v20210111.sms_client import SmsClient  # type: ignore[import-untyped]

logger = logging.getLogger("chuangwen.notify")
TIMEOUT = 10


@dataclass(frozen=True)
class Outgoing:
    """What a backend sends: the full text, the SMS template's parameters and the delivery's key (sent to the
    providers that keep one, so that a message can be traced)."""

    text: str
    params: dict[str, str] = field(default_factory=dict)
    key: str = ""


class Backend(Protocol):
    def send(self, address: str, message: Outgoing) -> None: ...


class LogBackend:
    """The default of every channel: writes the message to the log and sends nothing."""

    def send(self, address: str, message: Outgoing) -> None:
        logger.warning("message to %s: %s", address, message.text)


class SendError(RuntimeError):
    """The provider answered, and refused."""


# --- SMS ------------------------------------------------------------------------------------------


class AliyunSms:
    """Aliyun 短信服务 SendSms (API 2017-05-25): PhoneNumbers, SignName, TemplateCode, TemplateParam (JSON)."""

    def send(self, address: str, message: Outgoing) -> None:
        config = AliyunConfig(
            access_key_id=settings.SMS_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
            endpoint=settings.SMS_ENDPOINT or "dysmsapi.aliyuncs.com",
            protocol=settings.SMS_PROTOCOL,
            read_timeout=TIMEOUT * 1000,
            connect_timeout=TIMEOUT * 1000,
        )
        request = aliyun_models.SendSmsRequest(
            phone_numbers=address,
            sign_name=settings.SMS_SIGN_NAME,
            template_code=settings.SMS_TEMPLATE_ID,
            template_param=json.dumps(message.params, ensure_ascii=False),
            out_id=message.key[:64],
        )
        body = AliyunClient(config).send_sms(request).body
        if body is None or body.code != "OK":
            raise SendError(f"Aliyun SMS: {body.code if body else '?'} {body.message if body else ''}")


class TencentSms:
    """Tencent Cloud SMS SendSms (API 2021-01-11): PhoneNumberSet, SmsSdkAppId, SignName, TemplateId,
    TemplateParamSet (the parameters' values, in template order)."""

    def send(self, address: str, message: Outgoing) -> None:
        profile = HttpProfile(
            protocol=settings.SMS_PROTOCOL,
            endpoint=settings.SMS_ENDPOINT or "sms.tencentcloudapi.com",
            reqTimeout=TIMEOUT,
        )
        client = SmsClient(
            credential.Credential(settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET),
            settings.SMS_REGION,
            ClientProfile(httpProfile=profile),
        )
        request = tencent_models.SendSmsRequest()
        request.PhoneNumberSet = [address if address.startswith("+") else f"+86{address}"]
        request.SmsSdkAppId = settings.SMS_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = settings.SMS_TEMPLATE_ID
        request.TemplateParamSet = list(message.params.values())
        request.SessionContext = message.key[:512]
        statuses = client.SendSms(request).SendStatusSet or []
        refused = [s for s in statuses if s.Code != "Ok"]
        if refused or not statuses:
            raise SendError(f"Tencent SMS: {refused[0].Code if refused else 'no status'}")


# --- Work apps: a message to one person -------------------------------------------------------------


def _post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read() or b"{}")


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return json.loads(response.read() or b"{}")


def _checked(reply: dict[str, Any], app: str) -> dict[str, Any]:
    if reply.get("errcode", 0) != 0:
        raise SendError(f"{app}: {reply.get('errcode')} {reply.get('errmsg', '')}")
    return reply


def _token(cache_key: str, url: str, app: str) -> str:
    """The app's access token, cached a little shorter than it lives (both apps give 7200 s)."""
    token = cache.get(cache_key)
    if token is None:
        reply = _checked(_get_json(url), app)
        token = reply["access_token"]
        cache.set(cache_key, token, max(int(reply.get("expires_in", 7200)) - 300, 60))
    return token


class WeComApp:
    """企业微信 application message (message/send, msgtype text) to one member by user ID."""

    def send(self, address: str, message: Outgoing) -> None:
        query = urllib.parse.urlencode(
            {"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET}
        )
        token = _token("notify:wecom-token", f"{settings.WECOM_API}/cgi-bin/gettoken?{query}", "WeCom")
        payload = {
            "touser": address,
            "msgtype": "text",
            "agentid": settings.WECOM_AGENT_ID,
            "text": {"content": message.text},
        }
        url = f"{settings.WECOM_API}/cgi-bin/message/send?access_token={urllib.parse.quote(token)}"
        _checked(_post_json(url, payload), "WeCom")


class DingTalkApp:
    """钉钉 work notification (corpconversation asyncsend_v2, msgtype text) to one user by user ID."""

    def send(self, address: str, message: Outgoing) -> None:
        query = urllib.parse.urlencode(
            {"appkey": settings.DINGTALK_APP_KEY, "appsecret": settings.DINGTALK_APP_SECRET}
        )
        token = _token("notify:dingtalk-token", f"{settings.DINGTALK_API}/gettoken?{query}", "DingTalk")
        payload = {
            "agent_id": settings.DINGTALK_AGENT_ID,
            "userid_list": address,
            "msg": {"msgtype": "text", "text": {"content": message.text}},
        }
        url = f"{settings.DINGTALK_API}/topapi/message/corpconversation/asyncsend_v2?access_token={urllib.parse.quote(token)}"
        _checked(_post_json(url, payload), "DingTalk")
