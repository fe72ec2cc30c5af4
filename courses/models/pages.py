from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from courses.blocks import LessonBodyBlock, first_video_duration, stream_plain_text


@register_snippet
class CourseCategory(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")

    def __str__(self) -> str:
        return self.name


class CourseTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CourseIndexPage(Page):
    """The course catalogue (/courses/): filters are read by courses.views.catalogue_context."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from courses.views import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request=request, index=self))
        return context


class CoursePage(Page):
    summary = models.TextField(_("summary"))
    cover = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    category = models.ForeignKey(
        CourseCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        verbose_name=_("category"),
    )
    credit_hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=1, default=1)
    is_required = models.BooleanField(
        _("required course"),
        default=False,
        help_text=_("Shown as required (必修) in the catalogue. Who must take it by when is set by requirements."),
    )
    tags = ClusterTaggableManager(through=CourseTag, blank=True, verbose_name=_("tags"))
    search_text = models.TextField(editable=False, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover"),
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("credit_hours"), FieldPanel("is_required"), FieldPanel("tags")],
            heading=_("Classification and credit"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.FilterField("is_required")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        # Chinese has no spaces between words, so full-text tokenisers see a whole sentence
        # as one token; search matches substrings of this denormalised text instead.
        self.search_text = f"{self.title}\n{self.summary}"

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from courses.views import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request=request, course=self))
        return context


class LessonPage(Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("content"))
    minutes = models.PositiveIntegerField(_("expected minutes"), help_text=_("Expected study time"))
    video_seconds = models.PositiveIntegerField(editable=False, default=0)
    search_text = models.TextField(editable=False, blank=True)

    content_panels = Page.content_panels + [FieldPanel("minutes"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def clean(self):
        super().clean()
        self.search_text = f"{self.title}\n{stream_plain_text(self.body)}"
        self.video_seconds = first_video_duration(self.body)

    @property
    def course(self) -> CoursePage:
        return CoursePage.objects.get(pk=self.get_parent().pk)

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.views import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request=request, lesson=self))
        return context
