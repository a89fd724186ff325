"""Measure a columnar CSV reader against LinkDesk's per-row staging path (issue 21, item 2).

    PYTHONPATH=. /tmp/colvenv/bin/python benchmarks/bench_columnar.py FILE [--no-polars]

Needs pyarrow and polars (`pip install pyarrow polars` into a separate venv, not the
project's): they are not LinkDesk dependencies and nothing imports this script.

Each method runs in its own forked child, so CPU (user+sys, all threads), wall and peak RSS
are its own; the child then writes one line per staged row (line, source URL, target URL,
host, domain, CRC of the typed fields) to benchmarks/out/, outside the timing, and the parent
compares the files row by row against today's path.

- python: today's path up to staged rows: `RowStream` batches -> `LinkStager.stage` (URL
  normalisation, registered domains, typed cells), its rows collected instead of inserted.
- pyarrow: `pyarrow.csv.read_csv` (all columns as strings); source URLs normalised with
  `pyarrow.compute` where the fast path of `urls.normalize_url` applies (an `http(s)://`
  prefix and a plain lower-case host), the rest by `urls.normalize_url` in Python; target URLs,
  registered domains and typed cells computed once per distinct value in Python, then taken.
- polars: the same with polars expressions.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
# `urls._LDH_HOST` without look-arounds (RE2 and Rust regex have none): the same language.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
LDH_HOST = rf"^{_LABEL}(?:\.{_LABEL})*$"
DIGIT_LAST_LABEL = r"(?:^|\.)[0-9][^.]*$"
AUTHORITY_AND_TAIL = r"(?s)^(?P<auth>[^/?#\\]*)(?P<tail>.*)$"


class Clock:
    """CPU (all threads) and wall time of named phases, and the peak RSS so far."""

    def __init__(self) -> None:
        self.phases: dict[str, tuple[float, float]] = {}
        self.peaks: dict[str, float] = {}  # the peak RSS (MB) when each phase ended
        self.excluded = [0.0, 0.0]  # CPU and wall left out by `paused`
        self.base_mb = _peak_mb()  # the interpreter, LinkDesk and the library imported
        self._start = (time.process_time(), time.perf_counter())

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Leave what runs inside (writing the rows compared) out of the current phase."""
        before = (time.process_time(), time.perf_counter())
        yield
        after = (time.process_time(), time.perf_counter())
        self.excluded[0] += after[0] - before[0]
        self.excluded[1] += after[1] - before[1]
        self._start = (
            self._start[0] + after[0] - before[0], self._start[1] + after[1] - before[1]
        )

    def lap(self, name: str) -> None:
        """Close the phase that began at the previous lap."""
        now = (time.process_time(), time.perf_counter())
        self.phases[name] = (now[0] - self._start[0], now[1] - self._start[1])
        self.peaks[name] = _peak_mb()
        self._start = now

    def figures(self) -> dict[str, Any]:
        """Totals, phases and the peak RSS in MB (10^6 bytes)."""
        return {
            "cpu": sum(cpu for cpu, _ in self.phases.values()),
            "wall": sum(wall for _, wall in self.phases.values()),
            "peak_mb": _peak_mb(),
            "base_mb": self.base_mb,
            "phases": self.phases,
            "peaks": self.peaks,
        }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def _row_line(row: Sequence[object]) -> str:
    line, source, target, host, domain, *fields = row
    crc = zlib.crc32(repr(tuple(fields)).encode())
    return f"{line}\t{source}\t{target}\t{host}\t{domain}\t{crc:08x}\n"


def _write(path: Path, rows: Iterable[Sequence[object]]) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogatepass") as out:
        out.writelines(map(_row_line, rows))


def _detected(path: Path) -> tuple[Any, Any]:
    """The detection and stager the pipeline would use (a plain UTF-8 file)."""
    from linkdesk.core.importers.detect import HEAD_LINES, detect
    from linkdesk.core.importers.staging import LinkStager

    with open(path, encoding="utf-8-sig", newline="") as text:
        head = [text.readline() for _ in range(HEAD_LINES)]
    found = detect(head, allow_google=False)
    if found is None or found.export_format is None or found.header_index != 0:
        sys.exit(f"{path}: not a vendor export with its header on line 1")
    return found, LinkStager(found.export_format, found.columns)


def run_python(path: Path, out: Path) -> dict[str, Any]:
    """Today's path: the pipeline's reader, row batches and `LinkStager.stage`."""
    from linkdesk.core.importers.reader import list_members, open_lines, sniff_encoding
    from linkdesk.core.importers.rows import RowStream, cyclic_gc_paused

    clock = Clock()
    found, stager = _detected(path)
    member = list_members(path)[0]
    encoding = sniff_encoding(member)
    written = open(out, "w", encoding="utf-8", errors="surrogatepass")  # noqa: SIM115

    class Collect:  # stands in for the staging table: takes the rows sqlite3 would get
        def executemany(self, _sql: str, batch: Iterable[tuple[object, ...]]) -> None:
            rows = list(batch)  # what executemany's iteration costs
            with clock.paused():
                written.writelines(map(_row_line, rows))

    staging = [0.0, 0.0]  # CPU and wall inside LinkStager.stage

    def stage(batch: Any) -> int:
        before = (time.process_time(), time.perf_counter(), *clock.excluded)
        staged = int(stager.stage(Collect(), "", batch, stream))
        staging[0] += time.process_time() - before[0] - (clock.excluded[0] - before[2])
        staging[1] += time.perf_counter() - before[1] - (clock.excluded[1] - before[3])
        return staged

    with written, open_lines(member, encoding) as (lines, _), cyclic_gc_paused():
        next(lines)  # the header
        stream = RowStream(lines, 1, len(found.columns), found.delimiter, text=lines)
        staged = sum(map(stage, stream.batches()))
    clock.lap("read+stage")
    cpu, wall = clock.phases.pop("read+stage")
    clock.phases["read (TextLines, csv, batches)"] = (cpu - staging[0], wall - staging[1])
    clock.phases["LinkStager.stage (urls, domains, cells)"] = (staging[0], staging[1])
    figures = clock.figures()
    figures.update(rows=staged, skipped=len(stream.skipped))
    return figures


def _typed(convert: Callable[..., object], uniques: list[object], codes: Any) -> Any:
    """`convert` once per distinct cell, then spread to the rows by their codes (numpy)."""
    import numpy as np

    values = np.empty(len(uniques), dtype=object)
    values[:] = [convert(value) for value in uniques]
    return values[codes]


def _rows(lines: Any, columns: list[Any]) -> Iterable[tuple[object, ...]]:
    return zip(lines, *columns, strict=True)


def run_pyarrow(path: Path, out: Path) -> dict[str, Any]:
    """pyarrow.csv into columns; pyarrow.compute for the fast path of URL normalisation."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv

    from linkdesk.core import urls
    from linkdesk.core.importers.staging import _normalize_target

    clock = Clock()
    found, stager = _detected(path)
    names = [f"c{i}" for i in range(len(found.columns))]
    table = csv.read_csv(
        path,
        read_options=csv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=csv.ParseOptions(delimiter=found.delimiter, newlines_in_values=True),
        convert_options=csv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )
    clock.lap("read")
    source = pc.utf8_trim_whitespace(table.column(stager.source_index).combine_chunks())
    head = pc.utf8_lower(pc.utf8_slice_codeunits(source, 0, 8))
    https = pc.equal(head, "https://")
    http = pc.starts_with(head, "http://")
    rest = pc.if_else(
        https, pc.utf8_slice_codeunits(source, 8), pc.utf8_slice_codeunits(source, 7)
    )
    parts = pc.extract_regex(rest, AUTHORITY_AND_TAIL)
    auth, tail = pc.struct_field(parts, "auth"), pc.struct_field(parts, "tail")
    tail = pc.replace_substring_regex(tail, "(?s)#.*", "", max_replacements=1)
    slash = pc.or_(pc.equal(tail, ""), pc.starts_with(tail, "?"))
    tail = pc.if_else(slash, pc.binary_join_element_wise("/", tail, ""), tail)
    plain = pc.and_(
        pc.and_(pc.match_substring_regex(auth, LDH_HOST), pc.less_equal(pc.utf8_length(auth), 253)),
        pc.invert(pc.or_(pc.match_substring(auth, "xn--"),
                         pc.match_substring_regex(auth, DIGIT_LAST_LABEL))),
    )
    fast = pc.and_(pc.or_(https, http), plain).to_numpy(zero_copy_only=False)
    scheme = pc.if_else(https, "https://", "http://")
    url = pc.binary_join_element_wise(scheme, auth, tail, "")
    clock.lap("urls vectorised")
    slow = np.flatnonzero(~fast)
    slow_results = [urls.normalize_url(u) for u in pc.take(source, slow).to_pylist()]
    mask = pa.array(~fast)
    url = pc.replace_with_mask(url, mask, pa.array([r and r[0] for r in slow_results], pa.string()))
    host = pc.replace_with_mask(
        auth, mask, pa.array([r and r[1] for r in slow_results], pa.string())
    )
    clock.lap(f"urls python fallback ({len(slow)} rows)")
    target_col = table.column(stager.target_index).combine_chunks()
    distinct, codes = _distinct(target_col)
    target_urls = pa.array(
        [(t or (None,))[0] for t in map(_normalize_target, distinct.to_pylist())], pa.string()
    )
    target = pc.take(target_urls, codes)
    keep = pc.and_(pc.is_valid(url), pc.is_valid(target))
    if pc.all(keep).as_py() is False:  # rows with a bad URL are skipped
        url, target, host = pc.filter(url, keep), pc.filter(target, keep), pc.filter(host, keep)
        table = table.filter(keep)
    clock.lap("targets")
    hosts, codes = _distinct(host)
    domains = pa.array(urls.registered_domains(hosts.to_pylist()), pa.string())
    domain = pc.take(domains, codes)
    clock.lap("domains")
    fields = []
    for reader in stager.readers:
        columns = [table.column(i).combine_chunks() for i in reader.indices]
        if reader.convert is None:
            fields.append(columns[0])
        elif len(columns) == 1:
            uniques, codes = _distinct(columns[0])
            fields.append(_typed(reader.convert, uniques.to_pylist(), codes.to_numpy()))
        else:
            fields.append(list(map(reader.convert, *(c.to_pylist() for c in columns))))
    clock.lap("typed cells")
    lines = np.flatnonzero(keep.to_numpy(zero_copy_only=False)) + 2
    rows = list(_rows(lines.tolist(), [_pylist(c) for c in (url, target, host, domain, *fields)]))
    clock.lap("python rows for executemany")
    figures = clock.figures()
    _write(out, rows)
    figures.update(rows=len(url), fallback_rows=len(slow))
    return figures


def _distinct(array: Any) -> tuple[Any, Any]:
    """(distinct values, each row's index into them): pyarrow's dictionary encoding."""
    encoded = array.dictionary_encode()
    return encoded.dictionary, encoded.indices


def _pylist(column: Any) -> list[object]:
    return column.tolist() if hasattr(column, "tolist") else (
        column if isinstance(column, list) else column.to_pylist()
    )


def run_polars(path: Path, out: Path) -> dict[str, Any]:
    """polars.read_csv into columns; polars string expressions for the fast path."""
    import numpy as np
    import polars as pl

    from linkdesk.core import urls
    from linkdesk.core.importers.staging import _normalize_target

    clock = Clock()
    found, stager = _detected(path)
    frame = pl.read_csv(
        path, infer_schema=False, separator=found.delimiter, has_header=False, skip_rows=1
    ).with_columns(pl.all().fill_null(""))  # an empty cell is '' to the csv module
    clock.lap("read")
    col = pl.col(frame.columns[stager.source_index]).str.strip_chars()
    head = col.str.slice(0, 8).str.to_lowercase()
    https, http = head == "https://", head.str.starts_with("http://")
    rest = pl.when(https).then(col.str.slice(8)).otherwise(col.str.slice(7))
    auth = rest.str.extract(r"^([^/?#\\]*)", 1)
    tail = rest.str.extract(r"(?s)^[^/?#\\]*(.*)$", 1).str.replace(r"(?s)#.*", "")
    tail = pl.when((tail == "") | tail.str.starts_with("?")).then("/" + tail).otherwise(tail)
    plain = (
        auth.str.contains(LDH_HOST)
        & (auth.str.len_chars() <= 253)
        & ~auth.str.contains("xn--", literal=True)
        & ~auth.str.contains(DIGIT_LAST_LABEL)
    )
    scheme = pl.when(https).then(pl.lit("https://")).otherwise(pl.lit("http://"))
    done = frame.select(
        url=pl.concat_str([scheme, auth, tail]),
        host=auth,
        fast=((https | http) & plain).fill_null(False),
        source=pl.col(frame.columns[stager.source_index]),
    )
    clock.lap("urls vectorised")
    slow = np.flatnonzero(~done["fast"].to_numpy())
    results = [urls.normalize_url(u) for u in done["source"].gather(slow).to_list()]
    url = done["url"].scatter(slow, [r and r[0] for r in results])
    host = done["host"].scatter(slow, [r and r[1] for r in results])
    clock.lap(f"urls python fallback ({len(slow)} rows)")
    target_col = frame[frame.columns[stager.target_index]]
    distinct = target_col.unique()
    mapped = [(t or (None,))[0] for t in map(_normalize_target, distinct.to_list())]
    target = target_col.replace_strict(distinct, pl.Series(mapped, dtype=pl.String))
    keep = (url.is_not_null() & target.is_not_null()).to_numpy()
    if not keep.all():  # rows with a bad URL are skipped
        url, target, host = url.filter(keep), target.filter(keep), host.filter(keep)
        frame = frame.filter(pl.Series(keep))
    clock.lap("targets")
    hosts = host.unique()
    domains = pl.Series(urls.registered_domains(hosts.to_list()), dtype=pl.String)
    domain = host.replace_strict(hosts, domains)
    clock.lap("domains")
    fields: list[Any] = []
    for reader in stager.readers:
        columns = [frame[frame.columns[i]] for i in reader.indices]
        if reader.convert is None:
            fields.append(columns[0])
        elif len(columns) == 1:
            uniques = columns[0].unique()
            codes = columns[0].replace_strict(
                uniques, pl.Series(range(len(uniques)), dtype=pl.Int64)
            ).to_numpy()
            fields.append(_typed(reader.convert, uniques.to_list(), codes))
        else:
            fields.append(list(map(reader.convert, *(c.to_list() for c in columns))))
    clock.lap("typed cells")
    lines = np.flatnonzero(keep) + 2
    columns = [c.to_list() if isinstance(c, pl.Series) else _pylist(c)
               for c in (url, target, host, domain, *fields)]
    rows = list(_rows(lines.tolist(), columns))
    clock.lap("python rows for executemany")
    figures = clock.figures()
    _write(out, rows)
    figures.update(rows=len(url), fallback_rows=len(slow))
    return figures


METHODS = {"python": run_python, "pyarrow": run_pyarrow, "polars": run_polars}


def measure(name: str, path: Path, out: Path) -> dict[str, Any]:
    """Run one method in a forked child; its figures come back through a JSON file."""
    report = out.with_suffix(".json")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            report.write_text(json.dumps(METHODS[name](path, out)))
        except BaseException as error:  # the parent says which method failed
            report.write_text(json.dumps({"error": repr(error)}))
            code = 1
        finally:
            os._exit(code)
    os.waitpid(pid, 0)
    return dict(json.loads(report.read_text()))


def compare(reference: Path, other: Path, shown: int = 10) -> tuple[int, int, list[str]]:
    """(rows only in one, rows that differ, the first differences), walking both by line."""
    only = differ = 0
    examples: list[str] = []
    with open(reference, encoding="utf-8", errors="surrogatepass") as a, open(
        other, encoding="utf-8", errors="surrogatepass"
    ) as b:
        left, right = a.readline(), b.readline()
        while left or right:
            key_a = int(left.split("\t", 1)[0]) if left else sys.maxsize
            key_b = int(right.split("\t", 1)[0]) if right else sys.maxsize
            if key_a == key_b:
                if left != right:
                    differ += 1
                    if len(examples) < shown:
                        examples.append(f"  python : {left.rstrip()}\n  other  : {right.rstrip()}")
                left, right = a.readline(), b.readline()
            elif key_a < key_b:
                only += 1
                if len(examples) < shown:
                    examples.append(f"  only python: {left.rstrip()}")
                left = a.readline()
            else:
                only += 1
                if len(examples) < shown:
                    examples.append(f"  only other : {right.rstrip()}")
                right = b.readline()
    return only, differ, examples


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each method on FILE, compare its rows with today's path, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--no-polars", action="store_true")
    options = parser.parse_args(argv)
    missing = [m for m in ("pyarrow", "polars", "numpy") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"bench_columnar needs {', '.join(missing)}: in a separate venv, "
              "`pip install pyarrow polars` (not LinkDesk dependencies)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    names = ["python", "pyarrow"] + ([] if options.no_polars else ["polars"])
    stem = options.file.stem
    results = {}
    for name in names:
        results[name] = measure(name, options.file, OUT / f"columnar-{stem}-{name}.tsv")
    reference = results["python"]
    print(f"{options.file}: {reference.get('rows')} rows staged by today's path")
    for name, figures in results.items():
        if "error" in figures:
            print(f"{name:8} failed: {figures['error']}")
            continue
        ratio = figures["cpu"] / reference["cpu"] if reference.get("cpu") else float("nan")
        print(f"{name:8} cpu {figures['cpu']:6.2f} s  wall {figures['wall']:6.2f} s  "
              f"peak {figures['peak_mb']:5.0f} MB (after imports {figures['base_mb']:3.0f})  "
              f"cpu x{ratio:.2f} of python  "
              f"rows {figures['rows']}")
        for phase, (cpu, wall) in figures["phases"].items():
            peak = figures["peaks"].get(phase)
            after = f"  peak {peak:5.0f} MB" if peak else ""
            print(f"           {phase:40} cpu {cpu:6.2f}  wall {wall:6.2f}{after}")
        if name != "python":
            only, differ, examples = compare(
                OUT / f"columnar-{stem}-python.tsv", OUT / f"columnar-{stem}-{name}.tsv"
            )
            print(f"           vs python: {only} rows in one only, {differ} rows differ")
            print("\n".join(examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
