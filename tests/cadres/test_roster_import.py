from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cadres import roster, services
from cadres.exceptions import RosterRejected
from cadres.models import Cadre, CadreCategory, ImportJob, ImportStatus, OrgUnit, UnitLevel
from cadres.roles import CADRE_GROUP
from cadres.roster import RowError
from tests.cadres.files import HEADER, csv_bytes, roster_row, xlsx_bytes
from tests.factories import CadreFactory, unit_child, unit_root, valid_id_number

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return unit_root(code="C01", name="示范县")


def rejected(content: bytes, root, filename: str = "roster.xlsx") -> list[RowError]:
    with pytest.raises(RosterRejected) as caught:
        services.roster_import(file=content, filename=filename, root_unit=root)
    return caught.value.errors


def counts() -> tuple[int, int, int]:
    return Cadre.objects.count(), User.objects.count(), OrgUnit.objects.count()


class GoodFileTests:
    def test_an_xlsx_file_creates_cadres_logins_and_missing_units(self, county):
        content = xlsx_bytes([roster_row(1), roster_row(2), roster_row(3, 单位="示范县/城关镇")])

        result = services.roster_import(file=content, filename="花名册.xlsx", root_unit=county)

        assert (result.total_rows, result.created, result.updated, result.units_created) == (3, 3, 0, 2)
        township = OrgUnit.objects.get(name="城关镇")
        team = OrgUnit.objects.get(name="东村工作队")
        assert (township.level, team.level) == (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE_TEAM)
        assert county.contains(township) and township.contains(team)
        cadre = Cadre.objects.get(name="干部1")
        assert cadre.unit == team
        assert cadre.category == CadreCategory.FIRST_SECRETARY
        assert (cadre.gender, cadre.birth_date, cadre.rank) == ("male", date(1985, 3, 7), "section_deputy")
        assert (cadre.sending_unit, cadre.posted_on, cadre.active) == ("县农业农村局", date(2024, 3, 1), True)
        assert Cadre.objects.get(name="干部3").unit == township

    def test_the_login_is_the_id_number_waiting_for_activation_with_no_usable_password(self, county):
        services.roster_import(file=xlsx_bytes([roster_row(1)]), filename="r.xlsx", root_unit=county)

        cadre = Cadre.objects.select_related("user", "user__account").get()
        assert cadre.user.username == cadre.id_number
        assert not cadre.user.has_usable_password()
        assert not cadre.user.check_password(cadre.id_number[-6:])
        assert cadre.user.account.activated_at is None
        assert cadre.user.account.code_hash == ""  # codes come with the slips, not with the import
        assert cadre.user.groups.filter(name=CADRE_GROUP).exists()
        assert not cadre.user.is_staff

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
    def test_csv_files_in_utf8_and_gb18030_are_read(self, county, encoding):
        content = csv_bytes([roster_row(1), roster_row(2, 类别="村干部")], encoding=encoding)

        result = services.roster_import(file=content, filename="roster.csv", root_unit=county)

        assert result.created == 2
        assert set(Cadre.objects.values_list("name", flat=True)) == {"干部1", "干部2"}
        assert Cadre.objects.get(name="干部2").category == CadreCategory.VILLAGE

    def test_only_the_required_columns_are_enough(self, county):
        header = ["姓名", "身份证号", "单位", "类别"]
        services.roster_import(file=xlsx_bytes([roster_row(2)], header=header), filename="r.xlsx", root_unit=county)

        cadre = Cadre.objects.get()
        assert (cadre.gender, cadre.birth_date, cadre.phone, cadre.active) == ("female", date(1985, 3, 7), "", True)

    def test_a_path_may_start_above_the_officers_unit(self, county):
        township = unit_child(county, code="T01", name="城关镇")

        result = services.roster_import(
            file=xlsx_bytes([roster_row(1), roster_row(2, 单位="城关镇/西村工作队")]),
            filename="r.xlsx",
            root_unit=township,
        )

        assert result.units_created == 2
        assert set(OrgUnit.objects.get(name="城关镇").get_children().values_list("name", flat=True)) == {
            "东村工作队",
            "西村工作队",
        }
        assert OrgUnit.objects.filter(name="城关镇").count() == 1

    def test_new_unit_codes_follow_the_parent_code(self, county):
        services.roster_import(file=xlsx_bytes([roster_row(1)]), filename="r.xlsx", root_unit=county)

        assert OrgUnit.objects.get(name="城关镇").code == "C01-01"
        assert OrgUnit.objects.get(name="东村工作队").code == "C01-01-01"

    def test_progress_is_reported_while_checking_then_writing(self, county):
        seen = []
        services.roster_import(
            file=xlsx_bytes([roster_row(n) for n in range(1, 4)]),
            filename="r.xlsx",
            root_unit=county,
            progress=lambda *args: seen.append(args),
        )

        assert seen[-2:] == [("checking", 3, 3), ("writing", 3, 3)]


class ReimportTests:
    def test_a_reimport_updates_by_id_number_instead_of_duplicating(self, county):
        services.roster_import(file=xlsx_bytes([roster_row(1), roster_row(2)]), filename="r.xlsx", root_unit=county)
        password = User.objects.get(username=valid_id_number(1, born=date(1985, 3, 7))).password

        result = services.roster_import(
            file=xlsx_bytes(
                [roster_row(1, 姓名="王芳", 类别="工作队员", 单位="示范县/南镇/南村工作队", 状态="离任"), roster_row(3)]
            ),
            filename="r.xlsx",
            root_unit=county,
        )

        assert (result.created, result.updated) == (1, 1)
        assert Cadre.objects.count() == 3 and User.objects.count() == 3
        cadre = Cadre.objects.get(id_number=valid_id_number(1, born=date(1985, 3, 7)))
        assert (cadre.name, cadre.category, cadre.unit.name, cadre.active) == (
            "王芳",
            "team_member",
            "南村工作队",
            False,
        )
        assert cadre.user.password == password

    def test_columns_missing_from_a_reimport_leave_those_fields_alone(self, county):
        services.roster_import(file=xlsx_bytes([roster_row(1)]), filename="r.xlsx", root_unit=county)

        services.roster_import(
            file=xlsx_bytes([roster_row(1, 姓名="新名字")], header=["姓名", "身份证号", "单位", "类别"]),
            filename="r.xlsx",
            root_unit=county,
        )

        cadre = Cadre.objects.get()
        assert (cadre.name, cadre.phone, cadre.sending_unit) == ("新名字", "13900000001", "县农业农村局")


class BadFileTests:
    def test_a_missing_required_column_rejects_the_file(self, county):
        header = [column for column in HEADER if column != "类别"]

        assert rejected(xlsx_bytes([roster_row(1)], header=header), county) == [
            RowError(1, "类别", roster.FILE_MISSING_COLUMN, (("column", "类别"),))
        ]
        assert rejected(xlsx_bytes([roster_row(1)], header=header), county)[0].message == (
            "The required column 类别 is missing from the header row."
        )

    def test_a_bad_id_number_checksum_is_reported_with_its_row(self, county):
        bad = valid_id_number(2)[:-1] + ("0" if valid_id_number(2)[-1] != "0" else "1")
        errors = rejected(xlsx_bytes([roster_row(1), roster_row(2, 身份证号=bad)]), county)

        assert [(e.row, e.column) for e in errors] == [(3, "身份证号")]
        assert errors[0].message == (
            f"The ID number's check character is wrong (expected {valid_id_number(2, born=date(1985, 3, 7))[-1]})."
        )

    def test_an_id_number_of_the_wrong_length_is_reported(self, county):
        errors = rejected(xlsx_bytes([roster_row(1, 身份证号="1101011985")]), county)

        assert [(e.row, e.column, e.message) for e in errors] == [
            (2, "身份证号", "The ID number must be 18 characters: 17 digits and a final digit or X.")
        ]

    def test_an_unknown_category_is_reported(self, county):
        errors = rejected(xlsx_bytes([roster_row(1, 类别="书记员")]), county)

        assert [(e.row, e.column, e.message) for e in errors] == [
            (
                2,
                "类别",
                "Unknown category “书记员”; use one of: 第一书记、工作队长、工作队员、乡镇干部、村干部、县直部门干部.",
            )
        ]

    def test_a_unit_outside_the_officers_subtree_is_reported(self, county):
        township = unit_child(county, code="T01", name="城关镇")
        errors = rejected(
            xlsx_bytes([roster_row(1, 单位="示范县/南镇/南村工作队"), roster_row(2, 单位="别县/某镇")]), township
        )

        assert [(e.row, e.column, e.message) for e in errors] == [
            (2, "单位", "Unit 示范县/南镇/南村工作队 is outside your units; paths must start at 示范县/城关镇."),
            (3, "单位", "Unit 别县/某镇 is outside your units; paths must start at 示范县/城关镇."),
        ]

    def test_a_duplicate_id_number_in_the_file_is_reported_on_the_second_row(self, county):
        errors = rejected(xlsx_bytes([roster_row(1), roster_row(2), roster_row(1, 姓名="重复")]), county)

        assert [(e.row, e.column, e.message) for e in errors] == [
            (4, "身份证号", "The same ID number already appears in row 2.")
        ]

    @pytest.mark.parametrize(
        ("content", "filename"),
        [
            (b"%PDF-1.4 not a roster", "roster.pdf"),
            (b"%PDF-1.4 not a roster", "roster.xlsx"),
            (b"PK\x03\x04 truncated zip", "roster.xlsx"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "roster.csv"),
            (b"\xff\xfe\xfa\xfb\x81\x30", "roster.csv"),
        ],
    )
    def test_a_file_that_is_not_a_spreadsheet_is_rejected(self, county, content, filename):
        errors = rejected(content, county, filename=filename)

        assert [(e.row, e.column, e.message) for e in errors] == [
            (None, "", "The file is not a spreadsheet: upload an .xlsx workbook or a .csv file.")
        ]

    def test_a_workbook_whose_sheet_cannot_be_read_back_is_rejected(self, county):
        # openpyxl writes U+FFFE into the sheet XML but cannot parse it back; that surfaces only
        # while rows are read.
        errors = rejected(xlsx_bytes([roster_row(1, 姓名="\ufffe")]), county)

        assert [(e.row, e.column, e.message) for e in errors] == [
            (None, "", "The file is not a spreadsheet: upload an .xlsx workbook or a .csv file.")
        ]

    def test_an_empty_required_cell_is_reported(self, county):
        errors = rejected(xlsx_bytes([roster_row(1, 姓名=None)]), county)

        assert [(e.row, e.column, e.message) for e in errors] == [(2, "姓名", "姓名 is empty.")]

    def test_optional_cells_are_checked_too(self, county):
        errors = rejected(
            xlsx_bytes([roster_row(1, 性别="女", 出生日期="1985-13-01", 职级="部长", 状态="休假")]), county
        )

        assert [(e.column, e.message) for e in errors] == [
            (
                "职级",
                "Unknown rank “部长”; use one of: 县处级正职、县处级副职、乡科级正职、乡科级副职、科员、办事员、其他.",
            ),
            ("性别", "Gender “女” does not match the ID number."),
            ("出生日期", "“1985-13-01” is not a date; write dates as 2024-03-01."),
            ("状态", "Unknown status “休假”; use 在职 or 离任."),
        ]

    def test_a_header_without_rows_is_rejected(self, county):
        assert [e.message for e in rejected(xlsx_bytes([]), county)] == [
            "The file has a header row but no cadres below it."
        ]

    def test_an_existing_cadre_of_another_subtree_is_reported(self, county):
        other = unit_root(code="C02", name="邻县")
        CadreFactory(unit=other, id_number=valid_id_number(1, born=date(1985, 3, 7)))

        errors = rejected(xlsx_bytes([roster_row(1)]), county)

        assert [(e.row, e.column, e.message) for e in errors] == [
            (2, "身份证号", "This ID number belongs to a cadre outside your units.")
        ]

    def test_an_existing_login_that_is_not_a_cadre_is_reported(self, county):
        User.objects.create_user(username=valid_id_number(1, born=date(1985, 3, 7)))

        errors = rejected(xlsx_bytes([roster_row(1)]), county)

        assert [e.message for e in errors] == ["A login named after this ID number already exists and is not a cadre."]

    def test_nothing_is_written_when_any_row_is_bad(self, county):
        CadreFactory(unit=county, id_number=valid_id_number(5, born=date(1985, 3, 7)), name="原名")
        before = counts()
        content = xlsx_bytes(
            [roster_row(1), roster_row(5, 姓名="改名", 单位="示范县/新镇"), roster_row(2, 类别="未知")]
        )

        rejected(content, county)

        assert counts() == before
        assert Cadre.objects.get().name == "原名"
        assert not OrgUnit.objects.filter(name="新镇").exists()

    def test_every_bad_row_is_listed_not_only_the_first(self, county):
        errors = rejected(xlsx_bytes([roster_row(1, 类别="x"), roster_row(2), roster_row(3, 姓名="")]), county)

        assert [(e.row, e.column) for e in errors] == [(2, "类别"), (4, "姓名")]


class LargeFileTests:
    def test_a_thousand_rows_import_with_a_bounded_number_of_queries(self, county, django_assert_max_num_queries):
        rows = [
            roster_row(
                n,
                身份证号=valid_id_number(n, born=date(1980 + n // 1000, 1, 1)),
                性别=None,
                出生日期=None,
                单位=f"示范县/镇{n % 5}/村{n % 30}工作队",
            )
            for n in range(1000)
        ]
        content = xlsx_bytes(rows)

        # Treebeard adds units one at a time (a handful of queries each); rows go in batches of 500,
        # and so do the postings the rows make (every row is a first secretary of a work team) and
        # the pending accounts of the new logins (two batches).
        with django_assert_max_num_queries(35 * 6 + 40 + 20 + 2):
            result = services.roster_import(file=content, filename="big.xlsx", root_unit=county)

        assert (result.created, result.units_created, result.postings_created) == (1000, 35, 1000)
        assert Cadre.objects.count() == 1000
        assert User.objects.filter(groups__name=CADRE_GROUP).count() == 1000


class ImportJobTests:
    def test_a_job_records_success_counts_and_drops_the_file(self, county, django_capture_on_commit_callbacks):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("r.xlsx", xlsx_bytes([roster_row(1), roster_row(2)]))
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_job_create(file=upload, unit=county, actor=None)

        job.refresh_from_db()
        assert job.status == ImportStatus.SUCCEEDED
        assert (job.total_rows, job.processed_rows, job.created_count, job.percent) == (2, 2, 2, 100)
        assert not job.file
        assert job.finished_at is not None

    def test_a_rejected_job_keeps_the_row_errors(self, county, django_capture_on_commit_callbacks):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("r.csv", csv_bytes([roster_row(1, 类别="无")]))
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_job_create(file=upload, unit=county, actor=None)

        job = ImportJob.objects.get(pk=job.pk)
        assert job.status == ImportStatus.REJECTED
        assert [RowError.from_dict(e).column for e in job.errors] == ["类别"]
        assert Cadre.objects.count() == 0


class PureRosterTests:
    def test_category_labels_cover_every_cadre_category(self):
        assert set(roster.CATEGORY_LABELS.values()) == set(CadreCategory.values)

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            (("示范县", "城关镇", "东村"), ("东村",)),
            (("城关镇", "东村"), ("东村",)),
            (("城关镇",), ()),
            (("示范县", "南镇"), None),
            (("示范县",), None),
            (("东村",), None),
        ],
    )
    def test_unit_paths_resolve_below_the_root_or_not_at_all(self, path, expected):
        assert roster.resolve_unit_path(path, ("示范县", "城关镇")) == expected
