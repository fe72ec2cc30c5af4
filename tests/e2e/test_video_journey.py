"""A cadre watches part of a lesson's video on a phone, reloads the page, and carries on where they stopped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.documents.models import Document

from courses.models import CoursePage, LessonPage
from tests.e2e import scenes
from tests.e2e.browser import log_in, screenshot, wait_until
from tests.factories import course_index

# 40 s of 160×90 VP8 (a few kilobytes), made by fixtures/make_video.py.
VIDEO = Path(__file__).parent / "fixtures" / "lesson-video.webm"
VIDEO_SECONDS = 40
STOP_AFTER = 20  # seconds of video watched before the reload
NEAR = 1.5  # how far from the stopping point a resume may land


@pytest.fixture
def video_lesson(settings, tmp_path) -> LessonPage:
    """A required one-lesson course whose lesson is a 40-second video."""
    # Wagtail serves documents from a real file; the test settings' in-memory storage has none.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    document = Document.objects.create(
        title="乡村振兴讲座视频", file=ContentFile(VIDEO.read_bytes(), name="lesson-video.webm")
    )
    course = course_index().add_child(
        instance=CoursePage(title="乡村振兴讲座", summary="一段讲座视频。", credit_hours=1)
    )
    lesson = course.add_child(
        instance=LessonPage(
            title="讲座：产业振兴",
            minutes=1,
            body=[
                ("video", {"video": document, "duration_seconds": VIDEO_SECONDS, "caption": "产业振兴讲座"}),
                ("paragraph", "<p>请观看讲座视频。</p>"),
            ],
        )
    )
    scenes.require(course, tree.county, due=timezone.localdate() + timedelta(days=30))
    return lesson


def video_time(page: Page) -> float:
    return page.evaluate("document.querySelector('video').currentTime")


def wait_until_ready(page: Page) -> None:
    """Wait for the video's metadata, and a moment for the page script to apply any resume."""
    wait_until(page, "document.querySelector('video').readyState >= 1")
    page.wait_for_timeout(300)
    wait_until(page, "!document.querySelector('video').seeking")


class VideoResumeTests:
    def test_a_video_resumes_near_where_the_cadre_stopped_after_a_reload(self, live_server, phone, video_lesson):
        log_in(phone, live_server.url, "cadre")
        phone.goto(live_server.url + video_lesson.url)
        video = phone.locator("video[data-tracked-video]")
        expect(video).to_be_visible()
        wait_until_ready(phone)
        assert phone.evaluate("document.querySelector('video').duration") == pytest.approx(VIDEO_SECONDS, abs=1)
        assert video_time(phone) == 0

        # Played faster than real time, so the test need not sit through twenty seconds.
        phone.evaluate("v => { v.muted = true; v.playbackRate = 4; return v.play(); }", video.element_handle())
        wait_until(phone, f"document.querySelector('video').currentTime >= {STOP_AFTER}", timeout=20)
        phone.evaluate("document.querySelector('video').pause()")
        stopped = video_time(phone)
        screenshot(phone, "lesson-video")

        phone.reload()
        wait_until_ready(phone)
        wait_until(phone, "document.querySelector('video').currentTime > 0", timeout=5)

        resumed = video_time(phone)
        assert stopped - NEAR <= resumed <= stopped + NEAR, (stopped, resumed)
        assert phone.evaluate("document.querySelector('video').paused")

    def test_a_video_watched_to_the_end_starts_again_from_the_beginning(self, live_server, phone, video_lesson):
        log_in(phone, live_server.url, "cadre")
        phone.goto(live_server.url + video_lesson.url)
        wait_until_ready(phone)

        phone.evaluate(
            "v => { v.muted = true; v.playbackRate = 16; return v.play(); }", phone.locator("video").element_handle()
        )
        wait_until(phone, "document.querySelector('video').ended", timeout=20)
        phone.reload()
        wait_until_ready(phone)

        assert video_time(phone) < NEAR
