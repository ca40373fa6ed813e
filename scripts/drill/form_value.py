"""Print the value of the <input name=NAME> of the HTML page on standard input (empty
when the page has none): the Debian drill's curl steps read CSRF tokens and CAPTCHA keys
with it."""

import sys
from html.parser import HTMLParser


class Inputs(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.value = name, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == self.name and self.value is None:
            self.value = found.get("value") or ""


parser = Inputs(sys.argv[1])
parser.feed(sys.stdin.read())
print(parser.value or "")
