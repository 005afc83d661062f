"""Background tasks of the exports (run by ``manage.py db_worker`` in production)."""

from django_tasks import task

from exports.deck_exports import deck_export_run


@task()
def deck_export_task(*, export_id: int) -> None:
    """Builds one requested Anki deck; see ``deck_export_run``."""
    deck_export_run(export_id=export_id)
