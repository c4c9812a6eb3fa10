"""Outside channels (SMS, WeChat, e-mail): each is a class with the interface of ``base.Channel``, named by dotted
path in ``settings.LINLI_NOTIFY_CHANNELS`` ({"sms": "...", "wechat": "...", "email": "..."})."""
