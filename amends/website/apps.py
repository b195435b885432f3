from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "amends.website"
    verbose_name = "Public website"

    def ready(self) -> None:
        from amends.core.context_processors import NAVIGATION_CHECKS
        from amends.website import audit_names  # noqa: F401 (registers the audit namers)
        from amends.website.access import is_site_staff

        NAVIGATION_CHECKS["website:dashboard"] = is_site_staff
