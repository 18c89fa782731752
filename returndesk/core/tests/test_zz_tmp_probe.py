import time

import pytest


@pytest.mark.django_db
def test_probe_slow():
    time.sleep(30)
