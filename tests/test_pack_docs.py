"""docs/rule-pack.md has one facts table per shipped pack, and it says what the pack declares:
every fact a pack file declares, with its type and what its absence means, and no other."""

from __future__ import annotations

import re

import pytest
import yaml

from collectguard._packs import names
from conftest import ROOT

DOC = (ROOT / "docs" / "rule-pack.md").read_text(encoding="utf-8")
HEADER = "| fact | type | meaning | not sent |"


def _section(pack: str) -> str:
    start = DOC.index(f"## The {pack} pack")
    following = DOC.find("\n## ", start + 1)
    return DOC[start:following if following != -1 else len(DOC)]


def _table(pack: str) -> dict[str, list[str]]:
    section = _section(pack)
    assert section.count(HEADER) == 1, f"the {pack} section has one facts table"
    rows = section.split(HEADER, 1)[1].strip().splitlines()[1:]
    table = {}
    for row in rows:
        if not row.startswith("|"):
            break
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and all(cells), row
        [name] = re.findall(r"^`([a-z_]+)`$", cells[0])
        table[name] = cells[1:]
    return table


def test_every_shipped_pack_has_a_section() -> None:
    assert set(names()) == {"cn-card-collection", "cn-cba-2026", "us-reg-f", "us-ma"}
    for pack in names():
        assert f"## The {pack} pack" in DOC


@pytest.mark.parametrize("pack", names())
def test_the_facts_table_is_the_packs_declarations(pack) -> None:
    declared = yaml.safe_load((ROOT / "rules" / f"{pack}.yaml").read_text(encoding="utf-8")).get("facts") or {}
    table = _table(pack)
    assert list(table) == list(declared), "the table lists the file's facts, in its order"
    for name, (type_, meaning, absent) in table.items():
        decl = declared[name]
        assert type_.startswith(decl["type"]), (name, type_)
        if decl["type"] == "enum":
            assert all(f"`{v}`" in type_ for v in decl["values"]), (name, type_)
        reading = {False: "false", True: "true", "unknown": "unknown", "refuse": "refused"}.get(decl["absent"],
                                                                                                 str(decl["absent"]))
        assert absent.startswith(reading), (name, absent)
        assert len(meaning.split()) >= 5, (name, meaning)
