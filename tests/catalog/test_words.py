"""The plan's bound words read into operators (民法典 第1259条, GB/T 8170-2008)."""

from __future__ import annotations

import pytest

from qcrules import Commitment, Op
from qcrules.catalog.words import WordError, parse_bound_text, parse_commitment


class TestParseBoundText:
    """Each comparator word gives the operator and inclusiveness the law and standard give it."""

    @pytest.mark.parametrize(
        ("text", "op", "rest"),
        [
            ("14件/万人以上", Op.GE, "14件/万人"),
            ("达到14件以上", Op.GE, "14件"),
            ("达8.5万元/人", Op.GE, "8.5万元/人"),
            ("稳定在98%以上", Op.GE, "98%"),
            ("不低于98%", Op.GE, "98%"),
            ("不少于3个", Op.GE, "3个"),
            ("至少3个", Op.GE, "3个"),
            ("超过5%", Op.GT, "5%"),
            ("高于5%", Op.GT, "5%"),
            ("多于5个", Op.GT, "5个"),
            ("1.8以内", Op.LE, "1.8"),
            ("缩小至1.8以内", Op.LE, "1.8"),
            ("2%以下", Op.LE, "2%"),
            ("不高于2%", Op.LE, "2%"),
            ("不超过2%", Op.LE, "2%"),
            ("至多2个", Op.LE, "2个"),
            ("低于1%", Op.LT, "1%"),
            ("小于1%", Op.LT, "1%"),
            ("不足1%", Op.LT, "1%"),
            ("不满18", Op.LT, "18"),
            (">= 98%", Op.GE, "98%"),
            ("≥98%", Op.GE, "98%"),
            ("> 5", Op.GT, "5"),
            ("<= 1.8", Op.LE, "1.8"),
            ("≤1.8", Op.LE, "1.8"),
            ("< 1%", Op.LT, "1%"),
            ("= 100%", Op.EQ, "100%"),
            ("低于", Op.LT, ""),
            ("完成", Op.GE, ""),
            ("前10位", Op.LE, "10位"),
        ],
    )
    def test_words(self, text: str, op: Op, rest: str) -> None:
        """The operator and the remaining quantity text."""
        read = parse_bound_text(text)
        assert (read.op, read.quantity) == (op, rest)

    @pytest.mark.parametrize("text", ["以上", "以下", "以内"])
    def test_inclusive_suffixes(self, text: str) -> None:
        """以上, 以下, 以内 include the number."""
        assert parse_bound_text(f"5{text}").op.inclusive

    @pytest.mark.parametrize("text", ["超过5", "低于5", "不满5", "不足5", "高于5", "少于5"])
    def test_exclusive_words(self, text: str) -> None:
        """超过, 低于, 不满, 不足, 高于, 少于 exclude the number."""
        assert not parse_bound_text(text).op.inclusive

    @pytest.mark.parametrize("text", ["98%", "超过5%以下", "5以外", ">= <= 5"])
    def test_refuses_unclear(self, text: str) -> None:
        """No comparison, conflicting words or 以外 are refused with a reason."""
        with pytest.raises(WordError):
            parse_bound_text(text)

    def test_default_for_ratio(self) -> None:
        """A ratio target with no word uses the caller's default (a ceiling)."""
        assert parse_bound_text("1:12.5", default=Op.LE).op is Op.LE


class TestParseCommitment:
    """确保 is ensure; 力争, 争取, 努力 are strive."""

    @pytest.mark.parametrize(
        ("word", "commitment"),
        [("确保", Commitment.ENSURE), ("ensure", Commitment.ENSURE),
         ("力争", Commitment.STRIVE), ("争取", Commitment.STRIVE), ("努力", Commitment.STRIVE),
         ("strive", Commitment.STRIVE), ("none", Commitment.NONE)],
    )
    def test_words(self, word: str, commitment: Commitment) -> None:
        """Each word maps to its commitment."""
        assert parse_commitment(word) is commitment

    def test_unknown(self) -> None:
        """Anything else is refused."""
        with pytest.raises(WordError):
            parse_commitment("maybe")
