"""Safe, synchronous host for running a rule set in durable_rules.

This module is a generic layer: it knows nothing about qcrules' domain model.
It takes a durable_rules ruleset *definition*, registers it under a unique
name and evaluates isolated batches of facts with :meth:`DurableHost.run`.

durable_rules (2.0.28, unmaintained) has several traps.  Each one below was
reproduced against the installed C extension; the host handles all of them:

* **Whole batch lost on a partial match.**  ``Host.assert_facts`` raises
  ``MessageNotHandledException`` as soon as *one* fact of a batch matches no
  rule, and the actions of the facts that did match are then never run.  The
  host talks to the C engine directly, treats "not handled" as a normal
  outcome and always drives the agenda of the session.
* **Silent duplicate dropping.**  The engine identifies a fact by the 32-bit
  FNV-1a hash of its id (a generated content hash when no ``id`` is given).
  Two identical facts, *or two different facts whose id hashes collide*, make
  the engine report "already observed" and drop the second one (the stock
  Python API then raises ``MessageObservedException`` and runs nothing).  The
  host gives every fact it asserts an id that is unique within the session
  and whose 32-bit hash is verified to be unused, so every asserted fact is a
  distinct fact (multiset semantics).
* **1,024 live sessions per ruleset**, reported as ``MemoryError``; calling
  ``delete_state`` for the session that failed with that error crashes the
  process.  Each :meth:`~DurableHost.run` uses a fresh session and deletes it
  before returning, also when an action raised, so at most one session per
  host (plus one per nested run) is ever alive.
* **Background threads.**  ``durable.engine.Host`` starts two self-rearming
  ``threading.Timer`` dispatchers (and ``durable.lang.get_host()`` creates
  one such host).  The host never creates an ``engine.Host``: no thread is
  started and no timer runs.
* **Global registry.**  ``durable.lang`` keeps rulesets by name in a module
  global.  Rulesets are built under a generated, uuid-based name that is
  removed from that registry at once, so hosts built from the same
  definition never collide.
* **Swallowed action errors and the 10 s action lease.**  The stock action
  runner stores an exception raised by an action in the session state and
  goes on; an action that runs longer than 10 s makes it silently abandon the
  rest of the agenda.  The host runs actions itself: errors are raised as
  :class:`DurableActionError`, slow actions are harmless.
* **Process crashes** (segmentation faults, ``free(): invalid size``),
  which no ``try`` can catch:

  - a JSON number with an exponent but no fraction (Python writes
    ``1e+16``, ``1e-05``, ``5e-324``), ``Infinity``, a fact with more than
    254 keys.  The host validates and encodes every fact itself (see
    *Encoding* below);
  - deleting a session in which no action was ever started: the engine's
    ``createStateNode`` leaves the session's action context uninitialised
    and ``deleteStateNode`` frees it.  Whether this crashes depends on what
    the allocator hands out, so it typically shows up only once a second
    ruleset exists.  The host adds a hidden rule on the engine's session
    state fact, which fires once in every session and initialises that
    context; the host never calls an action for it;
  - deleting a session while an action is in flight, or a session whose
    creation failed.  The host deletes a session only once its agenda is
    empty; after an engine error it leaves the session alone and refuses
    further runs (create a new host).
* **Rules see the engine's session-state fact.**  A rule whose conditions
  are all negative (``-m.field``, i.e. "has no such field") also matches
  the internal ``{"$s": 1}`` fact of every session.  The host never calls
  an action for such a firing, and rejects rules that test the session
  state (``s.``) since the host has no use for it.
* ``assert_facts`` with an empty list returns an uninitialised session
  handle; :meth:`DurableHost.run` returns ``[]`` for an empty batch without
  calling the engine.

Encoding: what a caller must know
---------------------------------
Facts are sent to the engine as JSON.  Accepted values are ``dict`` (string
keys), ``list``/``tuple``, ``str``, ``int``, ``float``, ``bool`` and
``None``; anything else (``Decimal``, numpy scalars, dates ...) is rejected
with :class:`DurableInputError`.  The host enforces:

* floats must be finite (``NaN`` would silently become ``null``;
  ``Infinity`` crashes the engine).  Floats that Python prints with an
  exponent are rewritten losslessly (``1e+16`` -> ``1.0e+16``) - values and
  comparisons stay exact, both in facts and in rule constants;
* ints must fit in a signed 64-bit integer.  Larger ints are compared with
  lost precision by the engine (``2**64 + 1 == 2**64`` holds there);
* keys must be non-empty strings without ``.`` (the engine reads ``"a.b"``
  as the nested path ``a -> b``) and must not start with ``$`` (reserved by
  the engine); ``sid`` and ``id`` are reserved at the top level of a fact;
* at most :data:`MAX_FACT_KEYS` keys per fact, counting keys of nested
  objects (not of objects inside lists).

What the host cannot fix, because it is in the rule semantics of the engine:
comparisons between values of different types do not follow Python.  A
string is equal to a number with the same text (``"5" == 5``), ordered
comparisons of a non-numeric string with a number are true or false
arbitrarily (``"abc" > 5`` holds, ``"10" < 5`` holds), and ``True`` behaves
like ``1``.  ints and floats compare as numbers (``5 == 5.0``), floats with
full double precision (``0.1 + 0.2 != 0.3``).  So a field that a rule
compares with a number must hold a number (not a ``bool``, ``str`` or
``None``) in every fact.  Recommended: pass measured values as finite
floats, pass exact values (``Decimal``, fractions, big ints) as strings in a
separate field or keep them outside the engine under an id you put in the
fact, and map results back through that id.

Threading
---------
One process-wide re-entrant lock serializes *everything* this module does
with durable_rules: building a ruleset through ``durable.lang`` (whose rule
stacks are module globals), creating and deleting rulesets, and each whole
:meth:`DurableHost.run` - the assert, the action loop *including the
execution of the actions*, and the deletion of the session.  Concurrent
``run`` calls from several threads are therefore safe and simply execute one
after the other; the C extension never releases the GIL, so nothing is lost
in parallelism.  An action may call ``run`` of another host (the lock is
re-entrant) but must not wait for another thread that uses a host.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import durable_rules_engine as _dre
from durable import lang as _lang

__all__ = [
    "MAX_FACT_KEYS",
    "ActionContext",
    "DurableActionError",
    "DurableEngineError",
    "DurableHost",
    "DurableInputError",
    "DurableSession",
    "FactView",
    "RuleAction",
    "RulesetDefinition",
]

#: Maximum number of keys of one fact (nested objects included, objects in
#: lists excluded).  The engine crashes at 255 keys in total, and the host adds
#: two (``sid`` and ``id``).
MAX_FACT_KEYS = 240

#: Maximum nesting depth of objects and lists inside a fact.
MAX_FACT_DEPTH = 32

#: Keys the host puts in every fact; callers may not use them at top level.
RESERVED_KEYS = frozenset({"sid", "id"})

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1

# Result codes of the C engine for assert operations (rules.h).
_RULES_OK = 0
_ERR_EVENT_NOT_HANDLED = 1
_ERR_EVENT_OBSERVED = 2

#: Name of the rule the host adds to every ruleset (see _split_definition).
_SESSION_RULE = "$host_session"
_SESSION_PREFIX = '{"' + _SESSION_RULE + '":'

#: Serializes every use of durable_rules in the process (see module docs).
_ENGINE_LOCK = threading.RLock()

RuleAction = Callable[["ActionContext"], Any]
RulesetDefinition = Callable[[], Any] | Mapping[str, Mapping[str, Any]]


#: How many sessions one durable_rules ruleset keeps alive at once.
SESSION_LIMIT = 1024


class DurableEngineError(RuntimeError):
    """An error reported by durable_rules, or a misuse of the host.

    When it wraps an exception raised by durable_rules, that exception is the
    ``__cause__``.
    """


class DurableInputError(DurableEngineError, ValueError):
    """A fact or definition that the engine would mishandle; nothing was sent."""


class DurableActionError(DurableEngineError):
    """An action raised an exception; the original is the ``__cause__``."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        #: Name of the rule whose action failed.
        self.rule = rule


# ---------------------------------------------------------------------------
# JSON encoding safe for the durable_rules parser
# ---------------------------------------------------------------------------


def _fnv1a32(text: str) -> int:
    """32-bit FNV-1a of an ASCII string, as computed by the engine."""
    h = 0x811C9DC5
    for byte in text.encode("ascii"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        raise DurableInputError(f"non-finite float {value!r} cannot be passed to durable_rules")
    text = float.__repr__(value)
    if "e" in text and "." not in text:
        # The engine's parser only accepts an exponent after a fraction.
        text = text.replace("e", ".0e", 1)
    return text


def _float_is_plain(value: float) -> bool:
    """True if ``json.dumps`` writes this float in a form the engine parses."""
    if value == 0.0 or 1e-4 <= abs(value) < 1e16:
        return True
    return _float_text(value) == float.__repr__(value)


def _dumps(value: Any) -> str:
    """Encode a validated value; floats are written in engine-safe form."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Mapping):
        return (
            "{"
            + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dumps(v) for k, v in value.items())
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    raise DurableInputError(f"value of type {type(value).__name__} cannot be passed to durable_rules")


def _scan_fact(value: Any, depth: int, in_list: bool, state: list) -> bool:
    """Validate a fact value; return True if its floats need custom encoding.

    ``state`` is ``[key_count]``, updated in place.
    """
    if value is None or isinstance(value, (str, bool)):
        return False
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise DurableInputError(
                f"int {value} does not fit in 64 bits; durable_rules would "
                "compare it imprecisely (pass it as a float or a string)"
            )
        return False
    if isinstance(value, float):
        return not _float_is_plain(value)
    if depth >= MAX_FACT_DEPTH:
        raise DurableInputError(f"fact nested deeper than {MAX_FACT_DEPTH} levels")
    custom = False
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_key(key)
            if not in_list:
                state[0] += 1
            if _scan_fact(item, depth + 1, in_list, state):
                custom = True
        return custom
    if isinstance(value, (list, tuple)):
        for item in value:
            if _scan_fact(item, depth + 1, True, state):
                custom = True
        return custom
    raise DurableInputError(
        f"value of type {type(value).__name__} cannot be passed to durable_rules"
        " (use str, int, float, bool, None, dict or list)"
    )


def _check_key(key: Any) -> None:
    if key in _GOOD_KEYS:
        return
    if not isinstance(key, str):
        raise DurableInputError(f"fact keys must be strings, got {key!r}")
    if not key or "." in key or key.startswith("$"):
        raise DurableInputError(
            f"fact key {key!r} is not allowed: keys must be non-empty, contain"
            " no '.' (read as a nested path) and not start with '$'"
        )
    if len(_GOOD_KEYS) < 100_000 and type(key) is str:
        _GOOD_KEYS.add(key)


#: Keys already validated (a cache; fact keys repeat a lot).
_GOOD_KEYS: set = set()

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _encode_fact(fact: Any, sid: str, mid: str) -> str:
    """Validate a fact and return its JSON with the host's ``sid``/``id``."""
    if not isinstance(fact, Mapping):
        raise DurableInputError(f"a fact must be a mapping, got {type(fact).__name__}")
    if "sid" in fact or "id" in fact:
        raise DurableInputError("fact keys 'sid' and 'id' are reserved by the host; use other names")
    state = [0]
    custom = False
    # Fast path for the top level; nested values go through _scan_fact.
    for key, item in fact.items():
        _check_key(key)
        state[0] += 1
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is float:
            if item == 0.0 or 1e-4 <= abs(item) < 1e16:
                continue
            if not _float_is_plain(item):
                custom = True
            continue
        if kind is int and _INT64_MIN <= item <= _INT64_MAX:
            continue
        if _scan_fact(item, 1, False, state):
            custom = True
    if state[0] > MAX_FACT_KEYS:
        raise DurableInputError(f"fact has {state[0]} keys; at most {MAX_FACT_KEYS} are supported")
    payload = {"sid": sid, "id": mid}
    payload.update(fact)
    if custom:
        return _dumps(payload)
    return _ENCODER.encode(payload)


# ---------------------------------------------------------------------------
# What actions see
# ---------------------------------------------------------------------------


class FactView(Mapping):
    """Read-only view of a fact as stored by the engine.

    Behaves as a mapping and allows attribute access (``view.value``);
    nested objects are returned as ``FactView`` as well.  The host's
    bookkeeping keys (``sid``, ``id``) are hidden.
    """

    __slots__ = ("_data", "_hidden")

    def __init__(self, data: dict, hidden: frozenset = frozenset()) -> None:
        self._data = data
        self._hidden = hidden

    def __getitem__(self, key: str) -> Any:
        if key in self._hidden:
            raise KeyError(key)
        value = self._data[key]
        if isinstance(value, dict):
            return FactView(value)
        return value

    def __iter__(self) -> Iterator[str]:
        return (k for k in self._data if k not in self._hidden)

    def __len__(self) -> int:
        return sum(1 for k in self._data if k not in self._hidden)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict:
        """A plain (deep) copy of the fact, without the host's keys."""
        return json.loads(json.dumps({k: v for k, v in self._data.items() if k not in self._hidden}))

    def __repr__(self) -> str:
        return f"FactView({dict(self)!r})"


class ActionContext:
    """The argument passed to an action.

    The facts matched by the rule are attributes named as in the rule:
    ``c.m`` for a single-pattern rule, ``c.m_0``/``c.m_1`` or the alias
    (``c.first << m.x == 1``) for multi-pattern rules.  For a rule whose
    result is a list (``count``/``cap``), ``c.m`` is a tuple of facts.
    """

    __slots__ = ("_host", "_message", "_named", "_run", "_text", "rule")

    def __init__(self, host: DurableHost, run: _Run, rule: str, message: Any,
                 text: str | None = None):
        self._host = host
        self._run = run
        #: Name of the rule being fired.
        self.rule = rule
        # The matched facts are decoded from the engine's JSON (``text``) only when an action
        # reads them: most actions only assert facts or return a constant.
        self._message = message
        self._text = text
        self._named: dict[str, Any] | None = None

    def _views(self) -> dict[str, Any]:
        named = self._named
        if named is not None:
            return named
        message = self._message
        if self._text is not None:
            ((_, message),) = json.loads(self._text).items()
        if isinstance(message, dict):
            named = {
                name: FactView(fact, RESERVED_KEYS) if isinstance(fact, dict) else fact
                for name, fact in message.items()
            }
        else:
            views = []
            for item in message:
                fact = item["m"] if isinstance(item, dict) and len(item) == 1 and "m" in item else item
                views.append(FactView(fact, RESERVED_KEYS))
            named = {"m": tuple(views)}
        self._named = named
        return named

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        named = self._views()
        try:
            return named[name]
        except KeyError:
            raise AttributeError(f"rule {self.rule!r} has no fact named {name!r}") from None

    @property
    def facts(self) -> Mapping[str, Any]:
        """The matched facts by name."""
        return dict(self._views())

    def assert_fact(self, fact: Mapping[str, Any]) -> None:
        """Assert a new fact into the current session (forward chaining).

        Rules matching it fire later in the same :meth:`DurableHost.run`.
        The fact follows the same encoding rules as input facts; it is a new,
        distinct fact even if an identical one exists.
        """
        if self._run.finished:
            raise DurableEngineError("the run of this action context has ended")
        self._host._assert_one(self._run, fact)


# ---------------------------------------------------------------------------
# The host
# ---------------------------------------------------------------------------


class _Run:
    """Book-keeping of one session."""

    __slots__ = (
        "actions",
        "counter",
        "error",
        "error_rule",
        "finished",
        "live",
        "outputs",
        "sid",
        "used_hashes",
    )

    def __init__(self, sid: str) -> None:
        self.sid = sid
        self.outputs: list = []
        self.error: BaseException | None = None
        self.error_rule = ""
        # The engine stores the session's own state fact under "sid-<sid>".
        self.used_hashes = {_fnv1a32("sid-" + sid)}
        self.counter = 0
        self.finished = False
        self.actions = 0
        #: In a long-lived session: the facts in the session, by id (fact, encoded payload).
        self.live: dict[str, tuple[dict[str, Any], str]] | None = None

    def new_id(self) -> str:
        while True:
            n = self.counter
            self.counter += 1
            mid = f"f{n}"
            h = _ID_HASHES[n] if n < len(_ID_HASHES) else _id_hash(n)
            if h not in self.used_hashes:
                self.used_hashes.add(h)
                return mid


#: FNV-1a hashes of the ids "f0", "f1", ... (the same in every run).
_ID_HASHES: list = []


def _id_hash(n: int) -> int:
    if n >= 65536:
        return _fnv1a32(f"f{n}")
    with _ENGINE_LOCK:
        while len(_ID_HASHES) <= n:
            _ID_HASHES.append(_fnv1a32(f"f{len(_ID_HASHES)}"))
    return _ID_HASHES[n]


def _definition_from_dsl(build: Callable[[], Any], name: str) -> dict:
    """Run a ``durable.lang`` building function and return its definition."""
    rs = _lang.ruleset(name)
    try:
        with rs:
            build()
    finally:
        # ruleset() registered itself in durable.lang's global registry.
        if _lang._rulesets.get(name) is rs:
            del _lang._rulesets[name]
    _, definition = rs.define()
    return definition


def _mentions_state(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "$s" in value or any(_mentions_state(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_mentions_state(v) for v in value)
    return False


def _split_definition(definition: Mapping) -> tuple[dict, dict]:
    """Separate the actions from the JSON part of a ruleset definition."""
    if not isinstance(definition, Mapping) or not definition:
        raise DurableInputError("a ruleset definition needs at least one rule")
    rules: dict = {}
    actions: dict = {}
    for rule_name, rule in definition.items():
        if not isinstance(rule_name, str) or not isinstance(rule, Mapping):
            raise DurableInputError(f"invalid rule entry {rule_name!r}")
        if not rule_name or rule_name.startswith("$"):
            raise DurableInputError(f"rule name {rule_name!r} is not allowed")
        action = rule.get("run")
        if not callable(action) or hasattr(action, "define"):
            raise DurableInputError(
                f"rule {rule_name!r} needs a plain callable action taking one argument, got {action!r}"
            )
        actions[rule_name] = action
        body = {k: v for k, v in rule.items() if k != "run"}
        if "all" not in body and "any" not in body:
            raise DurableInputError(f"rule {rule_name!r} has no 'all'/'any' condition")
        if _mentions_state(body):
            raise DurableInputError(
                f"rule {rule_name!r} tests the session state ('s'), which the host does not support"
            )
        rules[rule_name] = body
    # Fires once per session on the engine's own state fact.  It guarantees
    # that an action is started in every session, which initialises the
    # session's action context: createStateNode leaves it uninitialised and
    # deleting a session where no action ever started frees garbage pointers.
    rules[_SESSION_RULE] = {"all": [{"m": {"$s": 1}}]}
    return rules, actions


def _release_ruleset(handle: int) -> None:
    with _ENGINE_LOCK, contextlib.suppress(Exception):
        _dre.delete_ruleset(handle)


class DurableHost:
    """Runs one durable_rules ruleset on isolated batches of facts.

    ``definition`` is either

    * a callable taking no argument that declares rules with the
      ``durable.lang`` DSL (it is called inside ``with ruleset(<name>):``)::

          def rules():
              @when_all(m.kind == "x")
              def flag(c):
                  return ("flag", c.m.value)

    * or a mapping in durable_rules' own definition format,
      ``{rule_name: {"all": [{"m": {"kind": "x"}}], "run": action}}``.

    Actions take one :class:`ActionContext` argument; a return value other
    than ``None`` is recorded as an output of the run.

    The ruleset is registered under ``f"{name_prefix}_{uuid}"``.  The engine
    ruleset is released by :meth:`close` (or the context manager, or when
    the host is garbage collected).

    ``max_actions_per_run`` bounds the number of actions fired in one run,
    to stop a rule set that keeps deriving new facts.
    """

    def __init__(
        self,
        definition: RulesetDefinition,
        *,
        name_prefix: str = "qcrules",
        max_actions_per_run: int = 1_000_000,
    ) -> None:
        self._name = f"{name_prefix}_{uuid.uuid4().hex}"
        self._max_actions = max_actions_per_run
        self._sids = itertools.count(1)
        self._live_sid_hashes: set[int] = set()
        #: Sessions dropped without being closed, deleted at the next safe moment.
        self._orphans: list[str] = []
        #: How many runs or session calls of this host are in progress (nested through actions).
        self._depth = 0
        self._broken: str | None = None
        self._closed = False
        with _ENGINE_LOCK:
            if isinstance(definition, Mapping):
                raw = definition
            elif callable(definition):
                try:
                    raw = _definition_from_dsl(definition, self._name)
                except DurableEngineError:
                    raise
                except Exception as exc:
                    raise DurableEngineError(f"building ruleset {self._name} failed: {exc}") from exc
            else:
                raise DurableInputError("definition must be a callable or a mapping of rules")
            rules, self._actions = _split_definition(raw)
            payload = _dumps(rules)
            try:
                self._handle = _dre.create_ruleset(self._name, payload)
            except Exception as exc:
                raise DurableEngineError(f"durable_rules rejected ruleset {self._name}: {exc}") from exc
        self._finalizer = weakref.finalize(self, _release_ruleset, self._handle)

    # -- properties ---------------------------------------------------------

    @property
    def name(self) -> str:
        """The unique name the ruleset is registered under."""
        return self._name

    @property
    def rule_names(self) -> tuple[str, ...]:
        """Names of the rules, as known to the engine."""
        return tuple(self._actions)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        """Delete the ruleset in the engine.  Idempotent."""
        with _ENGINE_LOCK:
            if not self._closed:
                self._closed = True
                self._finalizer()

    def __enter__(self) -> DurableHost:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<DurableHost {self._name} ({len(self._actions)} rules, {state})>"

    # -- running ------------------------------------------------------------

    def run(self, facts: Iterable[Mapping[str, Any]]) -> list[Any]:
        """Evaluate one batch of facts in a fresh session.

        Returns the non-``None`` return values of the actions, in firing
        order (durable_rules' agenda order).  No matching rule gives ``[]``.
        Raises :class:`DurableInputError` (nothing was sent to the engine),
        :class:`DurableActionError` (an action raised; the session was
        cleaned up and the host stays usable) or :class:`DurableEngineError`.
        """
        facts = list(facts)
        return self._run(lambda run: [_encode_fact(f, run.sid, run.new_id()) for f in facts])

    def run_encoded(self, members: Iterable[str]) -> list[Any]:
        """:meth:`run` for facts the caller has already written in the engine's JSON.

        Each item is the members of one fact's JSON object, without the braces and without
        ``sid`` or ``id`` (``'"kind":"stat","value":12'``); the host adds a unique id and the
        session. Nothing is parsed or checked: the caller guarantees what :meth:`run` would
        check (see *Encoding* in the module documentation: valid JSON, allowed keys, 64-bit
        ints, finite floats written with a fraction before any exponent, at most
        :data:`MAX_FACT_KEYS` keys). A violation can crash the process. For callers that
        generate facts from a fixed shape, it avoids encoding the same keys every time.
        """
        members = list(members)

        def encode(run: _Run) -> list[str]:
            head = '{"sid":"' + run.sid + '","id":"'
            return [head + run.new_id() + ('",' + item + "}" if item else '"}')
                    for item in members]

        return self._run(encode)

    def _run(self, encode: Callable[[_Run], list[str]]) -> list[Any]:
        with _ENGINE_LOCK:
            self._check_usable()
            self._collect_orphans()
            sid = self._new_sid()
            run = _Run(sid)
            encoded = encode(run)
            if not encoded:
                return []
            h = _fnv1a32(sid)
            self._live_sid_hashes.add(h)
            self._depth += 1
            try:
                self._run_session(run, "[" + ",".join(encoded) + "]")
            finally:
                self._depth -= 1
                run.finished = True
                if self._broken is None:
                    self._live_sid_hashes.discard(h)
        _raise_run_error(run)
        return run.outputs

    def session(self) -> DurableSession:
        """A long-lived session: facts asserted and retracted one batch at a time.

        Unlike :meth:`run`, the facts stay in the session between calls, so rules join new
        facts with old ones. Close it (:meth:`DurableSession.close`) when done: a session counts
        towards durable_rules' 1,024 live sessions per ruleset until then.
        """
        with _ENGINE_LOCK:
            self._check_usable()
            self._collect_orphans()
            sid = self._new_sid()
            self._live_sid_hashes.add(_fnv1a32(sid))
            return DurableSession(self, sid)

    def _collect_orphans(self) -> None:
        """Delete the sessions whose :class:`DurableSession` was dropped without ``close``.

        Called with the lock held and outside any action (a session is never deleted from a
        garbage-collection finaliser, which could run in the middle of an action).
        """
        while self._orphans and self._depth == 0:
            sid = self._orphans.pop()
            with contextlib.suppress(Exception):
                _dre.delete_state(self._handle, sid)
            self._live_sid_hashes.discard(_fnv1a32(sid))

    def _check_usable(self) -> None:
        if self._closed:
            raise DurableEngineError(f"host {self._name} is closed")
        if self._broken is not None:
            raise DurableEngineError(
                f"host {self._name} is unusable after an engine error ({self._broken}); create a new host"
            )

    def _new_sid(self) -> str:
        while True:
            sid = str(next(self._sids))
            if _fnv1a32(sid) not in self._live_sid_hashes:
                return sid

    def _engine_failure(self, what: str, exc: BaseException) -> DurableEngineError:
        """Mark the host unusable and build the error to raise.

        After an engine error the session is left alone (not deleted): its
        C structures may be half-built, and deleting those can crash.
        """
        self._broken = f"{what}: {type(exc).__name__}: {exc}"
        if isinstance(exc, MemoryError):
            detail = (f"its limit of {SESSION_LIMIT:,} live sessions per ruleset is reached "
                      "(durable_rules reports it as MemoryError); close the sessions and monitors "
                      "no longer in use (LiveSession.close, Monitor.close), or keep fewer open "
                      "at once")
        else:
            detail = str(exc) or type(exc).__name__
        error = DurableEngineError(f"durable_rules failed to {what}: {detail}")
        error.__cause__ = exc
        return error

    def _run_session(self, run: _Run, payload: str) -> None:
        handle = self._handle
        try:
            code, offset = _dre.assert_facts(handle, payload)
        except Exception as exc:
            raise self._engine_failure("assert facts", exc) from exc
        if code not in (_RULES_OK, _ERR_EVENT_NOT_HANDLED):
            raise self._engine_failure("assert facts", RuntimeError(f"unexpected result code {code}"))
        self._drive(run, offset)
        # Only reached when the agenda is empty and no action is in flight:
        # deleting a session in another situation can crash the process.
        try:
            _dre.delete_state(handle, run.sid)
        except Exception as exc:
            raise self._engine_failure("delete the session state", exc) from exc

    def _drive(self, run: _Run, offset: int) -> None:
        """Fire actions until the session's agenda is empty.

        After an action error the remaining agenda is drained without calling
        actions, so the session can be deleted safely.
        """
        handle = self._handle
        try:
            result = _dre.start_action_for_state(handle, offset)
        except Exception as exc:
            raise self._engine_failure("start an action", exc) from exc
        messages = None if result is None else result[1]
        while messages is not None:
            try:
                if run.error is None:
                    self._fire(run, messages)
            except BaseException as exc:  # asynchronous, e.g. KeyboardInterrupt
                if run.error is None:
                    run.error = exc
            if self._broken is not None:
                # An engine call made by an action failed.
                raise DurableEngineError(
                    f"durable_rules failed during an action: {self._broken}"
                ) from run.error
            try:
                messages = _dre.complete_and_start_action(handle, offset)
            except Exception as exc:
                raise self._engine_failure("complete an action", exc) from exc

    def _fire(self, run: _Run, messages: str) -> None:
        # Never raises: an error is recorded and the agenda is drained.
        rule = ""
        try:
            # ``messages`` is ``{"<rule>":{...}}``. The rule is read from the text and the
            # facts are decoded only if the action reads them. The fast path needs a name
            # free of JSON escapes and no engine state fact in the match: ``"$s"`` occurs in
            # the text only as that fact's key (quotes inside strings are escaped).
            if messages.startswith(_SESSION_PREFIX):
                return
            end = messages.find('"', 2)
            rule = messages[2:end]
            action = self._actions.get(rule)
            if (action is not None and messages.startswith('":', end) and "\\" not in rule
                    and '"$s"' not in messages):
                context = ActionContext(self, run, rule, None, messages)
            else:
                ((rule, message),) = json.loads(messages).items()
                if rule == _SESSION_RULE or _binds_state_fact(message):
                    return
                action = self._actions[rule]
                context = ActionContext(self, run, rule, message)
            run.actions += 1
            if run.actions > self._max_actions:
                run.error = DurableEngineError(
                    f"more than {self._max_actions} actions fired in one run (rules keep deriving facts?)"
                )
                rule = ""
                return
            result = action(context)
            if result is not None:
                run.outputs.append(result)
        except BaseException as exc:
            run.error = exc
            run.error_rule = rule

    def _assert_one(self, run: _Run, fact: Mapping[str, Any]) -> None:
        mid = run.new_id()
        payload = _encode_fact(fact, run.sid, mid)
        if run.live is not None:
            run.live[mid] = (dict(fact), payload)
        try:
            code, _ = _dre.assert_fact(self._handle, payload)
        except Exception as exc:
            raise self._engine_failure("assert a derived fact", exc) from exc
        if code not in (_RULES_OK, _ERR_EVENT_NOT_HANDLED):
            raise self._engine_failure(
                "assert a derived fact", RuntimeError(f"unexpected result code {code}")
            )


def _binds_state_fact(message: Any) -> bool:
    """True if a firing matched the engine's own session-state fact.

    Rules with only negative conditions (``-m.field``) match that fact too.
    """
    if isinstance(message, dict):
        return any(isinstance(f, dict) and "$s" in f for f in message.values())
    for item in message:
        if isinstance(item, dict) and (
            "$s" in item or any(isinstance(f, dict) and "$s" in f for f in item.values())
        ):
            return True
    return False


def _raise_run_error(run: _Run) -> None:
    error = run.error
    if error is None:
        return
    if not isinstance(error, Exception):
        raise error  # KeyboardInterrupt, SystemExit ...
    if not run.error_rule:
        raise error
    raise DurableActionError(
        f"action of rule {run.error_rule!r} raised {type(error).__name__}: {error}",
        run.error_rule,
    ) from error


def _orphan(orphans: list[str], sid: str) -> None:
    orphans.append(sid)


def _forget_sid(hashes: set[int], h: int) -> None:
    hashes.discard(h)


class DurableSession:
    """One long-lived, isolated session of a :class:`DurableHost` (see :meth:`DurableHost.session`).

    :meth:`assert_facts` adds facts and fires what they make true, forward chaining included;
    :meth:`retract` removes facts (those asserted by actions too, which durable_rules would
    otherwise keep: it has no truth maintenance). Both return the actions' non-``None`` results
    of that call. Facts carry the same encoding rules as in :meth:`DurableHost.run`.

    After an action raised (:class:`DurableActionError`) the session's contents are no longer
    known to be consistent: it refuses further calls; close it and open another.
    """

    def __init__(self, host: DurableHost, sid: str) -> None:
        self._host = host
        self._run = _Run(sid)
        self._run.live = {}
        self._run.finished = True
        self._started = False
        self._closed = False
        self._broken = False
        # Until the session exists in the engine, dropping it only frees its id.
        self._finalizer: weakref.finalize[Any, Any] = weakref.finalize(
            self, _forget_sid, host._live_sid_hashes, _fnv1a32(sid))

    @property
    def sid(self) -> str:
        """The session's id in durable_rules."""
        return self._run.sid

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def facts(self) -> tuple[Mapping[str, Any], ...]:
        """The facts now in the session (asserted by the caller or by actions), oldest first."""
        live = self._run.live
        assert live is not None
        return tuple(fact for fact, _ in live.values())

    def assert_facts(self, facts: Iterable[Mapping[str, Any]]) -> list[Any]:
        """Add facts to the session and fire every rule they complete.

        Raises:
            DurableInputError: a fact the engine would mishandle; nothing was sent.
            DurableActionError: an action raised (the session is then unusable).
            DurableEngineError: durable_rules failed, or the session is closed or unusable.
        """
        facts = list(facts)
        host = self._host
        with _ENGINE_LOCK:
            self._check_usable()
            run = self._run
            live = run.live
            assert live is not None
            encoded = []
            for fact in facts:
                mid = run.new_id()
                encoded.append((mid, dict(fact), _encode_fact(fact, run.sid, mid)))
            if not encoded:
                return []
            for mid, fact, payload in encoded:
                live[mid] = (fact, payload)
            payload = "[" + ",".join(payload for _, _, payload in encoded) + "]"
            try:
                code, offset = _dre.assert_facts(host._handle, payload)
            except Exception as exc:
                self._broken = True
                raise host._engine_failure("assert facts", exc) from exc
            if not self._started:
                self._started = True
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _orphan, host._orphans, run.sid)
            self._check_code(code, "assert facts")
            return self._drive(offset)

    def retract(self, which: Callable[[Mapping[str, Any]], bool]) -> list[Any]:
        """Remove every fact of the session for which ``which(fact)`` is true.

        Raises:
            DurableActionError: an action raised (the session is then unusable).
            DurableEngineError: durable_rules failed, or the session is closed or unusable.
        """
        host = self._host
        with _ENGINE_LOCK:
            self._check_usable()
            live = self._run.live
            assert live is not None
            chosen = [mid for mid, (fact, _) in live.items() if which(fact)]
            if not chosen:
                return []
            payload = "[" + ",".join(live[mid][1] for mid in chosen) + "]"
            for mid in chosen:
                del live[mid]
            try:
                code, offset = _dre.retract_facts(host._handle, payload)
            except Exception as exc:
                self._broken = True
                raise host._engine_failure("retract facts", exc) from exc
            self._check_code(code, "retract facts")
            return self._drive(offset)

    def close(self) -> None:
        """Delete the session in durable_rules. Idempotent."""
        host = self._host
        with _ENGINE_LOCK:
            if self._closed:
                return
            self._closed = True
            self._finalizer.detach()
            if host.closed or host._broken is not None:
                return
            if self._started and not self._broken:
                if host._depth:
                    host._orphans.append(self._run.sid)
                    return
                try:
                    _dre.delete_state(host._handle, self._run.sid)
                except Exception as exc:
                    raise host._engine_failure("delete the session state", exc) from exc
            if not self._broken:
                host._live_sid_hashes.discard(_fnv1a32(self._run.sid))

    def __enter__(self) -> DurableSession:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _check_usable(self) -> None:
        if self._closed:
            raise DurableEngineError(f"session {self.sid} is closed")
        if self._broken:
            raise DurableEngineError(f"session {self.sid} is unusable after an error; open another")
        self._host._check_usable()
        self._host._collect_orphans()

    def _check_code(self, code: int, what: str) -> None:
        if code not in (_RULES_OK, _ERR_EVENT_NOT_HANDLED):
            self._broken = True
            raise self._host._engine_failure(what, RuntimeError(f"unexpected result code {code}"))

    def _drive(self, offset: int) -> list[Any]:
        host, run = self._host, self._run
        run.outputs = []
        run.error = None
        run.error_rule = ""
        run.actions = 0
        run.finished = False
        host._depth += 1
        try:
            host._drive(run, offset)
        except BaseException:
            self._broken = True
            raise
        finally:
            host._depth -= 1
            run.finished = True
        if run.error is not None:
            self._broken = True
            _raise_run_error(run)
        return run.outputs
