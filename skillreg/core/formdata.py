"""What a browser would post for a rendered form: a test helper (no network, stdlib only).

``browser_post_data(html, form_id)`` reads the ``<form id=…>`` of a page as a browser does on submit — text and
hidden inputs, checked checkboxes and radios, the selected option of each select (the first when none is
selected), textareas — ignoring ``<template>`` contents. Tests post it back unchanged to prove that what a page
shows can be saved again.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.template_depth = 0
        self.data: list[tuple[str, str]] = []
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.in_form = True
            return
        if not self.in_form:
            return
        if tag == "template":
            self.template_depth += 1
            return
        if self.template_depth or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
                return
            self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self.template_depth:
            self.template_depth -= 1
        elif tag == "form" and self.in_form and not self.template_depth:
            self.in_form = False
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["text"].strip()
            self._select["options"].append(value)
            if self._option["selected"]:
                self._select["selected"].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            sel = self._select
            chosen = sel["selected"] if sel["multiple"] else (sel["selected"][-1:] or sel["options"][:1])
            self.data.extend((sel["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            self.data.append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def browser_post_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields the form ``form_id`` would submit, as ``{name: [values…]}`` (Django test client format)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in reader.data:
        out.setdefault(name, []).append(value)
    return out
