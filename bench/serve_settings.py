"""Settings of the serving benchmark (bench/serve_bench.py): the real settings, plus /bench/ping and rate limits
raised (every request comes from 127.0.0.1; the windows are still counted, so their cost is measured)."""

from config.settings import *  # noqa: F403
from config.settings import SKILLREG_RATE_LIMITS

ROOT_URLCONF = "cert_urls"
SKILLREG_RATE_LIMITS = {name: "1000000000/60" for name in SKILLREG_RATE_LIMITS}
SKILLREG_RATE_LIMITS.update({n: "1000000000/86400" for n in ("certificate_verify_day", "certificate_verify_target")})
