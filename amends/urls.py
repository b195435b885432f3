from django.urls import include, path

from amends.api.api import api
from amends.core import urls as core_urls
from amends.home import urls as home_urls
from amends.notify import urls as notify_urls

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    # The public website: its home page answers "/" for visitors (signed-in people go on to
    # their own home, core:dashboard, as before).
    path("", include("amends.website.urls")),
    path("", include("amends.accounts.urls")),
    path("people/", include("amends.people.urls")),
    path("people/", include("amends.privacy.urls")),
    path("referrals/", include("amends.referrals.urls")),
    path("cases/", include("amends.cases.urls")),
    path("cases/", include("amends.documents.urls")),
    path("", include("amends.meetings.urls")),
    path("", include("amends.agreements.urls")),
    path("", include("amends.outcomes.urls")),
    path("reports/", include("amends.reports.urls")),
    path("", include("amends.housing.urls")),
    path("", include("amends.home.urls")),
    path("", include("amends.training.urls")),
    path("", include("amends.practitioners.urls")),
    path("", include("amends.custody.urls")),
    path("", include("amends.schools.urls")),
    path("api/v1/", api.urls),
    path("organisation/api-keys/", include("amends.api.urls")),
    path("organisation/deliveries/", include("amends.tasks.urls")),
    path("groups/", include("amends.groups.urls")),
    path("organisation/imports/", include("amends.imports.urls")),
    path("organisation/exports/", include("amends.exports.urls")),
    path("organisation/messages/", include("amends.notify.urls")),
    path("meeting-calendar/", include((notify_urls.calendar_urlpatterns, "notify_calendar"))),
    path("", include("amends.welsh.urls")),
    path("", include(([*home_urls.front_door, *core_urls.urlpatterns], "core"))),
]
