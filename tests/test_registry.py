"""Every rule kind in the registry has its docs section and its test file."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectguard._kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_kind_has_docs_and_tests(kind) -> None:
    assert f"### {kind.name}" in DOCS or f"## {kind.name}" in DOCS, f"docs/ has no section for {kind.name}"
    test_name = f"test_{kind.name.replace('-', '_')}.py"
    assert list((ROOT / "tests").rglob(test_name)), f"tests/ has no {test_name}"
    assert kind.params.model_config.get("extra") == "forbid"
