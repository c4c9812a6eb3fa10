"""The roles a membership grants (a TextChoices, so that code names them as ``Role.X``, never as bare strings).

Kept apart from models.py so that scopes.py, which models.py imports, can use it too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    PROPERTY_STAFF = "property_staff", _("物业服务人员")
    PROPERTY_MANAGER = "property_manager", _("物业项目经理")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_ADMIN = "community_admin", _("社区管理员")
    STREET_ADMIN = "street_admin", _("街道管理员")
    DEPARTMENT_HANDLER = "department_handler", _("部门承办人")
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    AUDITOR = "auditor", _("审计(只读)")
    # Not granted by a Membership: a person holding a current post (people.Post) in the owners' committee or the
    # 物业管理委员会 of an estate has it, for that estate, as long as the post lasts (scopes.build_scope).
    COMMITTEE_MEMBER = "committee_member", _("业委会/物管会成员")
