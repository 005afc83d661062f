"""Background tasks of the exports (run by ``manage.py db_worker`` in production)."""

from django_tasks import task

from exports.deck_exports import deck_export_run


@task()
def deck_export_task(*, export_id: int) -> None:
    """Builds one requested Anki deck; see ``deck_export_run``."""
    deck_export_run(export_id=export_id)


@task()
def report_export_task(*, export_id: int) -> None:
    """Builds one requested report export; see ``exports.report_exports.report_export_run``."""
    from exports.report_exports import report_export_run

    report_export_run(export_id=export_id)
