"""Serve the site with waitress: ``python -m skillreg.core.serve HOST:PORT`` (what ``scripts/run`` starts).

- Behind the documented TLS gateway (``SKILLREG_BEHIND_TLS_PROXY=1``) waitress must be told to trust that
  gateway (``SKILLREG_TRUSTED_PROXY``, its address; default 127.0.0.1), or it strips every X-Forwarded-*
  header before Django sees it: redirect loops, and every client gets the gateway's address, so one
  attacker's failed logins lock a user out everywhere and the per-address limits become global (issue 12,
  item 11). Only that one hop is trusted (``trusted_proxy_count=1``); the same headers from anyone else are
  removed.
- No ``Server: waitress`` header (item 17).
- A production start — a listen address other than loopback, or ``SKILLREG_ENV=production`` — refuses to run
  with DEBUG on or any development key (item 18; ``production_problems``).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def production_problems(settings: Any, host: str) -> list[str]:
    """Why this start must not serve: empty for a development start on loopback."""
    production = os.environ.get("SKILLREG_ENV", "").strip().lower() == "production" or not is_loopback(host)
    if not production:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("SKILLREG_DEBUG 未设为 0（调试模式会泄露内部信息）")
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        problems.append("SKILLREG_SECRET_KEY 仍是开发用的默认密钥")
    for name, dev in settings.DEV_KEYS.items():
        if getattr(settings, name) == dev:
            problems.append(f"{name} 仍是开发用的默认密钥")
    return problems


def adjustments(settings: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "threads": 8,
        # the body limit matches SKILLREG_UPLOAD_MAX_BYTES (+1 MB for the form): refused before the application
        "max_request_body_size": settings.SKILLREG_UPLOAD_MAX_BYTES + 1024 * 1024,
        "ident": "",  # no Server header
    }
    if settings.SKILLREG_BEHIND_TLS_PROXY:
        options.update(
            trusted_proxy=settings.SKILLREG_TRUSTED_PROXY,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
            clear_untrusted_proxy_headers=True,
        )
    return options


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from waitress import serve  # type: ignore[import-untyped]

    listen = argv[0] if argv else "127.0.0.1:8000"
    host, _, port = listen.rpartition(":")
    problems = production_problems(settings, host)
    if problems:
        print("拒绝以生产方式启动：" + "；".join(problems), file=sys.stderr)
        return 2
    serve(get_wsgi_application(), listen=listen, **adjustments(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
