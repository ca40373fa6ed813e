"""Announcement bodies: Markdown in, HTML that is safe to show out.

Two layers. Python-Markdown runs without its raw-HTML handling, so `<script>` typed
into a body comes out as visible text, not markup. nh3 then keeps only a small set of
tags and attributes, `http`, `https` and `mailto` links (never `javascript:`), and gives
every link `rel="nofollow noopener"`. Images are not allowed at all: there is no upload
yet, the CSP would block images from other hosts anyway, and such images would let a
third party see who reads the portal; `![text](url)` becomes a plain link to `url`.
Headings are moved one level down, because the page's title is the only `<h1>`.
"""

import xml.etree.ElementTree as ET  # noqa: S405 (only Markdown's own tree, never parsed input)

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
HEADINGS = {f"h{level}": f"h{min(level + 1, 6)}" for level in range(1, 7)}


class _HeadingsAndImages(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in HEADINGS:
                element.tag = HEADINGS[element.tag]
            elif element.tag == "img":
                src, alt = element.get("src", ""), element.get("alt", "")
                element.attrib.clear()
                element.tag, element.text = "a", alt or src
                element.set("href", src)


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_HeadingsAndImages(md), "headings_and_images", 5)


def markdown_render(text: str) -> SafeString:
    """`text` (Markdown) as sanitised HTML, ready for a template."""
    # A new Markdown instance per call: instances keep state and are not thread-safe.
    html = markdown.markdown(text, extensions=[_NoRawHtml(), "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
