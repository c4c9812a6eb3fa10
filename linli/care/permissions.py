"""Who may change care records (关护): plain ``can_*`` functions and ``require_*`` (PermissionDenied, 403), called by
the services themselves. Who may *see* a care subject is ``CareSubject.objects.visible_to(user)`` (404 otherwise).

Care subjects, plans and problems: community/street/district admins and grid workers serving the community
(the roles that see sensitive flags). A visit: also the visitor assigned to an active plan. Nobody (``None``) may
do anything.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.care.models import VisitPlan
from linli.people.scopes import scope_for


def is_care_staff(user, community) -> bool:
    if user is None:
        return False
    scope = scope_for(user)
    return scope.sees_sensitive and any(community.path.startswith(p) for p in scope.paths)


def require_care_staff(user, community) -> None:
    if not is_care_staff(user, community):
        raise PermissionDenied(_("只有社区、街道、区级管理员和网格员可以管理关护对象"))


def is_assigned(user, subject) -> bool:
    if user is None or user.pk is None:
        return False
    return VisitPlan.objects.filter(subject=subject, active=True, visitors__pk=user.pk).exists()


def can_record_visit(user, subject) -> bool:
    return is_assigned(user, subject) or is_care_staff(user, subject.community)





def is_assigned_person(person, subject) -> bool:
    """A volunteer without a login (a Person) assigned to an active plan of the subject."""
    if person is None:
        return False
    return VisitPlan.objects.filter(subject=subject, active=True, visitor_people=person).exists()


def can_see_care_record(user, subject) -> bool:
    """Who may follow a link to a care record (the same people as ``CareSubject.objects.visible_to``)."""
    return is_care_staff(user, subject.community) or is_assigned(user, subject)


def is_care_user(user) -> bool:
    """Who may open the care pages at all: the roles that see sensitive flags, and visitors of an active plan."""
    return scope_for(user).sees_sensitive or VisitPlan.objects.filter(visitors__pk=user.pk, active=True).exists()
