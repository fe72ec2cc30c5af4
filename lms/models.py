from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms.sanitise import sanitise_rich_text


class HomePage(Page):
    """The site's front page: announcements, featured courses and, for a cadre, what is due."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("featured_courses", label=_("Featured courses"), max_num=6),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage", "lms.AnnouncementIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def announcements(self, limit: int = 5):
        return AnnouncementPage.objects.live().descendant_of(self).order_by("-date", "-first_published_at")[:limit]

    def featured(self):
        return [f.course.specific for f in self.featured_courses.select_related("course") if f.course.live]


class HomeFeaturedCourse(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_courses")
    # A plain Page link keeps lms free of imports from the course app; the chooser limits the type.
    course = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("course", "courses.CoursePage")]


class AnnouncementIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["lms.HomePage"]
    subpage_types = ["lms.AnnouncementPage"]
    max_count = 1

    class Meta:
        verbose_name = _("announcements")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["announcements"] = (
            AnnouncementPage.objects.live().child_of(self).order_by("-date", "-first_published_at")
        )
        return context


class AnnouncementPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    body = RichTextField(_("body"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"])

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["lms.AnnouncementIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("announcement")

    def clean(self):
        super().clean()
        self.body = sanitise_rich_text(self.body)
