"""A restricted formula language for derived indicators: ``+ - * /``, parentheses, numbers, names.

The text is tokenised by Python's own parser (:func:`ast.parse` in ``eval`` mode) and then
every node is checked against a short whitelist; nothing is ever evaluated as Python. A parsed
:class:`Formula` evaluates exactly over :class:`~fractions.Fraction` values and computes the
unit of its result: from the shipped unit table when every unit is in it, else with pint.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

import attrs

from ..base.numbers import MAX_EXPONENT, exponent_in_range
from .units import Dimension, canonical_unit, registry, shipped_meaning

if TYPE_CHECKING:
    import pint

__all__ = ["Formula", "FormulaError", "parse_formula"]

MAX_FORMULA_LENGTH = 500

_BINARY: dict[type[ast.operator], Callable[[object, object], object]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class FormulaError(ValueError):
    """A formula that does not parse or uses something outside the language."""


@attrs.frozen
class Formula:
    """A checked formula: its text, the names it uses, and its syntax tree."""

    text: str
    names: tuple[str, ...]
    tree: ast.expr = attrs.field(eq=False, repr=False)

    def evaluate(self, values: Mapping[str, Fraction]) -> Fraction:
        """The exact value for the given inputs.

        Raises:
            ZeroDivisionError: a division by zero.
        """
        return _walk(self.tree, values.__getitem__, Fraction)  # type: ignore[return-value]

    def result_unit(self, units: Mapping[str, str | None]) -> Any:
        """The unit the formula yields when each input has the given unit.

        Raises:
            pint.errors.DimensionalityError: adding or subtracting incompatible quantities.
            ZeroDivisionError: a divisor that is zero whatever the inputs are (``a / (b - b)``).
        """
        # Each input gets a magnitude of its own (a distinct prime), so that only a divisor that
        # is zero for every input (b - b) comes out zero, never one like b - c.
        primes = dict(zip(sorted(units), _PRIMES, strict=False))

        def quantity(name: str) -> pint.Quantity:
            return registry().Quantity(Fraction(primes.get(name, 1)), canonical_unit(units[name] or "1"))

        result = _walk(self.tree, quantity, lambda n: registry().Quantity(Fraction(n), "dimensionless"))
        return getattr(result, "units")  # noqa: B009 - a pint Quantity; typed loosely by pint

    def result_meaning(self, units: Mapping[str, str | None]) -> tuple[Fraction, Dimension] | None:
        """:meth:`result_unit` as its exact factor to the root units and its dimension,
        computed from the shipped unit table; ``None`` when a unit is not in it or the formula
        mixes incompatible units (then :meth:`result_unit` says which).

        Raises:
            ZeroDivisionError: as :meth:`result_unit`.
        """
        meanings = {name: shipped_meaning(units[name] or "1") for name in self.names}
        if any(meaning is None for meaning in meanings.values()):
            return None
        primes = dict(zip(sorted(units), _PRIMES, strict=False))

        def quantity(name: str) -> _Exact:
            factor, dimension = meanings[name]  # type: ignore[misc]
            return _Exact(primes.get(name, 1) * factor, factor, dict(dimension))

        try:
            result = cast(_Exact, _walk(self.tree, quantity, lambda n: _Exact(n, Fraction(1), {})))
        except _Incompatible:
            return None
        return result.factor, tuple(sorted(result.dimension.items()))

    def result_factor(self, units: Mapping[str, str | None], unit: str) -> Fraction:
        """The exact factor from the unit of the result (:meth:`result_unit`) to ``unit``.

        Raises:
            pint.errors.DimensionalityError: the result is not of ``unit``'s dimension, or the
                formula adds or subtracts incompatible quantities.
            ZeroDivisionError: as :meth:`result_unit`.
        """
        meaning, target = self.result_meaning(units), shipped_meaning(unit)
        if meaning is not None and target is not None and meaning[1] == target[1]:
            return meaning[0] / target[0]
        return Fraction(registry().Quantity(Fraction(1), self.result_unit(units))
                        .to(canonical_unit(unit)).magnitude)


class _Incompatible(Exception):
    """Quantities of different dimensions added or subtracted."""


@attrs.frozen
class _Exact:
    """A value in a unit of the shipped table, as :meth:`Formula.result_meaning` computes it:
    its magnitude in root units, its unit's factor to them and its dimension (exponents by base
    dimension). It computes as a pint quantity does: a sum keeps the left term's unit."""

    magnitude: Fraction
    factor: Fraction
    dimension: dict[str, Fraction | int]

    def _joined(self, other: _Exact, sign: int) -> dict[str, Fraction | int]:
        exponents = dict(self.dimension)
        for name, exponent in other.dimension.items():
            exponents[name] = exponents.get(name, 0) + sign * exponent
        return {name: e for name, e in exponents.items() if e != 0}

    def __add__(self, other: _Exact) -> _Exact:
        if self.dimension != other.dimension:
            raise _Incompatible
        return _Exact(self.magnitude + other.magnitude, self.factor, self.dimension)

    def __sub__(self, other: _Exact) -> _Exact:
        if self.dimension != other.dimension:
            raise _Incompatible
        return _Exact(self.magnitude - other.magnitude, self.factor, self.dimension)

    def __mul__(self, other: _Exact) -> _Exact:
        return _Exact(self.magnitude * other.magnitude, self.factor * other.factor,
                      self._joined(other, 1))

    def __truediv__(self, other: _Exact) -> _Exact:
        return _Exact(self.magnitude / other.magnitude, self.factor / other.factor,
                      self._joined(other, -1))

    def __neg__(self) -> _Exact:
        return _Exact(-self.magnitude, self.factor, self.dimension)


_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
           89, 97)


def _walk(node: ast.expr, name_value: Callable[[str], object],
          number: Callable[[Fraction], object]) -> object:
    if isinstance(node, ast.BinOp):
        left = _walk(node.left, name_value, number)
        right = _walk(node.right, name_value, number)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        operand = _walk(node.operand, name_value, number)
        return -operand if isinstance(node.op, ast.USub) else operand  # type: ignore[operator]
    if isinstance(node, ast.Name):
        return name_value(node.id)
    if isinstance(node, ast.Constant):
        return number(cast(Fraction, node.value))  # exact, set by _exact_literals
    raise FormulaError(f"unsupported element {type(node).__name__}")  # pragma: no cover


def _check(node: ast.AST, names: list[str]) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, names)
        _check(node.right, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, names)
    elif isinstance(node, ast.Name):
        if node.id not in names:
            names.append(node.id)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        pass
    else:
        what = type(node).__name__
        if isinstance(node, ast.BinOp):
            what = f"operator {type(node.op).__name__}"
        msg = f"{what} is not allowed; use + - * /, parentheses, numbers and input names"
        raise FormulaError(msg)


def parse_formula(text: str) -> Formula:
    """Parse and check a formula.

    Raises:
        FormulaError: a syntax error or an element outside the language.
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("a formula must be non-empty text")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"a formula may be at most {MAX_FORMULA_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"does not parse: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("does not parse") from None
    names: list[str] = []
    try:
        _check(tree.body, names)
    except RecursionError:
        raise FormulaError("nested too deeply") from None
    _exact_literals(tree.body, text.strip())
    return Formula(text.strip(), tuple(names), tree.body)


def _exact_literals(body: ast.expr, text: str) -> None:
    """Replace each number's value by the exact Fraction of its digits as written.

    Python's parser reads ``0.1`` as a binary float and ``1e999`` as infinity; the digits in
    the text are what the author meant.
    """
    for node in ast.walk(body):
        if not isinstance(node, ast.Constant):
            continue
        written = (ast.get_source_segment(text, node) or str(node.value)).replace("_", "")
        if isinstance(node.value, int):
            node.value = cast(Any, Fraction(node.value))  # exact already, in any base
            continue
        try:
            number = Decimal(written)
        except InvalidOperation:
            raise FormulaError(f"{written!r} is not a decimal number") from None
        if not number.is_finite() or not exponent_in_range(number):
            raise FormulaError(f"the number {written} is out of range "
                               f"(decimal exponent beyond ±{MAX_EXPONENT})")
        node.value = cast(Any, Fraction(number))
