from django.urls import path

from amends.custody import views

app_name = "custody"

urlpatterns = [
    path("custody/", views.overview, name="overview"),
    path("people/<int:person_pk>/custody/", views.person_custody, name="person"),
    path("cases/<int:case_pk>/release/", views.release, name="release"),
    path("cases/<int:case_pk>/transfer/", views.transfer, name="transfer"),
    path("cases/<int:case_pk>/conduct/", views.conduct, name="conduct"),
    path("cases/<int:case_pk>/visitors/<int:party_pk>/", views.clearance, name="clearance"),
]
