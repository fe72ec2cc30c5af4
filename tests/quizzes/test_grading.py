"""The pure modules: grading, draws, review phases and item analysis. No database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import TestCase

from hypothesis import given
from hypothesis import strategies as st

from quizzes import analysis, grading, review
from quizzes.grading import AnswerKey, Outcome, QuestionType

ONE = Decimal(1)
TWO = Decimal(2)


def single(correct=1, points=ONE):
    return AnswerKey(kind=QuestionType.SINGLE, points=points, correct_options=frozenset({correct}))


def multiple(correct=(1, 2), partial=False, points=TWO):
    return AnswerKey(
        kind=QuestionType.MULTIPLE, points=points, correct_options=frozenset(correct), partial_credit=partial
    )


class SingleChoiceTests(TestCase):
    def test_the_right_option_earns_the_points(self):
        self.assertEqual(grading.grade(single(), 1), grading.Mark(Outcome.CORRECT, ONE))

    def test_a_wrong_option_earns_nothing(self):
        self.assertEqual(grading.grade(single(), 2), grading.Mark(Outcome.WRONG, Decimal(0)))

    def test_no_answer_is_unanswered(self):
        self.assertEqual(grading.grade(single(), None).outcome, Outcome.UNANSWERED)


class MultipleChoiceTests(TestCase):
    def test_exactly_the_right_options_earn_full_points(self):
        self.assertEqual(grading.grade(multiple(), [2, 1]), grading.Mark(Outcome.CORRECT, TWO))

    def test_all_or_nothing_gives_nothing_for_a_subset(self):
        self.assertEqual(grading.grade(multiple(), [1]), grading.Mark(Outcome.WRONG, Decimal(0)))

    def test_partial_credit_pays_each_right_option_chosen(self):
        key = multiple(correct=(1, 2, 3), partial=True, points=Decimal(3))
        self.assertEqual(grading.grade(key, [1, 3]), grading.Mark(Outcome.PARTIAL, Decimal("2.00")))

    def test_partial_credit_rounds_to_cents(self):
        key = multiple(correct=(1, 2, 3), partial=True, points=TWO)
        self.assertEqual(grading.grade(key, [1]).score, Decimal("0.67"))

    def test_a_wrong_option_cancels_partial_credit(self):
        key = multiple(correct=(1, 2, 3), partial=True, points=Decimal(3))
        self.assertEqual(grading.grade(key, [1, 2, 4]), grading.Mark(Outcome.WRONG, Decimal(0)))

    def test_an_empty_choice_is_unanswered(self):
        self.assertEqual(grading.grade(multiple(partial=True), []).outcome, Outcome.UNANSWERED)

    @given(st.sets(st.integers(1, 6)), st.sets(st.integers(1, 6), min_size=1), st.booleans())
    def test_a_score_never_leaves_zero_to_points(self, chosen, correct, partial):
        mark = grading.grade(multiple(correct=correct, partial=partial), sorted(chosen))
        self.assertTrue(Decimal(0) <= mark.score <= TWO)
        self.assertEqual(mark.outcome == Outcome.CORRECT, chosen == correct)


class TrueFalseTests(TestCase):
    def test_matching_the_key_is_correct(self):
        key = AnswerKey(kind=QuestionType.TRUE_FALSE, points=ONE, true_false=False)
        self.assertEqual(grading.grade(key, False).outcome, Outcome.CORRECT)
        self.assertEqual(grading.grade(key, True).outcome, Outcome.WRONG)


class FillInTests(TestCase):
    key = AnswerKey(kind=QuestionType.FILL_IN, points=ONE, accepted=("乡村振兴", "Rural Revitalisation", "2020"))

    def test_any_accepted_answer_is_correct(self):
        self.assertEqual(grading.grade(self.key, "乡村振兴").outcome, Outcome.CORRECT)

    def test_full_width_characters_match_half_width(self):
        self.assertEqual(grading.grade(self.key, "２０２０").outcome, Outcome.CORRECT)
        self.assertEqual(grading.grade(self.key, "ＲＵＲＡＬ　ＲＥＶＩＴＡＬＩＳＡＴＩＯＮ").outcome, Outcome.CORRECT)

    def test_case_and_surrounding_spaces_are_ignored(self):
        self.assertEqual(grading.grade(self.key, "  rural revitalisation ").outcome, Outcome.CORRECT)

    def test_spaces_between_chinese_characters_are_ignored(self):
        self.assertEqual(grading.grade(self.key, "乡村 振　兴").outcome, Outcome.CORRECT)

    def test_spaces_between_latin_words_still_count(self):
        self.assertEqual(grading.grade(self.key, "ruralrevitalisation").outcome, Outcome.WRONG)
        self.assertEqual(grading.grade(self.key, "rural    revitalisation").outcome, Outcome.CORRECT)

    def test_a_different_answer_is_wrong(self):
        self.assertEqual(grading.grade(self.key, "脱贫攻坚").outcome, Outcome.WRONG)

    def test_normalising_is_idempotent(self):
        for text in ["Ａ Ｂ", "乡村 振兴", "  x\ty  "]:
            once = grading.normalise_text(text)
            self.assertEqual(grading.normalise_text(once), once)


class EssayTests(TestCase):
    def test_a_written_essay_waits_for_a_trainer(self):
        key = AnswerKey(kind=QuestionType.ESSAY, points=Decimal(10))
        self.assertEqual(grading.grade(key, "心得体会"), grading.Mark(Outcome.PENDING, None))

    def test_a_blank_essay_scores_zero_at_once(self):
        key = AnswerKey(kind=QuestionType.ESSAY, points=Decimal(10))
        self.assertEqual(grading.grade(key, "   "), grading.Mark(Outcome.UNANSWERED, Decimal(0)))


class PaperTests(TestCase):
    def test_a_paper_totals_scores_and_flags_pending_essays(self):
        keys = {
            1: single(correct=10),
            2: multiple(correct=(20, 21)),
            3: AnswerKey(kind=QuestionType.ESSAY, points=Decimal(5)),
        }
        result = grading.grade_paper(keys, {1: 10, 3: "text"})
        self.assertEqual((result.score, result.max_score, result.pending), (ONE, Decimal(8), True))
        self.assertEqual(result.percent, Decimal("12.50"))

    def test_final_percent_by_highest_and_last(self):
        percents = [Decimal(80), Decimal(50)]
        self.assertEqual(grading.final_percent(percents, grading.GradingMethod.HIGHEST), Decimal(80))
        self.assertEqual(grading.final_percent(percents, grading.GradingMethod.LAST), Decimal(50))
        self.assertIsNone(grading.final_percent([], grading.GradingMethod.HIGHEST))
        self.assertIsNone(grading.final_percent([Decimal(90), None], grading.GradingMethod.LAST))

    def test_passing_needs_the_pass_mark(self):
        self.assertTrue(grading.passes(Decimal(60), 60))
        self.assertFalse(grading.passes(Decimal("59.99"), 60))
        self.assertFalse(grading.passes(None, 0))


class CleanValueTests(TestCase):
    def test_values_are_stored_in_their_shapes(self):
        self.assertEqual(grading.clean_value(QuestionType.SINGLE, "7", option_ids=[7, 8]), 7)
        self.assertEqual(grading.clean_value(QuestionType.MULTIPLE, ["8", 7, 8], option_ids=[7, 8]), [7, 8])
        self.assertIs(grading.clean_value(QuestionType.TRUE_FALSE, "false"), False)
        self.assertIsNone(grading.clean_value(QuestionType.FILL_IN, "   "))

    def test_an_option_of_another_question_is_refused(self):
        with self.assertRaises(grading.InvalidAnswer) as caught:
            grading.clean_value(QuestionType.SINGLE, 9, option_ids=[7, 8])
        self.assertEqual(caught.exception.message, grading.VALUE_NOT_AN_OPTION)

    def test_a_wrong_shape_is_refused(self):
        for kind, raw in [
            (QuestionType.MULTIPLE, 7),
            (QuestionType.TRUE_FALSE, "maybe"),
            (QuestionType.SINGLE, True),
            (QuestionType.ESSAY, ["x"]),
        ]:
            with self.assertRaises(grading.InvalidAnswer) as caught:
                grading.clean_value(kind, raw, option_ids=[7])
            self.assertEqual(caught.exception.message, grading.VALUE_BAD_SHAPE)

    def test_an_overlong_answer_is_refused(self):
        with self.assertRaises(grading.InvalidAnswer) as caught:
            grading.clean_value(QuestionType.FILL_IN, "x" * 201)
        self.assertEqual(str(caught.exception), grading.VALUE_TOO_LONG.format(limit=200))


class KeyProblemsTests(TestCase):
    def test_each_type_states_what_its_key_needs(self):
        def problems(kind, **kw):
            args = {"points": ONE, "options": 0, "correct": 0, "true_false": None, "accepted": 0} | kw
            return grading.key_problems(kind=kind, **args)

        self.assertEqual(problems(QuestionType.SINGLE, options=3, correct=2), [grading.KEY_SINGLE_NEEDS_ONE_CORRECT])
        self.assertEqual(problems(QuestionType.MULTIPLE, options=1, correct=1), [grading.KEY_NEEDS_TWO_OPTIONS])
        self.assertEqual(problems(QuestionType.TRUE_FALSE), [grading.KEY_TRUE_FALSE_NEEDS_ANSWER])
        self.assertEqual(problems(QuestionType.FILL_IN), [grading.KEY_FILL_IN_NEEDS_ANSWER])
        self.assertEqual(problems(QuestionType.ESSAY, points=Decimal(0)), [grading.KEY_POINTS_POSITIVE])
        self.assertEqual(problems(QuestionType.ESSAY), [])


class BuildPaperTests(TestCase):
    options = {q: [q * 10 + i for i in range(4)] for q in range(1, 40)}

    def paper(self, seed, pool=range(10, 40), **kwargs):
        args = {
            "fixed": [1, 2],
            "draws": [grading.DrawRule(pool=list(pool), count=5)],
            "options": self.options,
            "shuffle_questions": True,
            "shuffle_options": True,
        } | kwargs
        return grading.build_paper(seed=seed, **args)

    def test_the_same_seed_draws_the_same_paper(self):
        self.assertEqual(self.paper(42), self.paper(42))

    def test_the_pool_order_does_not_change_the_draw(self):
        self.assertEqual(self.paper(42), self.paper(42, pool=reversed(range(10, 40))))

    def test_different_seeds_draw_different_papers(self):
        self.assertNotEqual(self.paper(1), self.paper(2))

    def test_fixed_questions_always_appear_and_nothing_twice(self):
        questions = [slot.question for slot in self.paper(7, pool=range(1, 40))]
        self.assertEqual(len(questions), 7)
        self.assertEqual(len(set(questions)), 7)
        self.assertTrue({1, 2} <= set(questions))

    def test_a_short_pool_gives_what_it_has(self):
        self.assertEqual(len(self.paper(3, pool=[10, 11])), 4)

    def test_without_shuffling_the_order_is_kept(self):
        paper = self.paper(3, draws=[], shuffle_questions=False, shuffle_options=False)
        self.assertEqual(paper, [grading.PaperSlot(1, self.options[1]), grading.PaperSlot(2, self.options[2])])

    def test_shuffled_options_are_the_same_options(self):
        for slot in self.paper(9):
            self.assertEqual(sorted(slot.options), self.options[slot.question])


class ReviewPhaseTests(TestCase):
    t0 = datetime(2026, 5, 1, tzinfo=UTC)

    def test_phases_follow_the_finish_and_close_times(self):
        closes = self.t0 + timedelta(days=1)
        self.assertEqual(review.phase(finished_at=None, closes_at=closes, now=self.t0), review.When.DURING)
        self.assertEqual(
            review.phase(finished_at=self.t0, closes_at=closes, now=self.t0 + timedelta(minutes=1)),
            review.When.IMMEDIATELY,
        )
        self.assertEqual(
            review.phase(finished_at=self.t0, closes_at=closes, now=self.t0 + timedelta(hours=1)), review.When.LATER
        )
        self.assertEqual(review.phase(finished_at=self.t0, closes_at=closes, now=closes), review.When.AFTER_CLOSE)
        self.assertEqual(
            review.phase(finished_at=self.t0, closes_at=None, now=self.t0 + timedelta(days=99)), review.When.LATER
        )

    def test_allowed_picks_the_phase_column(self):
        policy = {(review.When.LATER, review.What.SCORE), (review.When.AFTER_CLOSE, review.What.RIGHT_ANSWER)}
        self.assertEqual(review.allowed(policy, review.When.LATER), {review.What.SCORE})
        self.assertEqual(review.allowed(policy, review.When.DURING), frozenset())


class ItemAnalysisTests(TestCase):
    def test_a_question_the_strong_get_right_discriminates(self):
        attempts = [
            analysis.ScoredAttempt(total=t, items={1: share, 2: 1.0 - share})
            for t, share in [(10, 1.0), (9, 1.0), (3, 0.0), (2, 0.0)]
        ]
        stats = analysis.item_statistics(attempts)
        self.assertEqual(stats[1], analysis.ItemStats(answered=4, facility=0.5, discrimination=1.0))
        self.assertEqual(stats[2].discrimination, -1.0)

    def test_too_few_attempts_give_no_discrimination(self):
        stats = analysis.item_statistics([analysis.ScoredAttempt(total=1, items={1: 1.0})])
        self.assertIsNone(stats[1].discrimination)
