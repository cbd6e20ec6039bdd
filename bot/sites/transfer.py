"""Import and export of site files, choosing GeoJSON or CSV by the file's extension."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from bot.sites.csv_io import dump_csv, parse_csv
from bot.sites.errors import SiteImportError, UnsupportedFormat
from bot.sites.geojson_io import dump_geojson, parse_geojson
from bot.sites.records import Problem, SiteRecord
from bot.sites.registry import UpsertSummary, site_records, upsert_sites
from bot.vocabulary import Vocabulary

GEOJSON_SUFFIXES = (".geojson", ".json")
CSV_SUFFIXES = (".csv",)


def read_site_file(path: Path, *, vocabulary: Vocabulary) -> list[SiteRecord]:
    """The sites in `path`; raises SiteImportError (listing every problem) for a bad file."""
    suffix = path.suffix.lower()
    if suffix not in GEOJSON_SUFFIXES + CSV_SUFFIXES:
        expected = ", ".join(GEOJSON_SUFFIXES + CSV_SUFFIXES)
        raise UnsupportedFormat(f"{path}: expected a file ending in {expected}")
    try:
        # utf-8-sig also reads files that start with the BOM some editors write.
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteImportError(str(path), [Problem("file", "read", str(exc))]) from exc
    if suffix in CSV_SUFFIXES:
        return parse_csv(text, vocabulary=vocabulary, source=str(path))
    return parse_geojson(text, vocabulary=vocabulary, source=str(path))


def import_site_file(path: Path, *, session: Session, vocabulary: Vocabulary) -> UpsertSummary:
    """Reads the whole file first, so a bad file changes nothing; never commits."""
    records = read_site_file(path, vocabulary=vocabulary)
    return upsert_sites(session=session, records=records)


def export_site_file(path: Path, *, session: Session) -> int:
    """Writes every site to `path` (WGS-84); returns how many."""
    suffix = path.suffix.lower()
    records = site_records(session=session)
    if suffix in CSV_SUFFIXES:
        # utf-8-sig so that Excel opens the Chinese text correctly.
        path.write_text(dump_csv(records), encoding="utf-8-sig", newline="")
    elif suffix in GEOJSON_SUFFIXES:
        path.write_text(dump_geojson(records), encoding="utf-8")
    else:
        expected = ", ".join(GEOJSON_SUFFIXES + CSV_SUFFIXES)
        raise UnsupportedFormat(f"{path}: expected a file ending in {expected}")
    return len(records)
