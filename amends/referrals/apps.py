from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "amends.referrals"
    label = "referrals"
