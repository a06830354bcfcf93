"""Table definitions. Alembic migrations in ``migrations/versions`` create and change them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member", String(16), nullable=False),
    Column("name", String(128), nullable=False),
    Column("clearance_level", Integer, nullable=False),
    Column("caveats", Text, nullable=False),  # JSON list
    Column("role", String(16), nullable=False),
    Column("is_demo", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("member", "name", name="uq_users_member_name"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # public id, for listing and revoking
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("fields", Text, nullable=False),  # canonical JSON, exactly what the hash covers
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_objects = Table(
    "audit_objects",
    metadata,
    Column("seq", Integer, ForeignKey("audit_log.seq"), primary_key=True),
    Column("object_id", String(128), primary_key=True),
    Index("ix_audit_objects_object_id", "object_id"),
)

stix_objects = Table(
    "stix_objects",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("stix_id", String(128), nullable=False),
    Column("type", String(64), nullable=False),
    Column("modified", String(32), nullable=False),  # STIX timestamp text, sorts as text
    Column("body", Text, nullable=False),  # JSON
    Column("label", Text, nullable=False),  # canonical label text
    Column("portions", Text, nullable=False),  # JSON {selector: label text}
    Column("originator", String(16), nullable=False),
    Column("submitted_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("stix_id", "modified", name="uq_stix_objects_version"),
    Index("ix_stix_objects_stix_id", "stix_id"),
)
