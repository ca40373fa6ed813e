"""Announcement bodies are Markdown rendered to HTML in which nothing can run."""

import pytest

from inaproc.announcements.markdown import markdown_render


def test_markdown_formats_emphasis_lists_and_links():
    html = markdown_render(
        "**Penting**: lihat [jadwal](https://lpse.example.id/jadwal)\n\n- satu\n- dua"
    )

    assert "<strong>Penting</strong>" in html
    assert '<a href="https://lpse.example.id/jadwal" rel="nofollow noopener">jadwal</a>' in html
    assert "<ul>\n<li>satu</li>\n<li>dua</li>\n</ul>" in html


def test_headings_move_one_level_down_so_the_page_keeps_one_h1():
    html = markdown_render("# Satu\n\n## Dua\n\n###### Enam")

    assert "<h1" not in html
    assert "<h2>Satu</h2>" in html
    assert "<h3>Dua</h3>" in html
    assert "<h6>Enam</h6>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "halo <b onmouseover=alert(1)>tebal</b>",
        "<div>\n<iframe src=https://evil.example></iframe>\n</div>",
        "<img src=x onerror=alert(1)>",
        "<!-- komentar --><style>body{display:none}</style>",
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(source):
    html = markdown_render(source)

    assert "<script" not in html
    assert "<b " not in html
    assert "<iframe" not in html
    assert "<img" not in html
    assert "<style" not in html
    assert "<div" not in html
    assert "&lt;" in html  # visible as typed


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript&#58;alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_links_with_dangerous_schemes_lose_their_target(link):
    html = markdown_render(f"[klik]({link})")

    assert "href" not in html
    assert "klik" in html


def test_images_become_plain_links_and_load_nothing():
    html = markdown_render("![Denah lokasi](https://tracker.example/pixel.png)")

    assert "<img" not in html
    assert (
        '<a href="https://tracker.example/pixel.png" rel="nofollow noopener">Denah lokasi</a>'
        in html
    )


def test_relative_and_mailto_links_are_kept_with_nofollow():
    html = markdown_render("[daftar](/lpse-a/pendaftaran/) <helpdesk@lpse.example.id>")

    assert '<a href="/lpse-a/pendaftaran/" rel="nofollow noopener">daftar</a>' in html
    assert "mailto:" in html or "&#109;&#97;" in html  # Markdown obfuscates addresses


def test_no_attribute_other_than_link_targets_survives():
    html = markdown_render('[a](https://x.example "judul") {: onclick="x"}')

    # attr_list is not enabled: the braces stay text.
    assert html == (
        '<p><a href="https://x.example" title="judul" rel="nofollow noopener">a</a> '
        '{: onclick="x"}</p>'
    )


@pytest.mark.parametrize("source", ["", "\x00", "a" * 20_000, "*" * 5000, "[" * 3000, "> " * 2000])
def test_any_input_renders_without_error(source):
    assert isinstance(markdown_render(source), str)
