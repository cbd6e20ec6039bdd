"""ORM tables of the service-site registry: sites, their weekly hours, services and gazetteer places."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base

# Values of `Site.holiday`; the meaning of each lives in `bot.sites.hours.HolidayPolicy`.
HOLIDAY_POLICIES = ("closed", "open", "weekend")

site_services = Table(
    "site_services",
    Base.metadata,
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    # The primary key serves site -> services; this index serves "sites offering X".
    Index("ix_site_services_service_id_site_id", "service_id", "site_id"),
)


class Service(Base):
    """A service a site offers; `name` is a canonical value of vocabulary.yml `services`."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Site(Base):
    """One service site (党群服务中心, 驿站, 长者食堂 …); coordinates are WGS-84."""

    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint(
            "holiday IN ('closed', 'open', 'weekend')",
            name="holiday",
        ),
        # Covering index of the spatial lookup: cell -> (lat, lon) without touching the table.
        Index("ix_sites_cell_key", "cell_key", "lat", "lon"),
        # Bounding-box lookups for radii too large for a short list of cells.
        Index("ix_sites_lat", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable upsert key: the file's explicit `id`, else "name@address".
    key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(300))
    street: Mapped[str | None] = mapped_column(String(100), index=True)
    community: Mapped[str | None] = mapped_column(String(100), index=True)
    grid: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
    cell_key: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(40))
    # False when the hours are unknown: then `hours` is empty and "open now" is unknown too.
    hours_known: Mapped[bool] = mapped_column(Boolean, default=False)
    holiday: Mapped[str] = mapped_column(String(16), default="closed")
    accessibility: Mapped[str | None] = mapped_column(Text)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)

    hours: Mapped[list[SiteHours]] = relationship(
        back_populates="site",
        cascade="all, delete-orphan",
        order_by="(SiteHours.weekday, SiteHours.opens_min)",
    )
    services: Mapped[list[Service]] = relationship(secondary=site_services, order_by="Service.name")

    def __repr__(self) -> str:
        return f"Site(id={self.id!r}, name={self.name!r})"


class SiteHours(Base):
    """One opening interval on one weekday (0 = Monday), in minutes after local midnight."""

    __tablename__ = "site_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint(
            "opens_min >= 0 AND opens_min < closes_min AND closes_min <= 1440", name="interval"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens_min: Mapped[int] = mapped_column(SmallInteger)
    closes_min: Mapped[int] = mapped_column(SmallInteger)

    site: Mapped[Site] = relationship(back_populates="hours")


class Place(Base):
    """A gazetteer entry (town, street, community, landmark) with a WGS-84 point."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Double)
    lon: Mapped[float] = mapped_column(Double)
