"""The table component (`{% table %}`, components/table.html): every table sits in a
named region that takes the focus, so that a table wider than a phone scrolls inside it
with the keyboard too; the tables that stack on narrow screens label every cell with its
column (issue 14, item 5: sideways scrolling on phones)."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template, TemplateSyntaxError

from inaproc.vendors.companies.services.invitations import invitation_create
from tests.factories import make_passkey, make_user
from tests.helpers import signed_in
from tests.vendors.member_builders import add_member, approved_company


def render(options: str = "") -> str:
    source = (
        "{% load inaproc %}{% table 'Tickets' " + options + " %}<th scope='col'>A</th>"
        "{% rows %}<tr><td>1</td></tr>{% endtable %}"
    )
    return Template(source).render(Context())


def wrapper(html: str) -> str:
    return html[: html.index(">") + 1]


def test_a_table_is_a_focusable_region_named_by_its_caption():
    html = render()

    assert wrapper(html) == (
        '<div class="table-wrap" tabindex="0" role="region" aria-label="Tickets">'
    )
    assert '<caption class="visually-hidden">Tickets</caption>' in html
    assert "<thead><tr><th scope='col'>A</th></tr></thead>" in html
    assert "<tbody><tr><td>1</td></tr></tbody>" in html


def test_a_table_named_by_a_heading_is_labelled_by_it_instead():
    html = render("labelledby='queue-heading'")

    assert wrapper(html) == (
        '<div class="table-wrap" tabindex="0" role="region" aria-labelledby="queue-heading">'
    )


def test_a_stacking_table_says_so_on_its_wrapper():
    html = render("stack=True table_id='members' table_class='wide'")

    assert wrapper(html) == (
        '<div class="table-wrap table-stack" tabindex="0" role="region" aria-label="Tickets">'
    )
    assert '<table id="members" class="wide">' in html


def test_a_wide_stacking_table_stacks_on_tablets_too():
    html = render("stack='wide'")

    assert wrapper(html) == (
        '<div class="table-wrap table-stack table-stack-wide" tabindex="0" role="region" '
        'aria-label="Tickets">'
    )


def test_the_old_region_option_is_still_accepted_and_changes_nothing():
    assert render("region=True") == render()


@pytest.mark.parametrize(
    "source",
    [
        "{% load inaproc %}{% table %}{% rows %}{% endtable %}",
        "{% load inaproc %}{% table 'x' scroll=True %}{% rows %}{% endtable %}",
        "{% load inaproc %}{% table 'x' True %}{% rows %}{% endtable %}",
    ],
)
def test_a_table_without_a_caption_or_with_an_unknown_option_is_refused(source):
    with pytest.raises(TemplateSyntaxError):
        Template(source)


def test_the_caption_is_escaped_in_the_regions_name():
    html = Template("{% load inaproc %}{% table caption %}{% rows %}{% endtable %}").render(
        Context({"caption": 'Say "hi" <b>'})
    )

    assert 'aria-label="Say &quot;hi&quot; &lt;b&gt;"' in html


class StackedTables(HTMLParser):
    """The header texts and the body cells' data-label of each `.table-stack` table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.depth = 0  # inside a stacking wrapper when > 0
        self.part = ""
        self.header: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "div" and "table-stack" in (attributes.get("class") or "").split():
            self.tables.append({"columns": [], "rows": []})
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        if not self.depth:
            return
        table = self.tables[-1]
        if tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr" and self.part == "tbody":
            table["rows"].append([])
        elif tag == "th" and self.part == "thead":
            self.header = []
        elif tag == "td" and self.part == "tbody":
            table["rows"][-1].append(attributes.get("data-label"))

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        elif tag == "th" and self.header is not None:
            self.tables[-1]["columns"].append(" ".join("".join(self.header).split()))
            self.header = None

    def handle_data(self, data):
        if self.header is not None:
            self.header.append(data)


def stacked_tables(response) -> list[dict]:
    assert response.status_code == 200
    parser = StackedTables()
    parser.feed(response.content.decode())
    return parser.tables


def assert_every_cell_is_labelled_by_its_column(table: dict, *, unlabelled: set[str]) -> None:
    """Each body cell's data-label is its column's header; the columns in `unlabelled`
    (headers only screen readers hear, over the buttons) have an empty one."""
    expected = ["" if column in unlabelled else column for column in table["columns"]]
    assert table["rows"]
    for row in table["rows"]:
        assert row == expected


@pytest.mark.django_db
def test_every_cell_of_the_active_sessions_table_names_its_column(portal_a, vendor_a):
    signed_in(vendor_a, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    client = signed_in(vendor_a)

    [table] = stacked_tables(client.get("/lpse-a/akun/sesi/"))

    assert table["columns"] == ["Peramban", "alamat IP", "Dimulai", "Terakhir aktif", "Tindakan"]
    assert len(table["rows"]) == 2
    assert_every_cell_is_labelled_by_its_column(table, unlabelled={"Tindakan"})


@pytest.mark.django_db
def test_every_cell_of_the_company_users_and_invitations_tables_names_its_column(portal_a):
    company, admin = approved_company(portal_a)
    add_member(company, admin, username="staf-satu")
    invitation_create(
        company=company, actor=admin, email="calon@example.id", full_name="Calon", role="viewer"
    )

    members, invitations = stacked_tables(signed_in(admin).get("/lpse-a/perusahaan/pengguna/"))

    assert len(members["columns"]) == 7
    assert len(members["rows"]) == 2
    assert_every_cell_is_labelled_by_its_column(members, unlabelled={"Tindakan"})
    assert len(invitations["columns"]) == 5
    assert len(invitations["rows"]) == 1
    assert_every_cell_is_labelled_by_its_column(invitations, unlabelled={"Tindakan"})


@pytest.mark.django_db
def test_every_cell_of_the_passkeys_table_names_its_column(portal_a):
    user = make_user(portal_a, username="penyedia")
    make_passkey(user)

    [table] = stacked_tables(signed_in(user).get("/lpse-a/akun/faktor-kedua/"))

    assert len(table["columns"]) == 4
    assert_every_cell_is_labelled_by_its_column(table, unlabelled={"Tindakan"})
