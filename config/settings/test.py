"""Test settings: same as base, fast hashing, huey immediate, mail kept in memory."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {"huey_class": "huey.MemoryHuey", "name": "returndesk-test", "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="returndesk-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)  # one per process; don't litter /tmp
# WhiteNoise warns on every request handler when STATIC_ROOT is missing; tests never collect static.
STATIC_ROOT = tempfile.mkdtemp(prefix="returndesk-static-")
atexit.register(shutil.rmtree, STATIC_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "DATABASE_URL" not in os.environ:
    # The pid keeps concurrent pytest runs on one machine from deleting each other's database;
    # pytest-django appends the xdist worker id (_gw0, _gw1) to TEST NAME by itself.
    _test_db = os.path.join(tempfile.gettempdir(), f"returndesk-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["NAME"] = _test_db
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
