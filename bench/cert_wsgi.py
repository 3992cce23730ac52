"""The benchmark server: waitress (a real WSGI server) on 127.0.0.1 serving the real application with
SKILLREG_DEBUG=0, plus /bench/ping. Rate limits are raised (they still run: their cost is measured) because
every request comes from 127.0.0.1.

    python bench/cert_wsgi.py PORT THREADS
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cert_common  # noqa: E402


def main() -> None:
    port, threads = int(sys.argv[1]), int(sys.argv[2])
    cert_common.configure("postgres")
    os.environ["SKILLREG_DEBUG"] = "0"
    os.environ["SKILLREG_SSL_REDIRECT"] = "0"
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "cert_urls"
    settings.SKILLREG_RATE_LIMITS = {
        **settings.SKILLREG_RATE_LIMITS,
        "certificate_verify": "100000000/60",
        "certificate_verify_day": "100000000/86400",
        "certificate_verify_target": "100000000/86400",
    }
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    serve(get_wsgi_application(), host="127.0.0.1", port=port, threads=threads, connection_limit=512, _quiet=True)


if __name__ == "__main__":
    main()
