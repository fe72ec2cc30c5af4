from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cadres.models import Cadre
from tests.cadres.files import csv_bytes, roster_row, xlsx_bytes
from tests.factories import unit_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return unit_root(code="C01", name="示范县")


class ImportRosterCommandTests:
    def test_a_good_file_is_imported_with_progress_on_stderr(self, county, tmp_path):
        path = tmp_path / "花名册.xlsx"
        path.write_bytes(xlsx_bytes([roster_row(1), roster_row(2)]))
        out, err = StringIO(), StringIO()

        call_command("import_roster", str(path), "--unit", "C01", stdout=out, stderr=err)

        assert Cadre.objects.count() == 2
        assert "Imported 2 rows: 2 added, 0 updated, 2 units added, 2 posted to work teams." in out.getvalue()
        assert "writing: 2/2" in err.getvalue()

    def test_a_bad_file_prints_row_errors_and_fails(self, county, tmp_path, settings):
        settings.LANGUAGE_CODE = "en"
        path = tmp_path / "roster.csv"
        path.write_bytes(csv_bytes([roster_row(1), roster_row(2, 类别="书记员")], encoding="gb18030"))
        out = StringIO()

        with pytest.raises(CommandError, match=r"^The roster was rejected \(1 problems\); nothing was imported\.$"):
            call_command("import_roster", str(path), "--unit", "C01", stdout=out, stderr=StringIO())

        assert out.getvalue().startswith("row 3 [类别]: Unknown category “书记员”")
        assert Cadre.objects.count() == 0

    def test_an_unknown_unit_code_fails(self, county, tmp_path):
        path = tmp_path / "r.xlsx"
        path.write_bytes(xlsx_bytes([roster_row(1)]))

        with pytest.raises(CommandError, match="^No unit has the code NOPE.$"):
            call_command("import_roster", str(path), "--unit", "NOPE")

    def test_a_missing_file_fails(self, county, tmp_path):
        with pytest.raises(CommandError, match="^No such file: "):
            call_command("import_roster", str(tmp_path / "none.xlsx"), "--unit", "C01")
