"""What every postings admin view shares: subtree-scoped object lookups, safe exports, service errors on forms."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from postings import rules
from postings.exceptions import PostingsError
from postings.scoping import user_scope


class SafeSpreadsheetMixin:
    """Exports neutralise text a spreadsheet would run as a formula."""

    def preprocess_field_value(self, field, value, export_format):
        return rules.spreadsheet_safe(super().preprocess_field_value(field, value, export_format))


def scoped(view_class, selector):
    """`view_class` with every object lookup going through `selector(scope=…)`, so an object of
    another subtree is a 404 whichever URL is typed."""

    def rows(view):
        return selector(scope=user_scope(view.request.user))

    if issubclass(view_class, generic.IndexView):
        overrides = {"get_base_queryset": lambda self: rows(self)}
        bases = (SafeSpreadsheetMixin, view_class)
    elif issubclass(view_class, (HistoryView, UsageView)):
        overrides, bases = {"get_base_object_queryset": lambda self: rows(self)}, (view_class,)
    elif issubclass(view_class, generic.InspectView):
        overrides = {"get_object": lambda self, queryset=None: get_object_or_404(rows(self), pk=unquote(str(self.pk)))}
        bases = (view_class,)
    else:
        overrides, bases = {"get_queryset": lambda self: rows(self)}, (view_class,)
    return type(f"Scoped{view_class.__name__}", bases, overrides)


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose object views all read through `selector`. Override `selector` with a
    function of `scope` returning the rows that scope may see."""

    selector = None
    scoped_views = ("index", "edit", "delete", "inspect", "history", "usage")
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.scoped_views:
            attr = f"{name}_view_class"
            setattr(self, attr, scoped(getattr(self, attr), type(self).selector))


class ServiceErrorsMixin:
    """A service's refusal shows as a form error instead of a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PostingsError as error:
            form.add_error(None, str(error))
            self.produced_error_code, self.produced_error_message = "invalid", str(error)
            return self.form_invalid(form)
