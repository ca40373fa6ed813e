"""The officials' dashboard: the PPK's packages and their state, the Pokja member's
tenders and what needs doing (approvals, questions waiting, next deadline), the Pejabat
Pengadaan's packages; only their own portal's; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.tenders.models import PackageState, PublicationApproval, Question
from inaproc.tenders.stages import CLARIFICATION
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.factories import (
    make_official,
    make_package,
    make_participant,
    make_pokja,
    make_schedule,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/lpse-a/staf/paket/"


def ask(package, *, answered=False):
    participation = package.participations.first() or make_participant(package)
    return Question.objects.create(
        package=package,
        participation=participation,
        text="Apakah boleh konsorsium?",
        answered_at=timezone.now() if answered else None,
    )


def test_the_ppk_sees_their_packages_and_their_state(portal_a, portal_b):
    ppk = make_official(portal_a, Role.PPK)
    make_package(portal_a, ppk=ppk, name="Paket Draf")
    make_package(portal_a, ppk=ppk, name="Paket Tugas", state=PackageState.ASSIGNED)
    make_package(portal_a, name="Paket Orang Lain")
    make_package(portal_b, name="Paket Portal Lain")

    page = signed_in(ppk, english=True).get(DASHBOARD).content.decode()

    assert "Paket Draf" in page and "Paket Tugas" in page
    assert "Draft (PPK)" in page and "With the Pokja or Pejabat Pengadaan" in page
    assert "Paket Orang Lain" not in page and "Paket Portal Lain" not in page


def test_the_pokja_sees_approvals_questions_and_the_next_deadline(portal_a):
    pokja = make_pokja(portal_a)
    member = pokja.members.first().user
    make_package(portal_a, state=PackageState.ASSIGNED, pokja=pokja, name="Menunggu")
    approved = make_package(portal_a, state=PackageState.ASSIGNED, pokja=pokja, name="Disetujui")
    PublicationApproval.objects.create(package=approved, user=member)
    running = make_package(portal_a, state=PackageState.PUBLISHED, pokja=pokja, name="Berjalan")
    stages = make_schedule(running, running=CLARIFICATION)
    ask(running)
    ask(running)
    ask(running, answered=True)
    make_package(portal_a, state=PackageState.ASSIGNED, name="Pokja Lain")

    response = signed_in(member, english=True).get(DASHBOARD)

    rows = {row.package.name: row for row in response.context["pokja_rows"]}
    assert set(rows) == {"Menunggu", "Disetujui", "Berjalan"}
    assert rows["Menunggu"].needs_my_approval is True
    assert rows["Disetujui"].needs_my_approval is False
    assert rows["Berjalan"].unanswered_questions == 2
    clarification = next(stage for stage in stages if stage.key == CLARIFICATION)
    assert rows["Berjalan"].next_deadline == clarification.ends_at
    assert rows["Berjalan"].stage_label == "Pemberian Penjelasan"
    assert response.context["approvals_waiting"] == 1
    assert response.context["questions_waiting"] == 2
    page = response.content.decode()
    assert "1 package is waiting for your publication approval." in page
    assert "2 questions to answer" in page


def test_the_pejabat_pengadaan_sees_their_packages(portal_a):
    pejabat = make_official(portal_a, Role.PEJABAT_PENGADAAN)
    make_package(
        portal_a,
        state=PackageState.ASSIGNED,
        selection_method="pengadaan_langsung",
        pejabat_pengadaan=pejabat,
        name="Pengadaan ATK",
    )

    response = signed_in(pejabat, english=True).get(DASHBOARD)

    assert [row.package.name for row in response.context["pp_rows"]] == ["Pengadaan ATK"]
    assert "ppk_rows" not in response.context and "pokja_rows" not in response.context


def test_the_staff_dashboard_links_officials_to_their_packages(portal_a):
    ppk = make_official(portal_a, Role.PPK, Role.POKJA)
    verifier = make_user(portal_a, role=Role.VERIFIER)

    ppk_page = signed_in(ppk, english=True).get("/lpse-a/dasbor/").content.decode()
    verifier_page = signed_in(verifier, english=True).get("/lpse-a/dasbor/").content.decode()

    assert 'id="panel-tenders"' in ppk_page
    assert "My packages (PPK)" in ppk_page and "My tenders (Pokja)" in ppk_page
    assert 'id="panel-tenders"' not in verifier_page


def test_only_officials_reach_the_dashboard(portal_a):
    assert signed_in(make_user(portal_a, role=Role.VERIFIER)).get(DASHBOARD).status_code == 403
    assert signed_in(make_user(portal_a)).get(DASHBOARD).status_code == 403


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_packages(portal_a):
    """1 package or 5 of each kind: the same queries (annotations, prefetched stages)."""
    ppk = make_official(portal_a, Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN)
    pokja = make_pokja(portal_a, users=[make_official(portal_a, Role.POKJA)])
    member = pokja.members.first().user
    member_pp = make_official(portal_a, Role.POKJA, Role.PEJABAT_PENGADAAN, Role.PPK)
    pokja_too = make_pokja(portal_a, users=[member_pp])

    def add_packages(count: int) -> None:
        for _ in range(count):
            make_package(portal_a, ppk=ppk)
            published = make_package(
                portal_a, ppk=ppk, state=PackageState.PUBLISHED, pokja=pokja_too
            )
            make_schedule(published, running=CLARIFICATION)
            ask(published)
            make_package(portal_a, state=PackageState.ASSIGNED, pokja=pokja)
            make_package(
                portal_a,
                state=PackageState.ASSIGNED,
                selection_method="pengadaan_langsung",
                pejabat_pengadaan=member_pp,
            )

    clients = [signed_in(ppk), signed_in(member), signed_in(member_pp)]
    add_packages(1)
    first = [_queries(client) for client in clients]
    add_packages(4)
    second = [_queries(client) for client in clients]

    assert first == second


def test_each_list_pages_by_25_and_keeps_the_other_lists_page(portal_a):
    ppk = make_official(portal_a, Role.PPK, Role.POKJA)
    packages = [make_package(portal_a, ppk=ppk, name=f"Paket {n:02}") for n in range(26)]
    client = signed_in(ppk, english=True)

    first = client.get(DASHBOARD, {"pokja_page": "3"})
    second = client.get(DASHBOARD, {"pokja_page": "3", "ppk_page": "2"})
    past_the_end = client.get(DASHBOARD, {"ppk_page": "9"})

    assert [row.package for row in first.context["ppk_rows"]] == packages[:0:-1]
    assert 'href="?pokja_page=3&amp;ppk_page=2#ppk-heading"' in first.text
    assert "Page 1 of 2" in first.text
    assert [row.package for row in second.context["ppk_rows"]] == [packages[0]]
    assert 'href="?pokja_page=3&amp;ppk_page=1#ppk-heading"' in second.text
    assert [row.package for row in past_the_end.context["ppk_rows"]] == [packages[0]]


def test_the_pokja_counts_what_waits_in_all_its_tenders_not_only_the_page(portal_a):
    pokja = make_pokja(portal_a)
    member = pokja.members.first().user
    for _ in range(26):
        make_package(portal_a, state=PackageState.ASSIGNED, pokja=pokja)
    oldest = pokja.packages.order_by("pk").first()
    PublicationApproval.objects.create(package=oldest, user=member)
    running = make_package(portal_a, state=PackageState.PUBLISHED, pokja=pokja)
    make_schedule(running, running=CLARIFICATION)
    ask(running)
    ask(running, answered=True)

    response = signed_in(member, english=True).get(DASHBOARD)

    assert len(response.context["pokja_rows"]) == 25
    assert response.context["approvals_waiting"] == 25
    assert response.context["questions_waiting"] == 1
    assert "25 packages are waiting for your publication approval." in response.text
    assert "Page 1 of 2" in response.text and "?pokja_page=2#pokja-heading" in response.text
