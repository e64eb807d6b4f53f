"""Every rule in Tests/SchemaTests/Fixtures/schema-rules.json, tried by hand through the real
`sqlite3` shell on a hub `realalgo migrate` created: the rules live in the schema, so they hold
for any writer, not only for RealAlgo. (The Swift suite runs the same table through GRDB.)"""

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


def shell(database, script, check=False):
    result = subprocess.run(["sqlite3", "-bail", str(database)], input="PRAGMA foreign_keys = ON;\n" + script,
                            capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def dump(database):
    return subprocess.run(["sqlite3", str(database), ".dump"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("case", RULES["cases"], ids=[f"{c['table']}: {c['rule']}" for c in RULES["cases"]])
def test_rule_holds_from_the_sqlite3_shell(case, template_hub, tmp_path):
    database = tmp_path / "realalgo.db"
    shutil.copy(template_hub, database)
    setup = "".join(statement + ";\n" for statement in case["setup"])
    shell(database, setup, check=True)
    before = dump(database)

    result = shell(database, case["attempt"] + ";\n")

    assert result.returncode != 0, f"the shell accepted: {case['attempt']}"
    assert case["error"] in result.stderr, result.stderr
    assert dump(database) == before, "a refused statement changed the database"
