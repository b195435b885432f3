from django.urls import path

from amends.welsh import views

app_name = "welsh"

urlpatterns = [
    # Public: no sign-in. /language/cy/ and /language/en-gb/.
    path("language/<str:code>/", views.switch, name="switch"),
    # Staff of the website: a page's Welsh text.
    path("site-admin/pages/<slug:page_slug>/welsh/", views.page_welsh, name="page_welsh"),
]
