"""The vocabulary training uses: the hand-kept file plus place names from the site registry."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.db.sites import Site
from bot.sites.gazetteer import gazetteer_names
from bot.vocabulary import Vocabulary, load_vocabulary


def registry_place_names(settings: Settings) -> list[str]:
    """Community, street, town and landmark names from the registry's gazetteer.

    Whole site names are left out: in the jieba dictionary "和顺社区党群服务中心" would become
    one token, and the community inside it could no longer be recognised as an entity.
    """
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
        with make_session_factory(engine)() as session:
            site_names = set(session.scalars(select(Site.name)))
            return [name for name in gazetteer_names(session=session) if name not in site_names]
    finally:
        engine.dispose()


def training_vocabulary(settings: Settings) -> Vocabulary:
    return load_vocabulary(settings.vocabulary_file).with_places(registry_place_names(settings))
