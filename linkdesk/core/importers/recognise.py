"""Recognising what a CSV is: a vendor's export, a Search Console report, or a mapped CSV."""

from __future__ import annotations

from linkdesk.core.importers import formats
from linkdesk.core.importers.detect import Detected, GoogleReport, detect
from linkdesk.core.store import Project, settings
from linkdesk.core.store.settings import Key

FORMAT_CHOICES = ("auto", "ahrefs", "semrush", "majestic", "moz", "gsc", "generic")


class ImportFailed(Exception):
    """An import failed and changed nothing; the message names file, line and problem."""


class NotBacklinks(ImportFailed):
    """The CSV is not a backlink export; inside a ZIP it is passed over, not fatal."""


def recognise(
    project: Project, name: str, head: list[str], choice: str, mapping: dict[str, str] | None
) -> Detected:
    """What the CSV is, from its first lines; raises NotBacklinks (or ImportFailed) if unusable.

    A mapping with a generic format is remembered for files with the same header.
    """
    if not any(line.strip() for line in head):
        raise ImportFailed(f"{name}: the file is empty")
    if mapping and choice in ("auto", "generic"):
        try:
            candidates: tuple[formats.ExportFormat, ...] = (formats.generic_format(mapping),)
        except ValueError as error:
            raise ImportFailed(f"--map: {error}") from None
    elif choice == "generic":
        raise ImportFailed("--format generic needs a column mapping: --map FIELD=COLUMN")
    elif choice == "auto":
        candidates = formats.VENDOR_FORMATS + _remembered_formats(project)
    elif choice == "gsc":
        candidates = ()
    else:
        candidates = formats.format_by_vendor(choice)
    detected = detect(head, candidates, allow_google=choice in ("auto", "gsc"))
    if detected is None:
        raise NotBacklinks(_unrecognised(name, head, choice, mapping))
    if detected.google_report is GoogleReport.TOP_LINKED_PAGES:
        raise NotBacklinks(
            f"{name}: this Search Console report (Top linked pages) lists your own pages, "
            "not the pages linking to you; export 'Latest links' or 'Top linking sites'"
        )
    fmt = detected.export_format
    if fmt is not None and mapping and fmt.vendor != "generic":
        detected = _with_overrides(detected, mapping)
    elif fmt is not None and mapping:
        _remember_mapping(project, detected, mapping)
    return detected

def _remembered_formats(project: Project) -> tuple[formats.ExportFormat, ...]:
    remembered = project.setting(Key.COLUMN_MAPPINGS, {}, lenient=True)
    return tuple(formats.generic_format(mapping) for mapping in remembered.values())


def _remember_mapping(project: Project, detected: Detected, mapping: dict[str, str]) -> None:
    remembered = dict(project.setting(Key.COLUMN_MAPPINGS, {}, lenient=True))
    remembered["|".join(detected.lowered)] = mapping
    settings.put(project.db, Key.COLUMN_MAPPINGS, remembered)  # in the import's transaction


def mapping_used(detected: Detected) -> dict[str, str]:
    """Which of the file's columns each field was read from (kept with the import)."""
    return {field_name: " + ".join(names) for field_name, names in _columns_read(detected).items()}


def _columns_read(detected: Detected) -> dict[str, list[str]]:
    fmt = detected.export_format
    assert fmt is not None
    present = {name.lower(): name for name in reversed(detected.columns)}  # the first of a name
    used = {
        "source_url": [next(present[c] for c in fmt.source if c in present)],
        "target_url": [next((present[c] for c in fmt.target if c in present), "")],
    }
    for field_name, spec in fmt.fields.items():
        names = spec.names if isinstance(spec, formats.Column) else spec.columns
        found = [present[column] for column in names if column in present]
        if found and (isinstance(spec, formats.Column) or len(found) == len(names)):
            used[field_name] = found[:1] if isinstance(spec, formats.Column) else found
    return used


def duplicate_columns(detected: Detected) -> list[str]:
    """Warnings for columns LinkDesk reads whose name the header has more than once."""
    if detected.export_format is None:
        return []  # Search Console columns are read by position
    read = {name.lower() for names in _columns_read(detected).values() for name in names}
    places: dict[str, list[int]] = {}
    for number, name in enumerate(detected.lowered, 1):
        places.setdefault(name, []).append(number)
    return [
        f"the header has {len(numbers)} columns named {detected.columns[numbers[0] - 1]!r} "
        f"(columns {', '.join(map(str, numbers))}); the first (column {numbers[0]}) is read"
        for name, numbers in places.items()
        if len(numbers) > 1 and name in read
    ]


def _with_overrides(detected: Detected, mapping: dict[str, str]) -> Detected:
    assert detected.export_format is not None
    adjusted = formats.with_overrides(detected.export_format, mapping)
    return Detected(detected.header_index, detected.delimiter, detected.columns, adjusted)


def _unrecognised(name: str, head: list[str], choice: str, mapping: dict[str, str] | None) -> str:
    first = next((line.strip() for line in head if line.strip()), "")
    if len(first) > 120:
        first = first[:117] + "..."
    if mapping:
        wanted = ", ".join(sorted(set(mapping.values())))
        return (
            f"{name}: no header line with the mapped columns ({wanted}) in the first "
            f"{len(head)} lines; line 1 reads: {first!r}"
        )
    if choice != "auto":
        wanted = f"{_VENDOR_EXPORTS.get(choice, 'an export')} (--format {choice})"
        seen = _recognised_as(head)
        if seen:
            return (f"{name}: not {wanted}: it looks like {seen}; import it with --format auto "
                    "(the format is then recognised)")
        return f"{name}: not {wanted}, nor any export LinkDesk recognises (line 1 reads: {first!r})"
    return (
        f"{name}: not a backlink export LinkDesk recognises (line 1 reads: {first!r}). For "
        "another tool's CSV, map its columns: --format generic --map source_url=COLUMN "
        "--map target_url=COLUMN ..."
    )


_VENDOR_EXPORTS = {
    "ahrefs": "an Ahrefs export", "semrush": "a Semrush export", "majestic": "a Majestic export",
    "moz": "a Moz export", "gsc": "a Search Console export",
}


def _recognised_as(head: list[str]) -> str:
    """What the file is when read as any format (`a Semrush backlinks export`), or ""."""
    detected = detect(head, formats.VENDOR_FORMATS, allow_google=True)
    if detected is None:
        return ""
    if detected.export_format is not None:
        return f"a {detected.export_format.label} export"
    return "a Search Console export"
