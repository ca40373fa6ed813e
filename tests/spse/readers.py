"""How SPSE readers parse the detail pages (SPSE-COMPAT.md), written again for the
tests: by position, with html5lib (which adds the missing tbody) and BeautifulSoup."""

import re

from bs4 import BeautifulSoup, Tag


def key_of(text: str) -> str:
    return "_".join(text.split()).lower()


def content(html: bytes) -> Tag:
    """ "The first div whose classes include content"."""
    return BeautifulSoup(html, "html5lib").find("div", {"class": "content"})


def announcement(html: bytes) -> dict:
    table = content(html).find("table", {"class": "table-bordered"}).find("tbody")
    data: dict = {}
    for tr in table.find_all("tr", recursive=False):
        for th, td in zip(
            tr.find_all("th", recursive=False), tr.find_all("td", recursive=False), strict=False
        ):
            key = key_of(th.text)
            rup = td.find("table", recursive=False)
            if rup is not None and key == "rencana_umum_pengadaan":
                rows = [
                    [" ".join(cell.text.split()) for cell in tr.children if isinstance(cell, Tag)]
                    for tr in rup.find("tbody").find_all("tr")
                ]
                data[key] = [dict(zip(map(key_of, rows[0]), row, strict=True)) for row in rows[1:]]
            elif key == "lokasi_pekerjaan":
                data[key] = [" ".join(li.text.split()) for li in td.find_all("li")]
            elif key in ("nama_tender", "nama_paket"):
                labels = [span.text.strip() for span in td.find_all("span")]
                for span in td.find_all("span"):
                    span.decompose()
                data[key] = td.text.strip()
                data["label_paket"] = labels
            else:
                data[key] = " ".join(td.text.split())
    return data


def participants(html: bytes) -> list[dict]:
    table = content(html).find("table")
    rows = [list(tr.stripped_strings) for tr in table.find_all("tr")]
    header = [key_of(text) for text in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


ICONS = {"fa-check": 1, "fa-close": 0, "fa-minus": None}


def _cell(cell: Tag):
    icon = re.findall(r'fa (fa-.*)">', str(cell))
    if icon:
        return ICONS[icon[0]]
    if re.findall(r"star.gif", str(cell)):
        return True
    return cell.text.strip()


def evaluation(html: bytes) -> tuple[list[str], list[list]]:
    table = content(html).find("table")
    rows = table.find_all("tr")
    header = [key_of(cell.text) for cell in rows[0].children if isinstance(cell, Tag)]
    data = [[_cell(cell) for cell in tr.children if isinstance(cell, Tag)] for tr in rows[1:]]
    return header, data


def winners(html: bytes) -> list[dict] | None:
    last = content(html).table.tbody.find_all("tr", recursive=False)[-1]
    table = last.find("table")
    if table is None:
        return None
    header = [key_of(th.text) for th in table.find_all("th")]
    found = []
    for tr in table.find_all("tr"):
        cells = [" ".join(td.text.split()) for td in tr.find_all("td")]
        if cells:
            found.append(dict(zip(header, cells, strict=True)))
    return found


def schedule(html: bytes) -> list[dict]:
    table = BeautifulSoup(html, "html5lib").find("table")
    rows = table.find_all("tr")
    header = [key_of(th.text) for th in rows[0].find_all("th")]
    return [
        dict(zip(header, [" ".join(td.text.split()) for td in tr.find_all("td")], strict=True))
        for tr in rows[1:]
    ]
