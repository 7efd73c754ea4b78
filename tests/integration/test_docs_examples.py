"""Every Python example in docs/integration.md runs against the live server.

Examples run in order in one namespace, as a reader would paste them one after the other.
"""

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "integration.md"
BLOCKS = []  # (section title and block number, code), in the page's order
for section in re.split(r"^## ", DOC.read_text(), flags=re.M)[1:]:
    title = section.splitlines()[0]
    for number, code in enumerate(re.findall(r"^```python\n(.*?)^```", section, re.M | re.S), 1):
        BLOCKS.append((f"{title} ({number})", code))
NAMESPACE = {}


def test_doc_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("title,code", BLOCKS, ids=[t for t, _ in BLOCKS])
def test_example(server, title, code):
    if not NAMESPACE:
        NAMESPACE.update(server)
    exec(compile(code, f"{DOC.name}: {title}", "exec"), NAMESPACE)  # noqa: S102
