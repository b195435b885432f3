from django.urls import path

from amends.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_add, name="add"),
    path("<int:groupwork_pk>/", views.group_detail, name="detail"),
    path("<int:groupwork_pk>/people/add/", views.members_add, name="members_add"),
    path("<int:groupwork_pk>/sessions/add/", views.session_add, name="session_add"),
    path("sessions/<int:groupsession_pk>/attendance/", views.attendance, name="attendance"),
    path("people/<int:groupmember_pk>/", views.member_detail, name="member"),
    path("people/<int:groupmember_pk>/status/", views.member_status, name="member_status"),
    path("people/<int:groupmember_pk>/open-case/", views.case_open, name="case_open"),
]
