"""Amends' pages plus /bench/floor/: a signed-in page that does nothing, served through the
same middleware (session, sign-in, membership), to measure what the framework costs alone."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from amends.urls import urlpatterns as amends_urlpatterns


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *amends_urlpatterns]
