"""The registry's errors carry readable messages for the command line."""

from __future__ import annotations

from bot.errors import DataFileError
from bot.sites.errors import SiteImportError
from bot.sites.records import Problem


def test_site_import_error_lists_every_problem_on_its_own_line() -> None:
    error = SiteImportError(
        "sites.csv", [Problem("row 2", "name", "missing"), Problem("row 4", "lat", "bad")]
    )
    assert isinstance(error, DataFileError)
    assert str(error) == (
        "sites.csv was not imported (2 problems; nothing was changed):\n"
        "  row 2, name: missing\n"
        "  row 4, lat: bad"
    )
