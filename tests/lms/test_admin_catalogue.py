"""Our catalogue fills the gaps in Wagtail's zh_Hans one and corrects it (scripts/messages.py)."""

from django.conf import settings
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.translation import gettext, ngettext

from scripts.messages import PO_PATH, add_package_messages


class AdminCatalogueTests(SimpleTestCase):
    def test_our_locale_path_is_consulted_before_wagtails_catalogues(self):
        self.assertEqual(settings.LOCALE_PATHS[0], PO_PATH.parents[2])

    def test_wagtail_words_its_catalogue_leaves_in_english_read_in_chinese(self):
        with translation.override("zh-hans"):
            self.assertEqual(gettext("Autosave is paused"), "自动保存已暂停")
            self.assertEqual(gettext("Search all pages…"), "搜索所有页面…")
            self.assertEqual(gettext("Privacy and access"), "隐私与访问权限")
            self.assertEqual(gettext("Go to the first error"), "转到第一个错误")
            self.assertEqual(gettext("items"), "项")
            self.assertEqual(
                ngettext("Moved up 1 place.", "Moved up %(counter)s places.", 3) % {"counter": 3}, "已上移 3 位。"
            )
            self.assertEqual(
                gettext("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s")
                % {"start_index": 1, "end_index": 8, "items_count": 8, "model_name": "干部"},
                "共 8 个干部，当前第 1–8 个",
            )

    def test_the_admin_login_names_this_site_not_wagtail(self):
        with translation.override("zh-hans"):
            self.assertEqual(gettext("Sign in to Wagtail"), "登录尖兵管理后台")
            self.assertEqual(gettext("Jianbing admin"), "尖兵管理后台")

    def test_pages_are_pages_not_pagination(self):
        with translation.override("zh-hans"):
            self.assertEqual(gettext("Pages"), "页面")

    def test_a_wagtail_msgid_in_the_parts_joins_the_catalogue_once_with_its_plural(self):
        import polib

        po = polib.POFile()
        moved = "Moved up 1 place."
        added = add_package_messages(po, {moved: "已上移 %(counter)s 位。", "Not a Wagtail message at all": "无"})
        self.assertEqual(added, 1)
        (entry,) = po
        self.assertEqual(
            (entry.msgid, entry.msgid_plural, entry.msgstr_plural),
            (moved, "Moved up %(counter)s places.", {0: "已上移 %(counter)s 位。"}),
        )
        self.assertEqual(add_package_messages(po, {moved: "已上移 %(counter)s 位。"}), 0)
