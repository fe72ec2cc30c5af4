from django.urls import path

from records import views

app_name = "records"
urlpatterns = [
    path("record/", views.my_record, name="mine"),
    path("record/pdf/", views.my_record_pdf, name="mine-pdf"),
    path("record/cadres/", views.cadre_list, name="cadres"),
    path("record/cadres/<int:cadre_id>/", views.cadre_record, name="cadre"),
    path("record/cadres/<int:cadre_id>/pdf/", views.cadre_record_pdf, name="cadre-pdf"),
    path("record/claims/", views.claims, name="claims"),
    path("record/claims/<int:pk>/proof/", views.claim_proof, name="claim-proof"),
    path("record/certificates/issue/", views.certificate_issue, name="certificate-issue"),
    path("record/certificates/<str:number>.pdf", views.certificate_download, name="certificate-pdf"),
    path("verify/", views.verify_lookup, name="verify-lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
