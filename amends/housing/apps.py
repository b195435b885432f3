from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "amends.housing"
    label = "housing"
    verbose_name = "Communities and social housing"

    def ready(self) -> None:
        from amends.housing.privacy import household_clear, household_held
        from amends.privacy.export import MORE_HELD
        from amends.privacy.services import PERSON_CLEARERS

        MORE_HELD.append(household_held)
        PERSON_CLEARERS.append(household_clear)
        from amends.housing import audit_names, navigation  # noqa: F401  (registers them)
