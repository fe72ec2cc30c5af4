"""One place for HTML sanitising, so trainers' rich text and cadres' text follow one policy."""

import bleach

# Wagtail's stored rich-text format uses <a linktype=…> and <embed embedtype=…>; they must
# survive, while scripts, event handlers and styles never do.
RICH_TEXT_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "embed",
        "h2",
        "h3",
        "h4",
        "h5",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "strong",
        "sub",
        "sup",
        "ul",
    }
)
RICH_TEXT_ATTRIBUTES = {
    "a": ["href", "linktype", "id"],
    "embed": ["embedtype", "id", "format", "alt", "url"],
}
RICH_TEXT_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})


def sanitise_rich_text(html: str) -> str:
    return bleach.clean(
        html,
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        protocols=RICH_TEXT_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def sanitise_plain_text(text: str) -> str:
    """Text typed by a cadre: every tag removed, entities left for the template to escape."""
    return bleach.clean(text, tags=set(), attributes={}, strip=True)
