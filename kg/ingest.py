"""Read articles (.txt, .html, .jsonl, folders of them) into ``Article`` objects.

Why: every extraction starts from plain article text with a stable ``doc_id``
and whatever metadata the source gives (title, url, publication date). One
reader for every format means a bad input (empty, binary, non-UTF-8, too big,
a broken JSONL line, a duplicate id) is reported the same way everywhere: an
``InputError`` naming the file (and the 1-based line for JSONL) and the
problem, while the other documents are still read.

Decisions:
    * Text is kept exactly as given except that ``\\r\\n`` and ``\\r`` become
      ``\\n`` (and a UTF-8 byte-order mark is dropped): extractors store
      character offsets into it.
    * Nothing is guessed silently. A ``.txt`` or ``.jsonl`` file must be UTF-8;
      an ``.html`` file must be UTF-8 or declare its charset in a ``<meta>``
      tag (the page's own declaration, not a guess). Anything else is an error
      that says "not UTF-8" and where.
    * ``.html`` main text comes from trafilatura with comments, navigation,
      footers and other boilerplate dropped, paragraphs one per line; title,
      url and date come from the page's metadata (the date from metadata
      markup only, never guessed from the body text).
    * ``published`` is normalised to an ISO date at the precision given
      (``2024``, ``2024-05``, ``2024-05-01``). A JSONL ``published`` that is
      not a date is an error for that line: a wrong date would mislead every
      timeline built on it.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import functools
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kg.errors import InputError, KgError

__all__ = [
    "Article",
    "SUPPORTED_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "iter_articles",
    "read_article",
    "read_articles",
    "discover",
    "normalize_published",
]

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Largest article (a .txt/.html file, or one JSONL line) read: 20 MiB."""

_SNIFF_BYTES = 8192
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class Article(BaseModel):
    """One article ready for extraction.

    Attributes:
        doc_id (str): file stem, or the JSONL ``id`` (ints converted to str).
        text (str): the article text; newlines normalised to ``\\n``, otherwise as given.
        title (str | None): title from metadata. Defaults to None.
        url (str | None): url from metadata. Defaults to None.
        published (str | None): ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)
            from metadata. Defaults to None.
        source (str): the file path, plus ``:LINE`` for a JSONL line.
    """

    model_config = ConfigDict(extra="forbid")

    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str


# --------------------------------------------------------------------------- discovery


def discover(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The article files under ``paths``: files as given, folders recursively.

    Folder contents are sorted, limited to ``SUPPORTED_SUFFIXES`` (any case),
    and hidden files and folders (name starting with ".") are skipped. A file
    named twice is listed once. Raises ``InputError`` for a path that does not
    exist or a named file of an unsupported type.
    """
    return _discover(paths, _raise)


def _raise(err: KgError) -> None:
    raise err


def _discover(paths: Iterable[str | os.PathLike], report: Callable[[KgError], None]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            found.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in _walk(p):
                add(f)
        elif p.is_file():
            if p.suffix.lower() in SUPPORTED_SUFFIXES:
                add(p)
            else:
                report(InputError(p, f"unsupported file type {p.suffix or '(no suffix)'!r}; "
                                     f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"))
        elif p.exists():
            report(InputError(p, "not a regular file or folder"))
        else:
            report(InputError(p, "no such file or folder"))
    return found


def _walk(root: Path) -> list[Path]:
    """Supported, non-hidden files under ``root``, sorted, symlinked folders not followed."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            f = Path(dirpath) / name
            if f.suffix.lower() in SUPPORTED_SUFFIXES and f.is_file():  # no FIFOs, sockets, dangling links
                out.append(f)
    return sorted(out)


# --------------------------------------------------------------------------- reading


def iter_articles(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    errors: list[KgError] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article]:
    """Yield the articles of every file under ``paths`` (see ``discover``).

    Args:
        paths: files and folders (a single path is accepted too).
        errors: when a list, each bad file or JSONL line is appended to it as
            an ``InputError`` and reading goes on; when None, the first problem
            raises.
        max_bytes: largest .txt/.html file or JSONL line read. Defaults to
            ``DEFAULT_MAX_BYTES`` (20 MiB).

    A ``doc_id`` seen before (in this call) is an error for the later
    document; the first one is kept.
    """

    def report(err: KgError) -> None:
        if errors is None:
            raise err
        errors.append(err)

    seen: dict[str, str] = {}
    for path in _discover(paths, report):
        if path.suffix.lower() == ".jsonl":
            items: Iterable[tuple[Article | InputError, int | None]] = _iter_jsonl(path, max_bytes)
        else:
            try:
                items = [(_read_single(path, max_bytes), None)]
            except InputError as err:
                items = [(err, None)]
        for item, line in items:
            if isinstance(item, InputError):
                report(item)
                continue
            if item.doc_id in seen:
                report(InputError(path, f"duplicate doc_id {item.doc_id!r} (first read from "
                                        f"{seen[item.doc_id]}); this one is skipped", line=line))
                continue
            seen[item.doc_id] = item.source
            yield item


def read_articles(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *, errors: list[KgError] | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Article]:
    """All articles under ``paths`` (see ``iter_articles``)."""
    return list(iter_articles(paths, errors=errors, max_bytes=max_bytes))


def read_article(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one ``.txt`` or ``.html``/``.htm`` file; raises ``InputError`` on any problem."""
    p = Path(path)
    if p.suffix.lower() not in (".txt", ".html", ".htm"):
        raise InputError(p, f"read_article reads .txt and .html files, not {p.suffix or '(no suffix)'!r}")
    return _read_single(p, max_bytes)


def _read_single(p: Path, max_bytes: int) -> Article:
    data = _read_bytes(p, max_bytes)
    if p.suffix.lower() == ".txt":
        text = _normalise_newlines(_decode_utf8(p, data))
        _check_text(p, text)
        return Article(doc_id=p.stem, text=text, source=str(p))
    return _read_html(p, data, max_bytes)


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise InputError(p, f"file is {_size(size)}, larger than the {_size(max_bytes)} limit")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot read: {exc.strerror or exc}") from exc
    if not data:
        raise InputError(p, "empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(p, "UTF-16 text, not UTF-8; re-encode the file as UTF-8")
    if b"\x00" in data:
        raise InputError(p, "binary file (holds NUL bytes), not text")
    return data


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"


def _decode_utf8(p: Path, data: bytes, line: int | None = None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(p, _not_utf8(data, exc), line=line) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    where = ""
    if b"\n" in data:
        lineno = data.count(b"\n", 0, exc.start) + 1
        where = f" on line {lineno}"
    return (f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}{where}); "
            "re-encode the file as UTF-8")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_text(p: Path, text: str, line: int | None = None, what: str = "file") -> None:
    if not text.strip():
        raise InputError(p, f"empty {what}" if not text else f"{what} holds only whitespace", line=line)
    sample = text[:_SNIFF_BYTES]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 20):
        raise InputError(p, f"binary data, not text ({what} is mostly control characters)", line=line)


# --------------------------------------------------------------------------- HTML


def _decode_html(p: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii", "replace")
            try:
                codecs.lookup(name)
            except LookupError:
                raise InputError(p, f"not UTF-8 and declares an unknown charset {name!r}") from None
            if codecs.lookup(name).name != "utf-8":
                try:
                    return data.decode(name)
                except UnicodeDecodeError as exc2:
                    raise InputError(p, f"not valid {name} text, though the page declares that charset "
                                        f"(byte 0x{data[exc2.start]:02x} at offset {exc2.start})") from None
        raise InputError(p, _not_utf8(data, exc) + " or declare its charset in a <meta> tag") from None


@functools.lru_cache(maxsize=4)
def _trafilatura_config(max_bytes: int):
    """trafilatura's settings with its own size cap lifted to ours (its default, 20 MB, is lower)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(max(max_bytes, config.getint("DEFAULT", "MAX_FILE_SIZE"))))
    return config


def _read_html(p: Path, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    import trafilatura  # imported here: it takes a moment, and .txt/.jsonl do not need it

    html = _decode_html(p, data)
    if not html.strip():
        raise InputError(p, "file holds only whitespace")
    try:
        doc = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
            config=_trafilatura_config(max_bytes),
        )
    except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
        raise InputError(p, f"cannot parse HTML ({type(exc).__name__}: {exc})") from exc
    text = _normalise_newlines(getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise InputError(p, "HTML page with no main article text")
    title = _clean(getattr(doc, "title", None))
    url = _clean(getattr(doc, "url", None))
    published = None
    raw_date = _clean(getattr(doc, "date", None))
    if raw_date:
        try:
            published = normalize_published(raw_date)
        except ValueError:
            published = None  # a page's odd date markup is not worth losing the article over
    return Article(doc_id=p.stem, text=text, title=title, url=url, published=published, source=str(p))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


# --------------------------------------------------------------------------- JSONL


def _iter_jsonl(p: Path, max_bytes: int) -> Iterator[tuple[Article | InputError, int | None]]:
    """(article or per-line error, line number) for each line of a JSONL file, in order."""
    try:
        fh = p.open("rb")
    except OSError as exc:
        yield InputError(p, f"cannot open: {exc.strerror or exc}"), None
        return
    with fh:
        head = fh.read(_SNIFF_BYTES)
        if not head:
            yield InputError(p, "empty file"), None
            return
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield InputError(p, "UTF-16 text, not UTF-8; re-encode the file as UTF-8"), None
            return
        if b"\x00" in head:
            yield InputError(p, "binary file (holds NUL bytes), not JSONL text"), None
            return
        fh.seek(0)
        any_content = False
        for lineno, raw in enumerate(fh, start=1):
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            any_content = True
            try:
                yield _jsonl_article(p, lineno, raw, max_bytes), lineno
            except InputError as err:
                yield err, lineno
        if not any_content:
            yield InputError(p, "file holds only whitespace"), None


def _jsonl_article(p: Path, lineno: int, raw: bytes, max_bytes: int) -> Article:
    def bad(problem: str) -> InputError:
        return InputError(p, problem, line=lineno)

    if len(raw) > max_bytes:
        raise bad(f"line is {_size(len(raw))}, larger than the {_size(max_bytes)} limit")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None
    try:
        obj = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        raise bad(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise bad(f"expected a JSON object, got {type(obj).__name__}")
    if "id" not in obj:
        raise bad('missing "id"')
    doc_id = obj["id"]
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise bad(f'"id" must be a string or an integer, got {type(doc_id).__name__}')
    doc_id = str(doc_id)
    if not doc_id.strip():
        raise bad('"id" is empty')
    if "text" not in obj:
        raise bad(f'missing "text" (id {doc_id!r})')
    text = obj["text"]
    if not isinstance(text, str):
        raise bad(f'"text" must be a string, got {type(text).__name__} (id {doc_id!r})')
    text = _normalise_newlines(text)
    if not text.strip():
        raise bad(f'empty "text" (id {doc_id!r})')
    if "\x00" in text:
        raise bad(f'"text" holds NUL characters, not article text (id {doc_id!r})')
    meta: dict[str, str | None] = {}
    for key in ("title", "url", "published"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise bad(f'"{key}" must be a string, got {type(value).__name__} (id {doc_id!r})')
        meta[key] = _clean(value)
    published = None
    if meta["published"]:
        try:
            published = normalize_published(meta["published"])
        except ValueError:
            raise bad(f'"published" {meta["published"]!r} is not a date '
                      f'(expected e.g. 2024-05-01, 2024-05-01T10:00:00Z or 1 May 2024; id {doc_id!r})') from None
    return Article(doc_id=doc_id, text=text, title=meta["title"], url=meta["url"],
                   published=published, source=f"{p}:{lineno}")


# --------------------------------------------------------------------------- dates

_ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T ]\d)")


def normalize_published(value: str) -> str:
    """An ISO date at the precision ``value`` gives: ``2024``, ``2024-05`` or ``2024-05-01``.

    Accepts ISO dates and datetimes (``2024-05-01T10:00:00Z`` -> ``2024-05-01``,
    the date as written, no time-zone shift) and written dates (``1 May 2024``,
    ``May 2024``). Raises ``ValueError`` when it is not a date.
    """
    s = value.strip()
    m = _ISO_PREFIX.match(s)
    if m:
        year, month, day = m.groups()
        try:
            _dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValueError(f"not a date: {value!r}") from exc
        return "-".join(x for x in (year, month, day) if x)
    from dateutil import parser as _parser

    # Parse twice with different defaults: a field that changes with the
    # default was not in the text, so the precision is coarser than a day.
    try:
        with warnings.catch_warnings():  # e.g. UnknownTimezoneWarning: the zone is not used
            warnings.simplefilter("ignore")
            a = _parser.parse(s, default=_dt.datetime(2000, 1, 1))
            b = _parser.parse(s, default=_dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError, _parser.ParserError) as exc:
        raise ValueError(f"not a date: {value!r}") from exc
    if a.year != b.year:
        raise ValueError(f"no year in {value!r}")
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    return f"{a.year:04d}-{a.month:02d}-{a.day:02d}"
