"""Errors of the site registry; the CLI prints their message, the conversation maps them to replies."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import DataFileError, JiamenkouError
from bot.sites.records import Problem


class SiteImportError(DataFileError):
    """A site file was rejected whole; `problems` lists every problem found, in file order."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{source} was not imported ({count}; nothing was changed):\n{lines}")


class UnknownService(JiamenkouError):
    exit_code = 2
    default_message = "unknown service"


class SiteNotFound(JiamenkouError):
    default_message = "no such service site"


class UnsupportedFormat(DataFileError):
    default_message = "site files must be GeoJSON (.geojson, .json) or CSV (.csv)"
