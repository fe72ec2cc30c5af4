"""A lesson's video plays full width at 16:9 on a phone and a desktop; its document shows a title, type and size."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents.models import Document

from courses.models import CoursePage, LessonPage
from tests.e2e import scenes
from tests.e2e.browser import log_in, screenshot, scroll_width
from tests.factories import course_index

VIDEO = Path(__file__).parent / "fixtures" / "lesson-video.webm"


@pytest.fixture
def lesson():
    scenes.cadre_in(scenes.units().team)
    video = Document.objects.create(title="讲座视频.webm", file=ContentFile(VIDEO.read_bytes(), name="talk.webm"))
    handout = Document.objects.create(
        title="产业振兴政策汇编.pdf", file=ContentFile(b"%PDF-1.4\n" + b"0" * 30_000, name="handout.pdf")
    )
    course = course_index().add_child(instance=CoursePage(title="产业振兴", summary="讲座与材料。"))
    return course.add_child(
        instance=LessonPage(
            title="讲座：产业振兴",
            minutes=1,
            body=[
                ("video", {"video": video, "duration_seconds": 40, "caption": "产业振兴讲座"}),
                ("document", {"document": handout, "title": "产业振兴政策汇编"}),
            ],
        )
    )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_video_fills_the_column_at_16_9_and_the_document_is_titled(live_server, new_context, lesson, viewport):
    page = new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "cadre", next_url=lesson.url)

    video = page.locator("video")
    expect(video).to_be_visible()
    column = page.locator("article.lesson").evaluate(
        "el => { const s = getComputedStyle(el);"
        " return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
    )
    box = video.bounding_box()
    assert box["width"] >= column - 1, (box, column)
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.02, box
    assert box["width"] >= (280 if viewport == "phone" else 600)
    link = page.locator(".document-link")
    expect(link.locator(".document-title")).to_have_text("产业振兴政策汇编")
    expect(link.locator(".meta")).to_have_text("PDF · 29.3\xa0KB")
    screenshot(page, "lesson-media")
    assert scroll_width(page) <= page.viewport_size["width"]
