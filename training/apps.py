from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training record")

    def ready(self):
        from training.roles import roles_ensure_after_migrate

        # Roles are set up by the platform itself, never by hand: after every migrate
        # (and after a test flush) the groups and their permissions are put in place.
        post_migrate.connect(roles_ensure_after_migrate, sender=self)
