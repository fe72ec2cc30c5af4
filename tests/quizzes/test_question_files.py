import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from quizzes import services, spreadsheets
from quizzes.exceptions import BadQuestionFile
from quizzes.models import Question, QuestionCategory
from tests.factories import make_question_bank, make_trainer

HEADER = spreadsheets.TEMPLATE_HEADER


def workbook(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def row(kind, stem, options=(), answer="", points=1, explanation="", category="", difficulty=""):
    options = list(options) + [""] * (6 - len(options))
    return [kind, stem, *options, answer, points, explanation, category, difficulty]


GOOD_ROWS = [
    row("单选", "驻村工作队一般不少于几人？", ["2人", "3人", "5人"], "B", 2, "不少于3人", "驻村工作", "易"),
    row("多选部分得分", "哪些属于五大振兴？", ["产业", "人才", "文化", "旅游"], "A、B、C", 3, "", "政策"),
    row("判断", "第一书记任期一般不少于2年。", answer="对"),
    row("填空", "乡村振兴的总要求之一是产业____。", answer="兴旺|興旺"),
    row("简答", "谈谈驻村工作的心得体会。", points=10),
]


class ParseQuestionsTests(TestCase):
    def test_every_type_is_read(self):
        parsed = spreadsheets.parse_questions(workbook(*GOOD_ROWS))
        single, multiple, tf, fill, essay = parsed
        self.assertEqual(single.options, [("2人", False), ("3人", True), ("5人", False)])
        self.assertEqual((single.points, single.difficulty, single.category), (Decimal("2.0"), 1, "驻村工作"))
        self.assertEqual(
            (multiple.partial_credit, [right for _, right in multiple.options]), (True, [True, True, True, False])
        )
        self.assertIs(tf.true_false, True)
        self.assertEqual(fill.accepted, ["兴旺", "興旺"])
        self.assertEqual((essay.kind, essay.points), (spreadsheets.QuestionType.ESSAY, Decimal("10.0")))

    def test_bad_rows_are_all_reported_with_their_row_numbers(self):
        data = workbook(
            GOOD_ROWS[0],
            row("问答", "未知题型"),
            row("单选", "", ["甲", "乙"], "A"),
            row("单选", "答案越界", ["甲", "乙"], "C"),
            row("单选", "选项有空缺", ["甲", "", "丙"], "A"),
            row("判断", "分值为负", answer="对", points=-1),
            row("多选", "只有一个选项", ["甲"], "A"),
        )
        with self.assertRaises(spreadsheets.QuestionFileError) as caught:
            spreadsheets.parse_questions(data)
        self.assertEqual(
            [(p.row, p.message) for p in caught.exception.problems],
            [
                (3, spreadsheets.ROW_UNKNOWN_TYPE),
                (4, spreadsheets.ROW_NO_STEM),
                (5, spreadsheets.ROW_BAD_ANSWER),
                (6, spreadsheets.ROW_OPTIONS_GAP),
                (7, spreadsheets.ROW_BAD_POINTS),
                (8, spreadsheets.ROW_KEY_PROBLEM),
            ],
        )

    def test_a_file_without_the_required_columns_is_refused(self):
        with self.assertRaises(spreadsheets.QuestionFileError) as caught:
            spreadsheets.parse_questions(workbook(row("单选", "x"), header=["题型", "A"]))
        self.assertEqual(caught.exception.problems[0].message, spreadsheets.FILE_MISSING_COLUMNS)

    def test_a_file_that_is_not_a_workbook_is_refused(self):
        with self.assertRaises(spreadsheets.QuestionFileError) as caught:
            spreadsheets.parse_questions(b"not a workbook")
        self.assertEqual(caught.exception.problems[0].message, spreadsheets.FILE_NOT_XLSX)

    def test_a_workbook_whose_sheet_cannot_be_read_back_is_refused(self):
        # openpyxl writes U+FFFE into the sheet XML but its reader cannot parse it; the failure
        # comes only while rows are read, after the workbook opened.
        with self.assertRaises(spreadsheets.QuestionFileError) as caught:
            spreadsheets.parse_questions(workbook(row("单选", "\ufffe", ["a", "b"], "A")))
        self.assertEqual(caught.exception.problems[0].message, spreadsheets.FILE_NOT_XLSX)

    def test_formula_cells_are_neutralised(self):
        self.assertEqual(
            [spreadsheets.safe_cell(v) for v in ["=1+1", "+1", "-1", "@x", "ok", 3]],
            ["'=1+1", "'+1", "'-1", "'@x", "ok", 3],
        )


class QuestionsImportTests(TestCase):
    def setUp(self):
        self.bank = make_question_bank()

    def test_a_good_file_creates_its_questions_and_categories(self):
        created = services.questions_import(bank=self.bank, data=workbook(*GOOD_ROWS))
        self.assertEqual(len(created), 5)
        self.assertEqual(set(QuestionCategory.objects.values_list("name", flat=True)), {"驻村工作", "政策"})
        self.assertEqual(Question.objects.get(pk=created[0].pk).options.get(is_correct=True).text, "3人")

    def test_one_bad_row_rejects_the_whole_file(self):
        with self.assertRaises(BadQuestionFile) as caught:
            services.questions_import(bank=self.bank, data=workbook(*GOOD_ROWS, row("单选", "坏行", ["甲"], "Z")))
        self.assertEqual(str(caught.exception), services.QUESTION_FILE_REJECTED)
        self.assertEqual(caught.exception.problems, [spreadsheets.ROW_BAD_ANSWER.format(row=7, value="Z")])
        self.assertFalse(Question.objects.exists())
        self.assertFalse(QuestionCategory.objects.exists())

    def test_a_stem_with_markup_is_stored_as_text(self):
        created = services.questions_import(
            bank=self.bank, data=workbook(row("判断", "<script>x</script>对吗", answer="错"))
        )
        self.assertEqual(created[0].stem, "<p>&lt;script&gt;x&lt;/script&gt;对吗</p>")

    def test_an_exported_bank_imports_back_unchanged(self):
        services.questions_import(bank=self.bank, data=workbook(*GOOD_ROWS, row("判断", "-1 是负数", answer="对")))
        exported = services.questions_export(bank=self.bank)
        self.assertEqual(load_workbook(io.BytesIO(exported)).active.cell(row=7, column=2).value, "'-1 是负数")
        copy = make_question_bank(name="副本")
        services.questions_import(bank=copy, data=exported)

        def shape(bank):
            return [
                (
                    q.kind,
                    q.stem,
                    q.points,
                    q.partial_credit,
                    q.true_false_answer,
                    q.accepted_answers,
                    q.category.name if q.category else "",
                    [(o.text, o.is_correct) for o in q.options.all()],
                )
                for q in bank.questions.order_by("pk")
            ]

        self.assertEqual(shape(copy), shape(self.bank))


class QuestionFilesAdminTests(TestCase):
    def setUp(self):
        self.bank = make_question_bank()
        self.client.force_login(make_trainer())

    def test_a_trainer_uploads_a_file(self):
        upload = SimpleUploadedFile("q.xlsx", workbook(*GOOD_ROWS))
        response = self.client.post(reverse("question_files:index"), {"bank": self.bank.pk, "file": upload})
        self.assertRedirects(response, reverse("question_files:index"))
        self.assertEqual(self.bank.questions.count(), 5)

    def test_a_bad_file_shows_its_row_messages_and_writes_nothing(self):
        upload = SimpleUploadedFile("q.xlsx", workbook(row("问答", "x")))
        response = self.client.post(reverse("question_files:index"), {"bank": self.bank.pk, "file": upload})
        self.assertContains(response, spreadsheets.ROW_UNKNOWN_TYPE.format(row=2, value="问答"), status_code=400)
        self.assertFalse(Question.objects.exists())

    def test_the_template_downloads(self):
        response = self.client.get(reverse("question_files:template"))
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), HEADER)
        self.assertEqual(len(spreadsheets.parse_questions(response.content)), 1)
