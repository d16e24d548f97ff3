from django.apps import AppConfig


class BenchFleetConfig(AppConfig):
    """A tenant app that exists only in bench/tenancy's second settings: its one migration is the
    "additive migration" rolled out over the fleet (then rolled back by the benchmark)."""

    name = "bench.fleet_app"
    label = "bench_fleet"
    default_auto_field = "django.db.models.BigAutoField"
