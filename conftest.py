"""Known failures left by the last merges of the 2026-11-30 session, marked so that the rest of
the suite guards main. Each is a defect named in the closing note; remove its line once fixed."""

from __future__ import annotations

import pytest

KNOWN_FAILURES: dict[str, str] = {
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        reason = KNOWN_FAILURES.get(item.nodeid)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=False))
