"""The methods and categories of a package (TENDERS.md §2), in SPSE's own words.

Which combinations are valid is a rule of `tenders.rules`, not of these lists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcurementType(models.TextChoices):
    """Jenis pengadaan. The values double as SPSE's `kategoriId` through
    `SPSE_CATEGORY_ID` (SPSE-COMPAT.md)."""

    BARANG = "barang", _("Pengadaan Barang")
    KONSTRUKSI = "konstruksi", _("Pekerjaan Konstruksi")
    KONSULTANSI_BU_NONKONSTRUKSI = (
        "konsultansi_bu",
        _("Jasa Konsultansi Badan Usaha Non Konstruksi"),
    )
    KONSULTANSI_BU_KONSTRUKSI = (
        "konsultansi_bu_konstruksi",
        _("Jasa Konsultansi Badan Usaha Konstruksi"),
    )
    KONSULTANSI_PERORANGAN = "konsultansi_perorangan", _("Jasa Konsultansi Perorangan")
    JASA_LAINNYA = "jasa_lainnya", _("Jasa Lainnya")


SPSE_CATEGORY_ID = {
    ProcurementType.BARANG: 0,
    ProcurementType.KONSULTANSI_BU_NONKONSTRUKSI: 1,
    ProcurementType.KONSTRUKSI: 2,
    ProcurementType.JASA_LAINNYA: 3,
    ProcurementType.KONSULTANSI_PERORANGAN: 4,
    ProcurementType.KONSULTANSI_BU_KONSTRUKSI: 5,
}

CONSULTANCY_TYPES = frozenset(
    {
        ProcurementType.KONSULTANSI_BU_NONKONSTRUKSI,
        ProcurementType.KONSULTANSI_BU_KONSTRUKSI,
        ProcurementType.KONSULTANSI_PERORANGAN,
    }
)


class SelectionMethod(models.TextChoices):
    """Metode pemilihan (E-purchasing is out of scope)."""

    TENDER = "tender", _("Tender")
    TENDER_CEPAT = "tender_cepat", _("Tender Cepat")
    SELEKSI = "seleksi", _("Seleksi")
    PENGADAAN_LANGSUNG = "pengadaan_langsung", _("Pengadaan Langsung")
    PENUNJUKAN_LANGSUNG = "penunjukan_langsung", _("Penunjukan Langsung")


# Run by a Pejabat Pengadaan, not by a Pokja: the non-tender methods.
NON_TENDER_METHODS = frozenset(
    {SelectionMethod.PENGADAAN_LANGSUNG, SelectionMethod.PENUNJUKAN_LANGSUNG}
)


class QualificationMethod(models.TextChoices):
    PASCAKUALIFIKASI = "pasca", _("Pascakualifikasi")
    PRAKUALIFIKASI = "pra", _("Prakualifikasi")


class DocumentMethod(models.TextChoices):
    SATU_FILE = "satu_file", _("Satu File")
    DUA_FILE = "dua_file", _("Dua File")
    DUA_TAHAP = "dua_tahap", _("Dua Tahap")


class EvaluationMethod(models.TextChoices):
    HARGA_TERENDAH = "harga_terendah", _("Harga Terendah Sistem Gugur")
    SISTEM_NILAI = "sistem_nilai", _("Sistem Nilai")
    UMUR_EKONOMIS = "umur_ekonomis", _("Penilaian Biaya Selama Umur Ekonomis")
    KUALITAS_DAN_BIAYA = "kualitas_biaya", _("Kualitas dan Biaya")
    KUALITAS = "kualitas", _("Kualitas")
    PAGU_ANGGARAN = "pagu_anggaran", _("Pagu Anggaran")
    BIAYA_TERENDAH = "biaya_terendah", _("Biaya Terendah")


class FundingSource(models.TextChoices):
    APBN = "apbn", "APBN"
    APBD = "apbd", "APBD"
    BLUD = "blud", "BLUD"
    BLU = "blu", "BLU"
    PHLN = "phln", "PHLN"
    OTHER = "other", _("Other")


class ContractType(models.TextChoices):
    LUMSUM = "lumsum", _("Lumsum")
    HARGA_SATUAN = "harga_satuan", _("Harga Satuan")
    GABUNGAN = "gabungan", _("Gabungan Lumsum dan Harga Satuan")
    WAKTU_PENUGASAN = "waktu_penugasan", _("Waktu Penugasan")


class BusinessQualification(models.TextChoices):
    """Kualifikasi usaha."""

    KECIL = "kecil", _("Kecil")
    NON_KECIL = "non_kecil", _("Non-Kecil")
    PERORANGAN = "perorangan", _("Perorangan")
