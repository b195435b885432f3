from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "amends.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from amends.accounts import receivers  # noqa: F401  (sign-in audit)
