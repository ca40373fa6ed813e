"""`manage.py generate_tenders N`: N realistic public tenders spread over the portals,
for benchmarks and for trying the public pages with a full list.

Packages (mostly published, some cancelled, a few still with their Pokja), each with
its stage schedule (from a year and a half ago to a month ahead, so that every stage
and "finished" occur), one or two work locations, KBLI requirements when the KBLI
table is loaded (`load_kbli`), repeat tenders, realistic names, institutions, HPS and
methods. Written with bulk_create in batches: 100,000 tenders take a few minutes on
PostgreSQL. Deterministic with --seed. Not for production databases: it refuses to run
when DEBUG is off unless --force is given.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inaproc.accounts.models import Role, User
from inaproc.accounts.services import user_create
from inaproc.portals.models import Portal
from inaproc.reference.models import Kbli
from inaproc.reference.regions import Province
from inaproc.tenders.models import (
    BusinessQualification,
    ContractType,
    DocumentMethod,
    EvaluationMethod,
    FundingSource,
    Package,
    PackageLocation,
    PackageState,
    Pokja,
    ProcurementType,
    QualificationMethod,
    ScheduleStage,
    SelectionMethod,
)
from inaproc.tenders.models.choices import CONSULTANCY_TYPES, NON_TENDER_METHODS
from inaproc.tenders.services.packages import provinces_of
from inaproc.tenders.stages import template_for

BATCH = 2000
FIRST_CODE = 90_000_000_000
PASSWORD = "benchmark-officials-kata-sandi-2026"  # noqa: S105 - generated staff, benchmark data

WORKS = {
    ProcurementType.BARANG: [
        "Pengadaan Alat Kesehatan",
        "Pengadaan Kendaraan Dinas Operasional",
        "Pengadaan Komputer dan Laptop",
        "Pengadaan Obat-obatan dan Bahan Medis Habis Pakai",
        "Pengadaan Mebel Kantor",
        "Pengadaan Buku Pelajaran",
        "Pengadaan Alat Laboratorium",
        "Pengadaan Seragam Petugas",
        "Pengadaan Perangkat Jaringan",
    ],
    ProcurementType.KONSTRUKSI: [
        "Pembangunan Gedung Kantor",
        "Rehabilitasi Jalan",
        "Peningkatan Jalan",
        "Pembangunan Jembatan",
        "Rehabilitasi Saluran Irigasi",
        "Pembangunan Ruang Kelas Baru",
        "Pembangunan Puskesmas",
        "Normalisasi Sungai",
        "Pembangunan Drainase",
    ],
    ProcurementType.KONSULTANSI_BU_NONKONSTRUKSI: [
        "Penyusunan Rencana Induk",
        "Kajian Kelayakan",
        "Penyusunan Dokumen Perencanaan",
        "Survei Kepuasan Masyarakat",
    ],
    ProcurementType.KONSULTANSI_BU_KONSTRUKSI: [
        "Perencanaan Teknis Pembangunan Gedung",
        "Pengawasan Pembangunan Jalan",
        "Perencanaan Jembatan",
        "Supervisi Rehabilitasi Irigasi",
    ],
    ProcurementType.KONSULTANSI_PERORANGAN: [
        "Tenaga Ahli Pengadaan",
        "Tenaga Ahli Sistem Informasi",
        "Tenaga Pendamping Teknis",
    ],
    ProcurementType.JASA_LAINNYA: [
        "Jasa Kebersihan Gedung",
        "Jasa Keamanan",
        "Jasa Pemeliharaan Jaringan",
        "Jasa Katering",
        "Jasa Sewa Kendaraan",
        "Jasa Asuransi Kesehatan",
    ],
}
TYPE_WEIGHTS = {
    ProcurementType.BARANG: 30,
    ProcurementType.KONSTRUKSI: 35,
    ProcurementType.KONSULTANSI_BU_NONKONSTRUKSI: 6,
    ProcurementType.KONSULTANSI_BU_KONSTRUKSI: 10,
    ProcurementType.KONSULTANSI_PERORANGAN: 3,
    ProcurementType.JASA_LAINNYA: 16,
}
PLACES = [
    ("jawa_barat", ["Kota Bandung", "Kabupaten Bogor", "Kota Bekasi", "Kabupaten Garut"]),
    ("jawa_tengah", ["Kota Semarang", "Kabupaten Banyumas", "Kota Surakarta"]),
    ("jawa_timur", ["Kota Surabaya", "Kabupaten Malang", "Kabupaten Sidoarjo"]),
    ("dki_jakarta", ["Kota Jakarta Pusat", "Kota Jakarta Selatan", "Kota Jakarta Timur"]),
    ("sumatera_utara", ["Kota Medan", "Kabupaten Deli Serdang"]),
    ("sulawesi_selatan", ["Kota Makassar", "Kabupaten Gowa"]),
    ("kalimantan_timur", ["Kota Samarinda", "Kota Balikpapan"]),
    ("bali", ["Kota Denpasar", "Kabupaten Badung"]),
    ("papua", ["Kota Jayapura", "Kabupaten Merauke"]),
    ("aceh", ["Kota Banda Aceh", "Kabupaten Aceh Besar"]),
]
INSTITUTIONS = [
    "Kementerian Pekerjaan Umum",
    "Kementerian Kesehatan",
    "Kementerian Pendidikan Dasar dan Menengah",
    "Kementerian Perhubungan",
    "Kementerian Keuangan",
    "Badan Pusat Statistik",
    "Badan Nasional Penanggulangan Bencana",
]
UNITS = [
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "Dinas Perhubungan",
    "Sekretariat Daerah",
    "Rumah Sakit Umum Daerah",
    "Badan Penanggulangan Bencana Daerah",
]


class Command(BaseCommand):
    help = "Generate N realistic public tenders across the portals (for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument("--portal", action="append", help="Only these portal slugs.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = int(options["count"])
        if count < 1:
            raise CommandError("N must be at least 1.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to add generated tenders with DEBUG off; use --force.")
        portals = list(Portal.objects.order_by("pk"))
        if options["portal"]:
            portals = [portal for portal in portals if portal.slug in options["portal"]]
        if not portals:
            raise CommandError("No portal: run load_demo (or create a portal) first.")
        rng = random.Random(options["seed"])  # noqa: S311 - test data, not secrets
        kbli = list(Kbli.objects.kelompok().values_list("code", flat=True)[:5000])
        officials = {portal.pk: self._officials(portal) for portal in portals}
        next_code = max(FIRST_CODE, (Package.objects.aggregate(top=Max("code"))["top"] or 0) + 1)
        started = time.monotonic()
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                self._batch(rng, portals, officials, kbli, next_code + done, size)
            done += size
            self.stdout.write(f"{done}/{count} tenders ({time.monotonic() - started:.0f} s)")
        self.stdout.write(
            self.style.SUCCESS(f"{count} tenders in {time.monotonic() - started:.0f} s.")
        )

    def _officials(self, portal: Portal) -> tuple[User, Pokja, User]:
        def staff(role: str, username: str) -> User:
            user = User.objects.filter(portal=portal, username=username).first()
            return user or user_create(
                portal=portal,
                role=role,
                username=username,
                email=f"{username}@{portal.slug}.invalid",
                password=PASSWORD,
                full_name="Pejabat Uji",
                notify=False,
            )

        ppk = staff(Role.PPK, "generated-ppk")
        pejabat = staff(Role.PEJABAT_PENGADAAN, "generated-pp")
        pokja, _ = Pokja.objects.get_or_create(portal=portal, name="Pokja Pemilihan (generated)")
        return ppk, pokja, pejabat

    def _batch(self, rng, portals, officials, kbli, first_code: int, size: int) -> None:
        now = timezone.now()
        packages: list[Package] = []
        starts = []
        for index in range(size):
            portal = rng.choice(portals)
            ppk, pokja, pejabat = officials[portal.pk]
            kind = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
            method = self._method(rng, kind)
            qualification, document = QualificationMethod.PASCAKUALIFIKASI, DocumentMethod.SATU_FILE
            if method not in NON_TENDER_METHODS and rng.random() < 0.15:
                qualification, document = (
                    QualificationMethod.PRAKUALIFIKASI,
                    DocumentMethod.DUA_FILE,
                )
            hps = self._hps(rng, method)
            province, cities = rng.choice(PLACES)
            city = rng.choice(cities)
            institution = rng.choice([*INSTITUTIONS, f"Pemerintah {city}"])
            start = now + timedelta(days=rng.uniform(-540, 30))
            roll = rng.random()
            state = (
                PackageState.CANCELLED
                if roll < 0.03
                else PackageState.ASSIGNED
                if roll < 0.05
                else PackageState.PUBLISHED
            )
            runner = (
                {"pejabat_pengadaan": pejabat} if method in NON_TENDER_METHODS else {"pokja": pokja}
            )
            package = Package(
                portal=portal,
                code=first_code + index,
                name=f"{rng.choice(WORKS[kind])} {city} Tahun {start.year}",
                description="Paket data uji untuk benchmark halaman publik.",
                rup_code=str(rng.randrange(10**9, 10**10)),
                rup_name="",
                funding_source=rng.choice(
                    [FundingSource.APBN, FundingSource.APBD, FundingSource.BLUD]
                ),
                budget_year=start.year,
                institution=institution,
                work_unit=f"{rng.choice(UNITS)} {city}",
                procurement_type=kind,
                selection_method=method,
                qualification_method=qualification,
                document_method=document,
                evaluation_method=(
                    EvaluationMethod.KUALITAS_DAN_BIAYA
                    if kind in CONSULTANCY_TYPES
                    else EvaluationMethod.HARGA_TERENDAH
                ),
                contract_type=(
                    ContractType.WAKTU_PENUGASAN
                    if kind in CONSULTANCY_TYPES
                    else rng.choice([ContractType.LUMSUM, ContractType.HARGA_SATUAN])
                ),
                business_qualification=(
                    BusinessQualification.KECIL
                    if hps <= 15_000_000_000
                    else BusinessQualification.NON_KECIL
                ),
                pagu=hps + hps // 10,
                hps=hps,
                qualification_requirements="Memiliki NIB dan SBU/izin usaha yang sesuai.",
                ppk=ppk,
                state=state,
                assigned_at=start - timedelta(days=3),
                published_at=start if state != PackageState.ASSIGNED else None,
                cancelled_at=start + timedelta(days=2) if state == PackageState.CANCELLED else None,
                cancel_reason=(
                    "Terdapat kesalahan pada spesifikasi teknis."
                    if state == PackageState.CANCELLED
                    else ""
                ),
                **runner,
            )
            template = template_for(package)
            package.schedule_template = template.key if template else ""
            packages.append(package)
            starts.append((start, province, city))
        Package.objects.bulk_create(packages)
        stages: list[ScheduleStage] = []
        locations: list[PackageLocation] = []
        requirements = []
        through = Package.kbli.through
        for package, (start, province, city) in zip(packages, starts, strict=True):
            template = template_for(package)
            moment = start
            for position, stage in enumerate(template.stages if template else (), start=1):
                if stage.after_previous_ends and stages and stages[-1].package is package:
                    moment = stages[-1].ends_at
                length = timedelta(hours=rng.choice([24, 48, 72, 96, 168]))
                stages.append(
                    ScheduleStage(
                        package=package,
                        position=position,
                        key=stage.key,
                        starts_at=moment,
                        ends_at=moment + length,
                        change_count=1 if rng.random() < 0.05 else 0,
                    )
                )
                moment = moment + length / 2
            pairs = [(province, city)]
            if rng.random() < 0.2:
                other = rng.choice([value for value in Province.values if value != province])
                pairs.append((other, "Lainnya"))
            locations += [PackageLocation(package=package, province=p, city=c) for p, c in pairs]
            package.provinces = provinces_of(pairs)
            if kbli:
                for code in rng.sample(kbli, k=rng.choice([1, 1, 2])):
                    requirements.append(through(package_id=package.pk, kbli_id=code))
        ScheduleStage.objects.bulk_create(stages, batch_size=5000)
        PackageLocation.objects.bulk_create(locations, batch_size=5000)
        Package.objects.bulk_update(packages, ["provinces"], batch_size=1000)
        through.objects.bulk_create(requirements, batch_size=5000, ignore_conflicts=True)
        repeats = []
        for earlier, later in zip(packages, packages[1:], strict=False):
            if rng.random() < 0.03 and earlier.portal_id == later.portal_id:
                later.repeat_of = earlier
                repeats.append(later)
        Package.objects.bulk_update(repeats, ["repeat_of"], batch_size=1000)

    @staticmethod
    def _method(rng: random.Random, kind: str) -> str:
        if kind in CONSULTANCY_TYPES:
            return rng.choice([SelectionMethod.SELEKSI, SelectionMethod.PENGADAAN_LANGSUNG])
        return rng.choices(
            [
                SelectionMethod.TENDER,
                SelectionMethod.TENDER_CEPAT,
                SelectionMethod.PENGADAAN_LANGSUNG,
                SelectionMethod.PENUNJUKAN_LANGSUNG,
            ],
            weights=[60, 10, 25, 5],
        )[0]

    @staticmethod
    def _hps(rng: random.Random, method: str) -> Decimal:
        if method in NON_TENDER_METHODS:
            low, high = 50_000_000, 200_000_000
        else:
            low, high = 200_000_000, 50_000_000_000
        # Log-uniform: many small packages, a few very large ones; whole thousands.
        value = int(low * (high / low) ** rng.random())
        return Decimal(value - value % 1000)
