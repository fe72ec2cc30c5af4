"""Activation pages: officers issue slips in the Wagtail admin (for a unit of their subtree, or
one cadre), cadres activate on the public site. Thin: forms validate, cadres.activation works."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cadres import activation, slips
from cadres.account_forms import ActivationForm, ActivationSlipsForm, SlipFormatForm
from cadres.exceptions import ActivationFailed
from cadres.permissions import cached_scope
from cadres.selectors import cadre_list_in_scope, unit_list_in_scope
from cadres.views import RosterAdminMixin, _xlsx_response

ACTIVATED = _("Your account is active. Log in with your ID number and your new password.")


def activation_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("account-activate"))


def _slip_file(request: HttpRequest, issued: list[activation.Slip], file_format: str, stem: str) -> HttpResponse:
    url = activation_url(request)
    filename = f"{stem}-{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == "xlsx":
        response = _xlsx_response(slips.slips_xlsx(issued, activation_url=url), filename)
    else:
        response = HttpResponse(slips.slips_pdf(issued, activation_url=url), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # The codes are in this response and nowhere else: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


class ActivationSlipsView(RosterAdminMixin, WagtailAdminTemplateMixin, FormView):
    """Choose a unit of your subtree; 生成激活单 issues fresh codes for its cadres who have not
    activated yet and downloads the slips."""

    action = "change"
    page_title = _("Activation slips")
    template_name = "cadres/activation_slips.html"
    form_class = ActivationSlipsForm

    def units(self):
        return unit_list_in_scope(scope=cached_scope(self.request.user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": self.units()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "code_days": activation.code_lifetime().days}

    def form_valid(self, form):
        # A unit of another subtree is a 404, like every object outside the officer's scope.
        unit = get_object_or_404(self.units(), pk=form.cleaned_data["unit"])
        file_format = form.cleaned_data["file_format"]
        issued = activation.activation_slips_issue(unit=unit, actor=self.request.user, file_format=file_format)
        return _slip_file(self.request, issued, file_format, gettext("Activation slips") + f"-{unit.name}")


class ActivationCodeReissueView(RosterAdminMixin, WagtailAdminTemplateMixin, FormView):
    """A new code for one cadre; the old one stops working."""

    action = "change"
    page_title = _("Reissue activation code")
    template_name = "cadres/activation_reissue.html"
    form_class = SlipFormatForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cadre = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            scope = cached_scope(request.user)
            self.cadre = get_object_or_404(cadre_list_in_scope(scope=scope), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        account = getattr(self.cadre.user, "account", None) if self.cadre else None
        return {**super().get_context_data(**kwargs), "cadre": self.cadre, "account": account}

    def form_valid(self, form):
        file_format = form.cleaned_data["file_format"]
        slip = activation.activation_code_reissue(cadre=self.cadre, actor=self.request.user, file_format=file_format)
        return _slip_file(self.request, [slip], file_format, gettext("Activation slip") + f"-{self.cadre.name}")


# --- the public activation page ------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _throttle_keys(request: HttpRequest, id_number: str) -> list[tuple[str, int]]:
    return [
        (f"activation:address:{_client_address(request)}", settings.ACTIVATION_ADDRESS_FAILURE_LIMIT),
        (f"activation:id:{id_number.strip().upper()}", settings.ACTIVATION_ID_FAILURE_LIMIT),
    ]


def _throttled(keys: list[tuple[str, int]]) -> bool:
    counts = cache.get_many([key for key, _limit in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def _count_failure(keys: list[tuple[str, int]]) -> None:
    window = settings.ACTIVATION_WINDOW_MINUTES * 60
    for key, _limit in keys:
        cache.add(key, 0, timeout=window)  # the window starts at the first failure
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def activate(request: HttpRequest) -> HttpResponse:
    """ID number + activation code + a new password. Every failure of the code reads the same
    (activation.ACTIVATION_INVALID); wrong tries are counted per address and per ID number."""
    form = ActivationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        keys = _throttle_keys(request, form.cleaned_data["id_number"])
        if _throttled(keys):
            form.add_error(None, gettext(activation.ACTIVATION_THROTTLED))
            status = 429
        else:
            try:
                activation.account_activate(
                    id_number=form.cleaned_data["id_number"],
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["new_password1"],
                )
            except ActivationFailed:
                _count_failure(keys)
                form.add_error(None, gettext(activation.ACTIVATION_INVALID))
            except ValidationError as error:
                form.add_error("new_password1", error)
            else:
                messages.success(request, ACTIVATED)
                return redirect("login")
    return render(request, "cadres/activate.html", {"form": form}, status=status)
