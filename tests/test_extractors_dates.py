"""``conflict_dates`` / ``find_dates``: ISO dates at the written precision, relative dates from context."""

from __future__ import annotations

import pytest
from extractor_helpers import extract

from extractors.dates import find_dates


def values(text: str, published: str | None = None) -> list[tuple[str, str, bool]]:
    return [(d.text, d.value, d.relative) for d in find_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gunmen struck on 3 May 2024.", [("3 May 2024", "2024-05-03", False)]),
        ("Gunmen struck on the 3rd of May, 2024.", [("3rd of May, 2024", "2024-05-03", False)]),
        ("Gunmen struck on May 3, 2024.", [("May 3, 2024", "2024-05-03", False)]),
        ("Gunmen struck on Sept. 9, 2022.", [("Sept. 9, 2022", "2022-09-09", False)]),
        ("Report dated 2024-05-03.", [("2024-05-03", "2024-05-03", False)]),
        ("The revolt began in March 2012.", [("March 2012", "2012-03", False)]),
        ("Troops left in early March 2020.", [("early March 2020", "2020-03", False)]),
        ("France intervened in 2013.", [("2013", "2013", False)]),
    ],
)
def test_absolute_dates_keep_the_written_precision(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Attacks rose in the 1990s.",
        "Some 1,200 fighters and 2019 soldiers massed.",
        "Fighting on 31 February 2024.",  # no such day
        "JNIM may attack Bamako.",
        "It May Rain In Gao",  # title case: a capitalised modal is still no month
    ],
)
def test_non_dates_are_left_out(text):
    assert values(text, "2024-05-02") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The siege began on March 3, 2024. On May 5 the town fell.",
         [("March 3, 2024", "2024-03-03", False), ("May 5", "2024-05-05", True)]),
        ("On October 27, 2020, talks began.\nOn 29 October they failed.",
         [("October 27, 2020", "2020-10-27", False), ("29 October", "2020-10-29", True)]),
        ("In March 2012 rebels took Kidal. A month later they took Gao.",
         [("March 2012", "2012-03", False), ("A month later", "2012-04", True)]),
        ("In 2012 the coup came. The following year France intervened.",
         [("2012", "2012", False), ("The following year", "2013", True)]),
        ("Rebels rose in 2012. That January they took Menaka.",
         [("2012", "2012", False), ("That January", "2012-01", True)]),
    ],
)
def test_partial_dates_are_resolved_from_the_latest_fuller_date(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Gunmen struck on Monday.", "2024-05-02", "2024-04-29"),  # the Monday before a Thursday
        ("Gunmen struck yesterday.", "2024-05-02", "2024-05-01"),
        ("Gunmen struck last week.", "2024-05-02", "2024-04"),
        ("Gunmen struck last month.", "2024-01-15", "2023-12"),
        ("Gunmen struck last year.", "2024-05-02", "2023"),
        ("Talks ended in May.", "2024-08-02", "2024-05"),
    ],
)
def test_relative_dates_use_the_publication_date(text, published, expected):
    [(_, value, relative)] = values(text, published)
    assert (value, relative) == (expected, True)


@pytest.mark.parametrize(
    "text",
    ["Gunmen struck on Monday.", "Gunmen struck yesterday.", "Gunmen struck last year.", "Talks ended in May."],
)
def test_relative_dates_without_a_publication_date_are_not_guessed(text):
    assert values(text, None) == []


def test_weekday_needs_a_day_precise_publication_date():
    assert values("Gunmen struck on Monday.", "2024-05") == []


def test_component_stores_dates_and_events_take_the_nearest_in_their_sentence():
    doc = extract("""
    JNIM             PROPN  nsubj  attacked
    attacked=attack  VERB   ROOT
    Gao              PROPN  obj    attacked
    yesterday        NOUN   obl:tmod attacked
    .
    """, published="2024-05-02")
    assert [(d.text, d.value) for d in doc._.kg_dates] == [("yesterday", "2024-05-01")]
    assert doc.text[doc._.kg_dates[0].start_char:doc._.kg_dates[0].end_char] == "yesterday"
    assert [e.date for e in doc._.kg_events] == ["2024-05-01"]


def test_an_event_is_never_dated_from_another_sentence():
    doc = extract("""
    Talks=talk       NOUN   nsubj  began
    began=begin      VERB   ROOT
    on               ADP    case   3_May_2024
    3_May_2024       PROPN  obl    began
    .

    JNIM             PROPN  nsubj  attacked
    attacked=attack  VERB   ROOT
    Gao              PROPN  obj    attacked
    .
    """)
    assert [e.date for e in doc._.kg_events] == [None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In 2021 the talks stalled. By May the army had left.", ["2021", "2021-05"]),
        ("In 2021 the talks stalled. During May the army withdrew.", ["2021", "2021-05"]),
        ("In 2021 the talks stalled. They said that may change.", ["2021"]),
    ],
)
def test_may_the_month_after_a_preposition_but_not_the_modal(text, expected):
    assert [d.value for d in find_dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Between May and June 2021 attacks rose.", [("Between May and June 2021", "2021")]),
        ("Raids hit Gao between July 3 and July 9, 2022.", [("July 3 and July 9, 2022", "2022-07")]),
        ("Camps were shelled between 2012 and 2015.", []),  # the ends share nothing: no date
        # "from ... until ...": not merged, the start keeps the year written at the end
        ("The army ran the operation from March 23 until March 31, 2022.",
         [("March 23", "2022-03-23"), ("March 31, 2022", "2022-03-31")]),
    ],
)
def test_a_between_range_is_dated_at_what_its_ends_share(text, expected):
    assert [(d.text, d.value) for d in find_dates(text)] == expected


def test_a_day_without_a_year_takes_none_from_a_later_unrelated_year():
    assert [d.value for d in find_dates("On May 5 the town fell, as it had in 2012.")] == ["2012"]



@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rebels took Gao on 3 May 2024. Two days later the army returned.", ["2024-05-03", "2024-05-05"]),
        ("Talks began on March 31, 2024. The following day they failed.", ["2024-03-31", "2024-04-01"]),
        ("Talks began on 1 March 2024. A day earlier, JNIM struck.", ["2024-03-01", "2024-02-29"]),
        ("Rebels rose in May 2024. Two days later the army came.", ["2024-05"]),  # no day to count from
        ("The previous day, gunmen struck Gao.", []),  # not counted from the publication date
    ],
)
def test_days_later_or_earlier_count_from_the_latest_day(text, expected):
    assert [d.value for d in find_dates(text, "2024-06-01")] == expected
