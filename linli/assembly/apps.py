from django.apps import AppConfig


class AssemblyConfig(AppConfig):
    name = "linli.assembly"
    verbose_name = "业主共同决定"
    demo = "linli.assembly.demo.load"  # its part of `linli demo` (linli.core.demo)
    demo_history = "linli.assembly.demo_history.load"  # a year of history (issue 17)

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from linli.core.nav import NavItem, register

        register(NavItem(_("业主共同决定"), "assembly:index", lambda scope, user: scope.is_member, order=40))
        # -- issue 19 (review): the committee's drafts, the admins' review queue, owners' proposals
        # (业委会起草, 委员会会议: links of the committee member's desk, not of the top bar)
        register(NavItem(_("业委会草稿审核"), "assembly:review_queue", lambda scope, user: scope.is_registry_admin,
                         order=42, on_home=False))
        register(NavItem(_("业主提议"), "assembly:proposals",
                         lambda scope, user: scope.is_committee_member or bool(scope.home_ids), order=43,
                         on_home=False))

        # -- surveys (issue 19 item 5): 意见征询 for staff, committee members and residents (their homes' surveys) --
        register(NavItem(_("意见征询"), "assembly:survey_list", lambda scope, user: scope.is_member, order=41))


        # issue 19 (reach): a committee member who is not staff lands on their desk (before the resident home:
        # nearly every member is an owner, Beijing art. 40) and has it in the bar.
        from linli.core.landing import Landing
        from linli.core.landing import register as register_landing

        def committee_only(scope, user):
            return scope.is_committee_member and not scope.is_staff_member

        register_landing(Landing("assembly:committee_desk", committee_only, order=15))
        register(NavItem(_("业委会工作台"), "assembly:committee_desk", committee_only, order=2))
