"""Password rules that Django does not ship: at least three kinds of character (等保 2.0 复杂度要求)."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix at least ``min_classes`` of: capital letters, small letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        kinds = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not (c.isalnum() or c.isspace()) for c in password),
        )
        return sum(kinds)

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                _("密码至少要包含大写字母、小写字母、数字、符号中的%(n)d种") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码至少要包含大写字母、小写字母、数字、符号中的%(n)d种") % {"n": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message: Django 5.2 changed the message's msgid and its zh-hans catalogue
    still has the old one, so the error came out in English on a Chinese page."""

    def get_error_message(self):
        return _("密码太短，至少要有%(n)d个字符") % {"n": self.min_length}
