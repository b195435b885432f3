from django.apps import AppConfig
from django.http import HttpRequest


class GroupsConfig(AppConfig):
    name = "amends.groups"
    label = "groups"
    verbose_name = "Group work"

    def ready(self) -> None:
        from amends.core.context_processors import NAVIGATION_CHECKS
        from amends.groups import audit_names  # noqa: F401  (registers the audit log's namers)

        NAVIGATION_CHECKS["groups:list"] = _runs_group_work


def _runs_group_work(request: HttpRequest) -> bool:
    """Services run circles and groups; the consultancy, which trains them, does not."""
    from amends.core.models import OrganisationKind

    member = getattr(request, "membership", None)
    return member is not None and member.organisation.kind != OrganisationKind.CONSULTANCY
