from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Delivery


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(label=_("除站内通知外，还通过"), choices=[
        (Channel.INBOX, _("只看站内通知")), (Channel.SMS, _("短信")), (Channel.WECHAT, _("微信")),
        (Channel.EMAIL, _("电子邮件"))], widget=forms.RadioSelect)


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部"))] + list(Delivery.Status.choices))
    channel = forms.ChoiceField(label=_("渠道"), required=False,
                                choices=[("", _("全部"))] + [c for c in Channel.choices if c[0] != Channel.INBOX])
