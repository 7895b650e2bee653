"""The plan's bound words read into operators (民法典 第1259条, GB/T 8170-2008)."""

from __future__ import annotations

import pytest

from qcrules import Commitment, Kind, Op
from qcrules.catalog.words import (
    NEUTRAL_WORDS,
    PHRASES,
    PREFIX_OPS,
    SUFFIX_OPS,
    Form,
    WordError,
    chinese_number,
    parse_bound_text,
    parse_commitment,
    read_target,
)


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
            ("全覆盖", Op.GE, "100%"),
            ("突破5%", Op.GT, "5%"),
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

    @pytest.mark.parametrize("text", ["98%", "超过5%以下", "5以外", ">= <= 5", "3—5%", "第一方阵"])
    def test_refuses_unclear(self, text: str) -> None:
        """No comparison, conflicting words or 以外 are refused with a reason; so is a target
        that is not one bound (a range, a tier whose size the rule declares)."""
        with pytest.raises(WordError):
            parse_bound_text(text)

    def test_default_for_ratio(self) -> None:
        """A ratio target with no word uses the caller's default (a ceiling)."""
        assert parse_bound_text("1:12.5", default=Op.LE).op is Op.LE


def _bounds(text: str) -> list[tuple[Op, str]]:
    return [(bound.op, bound.quantity) for bound in read_target(text).bounds]


GE, GT, LE, LT, EQ = Op.GE, Op.GT, Op.LE, Op.LT, Op.EQ


class TestRanges:
    """从A到B includes both ends (GB/T 8170); a unit written once at the end applies to both."""

    @pytest.mark.parametrize(
        ("text", "low", "high"),
        [
            ("1—2个", "1个", "2个"),
            ("3-5个", "3个", "5个"),
            ("3 - 5 个", "3个", "5个"),
            ("3－5个", "3个", "5个"),
            ("1~2家", "1家", "2家"),
            ("1～2家", "1家", "2家"),
            ("2–4项", "2项", "4项"),
            ("2——4项", "2项", "4项"),
            ("80至100之间", "80", "100"),
            ("80到100之间", "80", "100"),
            ("80至100", "80", "100"),
            ("控制在60万元至75万元之间", "60万元", "75万元"),
            ("控制在80万吨标准煤至100万吨标准煤之间", "80万吨标准煤", "100万吨标准煤"),
            ("控制在3%—5%", "3%", "5%"),
            ("保持在3%—5%范围内", "3%", "5%"),
            ("在92%至96%之间", "92%", "96%"),
            ("3%-5%", "3%", "5%"),
            ("3—5%", "3%", "5%"),
            ("800万元至1.2亿元", "800万元", "1.2亿元"),
            ("1.5-2.5‰", "1.5‰", "2.5‰"),
            ("3—5个（含）", "3个", "5个"),
        ],
    )
    def test_range(self, text: str, low: str, high: str) -> None:
        """Two bounds, >= the first number and <= the second, both inclusive."""
        read = read_target(text)
        assert read.form is Form.RANGE
        assert _bounds(text) == [(GE, low), (LE, high)]
        assert read.kind is Kind.RANGE
        assert all(bound.words == text for bound in read.bounds)

    @pytest.mark.parametrize(("text", "quantity"), [("-5%", "-5%"), ("-3", "-3"), ("1e-5", "1e-5")])
    def test_a_minus_sign_is_not_a_dash(self, text: str, quantity: str) -> None:
        """-5% alone is a negative number, 1e-5 one number: neither is a range."""
        read = read_target(text)
        assert read.form is Form.BARE
        assert _bounds(text) == [(GE, quantity)]

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("3%-5", "first number only"),
            ("不低于3—5%", "two readings"),
            ("3—5%以内", "two readings"),
            ("80至100以上", "two readings"),
            ("3—5个(不含)", "which end"),
        ],
    )
    def test_unclear_ranges_are_refused(self, text: str, reason: str) -> None:
        """A unit after the first number only, a comparison word with a range, (不含) in one."""
        with pytest.raises(WordError, match=reason):
            read_target(text)


class TestNewWords:
    """The genre's other bound words, alone and inside a longer phrase."""

    @pytest.mark.parametrize(
        ("text", "op", "rest"),
        [
            ("突破1000亿元", GT, "1000亿元"),
            ("不突破15万吨标准煤", LE, "15万吨标准煤"),
            ("上升到92%", GE, "92%"),
            ("上升至92%", GE, "92%"),
            ("提高到92%以上", GE, "92%"),
            ("提高至92%", GE, "92%"),
            ("增长到360亿元", GE, "360亿元"),
            ("增长至360亿元", GE, "360亿元"),
            ("达到96%", GE, "96%"),
            ("减少至4起", LE, "4起"),
            ("减少到4起", LE, "4起"),
            ("降至0.3%", LE, "0.3%"),
            ("下降到0.3%", LE, "0.3%"),
            ("下降至0.3%以下", LE, "0.3%"),
            ("降低到0.3%", LE, "0.3%"),
            ("降低至0.3%", LE, "0.3%"),
            ("控制在1.2%以内", LE, "1.2%"),
            ("控制在1.2%", LE, "1.2%"),
            ("要达到96%", GE, "96%"),
            ("在85%以上", GE, "85%"),
            ("均达到97%以上", GE, "97%"),
            ("均要达到97%以上", GE, "97%"),
            ("达到0.5以下", LE, "0.5"),
            ("要突破1000亿元", GT, "1000亿元"),
            ("均控制在1.2%以内", LE, "1.2%"),
            ("均降至0.3%以下", LE, "0.3%"),
            ("要上升到92%以上", GE, "92%"),
            ("均减少到4起以内", LE, "4起"),
            ("在3%以内", LE, "3%"),
            ("保持在98%以上（含98%）", GE, "98%"),
            ("85分以上（含85分）", GE, "85分"),
            ("85分以上(含85分)", GE, "85分"),
            ("85分（含）以上", GE, "85分"),
            ("85分以上（含本数）", GE, "85分"),
            ("不低于85分（含）", GE, "85分"),
            ("3%以内（含3%）", LE, "3%"),
            ("60分以下（不含60分）", LT, "60分"),
            ("60分以下（不含）", LT, "60分"),
            ("100分以上(不含)", GT, "100分"),
        ],
    )
    def test_word(self, text: str, op: Op, rest: str) -> None:
        """The operator and the quantity left."""
        assert _bounds(text) == [(op, rest)]
        assert read_target(text).form is Form.WORDS

    @pytest.mark.parametrize(
        ("text", "form", "op", "quantity", "kind"),
        [
            ("为零", Form.ZERO, EQ, "0", Kind.COUNT),
            ("重大事故为零", Form.ZERO, EQ, "0", Kind.COUNT),
            ("较大以上安全事故起数下降为零", Form.ZERO, EQ, "0", Kind.COUNT),
            ("零事故", Form.ZERO, EQ, "0", Kind.COUNT),
            ("实现特种设备零事故", Form.ZERO, EQ, "0", Kind.COUNT),
            ("不发生重大质量安全事故", Form.ZERO, EQ, "0", Kind.COUNT),
            ("实现零死亡", Form.ZERO, EQ, "0", Kind.COUNT),
            ("全覆盖", Form.COVERAGE, GE, "100%", Kind.FLOOR),
            ("实现全覆盖", Form.COVERAGE, GE, "100%", Kind.FLOOR),
            ("规模以上企业首席质量官全覆盖", Form.COVERAGE, GE, "100%", Kind.FLOOR),
            ("不合格产品流入市场批次为零", Form.ZERO, EQ, "0", Kind.COUNT),
            ("均实现全覆盖", Form.COVERAGE, GE, "100%", Kind.FLOOR),
            ("零的突破", Form.BREAKTHROUGH, GE, "1", Kind.COUNT),
            ("实现零的突破", Form.BREAKTHROUGH, GE, "1", Kind.COUNT),
            ("国家级质量标杆实现零的突破", Form.BREAKTHROUGH, GE, "1", Kind.COUNT),
            ("前三", Form.TOP, LE, "3", Kind.RANK),
            ("前十", Form.TOP, LE, "10", Kind.RANK),
            ("前十二", Form.TOP, LE, "12", Kind.RANK),
            ("前二十名", Form.TOP, LE, "20名", Kind.RANK),
            ("前5位", Form.TOP, LE, "5位", Kind.RANK),
            ("前10位以内", Form.TOP, LE, "10位", Kind.RANK),
            ("全市前三", Form.TOP, LE, "3", Kind.RANK),
            ("位居全省县域前十位", Form.TOP, LE, "10位", Kind.RANK),
            ("在前三", Form.TOP, LE, "3", Kind.RANK),
            ("第一方阵", Form.TIER, LE, "", Kind.RANK),
            ("进入全省县域第一方阵", Form.TIER, LE, "", Kind.RANK),
            ("前列", Form.TIER, LE, "", Kind.RANK),
            ("位居全市前列", Form.TIER, LE, "", Kind.RANK),
        ],
    )
    def test_phrase(self, text: str, form: Form, op: Op, quantity: str, kind: Kind) -> None:
        """A whole phrase states the bound and decides the kind."""
        read = read_target(text)
        assert (read.form, _bounds(text), read.kind) == (form, [(op, quantity)], kind)

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("超过85分（含）", "contradicts"),
            ("85分（含）", "which side"),
            ("85分以上（含80分）", "not the bound's number"),
            ("不低于85分（不含）", "alone"),
            ("85分以上(含)(含)", "twice"),
            ("降至3%以上", "different sides"),
            ("提高到95%以下", "different sides"),
            ("前10位以上", "different sides"),
            ("98%全覆盖", "number"),
            ("不低于全覆盖", "two readings"),
            ("不低于前十", "two readings"),
            ("超过第一方阵", "two readings"),
            ("全覆盖为零", "two readings"),
            ("< 全覆盖", "two readings"),
            ("≥前三", "two readings"),
            ("未实现全覆盖", "negated"),
            ("不全覆盖", "negated"),
            ("无零的突破", "negated"),
            ("实现零", "needs what it is about"),
            ("不发生", "needs what it is about"),
            ("前一二", "not a number"),
        ],
    )
    def test_conflicts_are_refused(self, text: str, reason: str) -> None:
        """Ambiguous or conflicting words are refused with the reason."""
        with pytest.raises(WordError, match=reason):
            read_target(text)

    def test_bare_number_is_a_floor_unless_told(self) -> None:
        """A number alone reads >= (the genre's more-is-better reading), and says so."""
        read = read_target("1100亿元")
        assert (read.form, read.stated, _bounds("1100亿元"), read.kind) == (
            Form.BARE, False, [(GE, "1100亿元")], Kind.FLOOR)
        assert read_target("1100亿元", default=LE).bounds[0].op is LE
        assert read_target("达1100亿元").stated

    @pytest.mark.parametrize("text", ["= 5", "等于5", "低于", "完成", "1:12.5", "控制在2.2:1以内"])
    def test_words_that_do_not_decide_the_kind(self, text: str) -> None:
        """Equality, a word with no number, a ratio: the kind must be declared."""
        assert read_target(text).kind is None

    @pytest.mark.parametrize(("text", "value"), [("一", 1), ("三", 3), ("十", 10), ("十五", 15),
                                                 ("二十", 20), ("两", 2), ("二十三", 23),
                                                 ("一百", 100), ("一百二十", 120)])
    def test_chinese_numbers(self, text: str, value: int) -> None:
        """A rank's number in Chinese digits."""
        assert chinese_number(text) == value


class TestLongestFirst:
    """Every word is read as itself, never as a shorter word it contains."""

    @pytest.mark.parametrize(("word", "op"), PREFIX_OPS)
    def test_prefix(self, word: str, op: Op) -> None:
        """``word`` followed by a number reads as ``word``'s operator."""
        assert parse_bound_text(f"{word}5").op is op

    @pytest.mark.parametrize(("word", "op"), SUFFIX_OPS)
    def test_suffix(self, word: str, op: Op) -> None:
        """A number followed by ``word`` reads as ``word``'s operator."""
        assert parse_bound_text(f"5{word}").op is op

    @pytest.mark.parametrize(("word", "op"), [(w, o) for w, o in NEUTRAL_WORDS if o is not None])
    def test_neutral(self, word: str, op: Op) -> None:
        """A neutral word with a direction gives it when nothing else does."""
        assert parse_bound_text(f"{word}5").op is op

    @pytest.mark.parametrize("table", [PREFIX_OPS, SUFFIX_OPS, NEUTRAL_WORDS,
                                       tuple((p.words, p.op) for p in PHRASES)])
    def test_tables_are_longest_first(self, table: tuple[tuple[str, object], ...]) -> None:
        """No word comes after a shorter word that would match first."""
        lengths = [len(word) for word, _ in table]
        assert lengths == sorted(lengths, reverse=True)

    @pytest.mark.parametrize(("text", "op"), [("不低于5", GE), ("低于5", LT), ("不高于5", LE),
                                              ("高于5", GT), ("不超过5", LE), ("超过5", GT),
                                              ("不突破5", LE), ("突破5", GT), ("不少于5", GE),
                                              ("少于5", LT), ("不小于5", GE), ("小于5", LT),
                                              ("不大于5", LE), ("大于5", GT), ("不多于5", LE),
                                              ("多于5", GT), (">= 5", GE), ("> 5", GT),
                                              ("<= 5", LE), ("< 5", LT)])
    def test_negated_and_plain(self, text: str, op: Op) -> None:
        """不低于 is not 低于, 不突破 is not 突破, >= is not >."""
        assert parse_bound_text(text).op is op

    @pytest.mark.parametrize(("text", "form"), [("实现零的突破", Form.BREAKTHROUGH),
                                                ("零的突破", Form.BREAKTHROUGH),
                                                ("突破5", Form.WORDS),
                                                ("实现全覆盖", Form.COVERAGE)])
    def test_phrases(self, text: str, form: Form) -> None:
        """实现零的突破 is at least one, not 实现零 (none) or 突破 (more than)."""
        assert read_target(text).form is form


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
