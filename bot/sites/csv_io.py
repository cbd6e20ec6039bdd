"""Site files in CSV (UTF-8, with or without the BOM Excel writes), one site per row.

Columns as in the GeoJSON properties (`bot.sites.geojson_io`) plus `lat`, `lon` and `crs`.
`crs` is required on every row (`WGS-84` or `GCJ-02`): spreadsheets are usually filled in
from a Chinese map, so there is no safe default. `services` are separated by `|` or `、`.
Problems are reported by spreadsheet row: the header is row 1, the first site row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.sites.coords import Crs
from bot.sites.errors import SiteImportError
from bot.sites.hours import format_hours
from bot.sites.records import Problem, RecordReader, SiteRecord
from bot.vocabulary import Vocabulary

COLUMNS = (
    "id", "name", "kind", "level", "address", "street", "community", "grid", "lat", "lon",
    "crs", "phone", "hours", "holiday", "services", "accessibility", "sample",
)  # fmt: skip
REQUIRED_COLUMNS = ("name", "kind", "address", "lat", "lon", "crs", "phone", "services")


def parse_csv(text: str, *, vocabulary: Vocabulary, source: str) -> list[SiteRecord]:
    """Every site in the file; raises SiteImportError listing all problems if there is any."""
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip() for name in next(rows, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems = [Problem("row 1", column, "column missing") for column in missing]
        raise SiteImportError(source, problems)
    records_reader = RecordReader(vocabulary, default_crs=None)
    records: list[SiteRecord] = []
    for number, cells in enumerate(rows, start=2):
        where = f"row {number}"
        if not any(cell.strip() for cell in cells):
            continue  # a blank line in the middle of a spreadsheet is no site
        if len(cells) > len(header):
            records_reader.problems.append(Problem(where, "row", "more cells than columns"))
            continue
        row = dict(zip(header, cells, strict=False))
        record = records_reader.read(row, where)
        if record is not None:
            records.append(record)
    if records_reader.problems:
        raise SiteImportError(source, records_reader.problems)
    return records


def dump_csv(records: Sequence[SiteRecord]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                "id": record.key, "name": record.name, "kind": record.kind,
                "level": record.level or "", "address": record.address,
                "street": record.street or "", "community": record.community or "",
                "grid": record.grid or "", "lat": repr(record.lat), "lon": repr(record.lon),
                "crs": Crs.WGS84.value, "phone": record.phone or "",
                "hours": format_hours(record.hours) if record.hours is not None else "",
                "holiday": record.holiday.value, "services": "|".join(record.services),
                "accessibility": record.accessibility or "",
                "sample": "true" if record.sample else "false",
            }
        )  # fmt: skip
    return out.getvalue()
