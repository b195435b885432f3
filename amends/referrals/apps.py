from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "amends.referrals"
    label = "referrals"

    def ready(self) -> None:
        from amends.referrals import audit_names  # noqa: F401  (registers the audit log's namers)
