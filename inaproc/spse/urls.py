"""SPSE's public paths, exactly as SPSE spells them (no trailing slash; SPSE-COMPAT.md).
The code is read as text so that any malformed code gets SPSE's "not found" page."""

from django.urls import path

from inaproc.spse import views
from inaproc.spse.selectors import Kind

app_name = "spse"

_PATHS = {
    Kind.TENDER: {
        "announcement": "lelang/<str:code>/pengumumanlelang",
        "participants": "lelang/<str:code>/peserta",
        "evaluation": "evaluasi/<str:code>/hasil",
        "winner": "evaluasi/<str:code>/pemenang",
        "winner_contract": "evaluasi/<str:code>/pemenangberkontrak",
        "schedule": "lelang/<str:code>/jadwal",
    },
    Kind.NON_TENDER: {
        "announcement": "nontender/<str:code>/pengumumanpl",
        "participants": "nontender/<str:code>/peserta",
        "evaluation": "evaluasinontender/<str:code>/hasil",
        "winner": "evaluasinontender/<str:code>/pemenang",
        "winner_contract": "evaluasinontender/<str:code>/pemenangberkontrak",
        "schedule": "nontender/<str:code>/jadwal",
    },
}

urlpatterns = [
    path("lelang", views.lelang_view, name="lelang"),
    path("dt/lelang", views.dt_lelang_view, name="dt_lelang"),
    path("dt/pl", views.dt_pl_view, name="dt_pl"),
    *(
        path(route, views.DETAIL_VIEWS[(kind, page)], name=f"{kind.value}_{page}")
        for kind, routes in _PATHS.items()
        for page, route in routes.items()
    ),
]
