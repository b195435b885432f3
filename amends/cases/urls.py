from django.urls import path

from amends.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_cases, name="mine"),
    path("<int:case_pk>/", views.case_detail, name="detail"),
    path("<int:case_pk>/edit/", views.case_edit, name="edit"),
    path("<int:case_pk>/allocate/", views.case_allocate, name="allocate"),
    path("<int:case_pk>/timeline/", views.case_timeline, name="timeline"),
    path("<int:case_pk>/close/", views.case_close, name="close"),
    path("<int:case_pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:case_pk>/parties/add/", views.party_add, name="party_add"),
    path("<int:case_pk>/parties/<int:party_pk>/", views.party_detail, name="party"),
    path("<int:case_pk>/parties/<int:party_pk>/notes/", views.party_notes, name="party_notes"),
    path("<int:case_pk>/parties/<int:party_pk>/letter/", views.party_letter, name="party_letter"),
    path("<int:case_pk>/consent/", views.consent_add, name="consent"),
    path("<int:case_pk>/risk/", views.risk_add, name="risk"),
    path("<int:case_pk>/risk/history/", views.risk_history, name="risk_history"),
    path("<int:case_pk>/contacts/", views.contact_list, name="contacts"),
]
