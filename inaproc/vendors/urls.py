"""The vendor pages of a portal, in one `vendors` URL namespace: registration and
verification (vendors.registrations), the company after approval (vendors.companies)."""

from django.urls import include, path

app_name = "vendors"

urlpatterns = [
    path("", include("inaproc.vendors.registrations.urls")),
    path("", include("inaproc.vendors.companies.urls")),
]
