"""Pure parsers, text -> records: JSON Lines, JSON, CSV, Atom XML (the arXiv API) and listing pages.

Also what makes other people's files readable: key mapping (`--field abstract=summary`), OpenAlex's
`abstract_inverted_index` rebuilt into text, the CSV separator and JSON vs JSON Lines told from content.
No I/O here: corpus.py reads the files and settles ids.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Union

from extractor.errors import InputError

FORMATS = ("jsonl", "json", "csv", "listing", "atom")  # text formats; Parquet is read by parse_parquet
FIELDS = ("title", "abstract", "id")
DELIMITERS = (",", ";", "\t", "|")
_JSONL_FIX = 'Each line must be one JSON object with "title" and "abstract".'
_JSON_FIX = 'The file must be a JSON array of objects with "title" and "abstract".'
_CSV_FIX = 'Each row needs non-empty "title" and "abstract" values.'
_LISTING_FIX = "Each entry must be a title line followed by its abstract paragraph."
_ATOM_FIX = "Each <entry> needs a <title> and a <summary>."
_PARQUET_FIX = 'Each row needs non-empty "title" and "abstract" string columns.'
# Keys other sources use for our fields, suggested as --field NAME=KEY when ours are missing.
_ALIASES = {
    "title": ("display_name", "name", "paper_title", "Title"),
    "abstract": ("summary", "description", "abstract_text", "paperAbstract", "abstractText", "Abstract", "text", "body"),
    "id": ("paper_id", "arxiv_id", "doi", "uid"),
}
# A JSON object wrapping the records, as search APIs answer (OpenAlex: {"meta": ..., "results": [...]}).
_WRAPPERS = ("results", "papers", "records", "items", "data")
_ATOM = "{http://www.w3.org/2005/Atom}"
_ID_PREFIXES = re.compile(r"https?://(?:export\.)?arxiv\.org/abs/|https?://openalex\.org/")

# A listing page's title is one short line; a longer line where a title is expected is an abstract.
_TITLE_MAX = 300
# Navigation text the scraper kept from the page (whole lines), matched after stripping.
_CHROME = re.compile(
    r"new|Subscribe|Daily Papers|by ?AK and the research community|Get trending papers in your email inbox.*"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?"
)
# Markup where a listing expects prose: a line that opens with a tag, a bracket or a JSON key, or that ends
# with a closing tag or an opening bracket (abstracts do mention tokens such as <EOS> mid-sentence).
_MARKUP = re.compile(r'^\s*(?:<|[{}\[\]]|"[^"\n]{1,80}"\s*:)|[{\[]\s*$|</[A-Za-z][\w:.-]*>\s*$')


@dataclass(frozen=True)
class Record:
    """One parsed record before ids are settled; `where` is "file:line" for messages."""

    where: str
    id: str | None
    title: str
    abstract: str


Item = Union[Record, InputError, None]  # parsers yield record-level errors instead of raising them; None: filtered out


@dataclass(frozen=True)
class Layout:
    """How to read other people's files: which key holds each field, which CSV separator (None: sniff)."""

    fields: Mapping[str, str] = field(default_factory=dict)
    csv_delimiter: str | None = None
    categories: frozenset[str] | None = None  # keep only records with one of these arXiv categories

    def wanted(self, obj: Mapping) -> bool:
        """Whether a record passes --filter-categories: its `categories` ("cs.CL cs.LG" or a list) names one."""
        if not self.categories:
            return True
        cats = obj.get("categories")
        return bool(self.categories.intersection(cats.split() if isinstance(cats, str) else cats or ()))

    def key(self, name: str) -> str:
        return self.fields.get(name, name)


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


# ---------------------------------------------------------------- records from objects and rows


def inverted_index_text(index: Mapping[str, object]) -> str | None:
    """OpenAlex's {"word": [positions]} back into the abstract's words, one space apart; None if malformed."""
    at: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in positions):
            return None
        for p in positions:
            at[p] = word
    return " ".join(at[p] for p in sorted(at)) if at else None


def _missing(obj: dict, name: str, layout: Layout) -> str:
    key = layout.key(name)
    mapped = f" (--field {name}={key})" if key != name else ""
    has = ", ".join(map(str, obj)) or "none"
    hint = next((f" If its {name} is under \"{k}\", pass --field {name}={k}." for k in _ALIASES[name] if k in obj), "")
    if not hint and not mapped:
        hint = f" If the {name} has another key, name it with --field {name}=KEY."
    return f'record has no "{key}"{mapped} (its keys: {has}).{hint}'


def to_record(obj: object, where: str, fix: str, layout: Layout) -> Item:
    """Check one JSON object / CSV row; title is stripped, the abstract kept verbatim (or rebuilt, for OpenAlex)."""
    if not isinstance(obj, dict):
        return InputError(f"{where}: expected a JSON object, got {_kind(obj)}. {fix}")
    if not layout.wanted(obj):
        return None
    values: dict[str, object] = {}
    for name in ("title", "abstract"):
        key = layout.key(name)
        if key not in obj and name == "abstract" and "abstract_inverted_index" in obj and key == "abstract":
            key = "abstract_inverted_index"  # OpenAlex works carry no plain abstract
        if key not in obj:
            return InputError(f"{where}: {_missing(obj, name, layout)} {fix}")
        value = obj[key]
        if isinstance(value, dict) and name == "abstract":
            value = inverted_index_text(value)
            if value is None:
                return InputError(f'{where}: "{key}" is an object but not an inverted index ({{"word": [positions]}}). {fix}')
        if value is None and key == "abstract_inverted_index":
            return InputError(f'{where}: "{key}" is null: this work has no abstract in the source. {fix}')
        if not isinstance(value, str):
            return InputError(f'{where}: "{key}" must be a string, got {_kind(value)}. {fix}')
        if not value.strip():
            return InputError(f'{where}: "{key}" is empty. {fix}')
        values[name] = value
    raw_id = obj.get(layout.key("id"))
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
        return InputError(f'{where}: "{layout.key("id")}" must be a string or an integer, got {_kind(raw_id)}. {fix}')
    pid = None if raw_id is None or not str(raw_id).strip() else short_id(str(raw_id).strip())
    return Record(where, pid, str(values["title"]).strip(), str(values["abstract"]))


def short_id(raw: str) -> str:
    """`http://arxiv.org/abs/2301.00001v1` -> `2301.00001v1`, `https://openalex.org/W123` -> `W123`; others as given."""
    return _ID_PREFIXES.sub("", raw, count=1) if _ID_PREFIXES.match(raw) else raw


# ---------------------------------------------------------------- JSON Lines and JSON


def parse_jsonl(text: str | Iterable[str], name: str, layout: Layout) -> Iterator[Item]:
    """One record per line; `text` may be the lines themselves, read lazily (corpus.py)."""
    for n, line in enumerate(text.split("\n") if isinstance(text, str) else text, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(f"{name}:{n}: not valid JSON ({e.msg}: column {e.colno}). {_JSONL_FIX}")
            continue
        if isinstance(obj, list):
            yield InputError(f"{name}:{n}: expected a JSON object, got an array. {_JSONL_FIX} "
                             "If the file is one JSON array, pass --input-format json.")
            continue
        yield to_record(obj, f"{name}:{n}", _JSONL_FIX, layout)


def parse_json(text: str, name: str, layout: Layout) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        hint = " If it holds one object per line, pass --input-format jsonl." if e.msg == "Extra data" else ""
        raise InputError(f"{name}:{e.lineno}: not valid JSON ({e.msg}: column {e.colno}). {_JSON_FIX}{hint}") from None
    if isinstance(data, dict):
        data = next((data[k] for k in _WRAPPERS if isinstance(data.get(k), list)), data)
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a JSON array of paper objects, got {_kind(data)}. {_JSON_FIX}")
    for i, obj in enumerate(data, 1):
        yield to_record(obj, f"{name}: item {i}", _JSON_FIX, layout)


def json_or_jsonl(text: str) -> str:
    """JSON Lines when the first line is a whole object (the Kaggle arXiv snapshot is a `.json` file holding
    one object per line); else one JSON document (an array, a pretty-printed object, an API's wrapper)."""
    first = _first_line(text)
    if not first.lstrip().startswith("{"):
        return "json"
    try:
        obj = json.loads(first)
        return "jsonl" if isinstance(obj, dict) and not any(isinstance(obj.get(k), list) for k in _WRAPPERS) else "json"
    except json.JSONDecodeError:
        return "json"


# ---------------------------------------------------------------- CSV


def _first_line(text: str) -> str:
    """The first non-blank line, without splitting a file of gigabytes into lines."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            return text[start:end]
        start = end + 1
    return ""


def _header(text: str, delimiter: str) -> list[str]:
    return next(csv.reader([_first_line(text)], delimiter=delimiter), [])


def sniff_delimiter(text: str, layout: Layout) -> str:
    """The separator whose header names the title and abstract columns (spreadsheets in many locales write `;`)."""
    wanted = {layout.key("title").lower(), layout.key("abstract").lower()}
    for delimiter in DELIMITERS:
        if wanted <= {cell.strip().lower() for cell in _header(text, delimiter)}:
            return delimiter
    return max(DELIMITERS, key=lambda d: len(_header(text, d)))  # max keeps the first (the comma) on ties


def _shown(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else f'"{delimiter}"'


def parse_csv(text: str, name: str, layout: Layout) -> Iterator[Item]:
    delimiter = layout.csv_delimiter or sniff_delimiter(text, layout)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), [])
        columns = {cell.strip().lower(): i for i, cell in reversed(list(enumerate(header)))}  # first one wins
        keys = {n: layout.key(n).lower() for n in FIELDS}
        missing = [n for n in ("abstract", "title") if keys[n] not in columns]
        if missing:
            n = missing[0]
            mapped = f" (--field {n}={layout.key(n)})" if keys[n] != n else ""
            alias = next((k for k in _ALIASES[n] if k.lower() in columns), None)
            field_hint = f"--field {n}={alias}" if alias else f"--field {n}=COLUMN"
            raise InputError(
                f'{name}:{reader.line_num}: no "{layout.key(n)}" column{mapped}; the header has: '
                f'{", ".join(header) or "no columns"} (read with separator {_shown(delimiter)}). '
                'The first row must be a header naming "title" and "abstract" columns (and optionally "id"); '
                f'name other columns with {field_hint}, or the separator with --csv-delimiter ";".'
            )
        start = reader.line_num + 1
        for row in reader:
            where, start = f"{name}:{start}", reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield InputError(
                    f"{where}: row has {len(row)} fields but the header has {len(header)} (separator {_shown(delimiter)}). "
                    'Quote values that contain the separator or line breaks ("a, b").'
                )
                continue
            obj = {n: row[columns[k]] for n, k in keys.items() if k in columns}
            if layout.categories:
                obj["categories"] = row[columns["categories"]] if "categories" in columns else ""
            yield to_record(obj, where, _CSV_FIX, Layout(categories=layout.categories))
    except csv.Error as e:
        raise InputError(f"{name}:{reader.line_num}: not valid CSV ({e}). {_CSV_FIX}") from None


# ---------------------------------------------------------------- Atom XML (the arXiv API)


def parse_atom(text: str, name: str, layout: Layout) -> Iterator[Item]:
    """feed/entry/title, summary (or content), id; the arXiv API's abstract URL ids become arXiv ids."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        line, column = e.position
        raise InputError(f"{name}:{line}: not valid XML ({str(e).split(':')[0]}, column {column + 1}). "
                         "extractor reads Atom feeds such as the arXiv API's answer (feed/entry/title, summary, id).") from None
    entries = root.findall(f"{_ATOM}entry") if root.tag == f"{_ATOM}feed" else [root] if root.tag == f"{_ATOM}entry" else []
    if not entries:
        tag = root.tag.replace(_ATOM, "atom:")
        raise InputError(f"{name}: found no Atom <entry> elements (the root element is <{tag}>). extractor reads Atom "
                         "feeds such as the arXiv API's (feed/entry/title, summary, id); convert other XML to JSON Lines.")
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<(?:[\w.-]+:)?entry[\s>]", text)]
    for i, entry in enumerate(entries):
        where = f"{name}:{lines[i]}" if len(lines) == len(entries) else f"{name}: entry {i + 1}"
        title = " ".join((entry.findtext(f"{_ATOM}title") or "").split())  # the arXiv API wraps long titles
        summary = entry.findtext(f"{_ATOM}summary") or entry.findtext(f"{_ATOM}content") or ""
        raw_id = (entry.findtext(f"{_ATOM}id") or "").strip()
        if not title:
            yield InputError(f"{where}: entry has no <title>. {_ATOM_FIX}")
        elif not summary.strip():
            yield InputError(f'{where}: entry "{title}" has no <summary> (abstract). {_ATOM_FIX}')
        else:
            yield Record(where, short_id(raw_id) if raw_id else None, title, summary)


# ---------------------------------------------------------------- listing pages


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


def reads_like_prose(text: str) -> bool:
    """An abstract is sentences: mostly letters and spaces, and no tags, JSON keys or brackets opening a structure."""
    body = text.strip()
    if not body or _MARKUP.search(body):
        return False
    plain = sum(ch.isalpha() or ch.isspace() for ch in body)
    return plain >= 0.6 * len(body) and any(ch.isalpha() for ch in body)


def _is_entry(record: Record) -> bool:
    return reads_like_prose(record.abstract) and not _MARKUP.search(record.title)


def _looks_structured(text: str, name: str) -> None:
    head = text.lstrip()[:200]
    if head[:1] == "<":
        kind, flag = "XML", "--input-format atom (Atom feeds such as the arXiv API's)"
    elif head[:1] in "{[":
        kind, flag = "JSON", "--input-format jsonl (one object per line) or --input-format json (one array)"
    else:
        return
    line = text.count("\n", 0, len(text) - len(text.lstrip())) + 1
    raise InputError(f"{name}:{line}: this is {kind}, not a listing page (title lines followed by abstract paragraphs). "
                     f"Read it with {flag}.")


def parse_listing(text: str, name: str, layout: Layout) -> Iterator[Item]:
    """Pair content lines as (title, abstract); a long line where a title belongs is an orphan abstract.

    XML or JSON is refused, and so is a page none of whose entries has an abstract-like paragraph."""
    _looks_structured(text, name)
    lines = _listing_lines(text)
    if not lines:
        raise InputError(f"{name}: found no papers in this listing page. {_LISTING_FIX}")
    items = list(_pair_listing(lines, name))
    records = [item for item in items if isinstance(item, Record)]
    if records and not any(_is_entry(r) for r in records):
        raise InputError(f"{records[0].where}: found no abstract-like paragraph in this listing page (the text after "
                         f'"{records[0].title[:60]}" is {records[0].abstract.strip()[:60]!r}). {_LISTING_FIX} '
                         f"If the file is JSON, CSV or XML, name its format with --input-format {'|'.join(FORMATS)}.")
    for item in items:
        if isinstance(item, Record) and not _is_entry(item):
            item = InputError(f'{item.where}: the text after title "{item.title[:60]}" does not read like an abstract '
                              f"({item.abstract.strip()[:60]!r}). {_LISTING_FIX}")
        yield item


def _pair_listing(lines: list[tuple[int, str]], name: str) -> Iterator[Item]:
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
            yield Record(f"{name}:{n}", None, title.strip(), lines[i + 1][1])
            i += 2


def parse_parquet(name: str, layout: Layout) -> Iterator[Item]:
    """Rows of a Parquet file as records, read a batch at a time through DuckDB (no pyarrow needed)."""
    import duckdb

    try:
        with duckdb.connect() as db:
            result = db.execute("SELECT * FROM read_parquet(?)", [name])
            columns = [d[0] for d in result.description]
            n = 0
            while rows := result.fetchmany(2048):
                for row in rows:
                    n += 1
                    yield to_record(dict(zip(columns, row)), f"{name}: row {n}", _PARQUET_FIX, layout)
    except duckdb.Error as e:
        raise InputError(f"{name}: not a readable Parquet file ({str(e).splitlines()[0]}). {_PARQUET_FIX}") from None


PARSERS: dict[str, Callable[[str, str, Layout], Iterator[Item]]] = {
    "jsonl": parse_jsonl, "json": parse_json, "csv": parse_csv, "listing": parse_listing, "atom": parse_atom,
}


def sniff_format(text: str, layout: Layout) -> str:
    """The format of text that came without a name (stdin): its first character, or a CSV header naming our columns."""
    first = text.lstrip()[:1]
    if first and first in "{[":
        return json_or_jsonl(text)
    if first == "<":
        return "atom"
    wanted = {layout.key("title").lower(), layout.key("abstract").lower()}
    if any(wanted <= {c.strip().lower() for c in _header(text, d)} for d in DELIMITERS):
        return "csv"
    return "listing"

