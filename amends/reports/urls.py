from django.urls import path

from amends.reports import views
from amends.reports.figures import REPORTS

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("definitions/", views.dictionary, name="dictionary"),
    path("download/", views.download, name="download"),
    path("quarterly.pdf", views.quarterly_pdf, name="pdf"),
    path("settings/", views.report_settings, name="settings"),
    path("settings/share/", views.sharing_agree, name="sharing_agree"),
    path("settings/withdraw/", views.sharing_withdraw, name="sharing_withdraw"),
    *[path(f"{key}/", views._page_for(key), name=key) for key in REPORTS],
]
