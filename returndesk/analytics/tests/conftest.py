import pytest

from . import world as world_module


@pytest.fixture
def world(db):
    return world_module.build()
