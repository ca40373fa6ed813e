"""A sweep of every tender page and every staff-management page, as an attacker and a
careless user would try them: each URL of the `tenders` namespace and of the portal
administrator's staff and incident pages (enumerated from the URL resolver, so a new
page is swept without anyone adding it here), requested with GET, an empty POST and two
POSTs of garbage (letters in numbers, huge and negative numbers, unicode, very long
strings, unknown choices, malformed date-times), by anonymous visitors, vendors of this
portal and of another, officials with and without a hand in the package, the portal
administrator and a deactivated official, against packages in every state of this
portal and of another portal.

What must hold for every request:
- never a server error (status < 500);
- another portal's object answers exactly as a missing one (same status and redirect):
  nobody learns that it exists, and it is never served;
- an anonymous visitor gets the login page, 403 or 404 on every page that is not public;
- a GET changes nothing (writes no audit row: every change an official makes does);
- the public tender pages answer 200 only for published and cancelled tenders (404 for
  drafts and packages still with their Pokja, and for another portal's).
(The shared sweep of the other pages is tests/core/test_no_server_errors.py.)
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.audit.models import AuditEvent
from inaproc.files.services import files_store
from inaproc.portals.models import Portal
from inaproc.tenders.models import (
    Package,
    PackageState,
    Participation,
    Pokja,
    PokjaMember,
    Question,
    QuestionAttachment,
    TenderDocument,
)
from inaproc.tenders.schedule_rules import ends_field, starts_field
from inaproc.tenders.stages import STAGE_NAMES
from tests.factories import make_portal, make_user
from tests.helpers import signed_in
from tests.tenders import participation_factories as tf
from tests.vendors.builders import checked

pytestmark = pytest.mark.django_db

STATES = (PackageState.DRAFT, PackageState.ASSIGNED, PackageState.PUBLISHED, PackageState.CANCELLED)
# An id no row has (and one past the 64-bit range: the lookup must still answer 404).
MISSING_ID = 999_999_999_999
# The pages anyone reads without an account (TENDERS.md §5).
PUBLIC_NAMES = {
    "tenders:public_list",
    "tenders:public_rss",
    "tenders:public_atom",
    "tenders:public_announcement",
    "tenders:public_schedule",
}
# Public pages about one tender: 200 only when it is published or cancelled.
PUBLIC_TENDER_NAMES = {"tenders:public_announcement", "tenders:public_schedule"}
# The invited person's set-password page: reached by its emailed token, without an account.
TOKEN_NAMES = {"accounts:staff_invitation_accept"}
# The staff-management views of the other apps swept with the tender pages.
STAFF_VIEW_MODULES = {"inaproc.accounts.views.staff"}
STAFF_VIEW_NAMES = {"announcements:incidents"}

LONG = "ẞ" * 20_000
GARBAGE_ONE = {
    # Package form: letters in numbers, unknown choices, huge and negative amounts.
    "name": "\x00" + "Ω" * 600,
    "description": LONG,
    "rup_code": "12ab34",
    "rup_name": "\u202e" * 600,
    "funding_source": "minyak",
    "budget_year": "dua ribu",
    "institution": ["a", "b"],
    "work_unit": "",
    "procurement_type": "senjata",
    "selection_method": "undian",
    "qualification_method": "\x00",
    "document_method": "tiga_file",
    "evaluation_method": "-1",
    "contract_type": "🙂",
    "business_qualification": "raksasa",
    "pagu": "Rp 1.000.000.000.000.000.000,00",
    "hps": "-1500000",
    "kbli": "abcde, 99999, " + "1" * 500,
    "qualification_requirements": LONG,
    "location_0_province": "atlantis",
    "location_0_city": "\x00",
    "location_1_province": "jawa_barat",
    "location_1_city": "",
    # Assignment, return, documents, addenda.
    "runner": "pokja-999999999999999999999",
    "reason": LONG,
    "kind": "kontrak",
    "upload": "not-a-file",
    "note": LONG,
    # Schedule (every stage SPSE knows) and the tender settings.
    **{starts_field(key): "2026-02-30T25:61" for key in STAGE_NAMES},
    **{ends_field(key): "0000-00-00 00:00" for key in STAGE_NAMES},
    **{key: "9" * 40 for key in STAGE_NAMES},
    "outage_grace_margin_minutes": "1e9",
    # Participation and clarification.
    "integrity_pact": "maybe",
    "text": LONG,
    "attachment": "x",
    "answer": "\x00",
    # Pokja and staff management.
    "quorum": "-3",
    "user": "-1",
    "full_name": "\x00" * 300,
    "email": "bukan-email\x00",
    "username": "../" * 100,
    "roles": ["superuser", "operator"],
    # Incidents and set-password.
    "starts_at": "-999999-01-01T00:00",
    "ends_at": "kemarin",
    "new_password1": "a" * 5000,
    "new_password2": "b",
    "page": "-1",
}
GARBAGE_TWO = {
    # Plausible shapes with values out of range or of the wrong kind.
    "name": "Paket " * 200,
    "rup_code": "9" * 5000,
    "funding_source": "apbn",
    "budget_year": "99999999999999999999999",
    "institution": "Kementerian Uji",
    "work_unit": "Satker Uji",
    "procurement_type": "barang",
    "selection_method": "pengadaan_langsung",
    "qualification_method": "pra",
    "document_method": "dua_tahap",
    "evaluation_method": "kualitas",
    "contract_type": "waktu_penugasan",
    "business_qualification": "perorangan",
    "pagu": "9" * 16,
    "hps": "1.500.000,5",
    "kbli": "41011",
    "location_0_province": "jawa_barat",
    "location_0_city": "Kota Bandung",
    "runner": "pp-1",
    "reason": "   ",
    "kind": "addendum",
    "note": "",
    **{starts_field(key): "2026-13-01 08:00" for key in STAGE_NAMES},
    **{ends_field(key): "١٢/٠١/٢٠٢٦ ٠٨:٠٠" for key in STAGE_NAMES},
    **{key: "-1" for key in STAGE_NAMES},
    "outage_grace_margin_minutes": "99999999999999999999999",
    "integrity_pact": "on",
    "text": "Pertanyaan? " + "\U0001f600" * 100,
    "answer": " ",
    "quorum": "99999999999999999999999",
    "user": "99999999999999999999999",
    "full_name": "Nama",
    "email": "a@" + "b" * 300 + ".id",
    "username": "admin",
    "roles": ["ppk", "ppk", "vendor"],
    "starts_at": "2026-01-01T00:00",
    "ends_at": "2025-01-01T00:00",
    "description": "\x00",
    "page": "99999999999999999999999",
}
BAD_QUERY = (
    "?q=%00%25_&jenis=senjata&metode=%00&tahun=dua&tahap=-1&instansi="
    + "x" * 3000
    + "&hps_min=-5&hps_max=9999999999999999999999&kbli=abc&lokasi=atlantis&urut=%00"
    "&page=-1&download=%00"
)


# --- The URLs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "tenders:package_detail"
    arguments: tuple[str, ...]


def _walk(patterns, namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace, entry


def swept_routes() -> list[Route]:
    """Every route of the `tenders` namespace and the staff-management routes of the
    other apps, from the resolver itself."""
    routes = []
    for namespace, entry in _walk(get_resolver().url_patterns, None):
        name = f"{namespace}:{entry.name}"
        module = getattr(entry.callback, "__module__", "")
        if namespace == "tenders" or module in STAFF_VIEW_MODULES or name in STAFF_VIEW_NAMES:
            arguments = (
                tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else ()
            )
            routes.append(Route(name, arguments))
    return sorted(set(routes), key=lambda route: route.name)


# --- The world ---------------------------------------------------------------------------


@dataclass
class PortalWorld:
    portal: Portal
    ppk: User
    pokja: Pokja
    pokja_members: list[User]
    spare_pokja: Pokja
    spare_members: list[User]
    spare_staff: User
    vendor: User
    packages: dict[str, Package] = field(default_factory=dict)
    questions: dict[int, Question] = field(default_factory=dict)
    documents: dict[int, TenderDocument] = field(default_factory=dict)


def _question(package: Package, participation: Participation) -> Question:
    question = Question.objects.create(
        package=package,
        participation=participation,
        asked_by=participation.joined_by,
        text="Apakah boleh konsorsium?",
    )
    (fields,) = files_store(items=[checked("question", "tanya.pdf")], portal=package.portal)
    QuestionAttachment.objects.create(question=question, **fields)
    return question


def build_world(portal: Portal) -> PortalWorld:
    now = timezone.now()
    ppk = make_user(portal, role=Role.PPK)
    pokja, members = tf.make_pokja(portal)
    spare_pokja, spare_members = tf.make_pokja(portal)
    vendor_member = tf.make_vendor(portal)
    world = PortalWorld(
        portal=portal,
        ppk=ppk,
        pokja=pokja,
        pokja_members=members,
        spare_pokja=spare_pokja,
        spare_members=spare_members,
        spare_staff=make_user(portal, role=Role.VERIFIER),
        vendor=vendor_member.user,
    )
    for state in STATES:
        package = tf.make_package(
            portal,
            pokja=None if state == PackageState.DRAFT else pokja,
            state=state,
            start=now - timedelta(hours=2),
            clarification=(now - timedelta(hours=1), now + timedelta(days=1)),
            bid_deadline=now + timedelta(days=2),
        )
        Package.objects.filter(pk=package.pk).update(ppk=ppk)
        package.refresh_from_db()
        world.packages[state] = package
        world.documents[package.pk] = package.documents.get()
        if state in (PackageState.PUBLISHED, PackageState.CANCELLED):
            participation = Participation.objects.create(
                package=package,
                company=vendor_member.company,
                joined_by=vendor_member.user,
                integrity_pact_agreed_at=now,
            )
            world.questions[package.pk] = _question(package, participation)
    return world


@dataclass(frozen=True)
class Target:
    """What a URL's arguments point at: a package (and its document and question), a
    Pokja (and one of its members), or a staff account; `foreign` when it belongs to the
    other portal, `missing` when no such row exists."""

    label: str
    kwargs: dict
    foreign: bool = False
    missing: bool = False
    package: Package | None = None


def _package_kwargs(world: PortalWorld, fallback: PortalWorld, package: Package) -> dict:
    published = fallback.packages[PackageState.PUBLISHED]
    question = world.questions.get(package.pk) or fallback.questions[published.pk]
    document = world.documents[package.pk]
    return {
        "package_id": package.pk,
        "pk": package.pk,
        "code": package.code,
        "document_pk": document.pk,
        "document_id": document.pk,
        "question_id": question.pk,
    }


def targets_of(route: Route, home: PortalWorld, other: PortalWorld) -> list[Target]:
    """The targets to try `route` against; [one without arguments] for a plain page."""
    arguments = set(route.arguments)
    if not arguments:
        return [Target("page", {})]
    if arguments & {"package_id", "pk", "code"}:
        targets = []
        for world, foreign in ((home, False), (other, True)):
            for state, package in world.packages.items():
                kwargs = _package_kwargs(world, home, package)
                targets.append(
                    Target(f"{state}{'@other' if foreign else ''}", kwargs, foreign, False, package)
                )
        missing = dict.fromkeys(
            ("package_id", "pk", "code", "document_pk", "document_id", "question_id"), MISSING_ID
        )
        targets.append(Target("missing", missing, missing=True))
        # This portal's published tender with ids of the other portal's rows.
        published = home.packages[PackageState.PUBLISHED]
        theirs = _package_kwargs(other, other, other.packages[PackageState.PUBLISHED])
        mixed = {
            **_package_kwargs(home, home, published),
            **{key: theirs[key] for key in ("document_pk", "document_id", "question_id")},
        }
        if arguments & {"document_pk", "document_id", "question_id"}:
            targets.append(Target("mixed", mixed, foreign=True, package=published))
        return [
            Target(
                t.label,
                {k: v for k, v in t.kwargs.items() if k in arguments},
                t.foreign,
                t.missing,
                t.package,
            )
            for t in targets
        ]
    if "pokja_id" in arguments:

        def pokja_target(label, pokja, member, foreign=False, missing=False):
            kwargs = {
                "pokja_id": pokja.pk if pokja else MISSING_ID,
                "member_id": member.pk if member else MISSING_ID,
            }
            return Target(
                label, {k: v for k, v in kwargs.items() if k in arguments}, foreign, missing
            )

        def first_member(pokja):
            return PokjaMember.objects.filter(pokja=pokja).order_by("pk").first()

        return [
            pokja_target("spare", home.spare_pokja, first_member(home.spare_pokja)),
            pokja_target("running", home.pokja, first_member(home.pokja)),
            pokja_target("other", other.pokja, first_member(other.pokja), foreign=True),
            pokja_target("missing", None, None, missing=True),
        ]
    if "staff_id" in arguments:
        return [
            Target("spare", {"staff_id": home.spare_staff.pk}),
            Target("vendor", {"staff_id": home.vendor.pk}, missing=True),
            Target("other", {"staff_id": other.spare_staff.pk}, foreign=True),
            Target("missing", {"staff_id": MISSING_ID}, missing=True),
        ]
    if arguments == {"uidb64", "token"}:
        return [
            Target("token", {"uidb64": "MQ", "token": "1-abc"}),
            Target("junk", {"uidb64": "%00" * 3, "token": "z" * 300}),
        ]
    raise AssertionError(
        f"{route.name}: no targets for arguments {sorted(arguments)}; add them here"
    )


# --- Who ---------------------------------------------------------------------------------

WHO = (
    "anonymous",
    "vendor",
    "vendor_of_other_portal",
    "ppk_not_owning",
    "pokja_of_other_pokja",
    "deactivated_official",
    "ppk_owner",
    "pokja_owner",
    "portal_admin",  # last: its POSTs may deactivate the spare staff and Pokja
)


def client_for(who: str, home: PortalWorld, other: PortalWorld) -> Client:
    portal = home.portal
    if who == "anonymous":
        return Client()
    if who == "vendor":
        return signed_in(home.vendor)
    if who == "vendor_of_other_portal":
        return signed_in(other.vendor)
    if who == "ppk_not_owning":
        return signed_in(make_user(portal, role=Role.PPK))
    if who == "pokja_of_other_pokja":
        return signed_in(home.spare_members[1])
    if who == "deactivated_official":
        # A member of the package's Pokja whose session outlived the deactivation.
        official = make_user(portal, role=Role.POKJA)
        PokjaMember.objects.create(pokja=home.pokja, user=official)
        client = signed_in(official)
        User.objects.filter(pk=official.pk).update(is_active=False)
        return client
    if who == "ppk_owner":
        return signed_in(home.ppk)
    if who == "pokja_owner":
        return signed_in(home.pokja_members[1])
    if who == "portal_admin":
        return signed_in(make_user(portal, role=Role.PORTAL_ADMIN))
    raise AssertionError(who)


# --- The sweep ---------------------------------------------------------------------------


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/masuk/" in response.headers.get("Location", "")


def _requests(client: Client, url: str, target: Target, route: Route):
    """GET and POSTs of garbage; the full set against this portal's objects, the two
    that tell most against another portal's and missing ones (they stop at the lookup).
    A GET must change nothing: no audit row is written while it is served."""
    audited = AuditEvent.objects.count()
    response = client.get(url)
    yield "GET", response, AuditEvent.objects.count() != audited
    response = client.post(url, GARBAGE_ONE)
    yield "POST garbage", response, False
    if target.foreign or target.missing:
        return
    if response.status_code not in (403, 405):  # refused before the form is read
        yield "POST{}", client.post(url, {}), False
        yield "POST garbage 2", client.post(url, GARBAGE_TWO), False
    if not route.arguments or route.name in PUBLIC_NAMES:
        audited = AuditEvent.objects.count()
        response = client.get(url + BAD_QUERY)
        yield "GET?garbage", response, AuditEvent.objects.count() != audited


def _shape(response) -> tuple:
    """What a response tells an observer about the object asked for."""
    location = response.headers.get("Location", "") if response.status_code in (301, 302) else ""
    return response.status_code, location.split("?")[0]


@pytest.fixture
def worlds(db):
    home = build_world(make_portal("lpse-a", name="LPSE Alpha"))
    other = build_world(make_portal("lpse-b", name="LPSE Beta"))
    return home, other


def test_the_sweep_covers_every_tender_and_staff_page():
    names = {route.name for route in swept_routes()}
    assert {"tenders:package_edit", "tenders:join", "tenders:pokja_member_add"} <= names
    assert {
        "accounts:staff_invite",
        "accounts:staff_deactivate",
        "announcements:incidents",
    } <= names
    assert names >= PUBLIC_NAMES


@pytest.mark.parametrize("who", WHO)
def test_no_tender_or_staff_page_gives_a_server_error_or_leaks_another_portal(worlds, who):
    home, other = worlds
    client = client_for(who, home, other)
    failures = []
    for route in swept_routes():
        targets = targets_of(route, home, other)
        missing_shapes: dict[str, tuple] = {}
        # The missing target first: another portal's object must answer the same.
        for target in sorted(targets, key=lambda t: not t.missing):
            url = reverse(route.name, kwargs={"portal_slug": home.portal.slug, **target.kwargs})
            for method, response, wrote in _requests(client, url, target, route):
                where = (who, route.name, target.label, method, response.status_code)
                if wrote:
                    failures.append(("a GET changed something", *where))
                if response.status_code >= 500:
                    failures.append(("server error", *where))
                    continue
                if target.missing and target.label == "missing":
                    missing_shapes[method] = _shape(response)
                if target.foreign:
                    if 200 <= response.status_code < 300:
                        failures.append(("another portal's object served", *where))
                    elif method in missing_shapes and _shape(response) != missing_shapes[method]:
                        failures.append(
                            ("another portal's object told apart", *where, missing_shapes[method])
                        )
                public = route.name in PUBLIC_NAMES or route.name in TOKEN_NAMES
                if (
                    who == "anonymous"
                    and not public
                    and not (
                        _is_login_redirect(response) or response.status_code in (403, 404, 405)
                    )
                ):
                    failures.append(("anonymous not sent to log in", *where))
                if route.name in PUBLIC_TENDER_NAMES and method.startswith("GET"):
                    visible = False
                    if target.package is not None and not target.foreign:
                        state = Package.objects.get(pk=target.package.pk).state
                        visible = state in (PackageState.PUBLISHED, PackageState.CANCELLED)
                    expected = 200 if visible else 404
                    if response.status_code != expected:
                        failures.append((f"public page not {expected}", *where))
    assert not failures, "\n".join(map(str, failures))
