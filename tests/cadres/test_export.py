import io

import pytest
from openpyxl import load_workbook

from cadres import idcard, services
from cadres.models import mask_id_number
from cadres.roles import EVERYTHING, Scope
from cadres.roster import COLUMNS
from cadres.spreadsheets import neutralise
from tests.factories import CadreFactory, unit_child, unit_root

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes, title: str = "花名册") -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[title].iter_rows(values_only=True))


class NeutraliseTests:
    @pytest.mark.parametrize("value", ["=1+1", "+86 139", "-2", "@SUM(A1)", "\t=x", "\r=x"])
    def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(self, value):
        assert neutralise(value) == "'" + value

    @pytest.mark.parametrize("value", ["张伟", "a=b", 12, None])
    def test_everything_else_is_left_alone(self, value):
        assert neutralise(value) == value


class RosterExportTests:
    def setup_method(self):
        self.county = unit_root(code="C01", name="示范县")
        self.township = unit_child(self.county, code="T01", name="城关镇")
        self.cadre = CadreFactory(
            unit=self.township, name='=HYPERLINK("http://evil")', sending_unit="@cmd", phone="+8613900000000"
        )
        self.other = CadreFactory(unit=unit_root(code="C02", name="邻县"), name="邻县干部")

    def test_formula_cells_are_neutralised(self):
        header, row = sheet_rows(services.roster_export(scope=Scope(path=self.county.path)))

        assert row[0] == '\'=HYPERLINK("http://evil")'
        assert row[4] == "'+8613900000000"
        assert row[8] == "'@cmd"
        assert header == tuple(column.header for column in COLUMNS)

    def test_an_officer_export_masks_id_numbers_and_stays_in_the_subtree(self):
        rows = sheet_rows(services.roster_export(scope=Scope(path=self.county.path)))[1:]

        assert [row[3] for row in rows] == [mask_id_number(self.cadre.id_number)]
        assert rows[0][3].startswith(self.cadre.id_number[:4]) and "**********" in rows[0][3]
        assert rows[0][5] == "示范县/城关镇"

    def test_an_administrator_export_shows_full_id_numbers(self):
        rows = sheet_rows(services.roster_export(scope=EVERYTHING, unmasked=True))[1:]

        assert sorted(row[3] for row in rows) == sorted([self.cadre.id_number, self.other.id_number])

    def test_an_unmasked_export_can_be_imported_again_unchanged(self):
        # Neutralised cells would be read back with their apostrophe, so use plain values here.
        self.cadre.name, self.cadre.phone, self.cadre.sending_unit = "张伟", "13900000000", "县农业局"
        # The factory's gender is fixed; the ID number's own must be exported for the file to import.
        self.cadre.gender = idcard.parse(self.cadre.id_number).gender
        self.cadre.save()
        content = services.roster_export(scope=Scope(path=self.county.path), unmasked=True)

        result = services.roster_import(file=content, filename="export.xlsx", root_unit=self.county)

        assert (result.created, result.updated, result.units_created) == (0, 1, 0)


class RosterTemplateTests:
    def test_the_template_has_the_header_an_example_and_a_notes_sheet(self):
        content = services.roster_template()
        workbook = load_workbook(io.BytesIO(content))

        assert workbook.sheetnames == ["花名册", "说明"]
        header, example = sheet_rows(content)
        assert header == tuple(column.header for column in COLUMNS)
        notes = sheet_rows(content, "说明")
        assert [row[0] for row in notes[1 : len(COLUMNS) + 1]] == [column.header for column in COLUMNS]

    def test_the_example_row_of_the_template_imports(self):
        county = unit_root(code="C09", name="示范县")

        result = services.roster_import(file=services.roster_template(), filename="t.xlsx", root_unit=county)

        assert result.created == 1
