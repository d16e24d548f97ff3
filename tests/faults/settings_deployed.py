"""Settings of the web process and worker of the broker fault test: the test settings with the
deployment's outbox hook back on (a committed ledger entry sends its entity's drain at once), which
the test settings turn off for the rest of the suite."""

from config.settings.test import *  # noqa: F403

OUTBOX_HOOKS = ["federation_api.tasks.outbox_written"]
