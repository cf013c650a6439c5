"""Database-side upkeep that must see every write, whoever makes it.

- Both databases: every write to a glossary table bumps ContentVersion, the
  source of the API's ETag and Last-Modified.
- PostgreSQL: a `glossary` text search configuration (English stemming,
  accents removed), a trigger keeping Term.search_vector (name and aliases
  weighted A, summary B, definition C) and its GIN index; and an immutable
  `glossary_fold()` (lower case, accents removed) with prefix indexes for
  autocomplete. SQLite gets `glossary_fold()` as a Python function when it
  connects (terms/apps.py).
"""

from django.db import migrations

GLOSSARY_TABLES = [
    "terms_term",
    "terms_alias",
    "terms_category",
    "terms_source",
    "terms_citation",
    "terms_seealso",
    "terms_oldslug",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'glossary') THEN
        CREATE TEXT SEARCH CONFIGURATION glossary (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION glossary
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
      END IF;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION glossary_fold(text) RETURNS text AS $$
      SELECT lower(unaccent('unaccent'::regdictionary, $1))
    $$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    """,
    """
    CREATE OR REPLACE FUNCTION terms_term_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('glossary', NEW.name || ' ' || coalesce(
          (SELECT string_agg(name, ' ') FROM terms_alias WHERE term_id = NEW.id),
          '')), 'A')
        || setweight(to_tsvector('glossary', NEW.summary), 'B')
        || setweight(to_tsvector('glossary', NEW.definition), 'C');
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER terms_term_search_vector
      BEFORE INSERT OR UPDATE OF name, summary, definition ON terms_term
      FOR EACH ROW EXECUTE FUNCTION terms_term_search_vector()
    """,
    # An alias changes its term's vector: touching the name recomputes it.
    """
    CREATE OR REPLACE FUNCTION terms_alias_search_vector() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE terms_term SET name = name WHERE id = OLD.term_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE terms_term SET name = name WHERE id = NEW.term_id;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER terms_alias_search_vector
      AFTER INSERT OR UPDATE OR DELETE ON terms_alias
      FOR EACH ROW EXECUTE FUNCTION terms_alias_search_vector()
    """,
    "UPDATE terms_term SET name = name",
    "CREATE INDEX terms_term_search_vector_gin ON terms_term USING gin (search_vector)",
    """
    CREATE INDEX terms_term_name_fold
      ON terms_term (glossary_fold(name) text_pattern_ops)
    """,
    """
    CREATE INDEX terms_alias_name_fold
      ON terms_alias (glossary_fold(name) text_pattern_ops)
    """,
    """
    CREATE OR REPLACE FUNCTION terms_bump_content_version() RETURNS trigger AS $$
    BEGIN
      INSERT INTO terms_contentversion (id, version, changed_at)
        VALUES (1, 1, clock_timestamp())
        ON CONFLICT (id) DO UPDATE
        SET version = terms_contentversion.version + 1,
            changed_at = clock_timestamp();
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    *(
        f"""
        CREATE TRIGGER {table}_content_version
          AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION terms_bump_content_version()
        """
        for table in GLOSSARY_TABLES
    ),
]

POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER {table}_content_version ON {table}" for table in GLOSSARY_TABLES),
    "DROP FUNCTION terms_bump_content_version()",
    "DROP INDEX terms_alias_name_fold",
    "DROP INDEX terms_term_name_fold",
    "DROP INDEX terms_term_search_vector_gin",
    "DROP TRIGGER terms_alias_search_vector ON terms_alias",
    "DROP FUNCTION terms_alias_search_vector()",
    "DROP TRIGGER terms_term_search_vector ON terms_term",
    "DROP FUNCTION terms_term_search_vector()",
    "DROP FUNCTION glossary_fold(text)",
    "DROP TEXT SEARCH CONFIGURATION glossary",
]

# SQLite drops a table's triggers when a migration rebuilds the table (as
# its ALTER TABLE is limited, most field changes do): terms/apps.py runs these
# again after every migrate, hence IF NOT EXISTS.
SQLITE_BUMP = """
    INSERT INTO terms_contentversion (id, version, changed_at)
      VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'))
      ON CONFLICT (id) DO UPDATE
      SET version = version + 1, changed_at = excluded.changed_at;
"""
SQLITE_EVENTS = ["INSERT", "UPDATE", "DELETE"]

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {table}_content_version_{event.lower()}
      AFTER {event} ON {table} BEGIN {SQLITE_BUMP} END
    """
    for table in GLOSSARY_TABLES
    for event in SQLITE_EVENTS
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER {table}_content_version_{event.lower()}"
    for table in GLOSSARY_TABLES
    for event in SQLITE_EVENTS
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            # Without these triggers, cached responses would never go stale.
            raise RuntimeError(f"The glossary supports PostgreSQL and SQLite, not {vendor}.")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement)

    return operation


def create_content_version(apps, schema_editor):
    from django.utils import timezone

    ContentVersion = apps.get_model("terms", "ContentVersion")
    ContentVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"changed_at": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [("terms", "0002_search_vector_and_content_version")]

    operations = [
        migrations.RunPython(create_content_version, migrations.RunPython.noop),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
