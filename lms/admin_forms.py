"""Wagtail admin forms we adjust (selected by settings)."""

from django.utils.translation import gettext_lazy
from wagtail.admin.forms.auth import LoginForm


class AdminLoginForm(LoginForm):
    """Wagtail's login form: its password field has no label, so the admin login read "Password"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = gettext_lazy("Password")
