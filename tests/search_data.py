"""Many catalogue documents written straight into the tables, for search and query-plan tests.

The workflow would take minutes to issue 100,000 documents; these rows are
made by one INSERT … SELECT per table on the database itself (a recursive
count on SQLite, the same on PostgreSQL), so the triggers and indexes of
migration 0013 index them as they would the engine's own writes.
"""

from __future__ import annotations

import sqlalchemy

from engine import Database

#: words the generated titles and texts are made of: 4 characters each
TOPICS = "住房保障教育督导医疗卫生交通运输环境保护农业农村文化旅游市场监管应急管理社会救助城乡建设"
#: a phrase that only one generated document holds (in its text, not its title)
RARE = "海洋牧场示范区"
#: which document holds it
RARE_AT = 7


def _pad6(dialect: str, expression: str) -> str:
    """Return SQL that writes an integer with six digits."""
    if dialect == "sqlite":
        return f"substr('000000' || ({expression}), -6)"
    return f"lpad(({expression})::text, 6, '0')"


def _topic(dialect: str, expression: str) -> str:
    """Return SQL that picks one of the 4-character topics by an integer."""
    count = len(TOPICS) // 4
    start = f"((({expression}) % {count}) * 4 + 1)"
    return f"substr('{TOPICS}', {start}, 4)"


def fill(db: Database, count: int, *, start: int = 1) -> None:
    """Write ``count`` issued documents with ids from ``start``, most of them published.

    Document i: issued at 2025-06-01 + i µs, year 2020 + i % 7, type by i % 3
    (normative, policy, general), attribute proactive unless i % 10 is 0
    (withheld) or 1 (on request); proactive ones published unless i % 10 is 2;
    title and text made of the topics; the number 威政办发〔year〕i号; the
    disclosed text of a published one says so (它是公开文本).
    """
    dialect = db.write_engine.dialect.name
    pad = _pad6(dialect, "i")
    attribute = (
        "CASE WHEN i % 10 = 0 THEN 'withheld' WHEN i % 10 = 1 THEN 'on_request' "
        "ELSE 'proactive' END"
    )
    published = "(i % 10 >= 3)"
    doc_type = "CASE i % 3 WHEN 0 THEN 'normative' WHEN 1 THEN 'policy' ELSE 'general' END"
    title = f"'关于' || {_topic(dialect, 'i')} || '工作的通知（第' || i || '号）'"
    text = (
        f"'各有关单位：' || {_topic(dialect, 'i + 3')} || '和' || {_topic(dialect, 'i + 5')} || "
        f"'的有关事项通知如下。' || CASE WHEN i = {RARE_AT} THEN '{RARE}' ELSE '' END || "
        "'联系人张某某，电话13800000000。'"
    )
    disclosed_text = (
        f"'各有关单位：' || {_topic(dialect, 'i + 3')} || '和' || {_topic(dialect, 'i + 5')} || "
        f"'的有关事项通知如下。' || CASE WHEN i = {RARE_AT} THEN '{RARE}' ELSE '' END || "
        "'它是公开文本。'"
    )
    last = start + count - 1
    numbers = (
        f"WITH RECURSIVE n(i) AS (SELECT {start} UNION ALL SELECT i + 1 FROM n WHERE i < {last})"
    )
    statements = [
        f"""{numbers}
        INSERT INTO process_instances (id, definition_id, process_id, status, row_version,
            serializer_version, state, actors, started_by, started_at, updated_at,
            event_count, last_event_hash)
        SELECT i, :definition, 'document_approval', 'completed', 1, '1', '{{}}', '{{}}',
            'bulk', '2025-06-01T00:00:00.000000+00:00', '2025-06-01T00:00:00.000000+00:00',
            0, '' FROM n""",
        f"""{numbers}
        INSERT INTO documents (id, instance_id, number, prefix, year, sequence, title, doc_type,
            attribute, official_text, status, drafter, issued_at, published_at,
            disclosed_title, disclosed_text, publish_due_provisional,
            interpretation_due_provisional)
        SELECT i, i, '威政办发〔' || (2020 + i % 7) || '〕' || i || '号', '威政办发',
            2020 + i % 7, i, {title}, {doc_type}, {attribute}, {text},
            CASE WHEN {attribute} = 'proactive' AND {published} THEN 'published' ELSE 'issued' END,
            'bulk', '2025-06-01T00:00:00.' || {pad} || '+00:00',
            CASE WHEN {attribute} = 'proactive' AND {published}
                THEN '2025-06-02T00:00:00.' || {pad} || '+00:00' END,
            CASE WHEN {attribute} = 'proactive' AND {published} THEN {title} END,
            CASE WHEN {attribute} = 'proactive' AND {published} THEN {disclosed_text} END,
            false, false
        FROM n""",
    ]
    with db.write_engine.begin() as connection:
        definition = connection.execute(
            sqlalchemy.text(
                "INSERT INTO definitions (content_hash, files, deployed_at) "
                "VALUES (:hash, '{}', '2025-06-01T00:00:00+00:00') RETURNING id"
            ),
            {"hash": f"bulk-{start}"},
        ).scalar_one()
        for statement in statements:
            connection.execute(sqlalchemy.text(statement), {"definition": definition})
        if dialect == "postgresql":
            # the ids were given, not drawn: move the sequences past them
            for name in ("process_instances", "documents"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            connection.exec_driver_sql("ANALYZE documents")


def add_document(
    db: Database,
    title: str,
    text: str = "",
    *,
    doc_type: str = "general",
    attribute: str = "proactive",
    published: bool = True,
    year: int = 2026,
    prefix: str = "测试发",
    disclosed_title: str | None = None,
    disclosed_text: str | None = None,
    drafter: str = "bulk",
    interpretation_title: str | None = None,
    interpretation_url: str | None = None,
) -> int:
    """Write one issued document (and the instance it belongs to); return its id.

    A published one is disclosed as ``disclosed_title`` and ``disclosed_text``
    (by default its title and text); documents are issued, and published, in
    the order they are written.
    """
    dialect = db.write_engine.dialect.name
    with db.write_engine.begin() as connection:
        definition = connection.execute(
            sqlalchemy.text("SELECT id FROM definitions WHERE content_hash = 'search-tests'")
        ).scalar()
        if definition is None:
            definition = connection.execute(
                sqlalchemy.text(
                    "INSERT INTO definitions (content_hash, files, deployed_at) "
                    "VALUES ('search-tests', '{}', '2026-01-01T00:00:00+00:00') RETURNING id"
                )
            ).scalar_one()
        sequence = (
            connection.execute(
                sqlalchemy.text("SELECT count(*) FROM documents WHERE prefix = :prefix"),
                {"prefix": prefix},
            ).scalar_one()
            + 1
        )
        moment = f"2026-01-01T00:00:00.{sequence:06d}+00:00"
        instance = connection.execute(
            sqlalchemy.text(
                "INSERT INTO process_instances (definition_id, process_id, status, row_version, "
                "serializer_version, state, actors, started_by, started_at, updated_at, "
                "event_count, last_event_hash) VALUES (:definition, 'document_approval', "
                "'completed', 1, '1', '{}', '{}', :drafter, :at, :at, 0, '') RETURNING id"
            ),
            {"definition": definition, "drafter": drafter, "at": moment},
        ).scalar_one()
        shown = attribute == "proactive" and published
        values = {
            "instance": instance,
            "number": f"{prefix}〔{year}〕{sequence}号",
            "prefix": prefix,
            "year": year,
            "sequence": sequence,
            "title": title,
            "doc_type": doc_type,
            "attribute": attribute,
            "text": text,
            "status": "published" if shown else "issued",
            "drafter": drafter,
            "issued_at": moment,
            "published_at": moment.replace("2026-01-01", "2026-01-02") if shown else None,
            "disclosed_title": (disclosed_title or title) if shown else None,
            "disclosed_text": (text if disclosed_text is None else disclosed_text)
            if shown
            else None,
            "interpretation_title": interpretation_title,
            "interpretation_url": interpretation_url,
        }
        false = "false" if dialect == "postgresql" else "0"
        return int(
            connection.execute(
                sqlalchemy.text(
                    "INSERT INTO documents (instance_id, number, prefix, year, sequence, title, "
                    "doc_type, attribute, official_text, status, drafter, issued_at, "
                    "published_at, disclosed_title, disclosed_text, interpretation_title, "
                    "interpretation_url, publish_due_provisional, interpretation_due_provisional) "
                    "VALUES (:instance, :number, :prefix, :year, :sequence, :title, :doc_type, "
                    ":attribute, :text, :status, :drafter, :issued_at, :published_at, "
                    ":disclosed_title, :disclosed_text, :interpretation_title, "
                    f":interpretation_url, {false}, {false}) RETURNING id"
                ),
                values,
            ).scalar_one()
        )
