"""The portal administrator manages Pokja groups: create, rename, quorum, members, the
chair, deactivation; whether a PPK may assign the group a package is shown with the
rule of `pokjas_assignable`. A PPK never sits on the Pokja of their own package, and a
Pokja running a published tender never falls below its quorum."""

import pytest

from inaproc.accounts.models import Role, StaffRole
from inaproc.audit.models import AuditEvent
from inaproc.tenders.models import PackageState, Pokja, PokjaMember
from inaproc.tenders.services.pokja import pokja_create, pokja_member_add
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.pokja_factories import make_package

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BASE = "/lpse-a/staf/pokja/"


def url(pokja: Pokja, tail: str = "") -> str:
    return f"{BASE}{pokja.pk}/{tail}"


@pytest.fixture
def admin_client(admin_a):
    return signed_in(admin_a)


@pytest.fixture
def pokja(portal_a, admin_a):
    return pokja_create(portal=portal_a, name="Pokja Konstruksi 1", quorum=None, actor=admin_a)


def pokja_official(portal, username: str, **fields):
    return make_user(portal, role=Role.POKJA, username=username, **fields)


def with_members(pokja: Pokja, admin, n: int, *, chair: bool = True) -> list[PokjaMember]:
    members = [
        pokja_member_add(
            pokja=pokja, user=pokja_official(pokja.portal, f"m{pokja.pk}-{i}"), actor=admin
        )
        for i in range(n)
    ]
    if chair and members:
        PokjaMember.objects.filter(pk=members[0].pk).update(is_chair=True)
    return members


# --- Create, edit, list -----------------------------------------------------------------


def test_create_a_pokja(portal_a, admin_client):
    response = admin_client.post(f"{BASE}baru/", {"name": "  Pokja   Barang 2 ", "quorum": "2"})

    pokja = Pokja.objects.get(portal=portal_a)
    assert response.status_code == 302 and response["Location"].endswith(url(pokja))
    assert (pokja.name, pokja.quorum, pokja.is_active) == ("Pokja Barang 2", 2, True)
    assert AuditEvent.objects.filter(verb="pokja.created", target_id=str(pokja.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "Pokja Konstruksi 1"}, "name", "already exists"),
        ({"name": "POKJA KONSTRUKSI 1"}, "name", "already exists"),
        ({"name": "P2", "quorum": "0"}, "quorum", "at least 1"),
        ({"name": "P2", "quorum": "dua"}, "quorum", "whole number"),
        ({"name": "P2", "quorum": "100"}, "quorum", "at most 99"),
    ],
)
def test_bad_input_is_answered_next_to_the_field(pokja, admin_client, data, field, message):
    response = admin_client.post(f"{BASE}baru/", data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert Pokja.objects.count() == 1


def test_the_same_name_on_another_portal_is_fine(pokja, portal_b, admin_a):
    other = pokja_create(portal=portal_b, name=pokja.name, quorum=None, actor=admin_a)

    assert other.portal == portal_b


def test_edit_name_and_quorum(pokja, admin_a, admin_client):
    with_members(pokja, admin_a, 3)

    response = admin_client.post(url(pokja, "ubah/"), {"name": "Pokja Baru", "quorum": "3"})

    assert response.status_code == 302
    pokja.refresh_from_db()
    assert (pokja.name, pokja.quorum) == ("Pokja Baru", 3)
    event = AuditEvent.objects.get(verb="pokja.updated")
    assert event.payload["to"] == {"name": "Pokja Baru", "quorum": 3}


def test_a_quorum_above_the_members_is_refused(pokja, admin_a, admin_client):
    with_members(pokja, admin_a, 3)

    response = admin_client.post(url(pokja, "ubah/"), {"name": pokja.name, "quorum": "4"})

    assert "cannot be more than the number of members (3)" in str(
        response.context["form"].errors["quorum"]
    )
    pokja.refresh_from_db()
    assert pokja.quorum is None


def test_list_shows_whether_a_pokja_can_be_assigned(portal_a, admin_a, admin_client):
    ready = pokja_create(portal=portal_a, name="Siap", quorum=None, actor=admin_a)
    with_members(ready, admin_a, 3)
    even = pokja_create(portal=portal_a, name="Genap", quorum=None, actor=admin_a)
    with_members(even, admin_a, 4)
    no_chair = pokja_create(portal=portal_a, name="Tanpa Ketua", quorum=None, actor=admin_a)
    with_members(no_chair, admin_a, 3, chair=False)

    response = admin_client.get(BASE)

    rows = {row.pokja.name: row for row in response.context["rows"]}
    assert rows["Siap"].assignable and rows["Siap"].quorum == 2
    assert not rows["Genap"].assignable
    assert not rows["Tanpa Ketua"].assignable and rows["Tanpa Ketua"].chair is None
    assert response.status_code == 200


# --- Members and the chair --------------------------------------------------------------


def test_add_a_member(pokja, portal_a, admin_client):
    official = pokja_official(portal_a, "ani", full_name="Ani")

    page = admin_client.get(url(pokja)).content.decode()
    assert "Ani (ani)" in page  # offered
    response = admin_client.post(url(pokja, "anggota/"), {"user": official.pk})

    assert response.status_code == 302
    assert PokjaMember.objects.filter(pokja=pokja, user=official).exists()
    assert AuditEvent.objects.get(verb="pokja.member_added").payload == {"user": "ani"}


def test_a_staff_member_holding_the_role_as_a_grant_can_be_added(pokja, portal_a, admin_client):
    official = make_user(portal_a, role=Role.VERIFIER, username="ver")
    StaffRole.objects.create(user=official, role=Role.POKJA)

    admin_client.post(url(pokja, "anggota/"), {"user": official.pk})

    assert PokjaMember.objects.filter(pokja=pokja, user=official).exists()


@pytest.mark.parametrize("case", ["no_role", "inactive", "vendor", "twice"])
def test_who_cannot_be_added_is_told(pokja, portal_a, admin_a, admin_client, case):
    if case == "no_role":
        user = make_user(portal_a, role=Role.PPK, username="ppk")
    elif case == "vendor":
        user = make_user(portal_a, username="vendor")
    else:
        user = pokja_official(portal_a, "p")
    if case == "inactive":
        user.is_active = False
        user.save()
    if case == "twice":
        pokja_member_add(pokja=pokja, user=user, actor=admin_a)
    before = PokjaMember.objects.count()

    response = admin_client.post(url(pokja, "anggota/"), {"user": user.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["user"]
    assert PokjaMember.objects.count() == before


def test_no_member_chosen_is_refused(pokja, admin_client):
    response = admin_client.post(url(pokja, "anggota/"), {"user": ""})

    assert "Choose a staff member." in str(response.context["form"].errors["user"])


def test_the_ppk_of_a_package_of_this_pokja_cannot_join_it(pokja, portal_a, admin_client):
    ppk = make_user(portal_a, role=Role.PPK, username="ppk")
    StaffRole.objects.create(user=ppk, role=Role.POKJA)
    make_package(ppk=ppk, pokja=pokja, state=PackageState.ASSIGNED)

    response = admin_client.post(url(pokja, "anggota/"), {"user": ppk.pk})

    assert "never sits on the Pokja of their own package" in str(
        response.context["form"].errors["user"]
    )
    assert not PokjaMember.objects.filter(user=ppk).exists()
    assert not AuditEvent.objects.filter(verb="pokja.member_added").exists()


def test_the_ppk_may_join_another_pokja(pokja, portal_a, admin_a, admin_client):
    other = pokja_create(portal=portal_a, name="Lain", quorum=None, actor=admin_a)
    ppk = make_user(portal_a, role=Role.PPK, username="ppk")
    StaffRole.objects.create(user=ppk, role=Role.POKJA)
    make_package(ppk=ppk, pokja=pokja, state=PackageState.ASSIGNED)

    admin_client.post(url(other, "anggota/"), {"user": ppk.pk})

    assert PokjaMember.objects.filter(pokja=other, user=ppk).exists()


def test_make_chair_leaves_exactly_one_chair(pokja, admin_a, admin_client):
    first, second, _third = with_members(pokja, admin_a, 3)

    response = admin_client.post(url(pokja, f"anggota/{second.pk}/ketua/"))

    assert response.status_code == 302
    chairs = list(PokjaMember.objects.filter(pokja=pokja, is_chair=True))
    assert chairs == [second]
    assert AuditEvent.objects.filter(verb="pokja.chair_set").count() == 1


def test_remove_a_member(pokja, admin_a, admin_client):
    members = with_members(pokja, admin_a, 3)

    assert admin_client.get(url(pokja, f"anggota/{members[1].pk}/hapus/")).status_code == 200
    response = admin_client.post(url(pokja, f"anggota/{members[1].pk}/hapus/"))

    assert response.status_code == 302
    assert PokjaMember.objects.filter(pokja=pokja).count() == 2
    assert AuditEvent.objects.filter(verb="pokja.member_removed").count() == 1


def test_removal_below_the_quorum_of_a_published_tender_is_refused(
    pokja, portal_a, admin_a, admin_client
):
    members = with_members(pokja, admin_a, 3)
    pokja.quorum = 3
    pokja.save()
    make_package(ppk=make_user(portal_a, role=Role.PPK), pokja=pokja, state="published")

    response = admin_client.post(url(pokja, f"anggota/{members[2].pk}/hapus/"))

    assert response.status_code == 200
    assert "fewer than its quorum (3)" in response.content.decode()
    assert PokjaMember.objects.filter(pokja=pokja).count() == 3


def test_removal_that_keeps_the_quorum_of_a_published_tender_is_fine(
    pokja, portal_a, admin_a, admin_client
):
    members = with_members(pokja, admin_a, 3)  # majority: 2
    make_package(ppk=make_user(portal_a, role=Role.PPK), pokja=pokja, state="published")

    admin_client.post(url(pokja, f"anggota/{members[2].pk}/hapus/"))

    assert PokjaMember.objects.filter(pokja=pokja).count() == 2


# --- Deactivation -----------------------------------------------------------------------


def test_deactivate_and_reactivate(pokja, admin_client):
    assert admin_client.post(url(pokja, "status/")).status_code == 302
    pokja.refresh_from_db()
    assert not pokja.is_active

    admin_client.post(url(pokja, "status/"))

    pokja.refresh_from_db()
    assert pokja.is_active
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="pokja.").values_list("verb", flat=True)
    )
    assert "pokja.deactivated" in verbs and "pokja.reactivated" in verbs


def test_a_pokja_running_a_package_is_not_deactivated(pokja, portal_a, admin_client):
    make_package(ppk=make_user(portal_a, role=Role.PPK), pokja=pokja, state="assigned")

    response = admin_client.post(url(pokja, "status/"))

    assert response.status_code == 200
    pokja.refresh_from_db()
    assert pokja.is_active


# --- Access -----------------------------------------------------------------------------


def test_another_portals_pokja_member_or_user_is_404(pokja, portal_a, portal_b, admin_a):
    theirs = pokja_create(portal=portal_b, name="Pokja B", quorum=None, actor=admin_a)
    their_member = pokja_member_add(
        pokja=theirs, user=pokja_official(portal_b, "pb"), actor=admin_a
    )
    their_user = pokja_official(portal_b, "pb2")
    client = signed_in(admin_a)
    before = AuditEvent.objects.count()

    assert client.get(url(theirs)).status_code == 404
    for path in ("ubah/", "status/", f"anggota/{their_member.pk}/hapus/"):
        assert client.get(url(theirs, path)).status_code == 404
        assert client.post(url(theirs, path), {"name": "x"}).status_code == 404
    assert client.post(url(theirs, f"anggota/{their_member.pk}/ketua/")).status_code == 404
    # our Pokja with their member, and our Pokja with their user
    assert client.post(url(pokja, f"anggota/{their_member.pk}/hapus/")).status_code == 404
    assert client.post(url(pokja, "anggota/"), {"user": their_user.pk}).status_code == 404
    assert client.post(url(pokja, "anggota/"), {"user": 10**12}).status_code == 404
    assert AuditEvent.objects.count() == before
    assert not PokjaMember.objects.filter(pokja=pokja).exists()


@pytest.mark.parametrize("role", [Role.PPK, Role.POKJA, Role.VERIFIER, Role.HELPDESK])
def test_non_admins_are_refused(pokja, portal_a, role):
    client = signed_in(make_user(portal_a, role=role))

    for path in (BASE, f"{BASE}baru/", url(pokja), url(pokja, "ubah/")):
        assert client.get(path).status_code == 403
    assert client.post(f"{BASE}baru/", {"name": "X"}).status_code == 403
    assert Pokja.objects.count() == 1


def test_pages_render(pokja, admin_a, admin_client):
    members = with_members(pokja, admin_a, 3)

    for path in (BASE, f"{BASE}baru/", url(pokja), url(pokja, "ubah/"), url(pokja, "status/")):
        assert admin_client.get(path).status_code == 200
    page = admin_client.get(url(pokja)).content.decode()
    assert f'id="member-{members[0].pk}"' in page
    assert "Every active staff member holding the Pokja role is already a member" in page


# --- A staff member's leaving and the Pokja's quorum (settings.POKJA_QUORUM_CHECK) -------


def _published_pokja_of_three():
    from tests.factories import make_portal
    from tests.tenders import factories

    portal = make_portal()
    pokja = factories.make_pokja(portal, members=3)
    factories.make_package(portal, state="published", pokja=pokja)
    admin = make_user(portal, role=Role.PORTAL_ADMIN)
    members = [member.user for member in pokja.members.all()]
    return portal, pokja, admin, members


def test_taking_the_pokja_role_that_breaks_a_published_tenders_quorum_is_refused():
    from inaproc.accounts.services.staff import StaffActionRefused, staff_roles_set

    portal, pokja, admin, members = _published_pokja_of_three()
    staff_roles_set(portal=portal, staff_id=members[0].pk, roles=[Role.VERIFIER], actor=admin)
    with pytest.raises(StaffActionRefused, match=pokja.name):
        staff_roles_set(portal=portal, staff_id=members[1].pk, roles=[Role.VERIFIER], actor=admin)
    members[1].refresh_from_db()
    assert members[1].role == Role.POKJA


def test_deactivating_a_member_below_the_quorum_is_done_and_says_so(client):
    portal, pokja, admin, members = _published_pokja_of_three()
    client = signed_in(admin, client=client, second_factor=True)
    for member in members[:2]:
        url = f"/{portal.slug}/staf/pengguna/{member.pk}/nonaktifkan/"
        response = client.post(url, follow=True)
    members[1].refresh_from_db()
    assert not members[1].is_active
    assert pokja.name in response.content.decode()
