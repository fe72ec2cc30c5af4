"""1,000 certificate PDFs (结业证书): time per certificate and peak memory.

Builds the PDFs from plain data, as the batch zip does once the rows are read, so the figure is
the cost of reportlab (CJK text in STSong-Light, a QR code) and not of the database.
"""

from __future__ import annotations

import os
import resource
import secrets
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

COUNT = 1_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国晓明丽华志强秀英海燕文军红梅春生"


def _data(index: int):
    from records.certificates import CertificateData

    name = SURNAMES[index % len(SURNAMES)] + GIVEN[index % 7 : index % 7 + 1 + index % 2]
    return CertificateData(
        number=f"2026K{index:08d}",
        name=name,
        title=f"乡村振兴战略与基层治理能力提升专题培训第{index % 12 + 1}讲",
        kind_label="课程",
        hours=Decimal("3.0"),
        completed_on=date(2026, 3, 1) + timedelta(days=index % 200),
        issued_on=date(2026, 10, 1),
        issuer="尖兵 · 干部教育培训平台",
        verify_url=f"https://jianbing.example.cn/verify/{secrets.token_urlsafe(18)}/",
    )


def run() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    import django

    django.setup()
    from django.utils import translation

    from records.certificates import certificate_pdf

    with translation.override("zh-hans"):
        certificate_pdf(_data(0))  # font and module warm-up, not counted
        started = time.perf_counter()
        total_bytes = sum(len(certificate_pdf(_data(i))) for i in range(COUNT))
        seconds = time.perf_counter() - started
        # Traced separately: tracemalloc slows pure-Python reportlab several times over. Each PDF is
        # freed before the next, so a tenth of the run shows the same peak as all of it.
        tracemalloc.start()
        for i in range(COUNT // 10):
            certificate_pdf(_data(i))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "benchmark": "certificates",
        "certificates": COUNT,
        "seconds": round(seconds, 2),
        "ms_per_certificate": round(1000 * seconds / COUNT, 2),
        "peak_traced_memory_mb": round(peak / 2**20, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "average_pdf_kb": round(total_bytes / COUNT / 1024, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False))
