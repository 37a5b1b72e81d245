"""``conflict_dates``: every date expression, resolved to an ISO date at the precision written.

Why: an event's date must keep the precision the source gives ("in 2012" is
``2012``, not 2012-01-01), and much of conflict reporting dates events
relatively ("on Monday", "a month earlier", "that January", "on October 29"
after "October 27, 2020"). Relative and partial dates are resolved against the
latest fuller date mentioned before them in the same paragraph, then in the
document, then against the publication date; what cannot be resolved is left
out rather than guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from spacy.language import Language
from spacy.tokens import Doc

from extractors.common import ensure_extensions

__all__ = ["MONTH_AND_DAY_NAMES", "DateMention", "ConflictDates", "make_conflict_dates", "find_dates"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMBERS = {w: i for i, w in enumerate(["a", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], 1)}
_NUMBERS["one"] = 1
#: Full month and weekday names, lower-cased: a word that names a time, not a participant or a place.
MONTH_AND_DAY_NAMES = frozenset(m.lower() for m in calendar.month_name if m) | frozenset(_WEEKDAYS)

# (regex, kind); kinds decide how groups are read. Order matters: fuller forms first.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_MONTH_RE}\s+{_DAY},?\s+{_YEAR}\b"), "mdy"),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH_RE},?\s+{_YEAR}\b"), "dmy"),
    (re.compile(r"\b((?:19|20)\d{2})-(0[1-9]|1[0-2])-([0-2]\d|3[01])\b"), "iso"),
    (re.compile(rf"\b(?:(early|mid|late)[- ])?{_MONTH_RE},?\s+(?:of\s+)?{_YEAR}\b"), "my"),
    (re.compile(rf"\b{_MONTH_RE}\s+{_DAY}\b(?!\s*,?\s*(?:19|20)\d{{2}})(?!\s*(?:percent|%|people|fighters|soldiers|troops|civilians))"), "md"),
    (re.compile(rf"\b{_DAY}\s+{_MONTH_RE}\b(?!,?\s*(?:19|20)\d{{2}})"), "dm"),
    (re.compile(r"\b(?:(?:on|last|this|next|that|past)\s+)(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I), "weekday"),
    (re.compile(r"\b(yesterday|today|this week|last week|this month|last month|this year|last year|earlier this year|earlier this month)\b", re.I), "rel"),
    (re.compile(r"\b(a|one|two|three|several)\s+(month|year|week)s?\s+(earlier|later|before|after)\b", re.I), "shift"),
    (re.compile(r"\b(?:the\s+)?(following|next|previous|preceding)\s+(year|month)\b", re.I), "shift2"),
    (re.compile(r"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+days?\s+(earlier|later)\b", re.I), "days"),
    (re.compile(r"\bthe\s+(following|next|previous|preceding)\s+day\b", re.I), "days2"),
    (re.compile(rf"\b(?i:in|on|since|until|till|by|during|from|of|between|early|late|mid|that|last|next|this|before|after|through|throughout)\s+(?i:early\s+|late\s+|mid-?)?{_MONTH_RE}\b(?!\s*,?\s*\d)"), "m"),
    (re.compile(r"(?<![\d,.$])\b((?:19|20)\d{2})(?:s)?\b(?!,\d|\d|\s*(?:people|fighters|soldiers|troops|civilians|members|km|kilometres|kilometers|dead|hostages))"), "y"),
]


@dataclass(frozen=True)
class DateMention:
    """One resolved date expression.

    Attributes:
        start_char (int), end_char (int): where it is in the text.
        value (str): ISO date, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        relative (bool): resolved from context (publication date or an earlier date) rather than written in full.
        text (str): the expression as written.
    """

    start_char: int
    end_char: int
    value: str
    relative: bool
    text: str


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    try:
        if d is not None and m is not None:
            return dt.date(y, m, d).isoformat()
    except ValueError:
        return None
    if m is not None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _parse_published(published: str | None) -> tuple[int, int | None, int | None] | None:
    if not published:
        return None
    parts = [int(p) for p in published.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)


def find_dates(text: str, published: str | None = None) -> list[DateMention]:
    """All date expressions in ``text``, resolved in reading order (see module docstring)."""
    taken: list[tuple[int, int]] = []
    raw: list[tuple[int, int, str, re.Match[str]]] = []
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            raw.append((s, e, kind, m))
    raw.sort(key=lambda r: r[0])

    pub = _parse_published(published)
    doc_ctx: tuple[int, int | None, int | None] | None = None
    para_ctx: tuple[int, int | None, int | None] | None = None
    last_para = 0
    out: list[DateMention] = []
    for s, e, kind, m in raw:
        para = text.rfind("\n", 0, s)
        if para != last_para:
            last_para, para_ctx = para, None
        # "two days later" counts from a date the text gave, never from the publication date
        ctx = para_ctx or doc_ctx or (pub if kind not in ("days", "days2") else None)
        value, relative, new_ctx = _resolve(kind, m, ctx, pub, text, e)
        if value is None:
            continue
        if new_ctx is not None:
            para_ctx = doc_ctx = new_ctx
        out.append(DateMention(s, e, value, relative, m.group(0)))
    return _merge_ranges(text, out)


_RANGE_GAP = re.compile(r"\s+(?:and|to|until|till|through)\s+$", re.I)


def _merge_ranges(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """ "between May and July of 2012" is one span of time: dated at what both ends share (``2012``).

    Ends in different years share nothing and the range is left out; "from ... to ..." is not
    merged (what starts then is dated by its start).
    """
    out: list[DateMention] = []
    i = 0
    while i < len(mentions):
        a = mentions[i]
        b = mentions[i + 1] if i + 1 < len(mentions) else None
        opens = a.text.lower().startswith("between ") or text[max(0, a.start_char - 8):a.start_char].lower().endswith("between ")
        if b is not None and opens and _RANGE_GAP.match(text[a.end_char:b.start_char]) and text[a.end_char:b.start_char].strip():
            shared: list[str] = []
            for x, y in zip(a.value.split("-"), b.value.split("-")):
                if x != y:
                    break
                shared.append(x)
            if shared:
                out.append(DateMention(a.start_char, b.end_char, "-".join(shared), a.relative or b.relative,
                                       text[a.start_char:b.end_char]))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _resolve(kind, m, ctx, pub, text, end):
    """(value, relative, new context) for one match."""
    g = m.groups()
    if kind == "mdy":
        y, mo, d = int(g[2]), _month(g[0]), int(g[1])
        return _iso(y, mo, d), False, (y, mo, d)
    if kind == "dmy":
        y, mo, d = int(g[2]), _month(g[1]), int(g[0])
        return _iso(y, mo, d), False, (y, mo, d)
    if kind == "iso":
        y, mo, d = int(g[0]), int(g[1]), int(g[2])
        return _iso(y, mo, d), False, (y, mo, d)
    if kind == "my":
        y, mo = int(g[2]), _month(g[1])
        return _iso(y, mo), False, (y, mo, None)
    if kind == "y":
        y = int(g[0])
        if not 1900 <= y <= 2100 or m.group(0).endswith("s"):
            return None, False, None
        return _iso(y), False, (y, None, None)
    if kind in ("md", "dm", "m"):
        mo = _month(g[0] if kind in ("md", "m") else g[1])
        # "May" after "that"/"this" may be the modal verb ("that may change"); other prepositions are safe
        if kind == "m" and g[0].lower() == "may" and not text[m.start():m.start() + 8].lower().startswith(("in ", "of ", "between ", "since ", "until ", "by ", "during ", "last ", "early ", "late ", "mid", "next ", "till ", "before ", "after ", "through")):
            return None, False, None
        ahead = re.match(rf"[\s\w,]{{0,30}}?\b{_YEAR}\b", text[end:end + 40])
        # "March 23 until March 31, 2022", "3 to 9 May 2024": the range's year is written once, at its end
        span_end = re.match(rf"\s*(?:and|to|until|till|through|-|\u2013)\s*(?:{_MONTH_RE}\s+)?{_DAY}(?:\s+{_MONTH_RE})?,?\s+{_YEAR}\b", text[end:end + 40])
        if ahead and kind == "m":
            y = int(ahead.group(1))
        elif span_end and kind in ("md", "dm"):
            y = int(span_end.group(span_end.lastindex))
        elif ctx is not None:
            y = ctx[0]
        else:
            return None, False, None
        d = int(g[1] if kind == "md" else g[0]) if kind in ("md", "dm") else None
        value = _iso(y, mo, d)
        return value, True, (y, mo, d) if value else None
    if pub is None and kind in ("weekday", "rel"):
        return None, False, None
    if kind == "weekday":
        if pub[1] is None or pub[2] is None:
            return None, False, None
        base = dt.date(*pub)
        back = (base.weekday() - _WEEKDAYS[g[0].lower()]) % 7
        day = base - dt.timedelta(days=back)
        return day.isoformat(), True, None
    if kind == "rel":
        phrase = g[0].lower()
        y, mo, d = pub
        if phrase in ("today",) and d:
            return _iso(y, mo, d), True, None
        if phrase == "yesterday" and d:
            return (dt.date(y, mo, d) - dt.timedelta(days=1)).isoformat(), True, None
        if phrase in ("this week", "last week", "this month", "earlier this month") and mo:
            if phrase == "last week" and d:
                return (dt.date(y, mo, d) - dt.timedelta(days=7)).strftime("%Y-%m"), True, None
            return _iso(y, mo), True, None
        if phrase == "last month" and mo:
            prev = dt.date(y, mo, 1) - relativedelta(months=1)
            return _iso(prev.year, prev.month), True, None
        if phrase in ("this year", "earlier this year"):
            return _iso(y), True, None
        if phrase == "last year":
            return _iso(y - 1), True, None
        return None, False, None
    if kind in ("days", "days2"):
        # "two days later", "the following day": counted from the latest day-precise date of the text
        if ctx is None or ctx[1] is None or ctx[2] is None:
            return None, False, None
        if kind == "days":
            word = g[0].lower()
            n = int(word) if word.isdigit() else _NUMBERS[word]
            sign = -1 if g[1].lower() == "earlier" else 1
        else:
            n, sign = 1, (-1 if g[0].lower() in ("previous", "preceding") else 1)
        day = dt.date(*ctx) + dt.timedelta(days=sign * n)
        return day.isoformat(), True, None
    if kind in ("shift", "shift2"):
        if ctx is None:
            return None, False, None
        if kind == "shift":
            n = {"a": 1, "one": 1, "two": 2, "three": 3, "several": None}[g[0].lower()]
            unit, direction = g[1].lower(), g[2].lower()
            if n is None or unit == "week":
                return None, False, None
            sign = -1 if direction in ("earlier", "before") else 1
        else:
            n, unit = 1, g[1].lower()
            sign = -1 if g[0].lower() in ("previous", "preceding") else 1
        y, mo, _ = ctx
        if unit == "year":
            return _iso(y + sign * n), True, None
        if mo is None:
            return None, False, None
        shifted = dt.date(y, mo, 1) + relativedelta(months=sign * n)
        return _iso(shifted.year, shifted.month), True, None
    return None, False, None


class ConflictDates:
    """Writes ``doc._.kg_dates``: the resolved ``DateMention``s of the document, in order."""

    def __init__(self, nlp: Language, name: str = "conflict_dates") -> None:
        ensure_extensions()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        ensure_extensions()
        doc._.kg_dates = find_dates(doc.text, doc._.kg_published)
        return doc


@Language.factory("conflict_dates", assigns=["doc._.kg_dates"], default_config={})
def make_conflict_dates(nlp: Language, name: str) -> ConflictDates:
    """Factory: see ``ConflictDates``. Set ``doc._.kg_published`` (ISO) before it runs to resolve relative dates."""
    return ConflictDates(nlp, name)
