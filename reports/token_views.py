"""API tokens in the Wagtail admin (统计报表 › 接口令牌): list, issue, revoke.

Only administrators may open these pages, the same people who may run `manage.py
issue_api_token`. A new key is shown once, in the response to the form that issued it;
no URL can show it again, since only its hash is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cadres.roles import is_administrator
from reports import selectors, services
from reports.exceptions import ReportsError
from reports.forms import ApiTokenForm

TOKEN_REVOKED = gettext_lazy("API token “%(name)s” revoked. Requests with it are now refused.")
TOKEN_ALREADY_REVOKED = gettext_lazy("API token “%(name)s” was already revoked.")


class AdministratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApiTokenListView(AdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/api_tokens/index.html"
    page_title = gettext_lazy("API tokens")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "tokens": selectors.api_token_list()}


class ApiTokenCreateView(AdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/api_tokens/create.html"
    page_title = gettext_lazy("Issue an API token")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": kwargs.get("form") or ApiTokenForm()}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, key = services.api_token_issue(
                    user=form.cleaned_data["user"], name=form.cleaned_data["name"], by=request.user
                )
            except ReportsError as error:
                form.add_error("user", str(error))
            else:
                context = {
                    **super().get_context_data(**kwargs),
                    "page_title": _("API token issued"),
                    "token": token,
                    "key": key,
                }
                response = TemplateResponse(request, "reports/api_tokens/issued.html", context)
                # The key must not linger in any cache or be replayed from history.
                add_never_cache_headers(response)
                return response
        return self.render_to_response(self.get_context_data(form=form))


class ApiTokenRevokeView(AdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/api_tokens/revoke.html"
    page_title = gettext_lazy("Revoke an API token")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        self.token = get_object_or_404(selectors.api_token_list(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "token": self.token}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if services.api_token_revoke(token=self.token, by=request.user):
            messages.success(request, TOKEN_REVOKED % {"name": self.token.name})
        else:
            messages.info(request, TOKEN_ALREADY_REVOKED % {"name": self.token.name})
        return redirect("reports_api_tokens")
