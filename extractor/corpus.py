"""Read papers (title + abstract) from JSONL, JSON, CSV or scraped listing pages -> Iterator[Paper]."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Union

from extractor.errors import InputError
from extractor.schema import Paper

FORMATS = ("jsonl", "json", "csv", "listing")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".txt": "listing"}
_ACCEPTED = "UTF-8 text: JSONL (.jsonl), a JSON array (.json), CSV with a header (.csv) or a listing page (.txt)"
_JSONL_FIX = 'Each line must be one JSON object with "title" and "abstract".'
_JSON_FIX = 'The file must be a JSON array of objects with "title" and "abstract".'
_CSV_FIX = 'Each row needs non-empty "title" and "abstract" values.'
_LISTING_FIX = "Each entry must be a title line followed by its abstract paragraph."

# A listing page's title is one short line; a longer line where a title is expected is an abstract.
_TITLE_MAX = 300
# Navigation text the scraper kept from the page (whole lines), matched after stripping.
_CHROME = re.compile(
    r"new|Subscribe|Daily Papers|by ?AK and the research community|Get trending papers in your email inbox.*"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?"
)


@dataclass(frozen=True)
class _Record:
    """One parsed record before ids are settled; `where` is "file:line" for messages."""

    where: str
    id: str | None
    title: str
    abstract: str


_Item = Union[_Record, InputError]  # parsers yield record-level errors instead of raising them


@dataclass(frozen=True)
class _Source:
    name: str
    fmt: str | None  # None: sniff from the text (stdin without a format)
    load: Callable[[], str]


def paper_id(title: str, abstract: str) -> str:
    """A stable id from content, so re-reading the same paper (even re-wrapped) gives the same id."""
    text = " ".join(title.split()) + "\n" + " ".join(abstract.split())
    return "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------- pure parsers: text -> items


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _to_record(obj: object, where: str, fix: str) -> _Item:
    """Check one JSON object / CSV row; title is stripped, the abstract kept verbatim."""
    if not isinstance(obj, dict):
        return InputError(f"{where}: expected a JSON object, got {_kind(obj)}. {fix}")
    missing = [key for key in ("title", "abstract") if key not in obj]
    if missing:
        has = ", ".join(map(str, obj)) or "none"
        return InputError(f'{where}: record has no "{missing[0]}" (its keys: {has}). {fix}')
    for key in ("title", "abstract"):
        if not isinstance(obj[key], str):
            return InputError(f'{where}: "{key}" must be a string, got {_kind(obj[key])}. {fix}')
        if not obj[key].strip():
            return InputError(f'{where}: "{key}" is empty. {fix}')
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
        return InputError(f'{where}: "id" must be a string or an integer, got {_kind(raw_id)}. {fix}')
    pid = None if raw_id is None or not str(raw_id).strip() else str(raw_id).strip()
    return _Record(where, pid, obj["title"].strip(), obj["abstract"])


def _parse_jsonl(text: str, name: str) -> Iterator[_Item]:
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(f"{name}:{n}: not valid JSON ({e.msg}: column {e.colno}). {_JSONL_FIX}")
            continue
        yield _to_record(obj, f"{name}:{n}", _JSONL_FIX)


def _parse_json(text: str, name: str) -> Iterator[_Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        hint = " If it holds one object per line, use the jsonl format (.jsonl)." if e.msg == "Extra data" else ""
        raise InputError(f"{name}:{e.lineno}: not valid JSON ({e.msg}: column {e.colno}). {_JSON_FIX}{hint}") from None
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a JSON array of paper objects, got {_kind(data)}. {_JSON_FIX}")
    for i, obj in enumerate(data, 1):
        yield _to_record(obj, f"{name}: item {i}", _JSON_FIX)


def _parse_csv(text: str, name: str) -> Iterator[_Item]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), [])
        columns = {cell.strip().lower(): i for i, cell in reversed(list(enumerate(header)))}  # first one wins
        missing = [c for c in ("abstract", "title") if c not in columns]
        if missing:
            raise InputError(
                f'{name}:{reader.line_num}: no "{missing[0]}" column; the header has: {", ".join(header) or "no columns"}. '
                'The first row must be a header naming "title" and "abstract" columns (and optionally "id").'
            )
        start = reader.line_num + 1
        for row in reader:
            where, start = f"{name}:{start}", reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield InputError(
                    f"{where}: row has {len(row)} fields but the header has {len(header)}. "
                    'Quote values that contain commas or line breaks ("a, b").'
                )
                continue
            yield _to_record({key: row[i] for key, i in columns.items()}, where, _CSV_FIX)
    except csv.Error as e:
        raise InputError(f"{name}:{reader.line_num}: not valid CSV ({e}). {_CSV_FIX}") from None


def _listing_lines(text: str) -> list[tuple[int, str]]:
    """Numbered content lines: blank lines and navigation chrome dropped, lines otherwise untouched."""
    out: list[tuple[int, str]] = []
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r")
        if not line.strip() or _CHROME.fullmatch(line.strip()):
            continue
        if not out:  # the scrape glues button text to the first title: "SubscribeAre Decoder-Only ..."
            while (glued := _CHROME.match(line)) and line[glued.end() :][:1].isupper():
                line = line[glued.end() :]
        out.append((n, line))
    return out


def _parse_listing(text: str, name: str) -> Iterator[_Item]:
    """Pair content lines as (title, abstract); a long line where a title belongs is an orphan abstract."""
    lines = _listing_lines(text)
    if not lines:
        raise InputError(f"{name}: found no papers in this listing page. {_LISTING_FIX}")

    def is_long(i: int) -> bool:
        return i < len(lines) and len(lines[i][1].strip()) > _TITLE_MAX

    i = 0
    while i < len(lines):
        n, title = lines[i]
        if is_long(i):
            size = len(title.strip())
            yield InputError(f"{name}:{n}: found an abstract ({size} characters) with no title line before it. "
                             f"{_LISTING_FIX} Add the title or remove the paragraph.")
            i += 1
        elif i + 1 == len(lines) or (not is_long(i + 1) and is_long(i + 2)):
            # the next short line is followed by an abstract, so it is the next title, not this one's abstract
            yield InputError(f'{name}:{n}: title "{title.strip()}" has no abstract after it. {_LISTING_FIX}')
            i += 1
        else:
            yield _Record(f"{name}:{n}", None, title.strip(), lines[i + 1][1])
            i += 2


_PARSERS: dict[str, Callable[[str, str], Iterator[_Item]]] = {
    "jsonl": _parse_jsonl, "json": _parse_json, "csv": _parse_csv, "listing": _parse_listing,
}


def _sniff(text: str) -> str:
    first = text.lstrip()[:1]
    return "json" if first == "[" else "jsonl" if first == "{" else "listing"


class _Merger:
    """Keeps the first of papers that share an id or content; a reused id with new content is an error."""

    def __init__(self) -> None:
        self._ids: dict[str, tuple[str, str, str]] = {}  # id -> (where, content hash, title)
        self._contents: set[str] = set()

    def add(self, rec: _Record) -> Paper | None:
        content = paper_id(rec.title, rec.abstract)
        pid = rec.id or content
        if pid in self._ids:
            where, seen, title = self._ids[pid]
            if seen == content:
                return None
            raise InputError(
                f'{rec.where}: id "{pid}" is already used at {where} for a different paper ("{title}" there, '
                f'"{rec.title}" here). Give each paper its own id, or leave ids out to use content hashes.'
            )
        if content in self._contents:
            return None
        self._ids[pid] = (rec.where, content, rec.title)
        self._contents.add(content)
        return Paper(id=pid, title=rec.title, abstract=rec.abstract)


# ---------------------------------------------------------------- file I/O at the edge


def _binary(name: str, why: str) -> InputError:
    return InputError(f"{name}: looks binary ({why}). extractor reads {_ACCEPTED}.")


def _decode(data: bytes, name: str) -> str:
    if b"\0" in data:
        raise _binary(name, "it contains NUL bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _binary(name, f"not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}") from None


def _read_file(path: Path) -> str:
    try:
        return _decode(path.read_bytes(), str(path))
    except OSError as e:
        raise InputError(f"{path}: cannot read it ({e.strerror}). Check the path and its permissions.") from None


def _read_stdin() -> str:
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:
        raise _binary("<stdin>", "not UTF-8") from None
    if "\0" in text:
        raise _binary("<stdin>", "it contains NUL bytes")
    return text


def _source(path: str | Path, input_format: str | None) -> _Source:
    if str(path) == "-":
        return _Source("<stdin>", input_format, _read_stdin)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file. Check the path (use - to read from stdin).")
    if p.is_dir():
        raise InputError(f"{p}: is a directory. Pass the paper files inside it.")
    fmt = input_format or _EXTENSIONS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f'{p}: cannot tell the format from the extension "{p.suffix}". Use .jsonl, .json, '
                         f".csv or .txt (listing page), or name the format (--input-format {'|'.join(FORMATS)}).")
    return _Source(str(p), fmt, lambda: _read_file(p))


def _read_source(src: _Source, merger: _Merger, on_error: str,
                 on_skip: Callable[[InputError], None] | None) -> list[Paper]:
    """All of one file's papers, or an InputError before any of them is handed out."""
    text = src.load()
    if not text.strip():
        raise InputError(f"{src.name}: is empty. Give it papers as {_ACCEPTED}.")
    papers: list[Paper] = []
    for item in _PARSERS[src.fmt or _sniff(text)](text, src.name):
        try:
            if isinstance(item, InputError):
                raise item
            paper = merger.add(item)
        except InputError as e:
            if on_error == "fail":
                raise
            if on_skip is not None:
                on_skip(e)
            continue
        if paper is not None:
            papers.append(paper)
    return papers


def _iter_papers(sources: list[_Source], on_error: str,
                 on_skip: Callable[[InputError], None] | None) -> Iterator[Paper]:
    merger = _Merger()
    for src in sources:
        yield from _read_source(src, merger, on_error, on_skip)


def read_papers(paths: Iterable[str | Path], input_format: str | None = None,
                on_error: str = "fail", on_skip: Callable[[InputError], None] | None = None) -> Iterator[Paper]:
    """Papers from files ("-" is stdin), each yielded once across all inputs (first one wins).

    The format comes from `input_format`, else the extension, else (stdin) the first character.
    A missing file, a directory or an unknown format raises InputError at once; the rest while
    iterating. Each file is parsed whole before its first paper is yielded, so a failing file
    yields nothing; a caller that must write nothing on error should `list()` the result first,
    since earlier files' papers have been yielded by then. With on_error="skip" a bad record
    (line, row, array item, listing entry) is passed to `on_skip` and the rest is read; missing,
    empty, binary or unparseable files and a CSV without title/abstract columns always raise.
    """
    if on_error not in ("fail", "skip"):
        raise ValueError(f'on_error must be "fail" or "skip", not {on_error!r}')
    if input_format is not None and input_format not in FORMATS:
        raise InputError(f'unknown input format "{input_format}". Use one of: {", ".join(FORMATS)}.')
    if isinstance(paths, (str, Path)):
        paths = [paths]
    sources = [_source(path, input_format) for path in paths]
    return _iter_papers(sources, on_error, on_skip)


def read_sample() -> Iterator[Paper]:
    """The bundled 176-paper corpus, so demos and tests run without input files."""
    sample = resources.files("extractor").joinpath("data").joinpath("papers.jsonl")
    source = _Source("papers.jsonl (bundled sample)", "jsonl", lambda: sample.read_text(encoding="utf-8"))
    return _iter_papers([source], "fail", None)
