"""Every Python example in docs/integration.md runs against the live server.

Examples run in order in one namespace, as a reader would paste them one after the other.
"""

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "integration.md"
BLOCKS = re.findall(r"^## (.+?)$.*?^```python\n(.*?)^```", DOC.read_text(), re.M | re.S)
NAMESPACE = {}


def test_doc_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("title,code", BLOCKS, ids=[t for t, _ in BLOCKS])
def test_example(server, title, code):
    if not NAMESPACE:
        NAMESPACE.update(server)
    exec(compile(code, f"{DOC.name}: {title}", "exec"), NAMESPACE)  # noqa: S102
