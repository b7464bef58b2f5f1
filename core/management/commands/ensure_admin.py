import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the 'admin' superuser if there is none. The password comes from "
        "CLOSER_ADMIN_PASSWORD, or is generated and printed once."
    )

    def handle(self, *args, **options):
        users = get_user_model().objects
        if users.filter(username="admin").exists():
            self.stdout.write("Admin user 'admin' already exists (password unchanged).")
            return
        password = os.environ.get("CLOSER_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.create_superuser("admin", email="", password=password)
        if os.environ.get("CLOSER_ADMIN_PASSWORD"):
            self.stdout.write(
                self.style.SUCCESS("Created admin user 'admin' with CLOSER_ADMIN_PASSWORD.")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created admin user 'admin' with password: {password}")
                + "\nWrite it down: it is shown only this once."
            )
