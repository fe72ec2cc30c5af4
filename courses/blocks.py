from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import RichText

from lms.sanitise import sanitise_rich_text


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text that passes bleach whenever an editor saves it."""

    def clean(self, value):
        value = super().clean(value)
        return RichText(sanitise_rich_text(value.source))


class VideoBlock(blocks.StructBlock):
    video = DocumentChooserBlock(label=_("Video file"), required=False)
    embed = EmbedBlock(label=_("Or an embedded video"), required=False)
    duration_seconds = blocks.IntegerBlock(
        label=_("Length in seconds"),
        min_value=1,
        help_text=_("Used to tell when the video has been watched to the end."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


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
    document = DocumentChooserBlock(label=_("Document"), template="courses/blocks/document.html")
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
