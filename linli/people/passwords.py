"""Password rules that Django does not ship: at least three kinds of character (等保 2.0 复杂度要求)."""

import string

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
