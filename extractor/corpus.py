"""Read papers (title + abstract) from JSONL, JSON, CSV, Atom XML or scraped listing pages -> Iterator[Paper].

The parsers are in formats.py; this module reads files and stdin, picks the format and settles ids."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from extractor.errors import InputError
from extractor.formats import FIELDS, FORMATS, PARSERS, Item, Layout, Record, json_or_jsonl, parse_jsonl, parse_parquet, sniff_format
from extractor.schema import Paper

__all__ = ["FIELDS", "FORMATS", "paper_id", "read_papers", "read_sample"]

_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv", ".txt": "listing",
               ".xml": "atom", ".atom": "atom", ".parquet": "parquet"}
_HEAD = 1 << 16  # bytes read to tell the format and the encoding before parsing
_SPREADSHEETS = {".xlsx", ".xls", ".ods", ".numbers"}
_ACCEPTED = ("UTF-8 text: JSONL (.jsonl), a JSON array (.json), CSV with a header (.csv), "
             "an Atom feed (.xml) or a listing page (.txt)")
_SKIP = " To leave out bad records and read the rest, pass --on-error skip."


@dataclass(frozen=True)
class _Source:
    name: str
    fmt: str | None  # None: from the content (stdin, or told by --input-format)
    open: Callable[[], BinaryIO]
    declared: bool = False  # the user named the format: no sniffing


def paper_id(title: str, abstract: str) -> str:
    """A stable id from content, so re-reading the same paper (even re-wrapped) gives the same id."""
    text = " ".join(title.split()) + "\n" + " ".join(abstract.split())
    return "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class _Merger:
    """Keeps the first of papers that share an id or content; a reused id with new content is an error.

    It remembers the last WINDOW papers, so memory stays flat over millions of them; an id reused
    further apart reaches the store as a changed paper (`extract --changed`)."""

    WINDOW = 100_000

    def __init__(self) -> None:
        self._ids: dict[str, tuple[str, str, str]] = {}  # id -> (where, content hash, title), oldest first
        self._contents: dict[str, None] = {}  # content hashes, oldest first

    def add(self, rec: Record) -> Paper | None:
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
        self._contents[content] = None
        for seen in (self._ids, self._contents):
            if len(seen) > self.WINDOW:
                del seen[next(iter(seen))]
        return Paper(id=pid, title=rec.title, abstract=rec.abstract)


# ---------------------------------------------------------------- file I/O at the edge


def _binary(name: str, why: str) -> InputError:
    return InputError(f"{name}: looks binary ({why}). extractor reads {_ACCEPTED}.")


def _converted(name: str) -> str:
    if name == "<stdin>":
        return "FILE | extractor extract -"
    path = Path(name)
    return f"{shlex.quote(name)} > {shlex.quote(str(path.with_name(path.stem + '.utf8' + path.suffix)))}"


def _decode(data: bytes, name: str, first_line: int = 1) -> str:
    """UTF-8 text; other encodings are refused with the line of the first bad byte and the command that converts."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name}: is UTF-16 text (spreadsheets save \"Unicode text\" so); extractor reads UTF-8. "
                         f"Convert it first: iconv -f utf-16 -t utf-8 {_converted(name)}")
    if b"\0" in data:
        raise _binary(name, "it contains NUL bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + first_line
        column = e.start - data.rfind(b"\n", 0, e.start)
        byte = data[e.start]
        # bytes 0x80-0x9f are printable only in Windows-1252 (curly quotes, dashes): Excel's "CSV" on Windows
        encoding = "cp1252" if 0x80 <= byte <= 0x9f else "latin1"
        raise InputError(f"{name}:{line}: not UTF-8 text (byte 0x{byte:02x} at column {column}); the file is probably "
                         f"{'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}, as spreadsheets often save it. "
                         f"Convert it to UTF-8 first: iconv -f {encoding} -t utf-8 {_converted(name)}") from None


def _open_file(path: Path) -> BinaryIO:
    """The file's bytes, gunzipped on the fly when it is gzip (by its magic bytes, whatever its name)."""
    try:
        stream: BinaryIO = path.open("rb")
        if stream.read(2) == b"\x1f\x8b":
            stream.close()
            return gzip.open(path, "rb")  # type: ignore[return-value]
        stream.seek(0)
        return stream
    except OSError as e:
        raise InputError(f"{path}: cannot read it ({e.strerror}). Check the path and its permissions.") from None


def _open_stdin() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode("utf-8"))  # a test's StringIO


def _source(path: str | Path, input_format: str | None) -> _Source:
    if str(path) == "-":
        return _Source("<stdin>", input_format, _open_stdin, declared=input_format is not None)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file. Check the path (use - to read from stdin).")
    if p.is_dir():
        raise InputError(f"{p}: is a directory. Pass the paper files inside it.")
    suffix = Path(p.stem).suffix.lower() if p.suffix.lower() == ".gz" else p.suffix.lower()  # papers.jsonl.gz: .jsonl
    fmt = input_format or _EXTENSIONS.get(suffix)
    if fmt is None and suffix in _SPREADSHEETS:
        raise InputError(f'{p}: is a spreadsheet ("{p.suffix}"), which extractor cannot read. Save it as CSV '
                         '(UTF-8) with "title" and "abstract" columns and pass the .csv file.')
    if fmt is None:
        raise InputError(f'{p}: cannot tell the format from the extension "{p.suffix}". Use .jsonl, .json, .csv, '
                         f".parquet, .xml (Atom) or .txt (listing page), or name the format (--input-format {'|'.join(FORMATS)}).")
    return _Source(str(p), fmt, lambda: _open_file(p), declared=input_format is not None)


def _format(src: _Source, text: str, layout: Layout) -> str:
    """The named format; else the extension's, except that a .json file of one object per line is JSON Lines."""
    if src.declared and src.fmt:
        return src.fmt
    if src.fmt == "json":
        return json_or_jsonl(text)
    return src.fmt or sniff_format(text, layout)


def _lines(head: bytes, stream: BinaryIO, name: str) -> Iterator[str]:
    """The decoded lines of a stream whose first bytes (`head`) were read already, one at a time."""
    cut = head.rfind(b"\n") + 1
    rest = head[cut:]

    def raw() -> Iterator[bytes]:
        nonlocal rest
        yield from io.BytesIO(head[:cut])
        for line in stream:
            yield rest + line if rest else line
            rest = b""
        if rest:
            yield rest

    try:
        for n, line in enumerate(raw(), 1):
            yield _decode(line, name, n).removesuffix("\n")
    finally:
        _close(stream)


def _close(stream: BinaryIO) -> None:
    if stream is not getattr(sys.stdin, "buffer", None):
        stream.close()


def _items(src: _Source, layout: Layout) -> Iterator[Item]:
    """One file's records, parsed as they are read where the format allows (JSON Lines, Parquet)."""
    if src.fmt == "parquet":
        return parse_parquet(src.name, layout)
    stream = src.open()
    try:
        head = stream.read(_HEAD)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in head:
            _decode(head, src.name)  # raises the encoding's message
        if not head.strip():
            raise InputError(f"{src.name}: is empty. Give it papers as {_ACCEPTED}.")
    except BaseException:
        _close(stream)
        raise
    sniffed = head.decode("utf-8", "ignore")  # enough to tell the format; every line is decoded strictly below
    fmt = _format(src, sniffed, layout)
    if fmt == "jsonl":
        return parse_jsonl(_lines(head, stream, src.name), src.name, layout)
    try:
        if layout.fields and fmt in ("listing", "atom"):
            raise InputError(f"{src.name}: --field applies to JSON, JSON Lines and CSV keys, not to {fmt} input.")
        if layout.categories and fmt in ("listing", "atom"):
            raise InputError(f"{src.name}: --filter-categories reads a `categories` key or column, which {fmt} input lacks.")
        text = _decode(head + stream.read(), src.name)
    finally:
        _close(stream)
    return PARSERS[fmt](text, src.name, layout)


def _read_source(src: _Source, merger: _Merger, on_error: str, layout: Layout,
                 on_skip: Callable[[InputError], None] | None) -> Iterator[Paper]:
    """One file's papers as they are read; a bad record raises (or is skipped) where it is met."""
    for item in _items(src, layout):
        if item is None:  # left out by --filter-categories
            continue
        try:
            if isinstance(item, InputError):
                raise item
            paper = merger.add(item)
        except InputError as e:
            if on_error == "fail":
                raise InputError(f"{e}{_SKIP}") from None
            if on_skip is not None:
                on_skip(e)
            continue
        if paper is not None:
            yield paper


def _iter_papers(sources: list[_Source], on_error: str, layout: Layout,
                 on_skip: Callable[[InputError], None] | None) -> Iterator[Paper]:
    merger = _Merger()
    for src in sources:
        yield from _read_source(src, merger, on_error, layout, on_skip)


def read_papers(paths: Iterable[str | Path], input_format: str | None = None,
                on_error: str = "fail", on_skip: Callable[[InputError], None] | None = None, *,
                fields: Mapping[str, str] | None = None, csv_delimiter: str | None = None,
                categories: Iterable[str] | None = None) -> Iterator[Paper]:
    """Papers from files ("-" is stdin), each yielded once across all inputs (first one wins).

    The format comes from `input_format`, else the extension (a .json file of one object per line is
    read as JSON Lines), else (stdin) the content. `fields` maps our field names (title, abstract, id)
    to the keys or CSV columns that hold them; `csv_delimiter` is the CSV separator (default: the
    one whose header names the columns).
    A missing file, a directory or an unknown format raises InputError at once; the rest while
    iterating. JSON Lines (the Kaggle arXiv snapshot too) and Parquet are read as they are iterated,
    so memory stays flat; other formats are parsed whole first. A bad record raises where it is met,
    after the papers before it were yielded: a caller that must write nothing on error should read
    ahead (`extract` reads its first chunk before it opens the database). Gzip files are read as
    they are. `categories` keeps only records whose `categories` (a space-separated string, as in
    the Kaggle snapshot, or a list) names one of them. With on_error="skip" a bad record
    (line, row, array item, listing entry) is passed to `on_skip` and the rest is read; missing,
    empty, binary or unparseable files and a CSV without title/abstract columns always raise.
    """
    if on_error not in ("fail", "skip"):
        raise ValueError(f'on_error must be "fail" or "skip", not {on_error!r}')
    if input_format is not None and input_format not in (*FORMATS, "parquet"):
        raise InputError(f'unknown input format "{input_format}". Use one of: {", ".join(FORMATS)}, parquet.')
    unknown = [name for name in (fields or {}) if name not in FIELDS]
    if unknown:
        raise InputError(f'cannot map "{unknown[0]}": --field names one of {", ".join(FIELDS)} (e.g. --field abstract=summary).')
    if csv_delimiter is not None and len(csv_delimiter) != 1:
        raise InputError(f"--csv-delimiter must be one character, not {csv_delimiter!r} (use tab for a tab).")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    sources = [_source(path, input_format) for path in paths]
    layout = Layout(dict(fields or {}), csv_delimiter, frozenset(categories) if categories else None)
    return _iter_papers(sources, on_error, layout, on_skip)


def read_sample() -> Iterator[Paper]:
    """The bundled 176-paper corpus, so demos and tests run without input files."""
    sample = resources.files("extractor").joinpath("data").joinpath("papers.jsonl")
    source = _Source("papers.jsonl (bundled sample)", "jsonl", lambda: sample.open("rb"), declared=True)
    return _iter_papers([source], "fail", Layout(), None)
