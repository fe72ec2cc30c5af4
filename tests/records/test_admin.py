"""The rules admin is for administrators; the records menu is for those who manage a subtree."""

from django.test import TestCase

from records.models import CreditRule
from tests.factories import CadreFactory, make_admin, make_officer, unit_root


class CreditRuleAdminTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.rule = CreditRule.objects.create(name="2030 乡科级", year=2030, category="township", target_hours=90)

    def test_an_administrator_lists_and_edits_rules(self):
        self.client.force_login(make_admin())
        self.assertContains(self.client.get("/admin/records_rule/"), "2030 乡科级")
        self.assertEqual(self.client.get(f"/admin/records_rule/edit/{self.rule.pk}/").status_code, 200)
        self.assertEqual(self.client.get("/admin/records_rule/new/").status_code, 200)

    def test_an_officer_cannot_open_the_rules(self):
        self.client.force_login(make_officer(self.county))
        for url in ("/admin/records_rule/", f"/admin/records_rule/edit/{self.rule.pk}/"):
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), "/admin/", fetch_redirect_response=False)

    def test_officers_see_the_records_menu_and_cadres_do_not_reach_the_admin(self):
        self.client.force_login(make_officer(self.county))
        self.assertContains(self.client.get("/admin/"), "/admin/records/claims/")
        self.client.force_login(CadreFactory(unit=self.county).user)
        self.assertEqual(self.client.get("/admin/records/claims/").status_code, 302)
