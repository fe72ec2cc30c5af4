"""Writing reports to .xlsx: the filters applied at the top, Chinese headers, no cell ever a formula.

Rows are generators and the workbook is written row by row into its zip file (reports.xlsx),
so memory stays flat however many rows there are; the finished file is streamed from disk.
Above `REPORTS_EXPORT_INLINE_ROWS` rows the export runs as a background task (`ExportJob`)
whose page shows progress and then a download link.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from cadres.spreadsheets import neutralise
from reports import xlsx
from reports.models import ExportJob, ExportStatus

logger = logging.getLogger("jianbing.reports")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 2000


def inline_limit() -> int:
    return getattr(settings, "REPORTS_EXPORT_INLINE_ROWS", 5000)


@dataclass
class Table:
    """One sheet: a title, the filters applied as (label, value) pairs, a header and rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    filters: Sequence[tuple[str, str]] = ()
    widths: Sequence[int] = ()
    count: int | None = None  # rows, when known in advance (for progress)


@dataclass
class Export:
    filename: str
    tables: list[Table] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(table.count or 0 for table in self.tables)


def cell_value(value: object) -> object:
    """What a cell holds: text neutralised, aware datetimes in local time, decimals as floats."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (int, float, date)):
        return value
    return neutralise(str(value))


def write_xlsx(export: Export, output, *, progress: Callable[[int], None] | None = None) -> int:
    """Write every table of `export` to the binary file `output`. Returns the data rows written."""
    written = 0
    with xlsx.Workbook(output) as workbook:
        for table in export.tables:
            sheet = workbook.sheet(table.title, widths=table.widths)
            sheet.append([cell_value(table.title)], style=xlsx.BOLD)
            for label, value in table.filters:
                sheet.append([cell_value(label), cell_value(value)])
            sheet.append([cell_value("导出时间"), cell_value(timezone.localtime().strftime("%Y-%m-%d %H:%M"))])
            sheet.append([])
            sheet.append([cell_value(text) for text in table.header], style=xlsx.BOLD)
            append = sheet.append
            for row in table.rows:
                append([cell_value(value) for value in row])
                written += 1
                if progress and written % PROGRESS_EVERY == 0:
                    progress(written)
    return written


def xlsx_tempfile(export: Export, *, progress=None) -> tuple[object, int]:
    """The workbook in a temporary file, rewound, for a streaming response or storage; and its row count."""
    handle = tempfile.TemporaryFile()
    with translation.override("zh-hans"):
        written = write_xlsx(export, handle, progress=progress)
    handle.seek(0)
    return handle, written


# ---------------------------------------------------------------------------- background jobs


def export_job_create(*, report: str, params: dict, user, filename: str) -> ExportJob:
    from reports.tasks import run_export

    job = ExportJob.objects.create(report=report, params=params, created_by=user, filename=filename)
    transaction.on_commit(lambda: run_export.enqueue(job_id=job.pk))
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the export the job describes, as its user, and store the file; progress as rows are written."""
    from reports.registry import build_export

    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    jobs = ExportJob.objects.filter(pk=job_id)
    try:
        export = build_export(job.report, params=job.params, user=job.created_by)
        jobs.update(status=ExportStatus.RUNNING, total_rows=export.count)
        handle, written = xlsx_tempfile(export, progress=lambda done: jobs.update(written_rows=done))
        with handle:
            job.file.save(export.filename, File(handle), save=False)
        jobs.update(
            status=ExportStatus.SUCCEEDED,
            file=job.file.name,
            total_rows=written,
            written_rows=written,
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("Report export job %s failed", job_id)
        jobs.update(status=ExportStatus.FAILED, finished_at=timezone.now())
    job.refresh_from_db()
    return job
