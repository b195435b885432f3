from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "amends.privacy"
    label = "privacy"
    verbose_name = "Privacy: contact details, retention, subject access and erasure"
