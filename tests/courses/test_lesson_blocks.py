"""Trainers type video lengths as minutes:seconds; document blocks carry a title cadres can read."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation
from wagtail.documents.models import Document

from courses.blocks import (
    DURATION_OUT_OF_RANGE,
    DURATION_UNREADABLE,
    DocumentBlock,
    LessonBodyBlock,
    VideoBlock,
    document_display_title,
)
from courses.durations import DurationFormatError, format_duration, parse_duration
from courses.models import CoursePage, LessonPage
from tests.factories import CadreFactory, course_index, unit_root


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


class DurationParsingTests:
    @pytest.mark.parametrize(
        ("typed", "seconds"),
        [("12:30", 750), ("0:45", 45), ("1:02:03", 3723), ("12", 720), ("12.5", 750), ("12：30", 750), (" 3:05 ", 185)],
    )
    def test_lengths_are_read_as_trainers_type_them(self, typed, seconds):
        assert parse_duration(typed) == seconds

    @pytest.mark.parametrize("typed", ["12:75", "1:75:00", "abc", "12m", "-3", "1:2:3:4", ""])
    def test_what_is_not_a_length_is_refused(self, typed):
        with pytest.raises(DurationFormatError):
            parse_duration(typed)

    @pytest.mark.parametrize(("seconds", "shown"), [(750, "12:30"), (45, "0:45"), (3723, "1:02:03")])
    def test_seconds_are_shown_as_minutes_and_seconds(self, seconds, shown):
        assert format_duration(seconds) == shown


class VideoBlockTests:
    def _duration(self):
        return VideoBlock().child_blocks["duration_seconds"]

    def test_the_form_shows_stored_seconds_as_minutes_and_seconds(self):
        assert self._duration().get_form_state(750) == "12:30"

    def test_a_typed_length_is_stored_as_seconds(self):
        block = self._duration()
        assert block.clean(block.value_from_datadict({"d": "12:30"}, {}, "d")) == 750
        assert block.get_prep_value(750) == 750

    def test_an_unreadable_length_says_how_to_type_it(self):
        block = self._duration()
        with pytest.raises(ValidationError) as error:
            block.clean(block.value_from_datadict({"d": "twelve"}, {}, "d"))
        assert error.value.messages == [DURATION_UNREADABLE]

    def test_a_zero_length_is_refused(self):
        block = self._duration()
        with pytest.raises(ValidationError) as error:
            block.clean(block.value_from_datadict({"d": "0:00"}, {}, "d"))
        assert error.value.messages == [DURATION_OUT_OF_RANGE]

    def test_the_length_is_required(self):
        block = self._duration()
        with pytest.raises(ValidationError):
            block.clean(block.value_from_datadict({"d": ""}, {}, "d"))


@pytest.mark.django_db
class DocumentBlockTests:
    @pytest.fixture
    def document(self):
        return Document.objects.create(
            title="乡村振兴促进法全文.pdf", file=ContentFile(b"%PDF-1.4\n" + b"0" * 2048, name="law.pdf")
        )

    @pytest.mark.parametrize(
        ("title", "shown"),
        [
            ("乡村振兴促进法全文.pdf", "乡村振兴促进法全文"),
            ("会议纪要.DOCX", "会议纪要"),
            ("2024年工作要点", "2024年工作要点"),
        ],
    )
    def test_a_title_left_from_the_upload_loses_its_extension(self, title, shown):
        assert document_display_title(title) == shown

    def test_a_blank_title_is_filled_from_the_document(self, document):
        value = DocumentBlock().clean(DocumentBlock().to_python({"document": document.pk, "title": ""}))
        assert value["title"] == "乡村振兴促进法全文"

    def test_a_title_the_trainer_gives_is_kept(self, document):
        value = DocumentBlock().clean(DocumentBlock().to_python({"document": document.pk, "title": "法律原文"}))
        assert value["title"] == "法律原文"

    def test_a_lesson_written_before_titles_still_loads_its_document(self, document):
        stream = LessonBodyBlock().to_python([{"type": "document", "value": document.pk, "id": "x"}])
        assert stream[0].value["document"] == document

    def test_the_lesson_page_shows_title_type_and_size(self, client, document):
        course = course_index().add_child(instance=CoursePage(title="乡村振兴促进法", summary="简介"))
        lesson = course.add_child(
            instance=LessonPage(
                title="原文",
                minutes=5,
                body=[("document", {"document": document, "title": "促进法原文"})],
            )
        )
        client.force_login(CadreFactory(unit=unit_root()).user)

        page = client.get(lesson.url).content.decode()

        assert '<span class="document-title">促进法原文</span>' in page
        assert "PDF · 2.0\xa0KB" in page
        assert "乡村振兴促进法全文.pdf" not in page


@pytest.mark.django_db
class LessonAuthoringTests:
    """Through the Wagtail page editor, as a trainer's browser posts it."""

    @pytest.fixture
    def course(self):
        return course_index().add_child(instance=CoursePage(title="产业振兴", summary="简介"))

    @pytest.fixture
    def handout(self):
        return Document.objects.create(title="政策汇编.pdf", file=ContentFile(b"%PDF-1.4\n", name="handout.pdf"))

    def _post(self, client, course, *, duration: str, handout):
        from django.urls import reverse
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

        from tests.factories import make_admin

        client.force_login(make_admin())
        data = nested_form_data(
            {
                "title": "讲座",
                "slug": "talk",
                "minutes": "15",
                "body": streamfield(
                    [
                        ("video", {"video": "", "embed": "", "duration_seconds": duration, "caption": ""}),
                        ("document", {"document": str(handout.pk), "title": ""}),
                    ]
                ),
                "go_live_at": "",
                "expire_at": "",
                "comments": inline_formset([]),
            }
        )
        return client.post(reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk)), data)

    def test_a_length_typed_as_minutes_and_seconds_is_saved_in_seconds(self, client, course, handout):
        response = self._post(client, course, duration="12:30", handout=handout)

        assert response.status_code == 302
        lesson = LessonPage.objects.get(slug="talk")
        assert lesson.video_seconds == 750
        assert lesson.body[0].value["duration_seconds"] == 750
        assert lesson.body[1].value["title"] == "政策汇编"

    def test_an_unreadable_length_is_refused_with_how_to_type_it(self, client, course, handout):
        response = self._post(client, course, duration="12:75", handout=handout)

        assert response.status_code == 200
        assert DURATION_UNREADABLE in response.content.decode()
        assert not LessonPage.objects.filter(slug="talk").exists()
