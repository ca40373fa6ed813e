"""The result rows of the national search (`{% search_result_rows %}`), written with
per-page escaped labels and a plain escape per value: exactly the HTML format_html gave
for every row (escaping included), whatever the tender's texts, stage or state."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url
from inaproc.search.templatetags.search_tags import _ROW, search_result_rows
from inaproc.tenders import money
from inaproc.tenders.models import PackageState, ProcurementType, SelectionMethod
from inaproc.tenders.selectors.public import tender_rows
from inaproc.tenders.templatetags.tender_tags import _stage_cell
from tests.factories import make_portal
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script> & 'Gedung'"


def reference_rows(rows) -> str:
    """The rows as format_html wrote them (each value through conditional_escape; the
    stage as the portal list's rows write it)."""

    jenis = dict(ProcurementType.choices)
    metode = dict(SelectionMethod.choices)
    return mark_safe(  # noqa: S308 (format_html's)
        "\n".join(
            format_html(
                _ROW,
                code_label=gettext("Code"),
                name_label=gettext("Package name"),
                institution_label=gettext("Institution and portal"),
                stage_label=gettext("Current stage"),
                url=portal_url(p.portal, "tenders:public_announcement", code=p.code),
                code=p.code,
                name=p.name,
                repeat=format_html(
                    ' <span class="status-tag tender-repeat">{}</span>', gettext("Repeat tender")
                )
                if p.repeat_of_id
                else "",
                jenis=str(jenis.get(p.procurement_type, p.procurement_type)),
                metode=str(metode.get(p.selection_method, p.selection_method)),
                year=gettext("Budget year %(year)s") % {"year": p.budget_year},
                institution=p.institution,
                portal=p.portal.name,
                stage=format_html(
                    '<strong class="status-tag status-rejected">{}</strong>',
                    gettext("Cancelled") if p.state == "cancelled" else gettext("Tender failed"),
                )
                if p.state in ("cancelled", "failed")
                else _stage_cell(row.standing),
                hps=money.rupiah_short(p.hps),
            )
            for row in rows
            for p in [row.package]
        )
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_rows_as_format_html_wrote_them(language):
    now = timezone.now()
    hostile = make_portal("lpse-x", name='LPSE <X> & "Y"')
    other = make_portal("lpse-y", name="LPSE Y")
    packages = [
        make_public_package(hostile, name=HOSTILE, institution="Dinas <PU> & Tata Ruang"),
        make_public_package(other, name="Jalan", finished=True, budget_year=2027),
        make_public_package(other, name="Jembatan", starts_in=timedelta(days=2)),
        make_public_package(hostile, name="Batal", state=PackageState.CANCELLED),
        make_public_package(other, name="Gagal", state=PackageState.FAILED, hps=1500),
        make_public_package(
            other, name="Mesin", procurement_type="barang", selection_method="tender_cepat"
        ),
    ]
    packages.append(make_public_package(hostile, name="Ulang", repeat_of=packages[1]))

    with translation.override(language):
        rows = tender_rows(packages, now=now)
        written, reference = search_result_rows(rows), reference_rows(rows)

    assert written == reference
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Gedung&#x27;" in written
    assert "LPSE &lt;X&gt; &amp; &quot;Y&quot;" in written
    assert written.count("<tr>") == len(packages)


def test_the_portals_to_save_on_as_the_template_loop_wrote_them():
    from django.template import Context, Template

    portals = [("lpse-a", 'LPSE <Alpha> & "co"'), ("lpse-b", "LPSE Beta")]
    loop = Template(
        '{% for slug, name in portals %}<option value="{{ slug }}">{{ name }}</option>{% endfor %}'
    )

    written = Template("{% load search_tags %}{% portal_options portals %}").render(
        Context({"portals": portals})
    )

    assert written == loop.render(Context({"portals": portals}))
    assert "LPSE &lt;Alpha&gt; &amp; &quot;co&quot;" in written


def test_the_results_page_offers_every_active_portal_to_save_on(client):
    make_portal("lpse-a", name="LPSE <Alpha>")
    make_portal("lpse-b", name="LPSE Beta")
    closed = make_portal("lpse-c", name="LPSE Tutup")
    Portal.objects.filter(pk=closed.pk).update(is_active=False)

    text = client.get("/", {"jenis": "konstruksi"}).text

    select = text[
        text.index('<select name="simpan"') : text.index(
            "</select>", text.index('<select name="simpan"')
        )
    ]
    assert select.endswith(
        '<option value="lpse-a">LPSE &lt;Alpha&gt;</option>'
        '<option value="lpse-b">LPSE Beta</option>'
    )
