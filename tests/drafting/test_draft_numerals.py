"""Numbers as plans write them: full-width forms and Chinese numerals, read exactly."""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcrules.drafting.numerals import fold_width, holds_number, to_digits


class TestFullWidth:
    def test_full_width_digits_and_signs_fold_one_for_one(self) -> None:
        text = "合格率达到９８．５％以上（含）"
        folded = fold_width(text)
        assert folded == "合格率达到98.5%以上(含)"
        assert len(folded) == len(text)


class TestChineseNumerals:
    @pytest.mark.parametrize(("words", "digits"), [
        ("达八点五万元", "达8.5万元"),
        ("百分之九十以上", "90%以上"),
        ("百分之九十八点五", "98.5%"),
        ("千分之三以内", "3‰以内"),
        ("新建两个", "新建2个"),
        ("三成以上", "30%以上"),
        ("一千二百家", "1200家"),
        ("达到十四件以上", "达到14件以上"),
        ("十万家", "100000家"),
        ("二〇二七年", "2027年"),
        ("达一个", "达1个"),
    ])
    def test_counting_and_measuring_numerals_become_digits(self, words: str, digits: str) -> None:
        assert to_digits(words).text == digits

    @pytest.mark.parametrize("words", ["第一方阵", "一站式服务", "统一标准", "进一步提升",
                                       "是一项系统性工作", "前三", "零的突破"])
    def test_numerals_in_names_and_phrases_are_left_alone(self, words: str) -> None:
        assert to_digits(words).text == words
        assert to_digits(words).runs == ()

    def test_what_was_converted_is_recorded(self) -> None:
        assert to_digits("力争百分之九十、两个").runs == (("百分之九十", "90%"), ("两", "2"))

    def test_more_decimals_than_a_float_holds_are_refused_not_rounded(self) -> None:
        converted = to_digits("三点一四一五九二六五三五八九七九三二三八四六个")
        assert converted.problems == ("三点一四一五九二六五三五八九七九三二三八四六",)
        assert "3.14" not in converted.text

    @given(st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False))
    def test_any_number_cn2an_writes_reads_back_exactly(self, value: Decimal) -> None:
        """cn2an's own Chinese for a number (八点五, 一千零五十) reads back as that number."""
        written = format(value.normalize(), "f")
        words = cn2an.an2cn(written, "low")
        assert to_digits(words + "家").text == written + "家"


class TestHoldsNumber:
    @pytest.mark.parametrize(("text", "holds"), [
        ("新增高新技术企业30家", True), ("“四个最严”要求", True), ("百分之九十", True),
        ("推动空气质量持续改善", False), ("进一步强化", False), ("第一方阵", False),
        ("９８％", True),
    ])
    def test_digits_and_counting_numerals(self, text: str, holds: bool) -> None:
        assert holds_number(text) is holds


@pytest.mark.parametrize("words", ["提高5个百分点", "修建千米绿道", "百花齐放"])
def test_a_lone_hundred_or_thousand_is_a_word(words: str) -> None:
    assert to_digits(words).text == words


def test_positions_map_back_to_the_plans_words() -> None:
    """A position after a run is shifted by the runs before it only, even when the same digits
    stand earlier in the text (90% written in digits, then 百分之九十 in words)."""
    text = "90%以上企业的合格率达到百分之九十以上"
    converted = to_digits(text)
    assert converted.text == "90%以上企业的合格率达到90%以上"
    at = converted.text.rindex("以上")
    assert text[converted.original_position(at):] == "以上"
    assert converted.original_position(3) == 3     # before the run: no shift
