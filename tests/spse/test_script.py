"""A reader's script against a running portal over plain HTTP (requests), exactly as
scripts written for SPSE do it: the token from the SPSE_SESSION cookie of /lelang, the
list by POST, then every detail page of the first tender, parsed by position."""

import time

import pytest
import requests

from tests.spse import readers
from tests.spse.conftest import TOKEN_IN_COOKIE


@pytest.fixture
def session():
    with requests.Session() as session:
        yield session


def _list(session, base: str, token: str, **extra) -> requests.Response:
    params = {
        "draw": 1,
        "start": 0,
        "length": 0,
        "search[value]": "",
        "search[regex]": "false",
        "order[0][column]": 0,
        "order[0][dir]": "desc",
        "authenticityToken": token,
        "_": int(time.time() * 1000),
    }
    for i in range(5):
        params |= {f"columns[{i}][data]": i, f"columns[{i}][orderable]": str(i != 3).lower()}
    params |= extra
    return session.post(
        f"{base}/dt/lelang",
        data=params,
        headers={"X-Requested-With": "XMLHttpRequest", "Referer": f"{base}/lelang"},
        timeout=30,
    )


def test_a_script_reads_a_finished_tender_over_http(
    transactional_db, live_server, finished, session
):
    tender, bidders = finished
    base = f"{live_server.url}/lpse-a"
    session.get(f"{base}/lelang", timeout=30)
    token = TOKEN_IN_COOKIE.findall(session.cookies.get("SPSE_SESSION"))[0]

    counts = _list(session, base, token).json()
    assert (counts["recordsTotal"], counts["recordsFiltered"], counts["data"]) == (1, 1, [])
    rows = _list(session, base, token, length=100).json()["data"]
    assert [row[0] for row in rows] == [str(tender.code)]
    assert rows[0][3] == "Tender Sudah Selesai"

    def page(path: str) -> bytes:
        response = session.get(f"{base}/{path.format(code=tender.code)}", timeout=30)
        assert response.status_code == 200
        return response.content

    announcement = readers.announcement(page("lelang/{code}/pengumumanlelang"))
    assert announcement["nilai_hps_paket"] == "Rp 950.000.000,00"
    participants = readers.participants(page("lelang/{code}/peserta"))
    assert [row["nama_peserta"] for row in participants] == [m.company.name for m, _ in bidders]
    assert readers.evaluation(page("evaluasi/{code}/hasil"))[1] == []
    assert readers.winners(page("evaluasi/{code}/pemenang")) is None
    assert readers.winners(page("evaluasi/{code}/pemenangberkontrak")) is None
    assert len(readers.schedule(page("lelang/{code}/jadwal"))) == 12

    missing = session.get(f"{base}/lelang/1/pengumumanlelang", timeout=30)
    assert missing.status_code == 404
    assert "Halaman yang dituju tidak ditemukan" in missing.text

    refused = _list(session, base, "0" * 40)
    assert refused.status_code == 403
