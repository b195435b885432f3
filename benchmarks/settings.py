"""Amends' own settings with one more page, the framework floor (benchmarks/urls.py)."""

from amends.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
