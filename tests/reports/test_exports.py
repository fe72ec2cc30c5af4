"""Exports: the filters written at the top, Chinese headers, formulas neutralised, big ones in the background."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ExportJob, ExportStatus
from tests.factories import CadreFactory


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


class OverdueExportTests:
    def test_filters_come_first_then_the_chinese_header_then_the_rows(self, client, tree):
        client.force_login(tree.users["county"])
        rows = sheet_rows(client.get(reverse("reports_overdue") + "?unit=C01&category=township&export=xlsx"))
        assert rows[0][0] == "逾期名单"
        assert ("单位", "示范县") in [r[:2] for r in rows[1:6]]
        assert ("年度", "2030") in [r[:2] for r in rows[1:6]]
        header_at = next(i for i, r in enumerate(rows) if r[0] == "姓名")
        assert rows[header_at][:7] == ("姓名", "单位", "人员类别", "联系电话", "课程", "截止日期", "逾期天数")
        assert [(r[0], r[6]) for r in rows[header_at + 1 :]] == [("甲三", 10), ("乙一", 10)]

    def test_text_that_a_spreadsheet_would_run_is_neutralised(self, client, tree):
        evil = CadreFactory(unit=tree.south, name='=HYPERLINK("http://x","点我")', phone="+8613900000000")
        evil.category = "township"
        evil.save()
        client.force_login(tree.users["county"])
        response = client.get(reverse("reports_overdue") + "?unit=C01&export=xlsx")
        content = b"".join(response.streaming_content)
        workbook = load_workbook(io.BytesIO(content))
        cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        values = [cell.value for cell in cells]
        assert '\'=HYPERLINK("http://x","点我")' in values
        assert "'+8613900000000" in values

    def test_a_large_export_runs_in_the_background_and_only_its_owner_may_download_it(
        self, client, tree, settings, django_capture_on_commit_callbacks
    ):
        settings.REPORTS_EXPORT_INLINE_ROWS = 1
        client.force_login(tree.users["county"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("reports_overdue") + "?unit=C01&export=xlsx")
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response.url == reverse("reports_export_job", args=[job.pk])
        assert (job.status, job.total_rows, job.written_rows, job.percent) == (ExportStatus.SUCCEEDED, 2, 2, 100)
        status = client.get(reverse("reports_export_job_status", args=[job.pk])).json()
        assert status["finished"] and status["download_url"]
        rows = sheet_rows(client.get(reverse("reports_export_job_download", args=[job.pk])))
        assert rows[-1][0] == "乙一"
        client.force_login(tree.users["township"])
        assert client.get(reverse("reports_export_job_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("reports_export_job", args=[job.pk])).status_code == 404


def test_the_dashboard_export_ends_with_a_total_row(client, tree):
    client.force_login(tree.users["county"])
    rows = sheet_rows(client.get(reverse("reports_dashboard") + "?export=xlsx"))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "单位" and r[1] == "干部数")
    assert [r[0] for r in rows[header_at + 1 :]] == ["城关镇", "南镇", "合计"]
    assert rows[-1][1:5] == (4, 6, 3, 50.0)
