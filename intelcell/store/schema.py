"""Table definitions. Alembic migrations in ``migrations/versions`` create and change them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone and returns naive values; converting here, once, spares every reader the
    special case.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


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
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("member", "name", name="uq_users_member_name"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # public id, for listing and revoking
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# Machine clients' TLS certificates (mutual TLS, optional): a registered certificate stands for
# its user as a token does. Created by migration 0012.
client_certificates = Table(
    "client_certificates",
    metadata,
    Column("fingerprint", String(64), primary_key=True),  # SHA-256 of the certificate (DER), hex
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("note", String(200), nullable=False),  # what the administrator said it is
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
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
    # Keyed by object first: "who accessed this object" is the query, and one index is cheaper to
    # maintain than two when a page of a thousand objects is released at once.
    Column("object_id", String(128), primary_key=True),
    Column("seq", Integer, ForeignKey("audit_log.seq"), primary_key=True),
)

labels = Table(
    "labels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String(512), nullable=False, unique=True),  # canonical label text
    Column("marking_id", String(128), nullable=False, unique=True),
)

collections = Table(
    "collections",
    metadata,
    Column("id", String(64), primary_key=True),  # a UUID, as TAXII collections are named
    Column("title", String(256), nullable=False),
    Column("description", Text, nullable=False),
    Column("alias", String(64), nullable=True, unique=True),
    Column("default_label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("readers", Text, nullable=False),  # JSON list of member/community codes
    Column("writers", Text, nullable=False),  # JSON list of member/community codes
    Column("release_limit", Text, nullable=False),  # JSON list: labels may release within these
    Column("created_at", UtcDateTime(), nullable=False),
)

objects = Table(
    "objects",
    metadata,
    Column("pk", Integer, primary_key=True),  # also the order objects were added in
    Column("collection_id", String(64), ForeignKey("collections.id"), nullable=False),
    Column("stix_id", String(128), nullable=False),
    Column("type", String(64), nullable=False),
    Column("spec_version", String(8), nullable=False),
    Column("version", String(32), nullable=False),  # modified, else created, else date_added
    Column("date_added", String(32), nullable=False),  # ISO text with microseconds: sorts as text
    Column("body", Text, nullable=False),  # the object as served, JSON text
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("portions", Text, nullable=True),  # JSON {selector: label id}, rare
    Column("originator", String(16), nullable=False),
    Column("submitted_by", Integer, ForeignKey("users.id"), nullable=False),
    # Not unique: a version the submitter cannot read must not block (and so reveal) theirs.
    Index("ix_objects_version", "collection_id", "stix_id", "version"),
    Index("ix_objects_collection_pk", "collection_id", "pk"),
    Index("ix_objects_collection_added", "collection_id", "date_added"),
    Index("ix_objects_stix_id", "stix_id"),
)

taxii_status = Table(
    "taxii_status",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("body", Text, nullable=False),  # the status resource, JSON
)

taxii_cursors = Table(
    "taxii_cursors",
    metadata,
    Column("token", String(64), primary_key=True),  # random: reveals no position or count
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("scope", String(256), nullable=False),  # endpoint, collection and filters it belongs to
    Column("after_pk", Integer, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

peers = Table(
    "peers",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("direction", String(8), nullable=False),  # pull | push
    Column("url", Text, nullable=False),  # remote collection URL
    Column("token", Text, nullable=False),  # credential the remote issued to this cell
    Column("member", String(16), nullable=False),
    Column("collection_id", String(64), ForeignKey("collections.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("bookmark", String(64), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_run", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

rfis = Table(
    "rfis",
    metadata,
    Column("pk", Integer, primary_key=True),  # the order RFIs were asked in
    Column("id", String(36), nullable=False, unique=True),  # public id, a random UUID
    Column("member", String(16), nullable=False),  # the asking member, originator of the RFI
    Column("asked_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("question", Text, nullable=False),
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("addressees", Text, nullable=False),  # JSON list of member/community codes, expanded when read
    Column("deadline", UtcDateTime(), nullable=False),
    Column("priority", String(16), nullable=False),  # routine | priority | immediate | flash
    # open | answered | closed: the lifecycle as stored. Readers are shown "answered" only when they
    # see an answer (exchange/rfis.py), so an answer they may not read changes nothing they see.
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    # The reference of the screening hit this RFI was asked through: its addressee (the hit's
    # holder) is then shown to the asking member as that reference, never as a member code.
    Column("via_hit", String(32), nullable=True),
    Index("ix_rfis_member", "member"),
)

rfi_answers = Table(
    "rfi_answers",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("rfi_id", String(36), ForeignKey("rfis.id"), nullable=False),
    Column("member", String(16), nullable=False),  # the answering member, originator of the answer
    Column("answered_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("object_ids", Text, nullable=False),  # JSON list of cited STIX ids
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_rfi_answers_rfi", "rfi_id", "pk"),
)

# Foreign terrorist fighters (issue 4): person records, their candidate index, hits, links,
# clusters and privacy-preserving encodings. Created by migration 0005.

persons = Table(
    "persons",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),  # one row per version
    # The record id, f"{member}-{entity id}": two members' entity ids never collide, so a
    # conflict never reveals another member's record.
    Column("id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("member", String(16), nullable=False),  # originator
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("entity", Text, nullable=False),  # FollowTheMoney JSON as submitted after cleaning, id = record id
    Column("profile", Text, nullable=False),  # Profile.to_json as JSON: queries never re-analyse
    Column("status", String(16), nullable=True),  # travelled | returned | detained | deceased
    Column("discoverable", Boolean, nullable=False),  # False: no hit/no-hit disclosure at all
    Column("disclose_holder", Boolean, nullable=False),  # True: a hit may name the holding member
    Column("is_current", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("id", "version", name="uq_persons_id_version"),
    Index("ix_persons_id_current", "id", "is_current"),
    Index("ix_persons_member", "member"),
    Index("ix_persons_current_access", "id", "is_current", "label_id", "member"),
)

person_keys = Table(
    "person_keys",
    metadata,
    # Blocking keys of current versions only (replaced when a new version arrives).
    Column("key", String(64), primary_key=True),
    Column("person_pk", Integer, ForeignKey("persons.pk"), primary_key=True),
    Index("ix_person_keys_person", "person_pk"),
)

person_key_counts = Table(
    "person_key_counts",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("n", Integer, nullable=False),  # how many current records hold the key
)

person_key_access_counts = Table(
    "person_key_access_counts",
    metadata,
    # Name keys (s:, p:) counted per label and originator, so a viewer's count of namesakes
    # covers only the records that viewer may read (fighters/index.py: readable_counts).
    Column("key", String(64), primary_key=True),
    Column("label_id", Integer, ForeignKey("labels.id"), primary_key=True),
    Column("member", String(16), primary_key=True),
    Column("n", Integer, nullable=False),
)

person_hits = Table(
    "person_hits",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),  # random: the handle a querier asks the holder with
    Column("person_id", String(200), nullable=False),  # the record hit
    Column("holder", String(16), nullable=False),
    Column("querying_member", String(16), nullable=False),
    Column("querying_user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("algorithm", String(32), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_person_hits_holder", "holder"),
    Index("ix_person_hits_person", "person_id"),
)

# Members' watchlists (issue 9): persons a member wants to hear about, never shown to other
# members, and the alerts raised when any member's new record version matches one. An alert keeps
# a random ref, its public id: when the watcher asks the holder about a hit, the ref becomes the
# hit's (person_hits) and the holder sees it. Created by migration 0013.
watchlist_entries = Table(
    "watchlist_entries",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("member", String(16), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("caption", Text, nullable=False),  # the first name given, for lists
    Column("properties", Text, nullable=False),  # JSON: the FollowTheMoney properties as entered
    Column("profile", Text, nullable=False),  # JSON: domain.person.Profile
    Column("threshold", Float, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("removed_at", UtcDateTime(), nullable=True),
    Index("ix_watchlist_entries_member", "member"),
)

watchlist_alerts = Table(
    "watchlist_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", String(32), ForeignKey("watchlist_entries.id"), nullable=False),
    Column("member", String(16), nullable=False),  # the watching member
    Column("person_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("ref", String(32), nullable=False, unique=True),  # random: the public id, and the hit's reference
    Column("score", Float, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_on", Date, nullable=False),  # alerts are listed by day, then by ref
    Index("ix_watchlist_alerts_member", "member", "created_on", "ref"),
)

# Delivery of watchlist alerts to members' national systems, and screenings a member kept
# (issue 9). A webhook acts as the user who registered it: what it is sent is what that user's
# alert page shows. A delivery row is written in the transaction that raises its alert (the
# outbox), and a background worker sends it. Created by migration 0016.
watchlist_webhooks = Table(
    "watchlist_webhooks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("member", String(16), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),  # the viewer deliveries are disclosed to
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),  # HMAC key: kept as is, the server signs with it
    Column("created_at", UtcDateTime(), nullable=False),
    Column("removed_at", UtcDateTime(), nullable=True),
    Index("ix_watchlist_webhooks_member", "member"),
)

watchlist_deliveries = Table(
    "watchlist_deliveries",
    metadata,
    Column("id", String(32), primary_key=True),  # random: receivers deduplicate by it
    Column("webhook_id", String(32), ForeignKey("watchlist_webhooks.id"), nullable=False),
    Column("alert_ref", String(32), ForeignKey("watchlist_alerts.ref"), nullable=False),
    Column("state", String(16), nullable=False),  # pending | delivered | failed | withheld
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("claimed_until", UtcDateTime(), nullable=True),  # a worker is sending it until then
    Column("last_error", Text, nullable=True),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_watchlist_deliveries_due", "state", "next_attempt_at"),
    Index("ix_watchlist_deliveries_alert", "alert_ref"),
)

saved_screenings = Table(
    "saved_screenings",
    metadata,
    Column("id", String(32), primary_key=True),  # random: another member cannot guess or count them
    Column("member", String(16), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),  # who kept it
    Column("caption", Text, nullable=False),
    Column("properties", Text, nullable=False),  # JSON: the yente-style query properties
    Column("threshold", Float, nullable=False),
    Column("seen", Text, nullable=False),  # JSON: record ids already shown by a run, to mark what is new
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_run_at", UtcDateTime(), nullable=False),
    Index("ix_saved_screenings_member", "member"),
)

person_links = Table(
    "person_links",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("a_id", String(200), nullable=False),  # record ids, a_id < b_id
    Column("b_id", String(200), nullable=False),
    Column("score", Float, nullable=False),
    Column("algorithm", String(32), nullable=False),
    Column("features", Text, nullable=False),  # JSON
    Column("state", String(16), nullable=False),  # suggested | auto | confirmed | rejected
    Column("decided_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("a_id", "b_id", name="uq_person_links_pair"),
    Index("ix_person_links_state", "state"),
    Index("ix_person_links_b_id", "b_id"),
)

person_clusters = Table(
    "person_clusters",
    metadata,
    Column("person_id", String(200), primary_key=True),
    Column("cluster", String(64), nullable=False),
    Index("ix_person_clusters_cluster", "cluster"),
)

person_encodings = Table(
    "person_encodings",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(200), nullable=False, unique=True),  # f"{member}-{ref}"
    Column("member", String(16), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("name_filter", LargeBinary, nullable=False),  # keyed Bloom filter of the name
    Column("birth_year", Integer, nullable=True),
    Column("discoverable", Boolean, nullable=False),
    Column("disclose_holder", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# -- air picture ---------------------------------------------------------------------------------

air_sensors = Table(
    "air_sensors",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("member", String(16), nullable=False),  # owner
    Column("kind", String(16), nullable=False),  # awacs | radar | adsb | system
    Column("definition", Text, nullable=False),  # JSON: site or orbit, accuracy, SAC/SIC
    # Label of the sensor's data: a track carries the dominant label of its sensors'.
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    # Who may learn that this sensor contributed to a track (the provenance portion of a track).
    Column("provenance_label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("sac", Integer, nullable=True),
    Column("sic", Integer, nullable=True),
    Column("last_time", Float, nullable=True),  # newest plot time accepted: time must not go back
    Column("is_demo", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("sac", "sic", name="uq_air_sensors_sac_sic"),
)

air_areas = Table(
    "air_areas",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("polygon", Text, nullable=False),  # JSON [[lat, lon], ...]
    # A track inside the area carries this label too (dominant with its sensors').
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Acknowledged input not yet run through the tracker: plots and analysts' identity decisions.
air_inbox = Table(
    "air_inbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("payload", Text, nullable=False),  # JSON
    Column("received_at", Float, nullable=False),  # UNIX seconds, for ingest-to-feed latency
)

# The picture and its change feed in one table: a row per system track, `seq` raised on each change.
air_tracks = Table(
    "air_tracks",
    metadata,
    Column("track_number", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=True),  # NULL: no one may read it
    Column("deleted", Boolean, nullable=False),
    Column("time", Float, nullable=False),
    Column("state", Text, nullable=False),  # JSON of the TrackState without provenance
    Column("sensors", Text, nullable=False),  # JSON list of contributing sensor ids
    Column("received_at", Float, nullable=True),  # of the newest input that changed it
    Index("ix_air_tracks_seq", "seq", unique=True),
)

# One API process runs the tracker at a time; the others serve the feed from the database.
air_leases = Table(
    "air_leases",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("next_track_number", Integer, nullable=False),
)

# -- oversight (issue 6) -------------------------------------------------------------------------
# The action plan with its history, the manual contributions ledger, and an hourly counter of air-
# picture contributions (the one figure the cell's own data does not otherwise keep). Migration 0010.

oversight_plan_items = Table(
    "oversight_plan_items",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(36), nullable=False, unique=True),  # public id, a random UUID
    Column("version", Integer, nullable=False),  # raised by every change; the history keeps each
    Column("title", String(200), nullable=False),
    Column("owner", String(16), nullable=False),  # the member responsible
    Column("description", Text, nullable=False),
    Column("targets", Text, nullable=False),  # JSON list of {measure, value, member}
    Column("status", String(16), nullable=False),  # planned | in_progress | at_risk | achieved | cancelled
    Column("deadline", Date, nullable=True),
    Column("evidence", Text, nullable=False),  # JSON list of URLs and STIX ids
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("originator", String(16), nullable=False),  # the member whose user created it
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

oversight_plan_history = Table(
    "oversight_plan_history",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("item_id", String(36), ForeignKey("oversight_plan_items.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_fields", Text, nullable=False),  # JSON list of field names
    Column("snapshot", Text, nullable=False),  # JSON of the item as it became
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),  # the item's label in that version
    Column("originator", String(16), nullable=False),
    Column("changed_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    UniqueConstraint("item_id", "version", name="uq_oversight_plan_history_version"),
)

oversight_contributions = Table(
    "oversight_contributions",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("member", String(16), nullable=False),  # whose contribution this is
    Column("kind", String(40), nullable=False),
    Column("period", String(32), nullable=False),  # canonical period text
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Float, nullable=False),
    Column("source", String(200), nullable=False),  # provenance: the report or log it comes from
    Column("label_id", Integer, ForeignKey("labels.id"), nullable=False),
    Column("originator", String(16), nullable=False),  # the member of the user who entered it
    Column("entered_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("entered_at", UtcDateTime(), nullable=False),
    # Same label included: a duplicate the submitter could not read must not be refused (and so revealed).
    UniqueConstraint(
        "member", "kind", "period", "source", "label_id", "originator", name="uq_oversight_contributions_entry"
    ),
    Index("ix_oversight_contributions_member_period", "member", "period_start"),
)

air_sensor_hours = Table(
    "air_sensor_hours",
    metadata,
    # An hour (since the UNIX epoch, of plot time) in which the sensor had plots accepted.
    Column("sensor_id", String(64), ForeignKey("air_sensors.id"), primary_key=True),
    Column("hour", Integer, primary_key=True, autoincrement=False),
)

# Files of person records uploaded in the browser (issue 9): one row per upload that got past
# validation, updated as its batches are stored, so the progress page works from any server
# process and a file already stored by the member is recognised by its SHA-256. Created by
# migration 0014.
person_uploads = Table(
    "person_uploads",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("sha256", String(64), nullable=False),  # of the file's bytes (CSV: with its mapping, csv_records.upload_key)
    Column("member", String(16), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("file_name", String(200), nullable=False),  # as the browser gave it, shortened
    Column("label", Text, nullable=False),  # canonical text of the records' label
    Column("records", Integer, nullable=False),  # valid lines to store
    Column("skipped", Integer, nullable=False),  # lines left out by a partial load
    Column("stored", Integer, nullable=False),  # records committed so far
    Column("status", String(16), nullable=False),  # storing | done | failed
    Column("problems", Text, nullable=False),  # JSON: the first problems of the skipped lines
    Column("error", Text, nullable=True),  # why storing stopped, when it failed
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_person_uploads_member_sha256", "member", "sha256"),
)

#: A CSV file waiting for its user to map its columns (fighters/staging.py); removed once stored.
staged_uploads = Table(
    "staged_uploads",
    metadata,
    Column("id", String(32), primary_key=True),  # random: the mapping page's address
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),  # only its sender sees it
    Column("file_name", String(200), nullable=False),
    Column("data", LargeBinary, nullable=False),  # the file's bytes, as sent
    Column("options", Text, nullable=False),  # JSON: label, disclosure choices, encoding
    Column("created_at", UtcDateTime(), nullable=False),
)

# Saved searches (issue 9, subscriptions): a user's own, never shown to anyone else. Only the query
# and a watermark are kept; which objects are new matches is decided per viewer at read time, so a
# label change or a new clearance is always respected. Created by migration 0015.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", String(32), primary_key=True),  # random: ids of different users say nothing of each other
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),  # JSON: the search's words and facets
    Column("seen_through", String(32), nullable=False),  # stored STIX time: matches added later are new
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_subscriptions_user", "user_id"),
)

# When a user last marked the "what is new for me" inbox seen (issue 9). Watchlist alerts carry a
# day, not a time, for hits, so the alerts of that day already seen are kept by reference.
inbox_marks = Table(
    "inbox_marks",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("seen_through", UtcDateTime(), nullable=False),
    Column("seen_refs", Text, nullable=False),  # JSON list: watchlist alert refs of seen_through's day
)
