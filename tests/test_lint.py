"""lint: a corpus of realistic mistakes, each with its exact place and message; the formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import collectguard
from collectguard._lint import lint_file
from collectguard.cli import main
from conftest import PACK, ROOT

BROKEN = Path(__file__).parent / "lint" / "broken"
EXPECTED = json.loads((Path(__file__).parent / "lint" / "expected.json").read_text(encoding="utf-8"))


def _line(p) -> str:
    return f"{p.line}:{p.column} {p.level} [{p.check}] {p.message}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_is_reported_where_it_was_made(name: str) -> None:
    assert [_line(p) for p in lint_file(BROKEN / name)] == EXPECTED[name]
    assert EXPECTED[name], "every file in the corpus holds a mistake"


def test_the_corpus_is_all_there() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 30


def test_every_error_has_a_hint_or_names_the_value() -> None:
    for name in EXPECTED:
        for p in lint_file(BROKEN / name):
            assert p.hint or "'" in p.message or ":" in p.message, (name, p.message)


# The shipped pack still has raw patterns longer than a reviewer can read at a glance; each
# is a warning, and their number may only fall as they move into lexicons and terms.
LONG_PATTERNS_AT_MOST = 200


def test_shipped_packs_are_clean() -> None:
    problems = lint_file(PACK)
    assert [p for p in problems if p.check != "long-pattern"] == []
    assert len(problems) <= LONG_PATTERNS_AT_MOST


@pytest.mark.parametrize("pack", sorted(p.name for p in (ROOT / "rules").glob("*.yaml")
                                        if not p.name.endswith(".tests.yaml") and p != PACK))
def test_every_other_shipped_pack_lints_without_a_finding(pack: str) -> None:
    assert [_line(p) for p in lint_file(ROOT / "rules" / pack)] == []


def test_lexicons_are_linted(tmp_path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "id: p\nversion: '1'\ntimezone: Asia/Shanghai\n"
        "lexicons:\n  charge: [利息, 利息, 滞纳金]\n  spare: [x]\n"
        "rules:\n  - id: w\n    kind: text-match\n    message: m\n    citation: c\n"
        "    params:\n      groups:\n        g: {any: ['@charge', 're:免{@charge}']}\n      fire_when: [[g]]\n",
        encoding="utf-8")
    found = {(p.check, p.line) for p in lint_file(policy)}
    assert ("duplicate-term", 5) in found and ("unused-lexicon", 6) in found
    assert not any(c == "unused-lexicon" and line == 5 for c, line in found)
    bad = policy.read_text(encoding="utf-8").replace("'@charge'", "'@charges'")
    policy.write_text(bad, encoding="utf-8")
    assert any("no lexicon named 'charges'" in p.message for p in lint_file(policy))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(capsys, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert run(capsys, str(PACK))[0] == 0
    assert run(capsys, str(BROKEN / "01-unknown-kind.yaml"))[0] == 1
    assert run(capsys, str(BROKEN / "33-no-citation.yaml"))[0] == 0           # warnings only
    assert run(capsys, "--strict", str(BROKEN / "33-no-citation.yaml"))[0] == 1
    code, _, err = run(capsys, "no/such/dir")
    assert code == 2 and "no such file or directory" in err


def test_directories_skip_case_files(capsys, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out, _ = run(capsys, str(ROOT / "rules"))
    summary = out.strip().splitlines()[-1]
    packs = [p for p in (ROOT / "rules").glob("*.yaml") if not p.name.endswith(".tests.yaml")]
    checked = f"{len(packs)} file{'s' if len(packs) != 1 else ''} checked: 0 errors, "
    assert code == 0 and summary.startswith(checked) and "[long-pattern]" in out
    assert not [line for line in out.splitlines()[:-1] if "[long-pattern]" not in line]


def test_text_format(capsys, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    _, out, _ = run(capsys, str(BROKEN / "01-unknown-kind.yaml"))
    first = out.splitlines()[0]
    assert first == (f"{BROKEN / '01-unknown-kind.yaml'}:6:11: error [unknown-kind] rules[0]: unknown rule kind "
                     "'contact-hour' (did you mean 'contact-hours'?)")


def test_github_format_is_chosen_under_actions(capsys, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, str(BROKEN / "08-zone-typo.yaml"))
    assert out.startswith(f"::error file={BROKEN / '08-zone-typo.yaml'},line=3,col=11,"
                          "title=collectguard invalid-value::")
    assert "did you mean 'Asia/Shanghai'?" in out


def test_sarif_shape(capsys) -> None:
    _, out, _ = run(capsys, "--format", "sarif", str(BROKEN / "35-unquoted-times.yaml"),
                    str(BROKEN / "01-unknown-kind.yaml"))
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "collectguard"
    assert {r["id"] for r in driver["rules"]} == {"yaml11-scalar", "unknown-kind"}
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] in {"yaml11-scalar", "unknown-kind"} and result["level"] in {"warning", "error"}
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith(".yaml")
    assert location["region"]["startLine"] > 0 and location["region"]["startColumn"] > 0
    assert result["message"]["text"]


def test_json_format(capsys) -> None:
    _, out, _ = run(capsys, "--format", "json", str(BROKEN / "13-duplicate-rule-id.yaml"))
    [problem] = json.loads(out)
    assert problem["check"] == "duplicate-id" and problem["line"] == 11 and problem["level"] == "error"


def test_schema_file_is_generated_from_the_models() -> None:
    import collectguard

    shipped = json.loads((ROOT / "docs" / "policy.schema.json").read_text(encoding="utf-8"))
    assert shipped == collectguard.json_schema(), "run: collectguard schema > docs/policy.schema.json"
    assert PACK.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../docs/policy.schema.json")


def test_load_and_lint_place_a_problem_alike() -> None:
    import collectguard
    from collectguard._lint import lint_file

    checked = 0
    for path in sorted((Path(__file__).parent / "lint" / "broken").glob("*.yaml")):
        try:
            collectguard.load_policy(path)
        except collectguard.PolicyError as exc:
            places = {(p.line, p.column) for p in lint_file(str(path)) if p.level == "error"}
            assert (exc.line, exc.column) in places, (path.name, exc, places)
            checked += 1
    assert checked >= 30


def test_lint_reports_every_duplicate_key_and_goes_on_to_the_schema(tmp_path) -> None:
    # One round of fixes needs one round of lint: a duplicate key no longer hides the rest.
    path = tmp_path / "p.yaml"
    path.write_text("id: acme\nversion: '1'\nversion: '2'\ntimezone: Asia/Shanghai\nrules:\n"
                    "  - {id: hours, kind: contact-hours, params: {from: '08:00', until: '21:00'}, message: m,"
                    " citation: c}\n"
                    "  - {id: hours, kind: contact-hours, params: {from: '08:00', until: '25:00'}, message: m,"
                    " citation: c}\n", encoding="utf-8")
    checks = [p.check for p in lint_file(path)]
    assert checks.count("duplicate-key") == 1
    assert "duplicate-id" in checks and "invalid-value" in checks
    with pytest.raises(collectguard.PolicyError, match="duplicate key 'version'"):
        collectguard.load_policy(path)                     # loading still stops at the first
