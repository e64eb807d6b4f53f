"""Every rule in Tests/SchemaTests/Fixtures/schema-rules.json, tried by hand through the real
`sqlite3` shell on a hub `realalgo migrate` created: the rules live in the schema, so they hold
for any writer, not only for RealAlgo. Each rule is tried twice: with foreign keys on, and with the
shell's default (off) — the book rules are triggers and must not depend on foreign keys. (The
Swift suite runs the same table through GRDB.)"""

import json
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT, run

FIXTURES = ROOT / "Tests" / "SchemaTests" / "Fixtures"
RULES = json.loads((FIXTURES / "schema-rules.json").read_text())


@pytest.fixture(scope="module")
def template_hub(tmp_path_factory):
    """A migrated hub with the shared fixture rows, copied for each case."""
    directory = tmp_path_factory.mktemp("rules")
    run("migrate", data_dir=directory)
    database = directory / "realalgo.db"
    shell(database, (FIXTURES / RULES["fixture"]).read_text(), check=True)
    return database


def shell(database, script, check=False, foreign_keys=True):
    pragma = "PRAGMA foreign_keys = ON;\n" if foreign_keys else ""
    result = subprocess.run(["sqlite3", "-bail", str(database)], input=pragma + script,
                            capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def dump(database):
    return subprocess.run(["sqlite3", str(database), ".dump"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("foreign_keys", [True, False], ids=["foreign keys on", "shell default"])
@pytest.mark.parametrize("case", RULES["cases"], ids=[f"{c['table']}: {c['rule']}" for c in RULES["cases"]])
def test_rule_holds_from_the_sqlite3_shell(case, foreign_keys, template_hub, tmp_path):
    if not foreign_keys and case.get("foreign_keys_required"):
        pytest.skip("this rule is a foreign key itself; it needs PRAGMA foreign_keys = ON")
    database = tmp_path / "realalgo.db"
    shutil.copy(template_hub, database)
    setup = "".join(statement + ";\n" for statement in case["setup"])
    shell(database, setup, check=True, foreign_keys=foreign_keys)
    before = dump(database)

    result = shell(database, case["attempt"] + ";\n", foreign_keys=foreign_keys)

    assert result.returncode != 0, f"the shell accepted: {case['attempt']}"
    assert case["error"] in result.stderr, result.stderr
    assert dump(database) == before, "a refused statement changed the database"
