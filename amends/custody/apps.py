from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "amends.custody"
    label = "custody"

    def ready(self) -> None:
        from amends.custody.privacy import clearance_notes_clear, custody_clear, custody_held
        from amends.privacy.export import MORE_HELD
        from amends.privacy.services import CASE_CLEARERS, PERSON_CLEARERS

        MORE_HELD.append(custody_held)
        PERSON_CLEARERS.append(custody_clear)
        CASE_CLEARERS.append(clearance_notes_clear)
        from amends.core.context_processors import NAVIGATION_CHECKS
        from amends.custody import audit_names  # noqa: F401  (registers the audit log's namers)
        from amends.custody.figures import CUSTODY_REPORT
        from amends.custody.services import is_prison_service, visitors_not_cleared
        from amends.meetings.services import MEETING_CHECKS
        from amends.reports.figures import REPORTS

        # A meeting with a visitor from outside waits for that visitor's security clearance.
        if visitors_not_cleared not in MEETING_CHECKS:
            MEETING_CHECKS.append(visitors_not_cleared)
        # The custody page is a prison's: no other service has it in its menu.
        NAVIGATION_CHECKS["custody:overview"] = lambda request: is_prison_service(
            getattr(getattr(request, "membership", None), "organisation", None)
        )
        REPORTS.setdefault(CUSTODY_REPORT.key, CUSTODY_REPORT)
