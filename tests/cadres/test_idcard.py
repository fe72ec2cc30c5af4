from datetime import date

import pytest

from cadres import idcard
from tests.factories import valid_id_number


class IdCardTests:
    def test_a_valid_number_gives_birth_date_and_gender(self):
        facts = idcard.parse("11010519491231002X")
        assert facts.birth_date == date(1949, 12, 31)
        assert facts.gender == "female"
        assert facts.number == "11010519491231002X"

    def test_an_odd_sequence_digit_is_male(self):
        assert idcard.parse(valid_id_number(1)).gender == "male"

    def test_a_lower_case_x_and_spaces_are_normalised(self):
        assert idcard.parse(" 11010519491231002x ").number == "11010519491231002X"

    def test_a_wrong_check_character_is_rejected_with_the_expected_one(self):
        with pytest.raises(idcard.InvalidIdNumber) as caught:
            idcard.parse("110105194912310021")
        assert str(caught.value) == idcard.ID_BAD_CHECKSUM.format(expected="X")
        assert caught.value.code == "checksum"

    @pytest.mark.parametrize("number", ["11010519491231002", "1101051949123100211", "11010519491231002Y", "", None])
    def test_the_wrong_shape_is_rejected(self, number):
        with pytest.raises(idcard.InvalidIdNumber, match=idcard.ID_NOT_18_CHARACTERS):
            idcard.parse(number)

    @pytest.mark.parametrize("born", ["19490230", "18991231", "20001301"])
    def test_an_impossible_birth_date_is_rejected(self, born):
        body = f"110105{born}002"
        with pytest.raises(idcard.InvalidIdNumber, match=idcard.ID_BAD_BIRTH_DATE):
            idcard.parse(body + idcard.check_character(body))

    def test_a_birth_date_in_the_future_is_rejected_when_today_is_given(self):
        with pytest.raises(idcard.InvalidIdNumber):
            idcard.parse(valid_id_number(1, born=date(2030, 1, 1)), today=date(2026, 1, 1))

    def test_numbers_typed_into_a_spreadsheet_as_numbers_are_read_as_text(self):
        assert idcard.normalise(110105194912310021) == "110105194912310021"

    def test_is_valid(self):
        assert idcard.is_valid(valid_id_number(7))
        assert not idcard.is_valid("110105194912310021")
