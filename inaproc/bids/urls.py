"""Sealed-bid pages of a portal: the officials' keys and openings under staf/, the
company's bid under perusahaan/, the public key files, participants and opening records."""

from django.urls import path

from inaproc.bids.views import bids, keys, opening, public, slot_rules

app_name = "bids"

urlpatterns: list = [
    path("staf/kunci-pembukaan/", keys.opening_key_view, name="opening_key"),
    path("staf/paket/<int:package_id>/kunci-tender/", keys.tender_keys_view, name="tender_keys"),
    path(
        "staf/paket/<int:package_id>/aturan-penawaran/",
        slot_rules.slot_rules_view,
        name="slot_rules",
    ),
    path("staf/paket/<int:package_id>/pembukaan/", opening.opening_view, name="opening"),
    path(
        "staf/paket/<int:package_id>/pembukaan/kirim/", opening.share_send_view, name="share_send"
    ),
    path(
        "staf/paket/<int:package_id>/pembukaan/lanjutkan/",
        opening.opening_continue_view,
        name="opening_continue",
    ),
    path(
        "staf/paket/<int:package_id>/pembukaan/berkas/<int:file_id>/",
        opening.opened_file_view,
        name="opened_file",
    ),
    path("perusahaan/tender/<int:code>/penawaran/", bids.bid_view, name="bid"),
    path("perusahaan/tender/<int:code>/penawaran/unggah/", bids.upload_view, name="upload"),
    path(
        "perusahaan/tender/<int:code>/penawaran/izin-unggah/",
        bids.upload_capability_view,
        name="upload_capability",
    ),
    path(
        "perusahaan/tender/<int:code>/penawaran/unggah/<uuid:upload_id>/",
        bids.upload_view,
        name="upload_resume",
    ),
    path(
        "perusahaan/tender/<int:code>/penawaran/hapus/<int:file_id>/",
        bids.draft_remove_view,
        name="draft_remove",
    ),
    path("perusahaan/tender/<int:code>/penawaran/kirim/", bids.bid_submit_view, name="submit"),
    path("perusahaan/tender/<int:code>/penawaran/tarik/", bids.bid_withdraw_view, name="withdraw"),
    path(
        "perusahaan/tender/<int:code>/penawaran/tanda-terima/<int:number>/",
        bids.receipt_view,
        name="receipt",
    ),
    path(
        "perusahaan/tender/<int:code>/penawaran/tanda-terima/<int:number>.json",
        bids.receipt_download_view,
        name="receipt_json",
    ),
    path(
        "tender/<int:code>/kunci/<int:envelope>.pem", public.tender_key_file_view, name="key_file"
    ),
    path("tender/<int:code>/peserta/", public.participants_view, name="participants"),
    path("tender/<int:code>/pembukaan/", public.opening_record_view, name="opening_record"),
]
