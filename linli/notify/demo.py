"""notify's part of `linli demo`: the demo resident chose SMS (the log channel writes a masked line for each), so
that the notices, bills and wishes the later loaders produce show the whole outbox on /notify/deliveries/."""

from linli.notify.models import ChannelPreference
from linli.people.models import User


def load(*, out):
    resident = User.objects.filter(username="resident", person__isnull=False).first()
    if resident is None or ChannelPreference.objects.filter(user=resident).exists():
        return
    ChannelPreference.objects.create(user=resident, channel="sms")
    out("通知：演示居民 resident 选择了短信（开发环境写入日志），外发记录见 /notify/deliveries/。")
