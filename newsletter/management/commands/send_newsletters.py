from django.core.management.base import BaseCommand

from newsletter.tasks import issue_send, issues_due


class Command(BaseCommand):
    help = (
        "Queue every newsletter that has come due and is not finished (normally not needed: "
        "publishing queues it; use after restoring a backup or with TASKS_BACKEND=immediate)."
    )

    def handle(self, *args, **options):
        issues = issues_due()
        for issue in issues:
            issue_send.enqueue(issue.pk)
        self.stdout.write(f"Queued {len(issues)} newsletter(s).")
