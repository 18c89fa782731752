"""Test settings: same as base, fast hashing, huey immediate, mail kept in memory."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {"huey_class": "huey.MemoryHuey", "name": "returndesk-test", "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="returndesk-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "DATABASE_URL" not in os.environ:
    DATABASES["default"]["NAME"] = os.path.join(tempfile.gettempdir(), "returndesk-test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), "returndesk-test.sqlite3")}
