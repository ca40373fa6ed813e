"""Demo tenders of issue 12 on a portal: the officials (a PPK, a Pokja of three with its
chair, a Pejabat Pengadaan) and packages in every state a visitor should see — a draft, a
package waiting for the Pokja's approvals, and published tenders announced, in
clarification (the demo vendor joined, asked a question that was answered, and an
addendum followed), open for bids with the deadline tomorrow, and finished.

Packages, assignment, documents, approvals in the present, joining, questions, answers
and addenda go through the services (their audit rows and emails included). What the
services only ever write in the present — a schedule that began days ago, a publication
in the past — is written here directly, back-dated, so that the demo shows tenders in
the middle of their lives. Added only when the portal has no package yet.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.accounts.services import user_create, user_set_password
from inaproc.bids.services.keys import KEY_HOLDER_ROLES
from inaproc.bids.slots import opening_stage_key
from inaproc.demo.registrations import demo_file, demo_sectors
from inaproc.demo.sealed_bids import demo_bid, demo_opening_key, demo_tender_keys
from inaproc.portals.models import Portal
from inaproc.tenders.models import (
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    FundingSource,
    Invitation,
    Package,
    Pokja,
    ProcurementType,
    PublicationApproval,
    QualificationMethod,
    ScheduleStage,
    SelectionMethod,
    TenderDocumentKind,
)
from inaproc.tenders.services.clarification import question_answer, question_ask
from inaproc.tenders.services.documents import tender_document_add
from inaproc.tenders.services.packages import package_assign, package_create
from inaproc.tenders.services.participation import participation_join
from inaproc.tenders.services.pokja import pokja_chair_set, pokja_create, pokja_member_add
from inaproc.tenders.services.publication import publication_approve
from inaproc.tenders.services.schedule import schedule_set
from inaproc.tenders.stages import BID_UPLOAD, CLARIFICATION, template_for
from inaproc.vendors.models import CompanyMember, CompanyRole


@dataclass(frozen=True)
class DemoOfficial:
    key: str
    role: str
    username: str
    full_name: str
    password: str


OFFICIALS = [
    DemoOfficial("ppk", Role.PPK, "ppk", "Bambang Sutrisno", "perahu-kertas-di-kali-ciliwung-1"),
    DemoOfficial("pokja1", Role.POKJA, "pokja1", "Sri Wahyuni", "bunga-kamboja-di-taman-desa-2"),
    DemoOfficial("pokja2", Role.POKJA, "pokja2", "Yusuf Hidayat", "layang-layang-di-pantai-sore-3"),
    DemoOfficial("pokja3", Role.POKJA, "pokja3", "Maria Ulfa", "kebun-teh-di-lereng-gunung-4"),
    DemoOfficial(
        "pejabat", Role.PEJABAT_PENGADAAN, "pejabat", "Andi Saputra", "sepeda-ontel-di-gang-kecil-5"
    ),
]
POKJA_NAME = "Pokja Pemilihan 1"

BASE_FIELDS = {
    "rup_name": "Belanja Modal",
    "funding_source": FundingSource.APBN,
    "work_unit": "Biro Umum",
    "procurement_type": ProcurementType.KONSTRUKSI,
    "selection_method": SelectionMethod.TENDER,
    "qualification_method": QualificationMethod.PASCAKUALIFIKASI,
    "document_method": DocumentMethod.SATU_FILE,
    "evaluation_method": EvaluationMethod.HARGA_TERENDAH,
    "contract_type": ContractType.HARGA_SATUAN,
    "business_qualification": BusinessQualification.KECIL,
    "qualification_requirements": (
        "Memiliki NIB dengan KBLI yang sesuai, SBU yang masih berlaku, dan pengalaman "
        "pekerjaan sejenis dalam 4 tahun terakhir."
    ),
}

OPENING_TENDER = "Pengadaan Perangkat Jaringan Kantor"
OPENING_PL = "Pengadaan Meubelair Ruang Rapat"
# The bids on the tender in its opening stage (HPS 980 million): the demo vendor's, then
# the two other demo companies'. The lowest offer can fail administrasi, the highest win
# once its arithmetic is corrected (docs/tenders.md walks it through).
OPENING_PRICES = (940_800_000, 912_500_000, 955_000_000)
OPENING_PL_PRICE = 147_000_000

# (what it shows, name, HPS in rupiah, the stage running now or "finished"/"draft"/...).
TENDERS = [
    ("draft", "Pengadaan Kendaraan Operasional Roda Empat", 850_000_000),
    ("assigned", "Renovasi Gedung Arsip Lantai 2", 1_250_000_000),
    ("announced", "Pembangunan Pagar Keliling Kantor", 640_000_000),
    ("clarification", "Rehabilitasi Gedung Kantor Utama", 1_700_000_000),
    ("bidding", "Pembangunan Gudang Logistik", 3_800_000_000),
    ("opening", OPENING_TENDER, 980_000_000),
    ("finished", "Pemeliharaan Jalan Lingkungan Kantor", 420_000_000),
]

QUESTION = (
    "Apakah pekerjaan atap termasuk dalam lingkup pekerjaan, atau hanya struktur dan "
    "dinding? Mohon penjelasan pada gambar kerja halaman 4."
)
ANSWER = (
    "Pekerjaan atap termasuk dalam lingkup. Gambar kerja halaman 4 diperbarui dalam adendum "
    "dokumen pemilihan yang kami terbitkan hari ini."
)


def demo_officials_load(*, portal: Portal) -> dict[str, User]:
    """The officials of `portal` with the printed passwords (reset when they exist)."""
    users: dict[str, User] = {}
    for official in OFFICIALS:
        user = User.objects.filter(portal=portal, username__iexact=official.username).first()
        if user is None:
            user = user_create(
                portal=portal,
                role=official.role,
                username=official.username,
                email=f"{official.username}@{portal.slug}.example.id",
                full_name=official.full_name,
                password=official.password,
                notify=False,
            )
        elif not user.check_password(official.password):
            user_set_password(user=user, password=official.password)
        if official.role in KEY_HOLDER_ROLES:
            demo_opening_key(portal=portal, user=user, passphrase=official.password)
        users[official.key] = user
    return users


def demo_tenders_load(
    *, portal: Portal, admin: User, vendor: User | None, bidders: Sequence[User] = ()
) -> None:
    """`bidders`: users of the other demo companies, who bid with the demo vendor on the
    tender in its opening stage."""
    officials = demo_officials_load(portal=portal)
    if Package.objects.filter(portal=portal).exists():
        return
    pokja = _pokja(portal, officials, admin)
    member = (
        CompanyMember.objects.filter(user=vendor, role=CompanyRole.ADMIN).first()
        if vendor is not None
        else None
    )
    now = timezone.now()
    for n, (shows, name, hps) in enumerate(TENDERS, start=1):
        package = _package(portal, officials["ppk"], name, hps, n, opening=shows == "opening")
        if shows == "draft":
            continue
        package = package_assign(package=package, by=officials["ppk"], pokja=pokja)
        _document(package, officials["pokja1"])
        demo_tender_keys(package, by=officials["pokja1"])
        if shows == "assigned":
            # Two of three must approve: the first has; the demo visitor can give the second.
            times = _times(package, now, "tomorrow")
            schedule_set(package=package, times=times, by=officials["pokja1"], context=None)
            publication_approve(package=package, user=officials["pokja1"])
            continue
        approvers = [officials["pokja1"], officials["pokja2"]]
        _publish_back_dated(package, approvers, shows=shows, now=now)
        if member is not None and shows in ("clarification", "bidding"):
            _take_part(package, member, officials, clarification=shows == "clarification")
        if member is not None and shows == "opening":
            others = CompanyMember.objects.filter(user__in=bidders, role=CompanyRole.ADMIN)
            by_user = {other.user_id: other for other in others}
            members = [member, *(by_user[user.pk] for user in bidders if user.pk in by_user)]
            bids = zip(members, OPENING_PRICES, strict=False)
            for hours, (bidder, price) in enumerate(bids, start=1):
                demo_bid(package, bidder, price=price, hours_early=hours)
    _pengadaan_langsung(portal, officials, now, member)
    _pengadaan_langsung_opening(portal, officials, now, member)


def _pokja(portal: Portal, officials: dict[str, User], admin: User) -> Pokja:
    pokja = Pokja.objects.filter(portal=portal, name=POKJA_NAME).first()
    if pokja is not None:
        return pokja
    pokja = pokja_create(portal=portal, name=POKJA_NAME, quorum=None, actor=admin)
    members = [
        pokja_member_add(pokja=pokja, user=officials[key], actor=admin)
        for key in ("pokja1", "pokja2", "pokja3")
    ]
    pokja_chair_set(pokja=pokja, member_id=members[0].pk, actor=admin)
    return pokja


def _package(
    portal: Portal, ppk: User, name: str, hps: int, n: int, *, opening: bool = False
) -> Package:
    """`opening`: the tender walked from opening to contract is goods (network
    equipment), so no sanggah banding period (construction only) holds up its award."""
    year = timezone.localdate().year
    values = {
        **BASE_FIELDS,
        "name": name,
        "description": f"{name} sesuai spesifikasi teknis dan gambar kerja.",
        "rup_code": f"{31_000_000 + n * 7919}",
        "budget_year": year,
        "institution": portal.institution,
        "pagu": (Decimal(hps) * Decimal("1.05")).quantize(Decimal(1)),
        "hps": Decimal(hps),
        # The demo vendor has 41011/41012/42101; 43302 (finishing) shows the KBLI warning.
        "kbli": list(demo_sectors(("41011", "43302") if n % 2 else ("41012",))),
        "locations": [("dki_jakarta", "Kota Jakarta Pusat")],
    }
    if opening:
        values |= {"procurement_type": ProcurementType.BARANG, "contract_type": ContractType.LUMSUM}
    return package_create(portal=portal, ppk=ppk, values=values)


def _document(package: Package, by: User) -> None:
    upload = demo_file(
        kind=TenderDocumentKind.DOKUMEN_PEMILIHAN,
        title="Dokumen Pemilihan",
        file_name="dokumen-pemilihan.pdf",
        subtitle=package.name,
    )
    tender_document_add(
        package=package,
        kind=TenderDocumentKind.DOKUMEN_PEMILIHAN,
        upload=upload,
        note="Dokumen pemilihan",
        by=by,
    )


def _times(package: Package, now: datetime, shows: str) -> dict[str, tuple[datetime, datetime]]:
    """Stage times, one after another: from tomorrow 08:00 WIB (a schedule still to
    come), or placed so that the stage `shows` names runs now, with the bid deadline
    tomorrow at 14:00 WIB while bids are open, or all in the past."""
    template = template_for(package)
    if template is None:
        raise ValueError(f"no schedule template fits demo package {package.name}")
    keys = template.keys()
    day = timedelta(days=1)
    local = timezone.localtime(now)
    # Three days each: long enough for every default minimum (the objection period's is 3).
    lengths = {key: 3 * day for key in keys}
    if shows == "tomorrow":
        start = (local + day).replace(hour=8, minute=0, second=0, microsecond=0)
    elif shows == "finished":
        start = local - (3 * len(keys) + 5) * day
    else:
        running = {
            "announced": keys[0],
            "clarification": CLARIFICATION,
            "bidding": BID_UPLOAD,
            "opening": opening_stage_key(package, 1) or "",
        }[shows]
        before = keys.index(running)
        start = local - day - before * 3 * day
        if shows == "bidding":
            deadline = (local + day).replace(hour=14, minute=0, second=0, microsecond=0)
            lengths[running] = deadline - (start + before * 3 * day)
    times: dict[str, tuple[datetime, datetime]] = {}
    at = start
    for key in keys:
        times[key] = (at, at + lengths[key])
        at += lengths[key]
    return times


def _publish_back_dated(
    package: Package, approvers: list[User], *, shows: str, now: datetime
) -> None:
    times = _times(package, now, shows)
    ScheduleStage.objects.bulk_create(
        ScheduleStage(package=package, position=position, key=key, starts_at=start, ends_at=end)
        for position, (key, (start, end)) in enumerate(times.items(), start=1)
    )
    published_at = min(start for start, _end in times.values()) - timedelta(hours=2)
    for user in approvers:
        PublicationApproval.objects.create(package=package, user=user)
    PublicationApproval.objects.filter(package=package).update(approved_at=published_at)
    package.publish(at=published_at)
    package.save()


def _take_part(
    package: Package, member: CompanyMember, officials: dict[str, User], *, clarification: bool
) -> None:
    participation = participation_join(package=package, member=member, integrity_pact=True)
    if not clarification:
        return
    question = question_ask(participation=participation, member=member, text=QUESTION, uploads=[])
    question_answer(question=question, user=officials["pokja1"], answer=ANSWER)
    upload = demo_file(
        kind=TenderDocumentKind.ADDENDUM,
        title="Adendum 1 Dokumen Pemilihan",
        file_name="adendum-1.pdf",
        subtitle=package.name,
    )
    tender_document_add(
        package=package,
        kind=TenderDocumentKind.ADDENDUM,
        upload=upload,
        note="Adendum 1: gambar kerja atap (halaman 4) diperbarui.",
        by=officials["pokja1"],
    )


def _pengadaan_langsung(
    portal: Portal, officials: dict[str, User], now: datetime, member: CompanyMember | None
) -> None:
    """A Pengadaan Langsung run by the Pejabat Pengadaan, published; the demo vendor's
    company is invited (only invited companies may join it)."""
    _non_tender(
        portal,
        officials,
        now,
        member,
        shows="announced",
        name="Pengadaan Alat Tulis Kantor Triwulan I",
        description="Kertas, tinta printer dan alat tulis untuk tiga bulan.",
        rup_code=32_000_000 + portal.pk,
        hps=92_500_000,
        pagu=95_000_000,
    )


def _pengadaan_langsung_opening(
    portal: Portal, officials: dict[str, User], now: datetime, member: CompanyMember | None
) -> None:
    """A second one in its opening stage (Pembukaan, Evaluasi, Klarifikasi dan
    Negosiasi) with the invited demo vendor's sealed bid: the Pejabat Pengadaan opens it
    alone with the demo key file, then negotiates."""
    package = _non_tender(
        portal,
        officials,
        now,
        member,
        shows="opening",
        name=OPENING_PL,
        description="Meja rapat, kursi dan lemari arsip untuk ruang rapat lantai 3.",
        rup_code=33_000_000 + portal.pk,
        hps=150_000_000,
        pagu=155_000_000,
    )
    if member is not None:
        demo_bid(package, member, price=OPENING_PL_PRICE, hours_early=2)


def _non_tender(
    portal: Portal,
    officials: dict[str, User],
    now: datetime,
    member: CompanyMember | None,
    *,
    shows: str,
    name: str,
    description: str,
    rup_code: int,
    hps: int,
    pagu: int,
) -> Package:
    values = {
        **BASE_FIELDS,
        "name": name,
        "description": description,
        "rup_code": str(rup_code),
        "budget_year": timezone.localdate().year,
        "institution": portal.institution,
        "procurement_type": ProcurementType.BARANG,
        "selection_method": SelectionMethod.PENGADAAN_LANGSUNG,
        "contract_type": ContractType.LUMSUM,
        "pagu": Decimal(pagu),
        "hps": Decimal(hps),
        "kbli": list(demo_sectors(("47611",))),
        "locations": [("dki_jakarta", "Kota Jakarta Pusat")],
    }
    package = package_create(portal=portal, ppk=officials["ppk"], values=values)
    package = package_assign(
        package=package, by=officials["ppk"], pejabat_pengadaan=officials["pejabat"]
    )
    _document(package, officials["pejabat"])
    demo_tender_keys(package, by=officials["pejabat"])
    _publish_back_dated(package, [officials["pejabat"]], shows=shows, now=now)
    if member is not None:
        Invitation.objects.create(
            package=package, company=member.company, invited_by=officials["pejabat"]
        )
    return package
