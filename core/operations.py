"""Migration operations the domains share."""

from django.db import NotSupportedError
from django.db.migrations.operations.base import Operation


class AppendOnly(Operation):
    """Make a model's table append-only in the database itself: a trigger refuses every UPDATE and DELETE.

    Put it in the migration after the one that creates the table. The refusal is an error with SQLSTATE
    ``restrict_violation`` (Django raises ``IntegrityError``) whose message says the table is append-only,
    whatever path the change takes (the ORM, raw SQL, another program). Reversing it drops the trigger.
    PostgreSQL only.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})

    def state_forwards(self, app_label, state) -> None:
        """Change nothing in the model state: a trigger is not part of it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _require_postgresql(schema_editor)
            for statement in self.install_sql(schema_editor, model._meta.db_table):
                schema_editor.execute(statement, params=None)  # plpgsql's % are not query parameters

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _require_postgresql(schema_editor)
            for statement in self.remove_sql(schema_editor, model._meta.db_table):
                schema_editor.execute(statement, params=None)  # plpgsql's % are not query parameters

    @staticmethod
    def names(table: str) -> tuple[str, str]:
        """Return the trigger's and its function's names for a table."""
        return f"{table}_append_only", f"{table}_refuse_change"

    def install_sql(self, schema_editor, table: str) -> list[str]:
        trigger, function = (schema_editor.quote_name(name) for name in self.names(table))
        return [
            f"""CREATE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {schema_editor.quote_name(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]

    def remove_sql(self, schema_editor, table: str) -> list[str]:
        trigger, function = (schema_editor.quote_name(name) for name in self.names(table))
        return [
            f"DROP TRIGGER IF EXISTS {trigger} ON {schema_editor.quote_name(table)}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]

    def describe(self) -> str:
        return f"Make the table of {self.model_name} append-only"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_append_only"


def _require_postgresql(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        raise NotSupportedError("AppendOnly needs PostgreSQL triggers.")
