"""Walking the site as a person does: fill in a form as the page renders it, follow links
breadth-first, read the text a person sees.

Used by the crawl tests (tests/test_crawl.py); plain functions over Django's test client.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlparse

from django.contrib.messages import get_messages
from django.db import transaction

# Files, not pages: a crawler of pages skips them (they have their own tests), as it skips
# logging out and switching language.
SKIP = re.compile(
    r"/(logout|static|media|i18n)/|/api/|\.(pdf|xlsx|xls|csv|docx|zip|png|jpe?g|svg)$"
    r"|/download|/export|/original|/receipt|/photo/$|/evidence/\d+/$",
    re.I,
)


class _Page(HTMLParser):
    """Links, forms and the visible text of one HTML page."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []  # (href, is_htmx)
        self.forms: list[dict] = []
        self.text: list[str] = []
        self._hidden = 0
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], False))
        if a.get("hx-get"):
            self.links.append((a["hx-get"], True))
        for attr in ("placeholder", "title", "alt", "aria-label"):
            if a.get(attr):
                self.text.append(a[attr])
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "fields": [],
                "buttons": 0,
            }
            self.forms.append(self._form)
        elif self._form is not None:
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            if tag in ("button", "input") and kind in ("submit", "image"):
                self._form["buttons"] += 1
            if tag == "input" and a.get("name"):
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        self._form["fields"].append((a["name"], a.get("value", "on")))
                    self._form.setdefault("choices", {}).setdefault(a["name"], []).append(a.get("value", "on"))
                elif kind not in ("submit", "button", "file", "reset", "image"):
                    self._form["fields"].append((a["name"], a.get("value", "")))
            elif tag == "select" and a.get("name"):
                self._select = {"name": a["name"], "first": None, "chosen": [], "multiple": "multiple" in a}
            elif tag == "option" and self._select is not None:
                value = a.get("value", "")
                if self._select["first"] is None:
                    self._select["first"] = value
                if "selected" in a:
                    self._select["chosen"].append(value)
            elif tag == "textarea" and a.get("name"):
                self._textarea = {"name": a["name"], "text": ""}
        if tag == "input" and a.get("type", "").lower() in ("submit", "button") and a.get("value"):
            self.text.append(a["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "select" and self._select is not None and self._form is not None:
            s = self._select
            chosen = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            self._form["fields"] += [(s["name"], v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea["name"], self._textarea["text"]))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
            return
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def visible_text(html: str) -> list[str]:
    return parse(html).text


def submit(client, url: str, values: dict | None = None, *, action: str | None = None, files: dict | None = None):
    """GET ``url``, take the form (the one posting to ``action``, else the first POST form
    with a submit button of its own), keep what the page filled in, change ``values``, POST
    it. Returns the response (not followed)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = parse(response.content.decode())
    forms = [f for f in page.forms if f["method"] == "post"]
    if action is not None:
        forms = [f for f in forms if urlparse(urljoin(url, f["action"] or url)).path == action]
    else:
        forms = [f for f in forms if not f["action"] or urlparse(urljoin(url, f["action"])).path == urlparse(url).path]
    assert forms, f"no form on {url}"
    form = forms[0]
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    for name, value in (values or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    data.update(files or {})
    target = urljoin(url, form["action"] or url)
    return client.post(target, {k: (v if not isinstance(v, list) or len(v) != 1 else v[0]) for k, v in data.items()})


# --- The crawl ---------------------------------------------------------------------------------


@dataclass
class Visit:
    path: str
    parent: str
    status: int
    text: list[str] = field(default_factory=list)
    # Buttons pressed on the page: (form action, status, the refusal if the user was refused).
    presses: list[tuple[str, int, str]] = field(default_factory=list)


# Forms a walker does not press: they end the walk or only change how pages look.
NO_PRESS = re.compile(r"/(logout|large-text|i18n)/")


def press(client, page_path: str, form: dict) -> tuple[str, int, str]:
    """Press a form's button as the page filled it in, and undo whatever it did. Returns the
    action, the status and — when the user was refused for who they are — the refusal."""

    action = urlparse(urljoin("http://testserver" + page_path, form["action"] or page_path)).path
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    with transaction.atomic():
        response = client.post(action, data)
        transaction.set_rollback(True)
    refusal = ""
    if response.status_code == 403:
        refusal = "403"
    elif response.status_code < 500:
        refusal = " ".join(str(m) for m in get_messages(response.wsgi_request) if "forbidden" in m.tags)
    return action, response.status_code, refusal


def shape(path: str) -> str:
    """/archive/12/ and /archive/9/ have the same shape; a query's shape is its keys."""
    u = urlparse(path)
    keys = ",".join(sorted({k for k, _v in parse_qsl(u.query, keep_blank_values=True)}))
    return re.sub(r"\d+", "N", u.path) + (f"?{keys}" if u.query else "")


def crawl(
    client, *, start: str = "/", seeds: list[str] = (), per_shape: int = 2, limit: int = 1500, presses: bool = False
) -> list[Visit]:
    """Breadth-first over same-site links (GET only) from ``start``, then ``seeds``: every
    shape of page up to ``per_shape`` times, a shape with a query once (another filter value
    or page of the same list teaches nothing new), every seed always. Redirects are followed
    as links of the page that gave them. With ``presses``, each shape of form action is
    pressed once as the page shows it, and undone (see ``press``)."""
    pressed: set[str] = set()
    queue = deque([(start, "(start)")] + [(s, "(made by the test)") for s in seeds])
    seen = {start, *seeds}
    shapes: dict[str, int] = {}
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        path, parent = queue.popleft()
        response = client.get(path, headers={"HX-Request": "true"} if "#htmx" in parent else {})
        visit = Visit(path=path, parent=parent.replace("#htmx", ""), status=response.status_code)
        visits.append(visit)
        found: list[tuple[str, bool]] = []
        if response.status_code in (301, 302, 303, 307, 308):
            found = [(response["Location"], False)]
        elif response.status_code < 500 and "text/html" in response.get("Content-Type", ""):
            page = parse(response.content.decode())
            visit.text = page.text
            found = page.links
            for form in page.forms if presses else ():
                target = urlparse(urljoin("http://testserver" + path, form["action"] or path)).path
                if (
                    not form["buttons"]
                    or form["method"] != "post"
                    or NO_PRESS.search(target)
                    or shape(target) in pressed
                ):
                    continue
                pressed.add(shape(target))
                visit.presses.append(press(client, path, form))
        for href, htmx in found:
            url = urldefrag(urljoin("http://testserver" + path, unescape(href)))[0]
            u = urlparse(url)
            if u.netloc != "testserver" or SKIP.search(u.path):
                continue
            target = u.path + (f"?{u.query}" if u.query else "")
            if target in seen:
                continue
            key = shape(target)
            if shapes.get(key, 0) >= (1 if u.query else per_shape):
                continue
            shapes[key] = shapes.get(key, 0) + 1
            seen.add(target)
            queue.append((target, path + ("#htmx" if htmx else "")))
    return visits


# --- Raw keys in what people read ----------------------------------------------------------------

RAW = [
    ("UPPER_SNAKE", re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w-])")),
    # results.met, sign.note — but not a file name (花名册.xlsx) or a web address.
    (
        "dotted.key",
        re.compile(
            r"(?<![\w./@:-])[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(?![\w./@(-])(?<!\.xlsx)(?<!\.xls)(?<!\.csv)(?<!\.pdf)"
            r"(?<!\.ods)(?<!\.docx)(?<!\.png)(?<!\.jpg)(?<!\.jpeg)(?<!\.json)(?<!\.svg)"
        ),
    ),
    # A bare M or F where a person's sex should be in words.
    ("M/F", re.compile(r"(?<![A-Za-z0-9_.-])[MF](?![A-Za-z0-9_.-])")),
]


def raw_keys(texts: list[str]) -> list[tuple[str, str]]:
    """(kind, the text it is in) for every raw key in the texts."""
    found = []
    for text in texts:
        for kind, pattern in RAW:
            for m in pattern.finditer(text):
                found.append((kind, m.group(0), text[:120]))
    return found
