from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "amends.schools"
    label = "schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        from amends.privacy.export import MORE_HELD
        from amends.privacy.services import CASE_CLEARERS, PERSON_CLEARERS
        from amends.schools.privacy import (
            parents_informed_clear,
            parents_informed_held,
            school_case_clear,
        )

        MORE_HELD.append(parents_informed_held)
        PERSON_CLEARERS.append(parents_informed_clear)
        CASE_CLEARERS.append(school_case_clear)
        # Registers the pause on restorative work, the menu item and the schools report.
        from amends.schools import figures, hooks  # noqa: F401
