"""A fake outside channel for the tests: records every send and answers what it is told to (by class state)."""

from linli.notify.channels.base import Channel, PermanentFailure, TemporaryFailure


class FakeChannel(Channel):
    name = "fake"
    sent: list[tuple[str, str, str]] = []  # (address, title, key) of every accepted message
    calls = 0
    script: list = []  # what the next calls do: "ok", "temp", "perm", ("temp", retry_after), Exception instance

    @classmethod
    def reset(cls, *script):
        cls.sent, cls.calls, cls.script = [], 0, list(script)

    def send(self, *, address, message, key):
        type(self).calls += 1
        step = type(self).script.pop(0) if type(self).script else "ok"
        if step == "temp":
            raise TemporaryFailure("isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控")
        if isinstance(step, tuple):
            raise TemporaryFailure("rate_limited", "too many", retry_after=step[1])
        if step == "perm":
            raise PermanentFailure("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if isinstance(step, Exception):
            raise step
        type(self).sent.append((address, message.title, key))
        return f"biz-{len(type(self).sent)}"


FAKE = "linli.notify.tests.fakes.FakeChannel"
CHANNELS = {"sms": FAKE, "wechat": FAKE, "email": FAKE}
