from django.db import models


class LoginThrottle(models.Model):
    """Failed admin logins for one scope (an address and user name, or an address alone).

    Kept in the database so that every gunicorn worker and process sees the same counts,
    with or without Redis: the documented limit holds on one machine as on several.
    """

    scope = models.CharField(max_length=160, unique=True)
    failures = models.PositiveIntegerField(default=0)
    counting_until = models.DateTimeField(
        help_text="Failures counted before this moment; after it the count starts again."
    )
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["counting_until"], name="core_throttle_counting_idx")]

    def __str__(self):
        return f"{self.scope}: {self.failures} failures"
