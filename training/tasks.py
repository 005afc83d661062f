"""Background tasks of the training record (run by ``manage.py db_worker``).

Scheduled by cron through ``manage.py enqueue_training_mail`` (see docs/deploy.md); safe
to run twice or in two workers at once (``training/reminders.py`` claims each mail).
"""

from django_tasks import task

from training.reminders import digests_send, reminders_send


@task()
def reminders_send_task() -> int:
    return reminders_send()


@task()
def digests_send_task() -> int:
    return digests_send()


@task()
def records_pseudonymise_task() -> int:
    from training.retention import records_pseudonymise

    return records_pseudonymise()
