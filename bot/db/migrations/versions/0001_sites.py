"""Service-site registry: sites, weekly hours, services and gazetteer places.

Revision ID: 0001_sites
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_sites"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("name", name=op.f("uq_services_name")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("street", sa.String(length=100), nullable=True),
        sa.Column("community", sa.String(length=100), nullable=True),
        sa.Column("grid", sa.String(length=100), nullable=True),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("cell_key", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("hours_known", sa.Boolean(), nullable=False),
        sa.Column("holiday", sa.String(length=16), nullable=False),
        sa.Column("accessibility", sa.Text(), nullable=True),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "holiday IN ('closed', 'open', 'weekend')", name=op.f("ck_sites_holiday")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("key", name=op.f("uq_sites_key")),
    )
    op.create_index("ix_sites_cell_key", "sites", ["cell_key", "lat", "lon"], unique=False)
    op.create_index("ix_sites_lat", "sites", ["lat", "lon"], unique=False)
    op.create_index(op.f("ix_sites_name"), "sites", ["name"], unique=False)
    op.create_index(op.f("ix_sites_community"), "sites", ["community"], unique=False)
    op.create_index(op.f("ix_sites_street"), "sites", ["street"], unique=False)
    op.create_table(
        "site_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens_min", sa.SmallInteger(), nullable=False),
        sa.Column("closes_min", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_site_hours_weekday")),
        sa.CheckConstraint(
            "opens_min >= 0 AND opens_min < closes_min AND closes_min <= 1440",
            name=op.f("ck_site_hours_interval"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_hours_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_hours")),
    )
    op.create_index(op.f("ix_site_hours_site_id"), "site_hours", ["site_id"], unique=False)
    op.create_table(
        "site_services",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_site_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_services_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", "service_id", name=op.f("pk_site_services")),
    )
    op.create_index(
        "ix_site_services_service_id_site_id",
        "site_services",
        ["service_id", "site_id"],
        unique=False,
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("name", name=op.f("uq_places_name")),
    )


def downgrade() -> None:
    op.drop_table("places")
    op.drop_index("ix_site_services_service_id_site_id", table_name="site_services")
    op.drop_table("site_services")
    op.drop_index(op.f("ix_site_hours_site_id"), table_name="site_hours")
    op.drop_table("site_hours")
    op.drop_index(op.f("ix_sites_street"), table_name="sites")
    op.drop_index(op.f("ix_sites_community"), table_name="sites")
    op.drop_index(op.f("ix_sites_name"), table_name="sites")
    op.drop_index("ix_sites_lat", table_name="sites")
    op.drop_index("ix_sites_cell_key", table_name="sites")
    op.drop_table("sites")
    op.drop_table("services")
