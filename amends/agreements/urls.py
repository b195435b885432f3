from django.urls import path

from amends.agreements import views

app_name = "agreements"

urlpatterns = [
    path("cases/<int:case_pk>/agreement/", views.agreement_detail, name="detail"),
    path("cases/<int:case_pk>/agreement/actions/add/", views.action_add, name="action_add"),
    path("cases/<int:case_pk>/agreement/accept/", views.accept, name="accept"),
    path("cases/<int:case_pk>/agreement/confirm/", views.confirm, name="confirm"),
    path("cases/<int:case_pk>/agreement/agreement.pdf", views.agreement_download, name="pdf"),
    path("actions/overdue/", views.overdue, name="overdue"),
    path("actions/<int:agreement_action_pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:agreement_action_pk>/remove/", views.action_remove, name="action_remove"),
    path("actions/<int:agreement_action_pk>/resolve/", views.action_resolve, name="resolve"),
    path("actions/<int:agreement_action_pk>/vary/", views.action_vary, name="vary"),
    path("actions/<int:agreement_action_pk>/payments/add/", views.payment_add, name="payment_add"),
]
