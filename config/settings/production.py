"""Production settings: base plus HTTPS hardening. Refuses to start without SECRET_KEY and hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import RETURNDESK_REFUND_PROVIDERS, env_bool

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production / 生产环境必须设置 SECRET_KEY")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production / 生产环境必须设置 ALLOWED_HOSTS")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Online payments are refunded by finance by hand (manual) unless REFUND_ONLINE_PROVIDER names a
# provider: the simulated gateway is for the demo and the tests, never a real install's default.
if "REFUND_ONLINE_PROVIDER" not in os.environ:
    RETURNDESK_REFUND_PROVIDERS = {
        **RETURNDESK_REFUND_PROVIDERS,
        **dict.fromkeys(("alipay", "wechat", "unionpay"), "manual"),
    }
