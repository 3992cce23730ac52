from django.db import models


class Sequence(models.Model):
    """A named counter allocated under a row lock; values are never reused (filing codes,
    application numbers)."""

    name = models.CharField(max_length=64, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"
