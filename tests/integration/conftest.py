import os

import pytest


@pytest.fixture(scope="session")
def server():
    """The live server that scripts/test.sh started on the test database."""
    url, db = os.environ.get("WSV_URL"), os.environ.get("WSV_DB")
    if not url or not db:
        pytest.fail("WSV_URL and WSV_DB are not set: run the tests through scripts/test.sh")
    return {"url": url, "db": db, "username": "admin", "password": "admin"}
