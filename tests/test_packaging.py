"""The wheel ships the policy packs and the JSON Schema; packs load by name."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

import collectguard
from collectguard import PolicyError
from collectguard._packs import is_name, names
from collectguard.cli import main
from conftest import PACK, ROOT


def test_every_package_under_src_is_listed_in_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(re.findall(r'"(collectguard[\w.]*)"', text.split("packages = [", 1)[1].split("]", 1)[0]))
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_a_shipped_pack_loads_by_name() -> None:
    by_name = collectguard.load_policy("cn-card-collection")
    by_path = collectguard.load_policy(PACK)
    assert by_name.id == "cn-card-collection" and by_name.digest == by_path.digest
    assert "cn-card-collection" in names() and not any(n.endswith(".tests") for n in names())


@pytest.mark.parametrize("value, name", [
    ("cn-card-collection", True), ("acme", True),
    ("rules/cn-card-collection.yaml", False), ("./acme", False), ("acme.yaml", False), ("acme.yml", False),
])
def test_which_arguments_are_names(value, name) -> None:
    assert is_name(value) is name


def test_an_unknown_name_lists_the_shipped_packs() -> None:
    with pytest.raises(PolicyError) as info:
        collectguard.load_policy("cn-card")
    message = str(info.value)
    assert "no shipped pack 'cn-card'" in message and "cn-card-collection" in message and "\n" not in message


def test_a_local_file_does_not_shadow_a_shipped_pack(tmp_path, monkeypatch) -> None:
    (tmp_path / "cn-card-collection").write_text("not: a policy\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert collectguard.load_policy("cn-card-collection").id == "cn-card-collection"
    with pytest.raises(PolicyError):
        collectguard.load_policy("./cn-card-collection")


def test_cli_policy_by_name_and_packs_and_version(capsys) -> None:
    assert main(["check", "--policy", "cn-card-collection", str(ROOT / "examples" / "third-party-call.json")]) == 1
    assert json.loads(capsys.readouterr().out)["policy"]["id"] == "cn-card-collection"
    assert main(["packs", "--format", "json"]) == 0
    [pack] = [p for p in json.loads(capsys.readouterr().out) if p["name"] == "cn-card-collection"]
    assert pack["version"] == "2015.1" and pack["effective"] == {"from": "2015-07-01", "until": None}
    assert main(["packs"]) == 0
    out = capsys.readouterr().out
    assert "cn-card-collection" in out and "2015.1" in out and "2015-07-01" in out
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"collectguard {collectguard.__version__}"


def test_cli_unknown_pack_is_one_line_exit_2(capsys) -> None:
    assert main(["check", "--policy", "no-such-pack"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no shipped pack 'no-such-pack'" in err


def test_version_matches_the_project() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{collectguard.__version__}"' in text


def test_the_wheel_ships_packs_and_schema_and_they_load_outside_the_repo(tmp_path) -> None:
    # Built without isolation (setuptools from the test extra), so no network is needed.
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp_path / "dist").glob("collectguard-*.whl")
    with zipfile.ZipFile(wheel) as z:
        files = set(z.namelist())
        z.extractall(tmp_path / "site")
    assert "collectguard/packs/cn-card-collection.yaml" in files
    for pack in (ROOT / "rules").glob("*.yaml"):
        if not pack.name.endswith(".tests.yaml"):
            assert f"collectguard/packs/{pack.name}" in files
    assert "collectguard/schema/policy.schema.json" in files
    assert "collectguard/packs/cn-card-collection.model.json" in files  # the learned scorer's weights
    assert not any(f.endswith(".tests.yaml") for f in files)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = ("import collectguard, json, sys; from collectguard.cli import main; "
              "p = collectguard.load_policy('cn-card-collection'); "
              "p.check_note('你好', {'party': 'debtor', 'channel': 'sms'}); "
              "ma = collectguard.load_policy('us-ma'); assert [la.id for la in ma.layers] == ['us-reg-f', 'us-ma']; "
              "print(json.dumps([collectguard.__file__, str(p.path)])); sys.exit(main(['packs']))")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    ran = subprocess.run([sys.executable, "-c", script], cwd=outside, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    module, pack = json.loads(ran.stdout.splitlines()[0])
    assert module.startswith(str(tmp_path / "site")) and pack.startswith(str(tmp_path / "site"))
    assert "cn-card-collection" in ran.stdout
    shipped = json.loads((tmp_path / "site" / "collectguard" / "schema" / "policy.schema.json").read_text("utf-8"))
    assert shipped == collectguard.json_schema()


@pytest.mark.parametrize("path, linted", [
    ("rules/cn-card-collection.yaml", True), ("rules/clients/acme.yml", True),
    ("rules/cn-card-collection.tests.yaml", False), (".github/workflows/ci.yml", False),
    (".pre-commit-config.yaml", False), ("docker-compose.yaml", False),
])
def test_the_pre_commit_lint_hook_sees_only_policy_files(path, linted) -> None:
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    hook = hooks["collectguard-lint"]
    matched = re.search(hook["files"], path) is not None and re.search(hook["exclude"], path) is None
    assert matched is linted
    assert (re.search(hooks["collectguard-test"]["files"], path) is not None) is path.startswith("rules/")
