from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=100, blank=True)

    class Meta:
        app_label = "bench_fleet"

    def __str__(self) -> str:
        return self.text
