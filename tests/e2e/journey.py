"""The journey harness (issue 11): what a person would notice is wrong fails the journey.

``journey`` (a fixture of ``tests/e2e/conftest.py``) watches the page from the first request and fails the test on
- a server error (any response ≥ 500),
- a console error or an uncaught script error,
- a failed asset (a request that fails, or a static file answered ≥ 400),
- English on the page outside ``ALLOWED_WORDS`` (and the words a journey allows, e.g. the user's own login name),
- an internal identifier visible to a user: a ``facts.`` path, a snake_case code, a requirement ID (CQ-10 …) —
  outside an element marked ``data-citation``.

``journey.step("name")`` checks the page as it is now and saves a full-page screenshot under
``test-artifacts/screenshots/<test>-<db>-<NN>-<name>.png``; every journey calls it after each thing the person does.
An expected 4xx (a 404 page the journey opens on purpose, a 429 after too many queries) is declared with
``journey.expect_status(429)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Latin words a Chinese page may show: formats, units, standard abbreviations, product names.
ALLOWED_WORDS = {
    w.lower()
    for w in (
        "PDF CSV XLSX XLS JPG JPEG PNG DOCX UTF GBK SHA MB KB GB QR TOTP API URL HTTP HTTPS ID IP OK "
        "Excel WPS GB/T Google Microsoft Authenticator App"
    ).split()
}
WORD_RE = re.compile(r"(?<![A-Za-z0-9_@./-])[A-Za-z]{3,}(?![A-Za-z0-9_@-])")
SNAKE_RE = re.compile(r"(?<![A-Za-z0-9_.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_@/-])")
FACT_PATH_RE = re.compile(r"\bfacts\.|\blevel_facts\b|\bscope\[\d")
REQUIREMENT_RE = re.compile(r"(?<![A-Za-z0-9])(?:CQ|WX|AH|HN|GZ)-(?:\d|att)")

# The visible text of the page, without what is marked as a citation and without form values.
VISIBLE_TEXT_JS = """() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('[data-citation], script, style, template, noscript').forEach(e => e.remove());
  document.body.appendChild(clone);
  clone.style.position = 'absolute'; clone.style.left = '-100000px';
  const text = clone.innerText;
  clone.remove();
  return text;
}"""


class Journey:
    def __init__(self, page: Any, name: str, screenshots: Path) -> None:
        self.page = page
        self.name = name
        self.screenshots = screenshots
        self.problems: list[str] = []
        self.allowed: set[str] = set()
        self.expected_statuses: set[int] = set()
        self.steps = 0
        self.shots: list[Path] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    # -- what the browser reports ------------------------------------------------------------------------------
    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        text = msg.text
        if any(f"status of {s}" in text for s in self.expected_statuses):
            return
        where = (msg.location or {}).get("url", "") if hasattr(msg, "location") else ""
        self.problems.append(f"console error on {self.page.url}: {text} [{where}]")

    def _request_failed(self, request: Any) -> None:
        failure = request.failure or ""
        if "net::ERR_ABORTED" in str(failure):
            return  # cut short by the next navigation or a download; a missing file shows as a 4xx response
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _response(self, response: Any) -> None:
        status = response.status
        if status >= 500:
            self.problems.append(f"server error {status}: {response.request.method} {response.url}")
        elif status >= 400 and status not in self.expected_statuses:
            if "/static/" in response.url or response.request.resource_type in ("stylesheet", "script", "image"):
                self.problems.append(f"failed asset {status}: {response.url}")
            elif response.request.resource_type == "document":
                self.problems.append(f"unexpected {status}: {response.url}")
            else:
                self.problems.append(f"failed request {status}: {response.url}")

    # -- what the person reads ---------------------------------------------------------------------------------
    def allow(self, *words: str) -> None:
        """Words this journey may show (the user's own login name, an e-mail address typed in)."""
        self.allowed.update(w.lower() for w in words)

    @contextmanager
    def expect_status(self, *statuses: int) -> Iterator[None]:
        self.expected_statuses.update(statuses)
        try:
            yield
        finally:
            self.expected_statuses.difference_update(statuses)

    def text_problems(self, text: str) -> list[str]:
        found = []
        for m in FACT_PATH_RE.finditer(text):
            found.append(f"fact path “{_around(text, m)}”")
        for m in REQUIREMENT_RE.finditer(text):
            found.append(f"requirement ID “{_around(text, m)}”")
        for m in SNAKE_RE.finditer(text):
            if m.group(0).lower() not in self.allowed:
                found.append(f"internal code “{_around(text, m)}”")
        for m in WORD_RE.finditer(text):
            word = m.group(0).lower()
            if word not in ALLOWED_WORDS and word not in self.allowed and not _inside_allowed(word, self.allowed):
                found.append(f"English “{_around(text, m)}”")
        return found

    def step(self, name: str) -> Path:
        """Check the page as the person sees it now; keep a screenshot. Fails the journey on any problem."""
        self.steps += 1
        self.page.wait_for_load_state("load")
        slug = re.sub(r"[^\w.-]+", "_", f"{self.name}-{self.steps:02d}-{name}")
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        text = self.page.evaluate(VISIBLE_TEXT_JS)
        title = self.page.title()
        found = self.text_problems(f"{title}\n{text}")
        problems = self.problems + [f"{p} on “{name}” ({self.page.url})" for p in found]
        self.problems = []
        assert not problems, f"journey step “{name}”:\n  " + "\n  ".join(dict.fromkeys(problems))
        return path

    def finish(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "journey:\n  " + "\n  ".join(dict.fromkeys(problems))


def _around(text: str, m: re.Match[str], width: int = 24) -> str:
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    return text[start:end].replace("\n", " ⏎ ")


def _inside_allowed(word: str, allowed: set[str]) -> bool:
    return any(word in a for a in allowed)
