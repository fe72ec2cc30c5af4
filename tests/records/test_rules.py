"""The counting rules on worked examples (pure: no database)."""

from datetime import date
from decimal import Decimal

from records import rules

D = Decimal
DAY = date(2030, 5, 6)
SHANXI = rules.Rule(id=1, label="山西", conversion=rules.MINUTES, minutes_per_hour=45, completion_share=90)
YUNNAN = rules.Rule(
    id=2,
    label="云南",
    conversion=rules.BUCKETS,
    buckets=(rules.Bucket(30, D(1)), rules.Bucket(15, D("0.5")), rules.Bucket(0, D("0.25"))),
    quiz_bonus_hours=D("0.5"),
)


class ConversionTests:
    def test_minutes_divide_by_minutes_per_hour_and_round_down_to_a_tenth(self):
        assert rules.course_hours(SHANXI, stated_hours=D(9), minutes=135, quiz_passed=False).hours == D("3.0")
        assert rules.course_hours(SHANXI, stated_hours=D(9), minutes=100, quiz_passed=False).hours == D("2.2")

    def test_the_longest_matching_bucket_counts(self):
        assert rules.course_hours(YUNNAN, stated_hours=D(9), minutes=40, quiz_passed=False).hours == D("1.0")
        assert rules.course_hours(YUNNAN, stated_hours=D(9), minutes=20, quiz_passed=False).hours == D("0.5")

    def test_a_short_course_falls_in_the_smallest_bucket_rounded_down(self):
        # 0.25 is kept to one decimal, never rounded up.
        assert rules.course_hours(YUNNAN, stated_hours=D(9), minutes=10, quiz_passed=False).hours == D("0.2")

    def test_a_passed_quiz_adds_the_bonus(self):
        counted = rules.course_hours(YUNNAN, stated_hours=D(9), minutes=30, quiz_passed=True)
        assert counted.hours == D("1.5")
        assert counted.basis == {"method": "buckets", "minutes": 30, "bucket": 30, "quiz_bonus": "0.5"}

    def test_the_default_rule_takes_the_hours_the_course_states(self):
        assert rules.course_hours(rules.DEFAULT_RULE, stated_hours=D(3), minutes=10, quiz_passed=True).hours == D(3)


class ThresholdTests:
    def test_ninety_percent_is_enough_under_a_ninety_percent_rule(self):
        assert rules.share_is_enough(SHANXI, 0.9)
        assert not rules.share_is_enough(SHANXI, 8 / 9)

    def test_the_default_needs_the_whole_course(self):
        assert not rules.share_is_enough(rules.DEFAULT_RULE, 0.99)
        assert rules.share_is_enough(rules.DEFAULT_RULE, 1.0)


class BatchTests:
    def test_a_programme_that_states_its_hours_keeps_them(self):
        assert rules.batch_hours(SHANXI, stated_hours=D(24), training_days=5).hours == D(24)

    def test_otherwise_each_training_day_counts_the_rule_s_hours(self):
        nanjing = rules.Rule(hours_per_training_day=D(6))
        assert rules.batch_hours(nanjing, stated_hours=D(0), training_days=5).hours == D(30)


class TargetTests:
    def test_township_cadres_meet_the_target_with_hours_or_days(self):
        township = rules.Rule(target_hours=D(90), target_days=12)
        assert rules.target_met(township, hours=D(90), training_days=0)
        assert rules.target_met(township, hours=D(40), training_days=12)
        assert not rules.target_met(township, hours=D(89), training_days=11)

    def test_the_most_specific_rule_wins(self):
        every_year = rules.Rule(id=1, target_hours=D(50))
        township = rules.Rule(id=2, category="township", target_hours=D(90))
        township_2030 = rules.Rule(id=3, year=2030, category="township", target_hours=D(80))
        ranked = rules.Rule(id=4, category="township", rank="section_chief", target_hours=D(100))
        candidates = [every_year, township, township_2030, ranked]
        assert rules.pick_rule(candidates, year=2030, category="township", rank="clerk").id == 3
        assert rules.pick_rule(candidates, year=2031, category="township", rank="section_chief").id == 4
        assert rules.pick_rule(candidates, year=2031, category="village", rank="clerk").id == 1

    def test_with_no_rule_the_built_in_default_applies(self):
        assert rules.pick_rule([], year=2030, category="village", rank="none") is rules.DEFAULT_RULE


class CapTests:
    def test_a_yearly_elective_cap_cuts_the_entry_that_crosses_it(self):
        rule = rules.Rule(caps=(rules.Cap("elective", "year", D(10)),))
        items = [
            rules.Item(key=1, source="course", day=DAY, hours=D(6), elective=True),
            rules.Item(key=2, source="course", day=DAY, hours=D(6), elective=True),
            rules.Item(key=3, source="course", day=DAY, hours=D(6), elective=False),
            rules.Item(key=4, source="course", day=DAY, hours=D(2), elective=True),
        ]
        counted = rules.count_year(rule, items)
        assert [counted[k].hours for k in (1, 2, 3, 4)] == [D(6), D(4), D(6), D(0)]
        assert counted[2].basis == {"cap": "elective/year", "cap_hours": "10"}

    def test_a_daily_cap_resets_the_next_day(self):
        rule = rules.Rule(caps=(rules.Cap("all", "day", D(8)),))
        items = [
            rules.Item(key=1, source="course", day=DAY, hours=D(5)),
            rules.Item(key=2, source="outside", day=DAY, hours=D(5)),
            rules.Item(key=3, source="course", day=date(2030, 5, 7), hours=D(5)),
        ]
        counted = rules.count_year(rule, items)
        assert [counted[k].hours for k in (1, 2, 3)] == [D(5), D(3), D(5)]

    def test_a_cap_on_one_source_leaves_others_alone(self):
        rule = rules.Rule(caps=(rules.Cap("outside", "year", D(20)),))
        items = [
            rules.Item(key=1, source="outside", day=DAY, hours=D(30)),
            rules.Item(key=2, source="batch", day=DAY, hours=D(30)),
        ]
        counted = rules.count_year(rule, items)
        assert (counted[1].hours, counted[2].hours) == (D(20), D(30))
