from pathlib import PurePath

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import RichText

from courses.durations import MAX_SECONDS, DurationFormatError, format_duration, parse_duration
from lms.sanitise import sanitise_rich_text

DURATION_UNREADABLE = gettext_noop("Type the length as minutes:seconds, such as 12:30, or as minutes, such as 12.")
DURATION_OUT_OF_RANGE = gettext_noop("A video lasts between 1 second and 24 hours.")


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text that passes bleach whenever an editor saves it."""

    def clean(self, value):
        value = super().clean(value)
        return RichText(sanitise_rich_text(value.source))


class DurationField(forms.CharField):
    """A video's length typed as minutes:seconds (or plain minutes), cleaned to whole seconds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "12:30", "inputmode": "numeric", "size": 8}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_duration(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            seconds = parse_duration(text)
        except DurationFormatError:
            raise forms.ValidationError(gettext(DURATION_UNREADABLE), code="unreadable") from None
        if not 1 <= seconds <= MAX_SECONDS:
            raise forms.ValidationError(gettext(DURATION_OUT_OF_RANGE), code="out_of_range")
        return seconds


class DurationBlock(blocks.FieldBlock):
    """Seconds in the database (so a video pipeline can fill it in later), minutes:seconds in the form."""

    def __init__(self, required=True, help_text=None, **kwargs):
        self.field = DurationField(required=required, help_text=help_text)
        super().__init__(**kwargs)

    def value_for_form(self, value):
        return format_duration(value) if isinstance(value, int) else value

    def value_from_form(self, value):
        try:
            return parse_duration(value) if isinstance(value, str) and value.strip() else value
        except DurationFormatError:
            return value  # clean() reports it

    def to_python(self, value):
        return int(value) if value not in (None, "") else None

    def get_prep_value(self, value):
        return int(value) if isinstance(value, int) else None


class VideoBlock(blocks.StructBlock):
    video = DocumentChooserBlock(label=_("Video file"), required=False)
    embed = EmbedBlock(label=_("Or an embedded video"), required=False)
    duration_seconds = DurationBlock(
        label=_("Length (minutes:seconds)"),
        help_text=_("Such as 12:30. Used to tell when the video has been watched to the end."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


def document_display_title(title: str) -> str:
    """A document's title as cadres should read it: without a file extension left from the upload."""
    path = PurePath(title.strip())
    return path.stem if path.suffix and len(path.suffix) <= 6 and path.stem else title.strip()


class DocumentBlock(blocks.StructBlock):
    """A document to download, under the title the trainer gives it (by default the document's own)."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Title shown to cadres"),
        required=False,
        max_length=120,
        help_text=_("Leave blank to use the document's title, without its file extension."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "courses/blocks/document.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("title") or "").strip() and value.get("document"):
            value["title"] = document_display_title(value["document"].title)
        return value

    def to_python(self, value):
        # Lessons written before documents had a title stored the document's id alone.
        return super().to_python({"document": value} if isinstance(value, int) else value)

    def bulk_to_python(self, values):
        return super().bulk_to_python([{"document": v} if isinstance(v, int) else v for v in values])


class PolicyQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    source = blocks.CharBlock(label=_("Source"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Policy quote")
        template = "courses/blocks/policy_quote.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.TextBlock(label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Key point")
        template = "courses/blocks/callout.html"


class LessonBodyBlock(blocks.StreamBlock):
    paragraph = SanitisedRichTextBlock(
        label=_("Rich text"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
    )
    image = ImageBlock(label=_("Image"))
    document = DocumentBlock()
    video = VideoBlock()
    quote = PolicyQuoteBlock()
    callout = CalloutBlock()


def stream_plain_text(stream_value) -> str:
    """All words of a lesson body, tags removed: what search looks inside."""
    parts: list[str] = []
    for child in stream_value:
        value = child.value
        if isinstance(value, RichText):
            parts.append(strip_tags(value.source))
        elif isinstance(value, blocks.StructValue):
            parts.extend(str(v) for v in value.values() if isinstance(v, str))
        elif isinstance(value, str):
            parts.append(value)
    return "\n".join(p for p in parts if p)


def first_video_duration(stream_value) -> int:
    for child in stream_value:
        if child.block_type == "video":
            return int(child.value["duration_seconds"] or 0)
    return 0
