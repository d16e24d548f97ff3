"""Supervisor behind ``make run`` and ``make test``.

* ``run``: embedded services (when ``DATABASE_URL`` / ``CELERY_BROKER_URL`` are unset), translation
  catalogs, migrations of every schema, demo data if the group is empty, then the web server, a Celery
  worker and Celery beat; prints the URLs and logins; Ctrl-C stops all of it, embedded servers included.
* ``test``: the same set-up, then the whole test suite (extra arguments go to pytest).
* ``bench``: the same set-up, then the benchmarks (``bench/routing.py``, ``bench/declarations.py``,
  ``bench/tenancy.py``, ``bench/federation.py``, then ``bench/scaleout.py``);
  ``--only NAME`` runs one of them; other arguments go to them (see ``cmd_bench``).
* ``stop``: stop embedded servers left running (by a plain ``manage.py`` call, for example).

Only the standard library and ``config.embedded`` are imported here: this runs before Django is set up.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PLATFORM_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PLATFORM_DIR.parent
sys.path.insert(0, str(PLATFORM_DIR))

from config import embedded  # noqa: E402


def provisioning_queue() -> str:
    default = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or "platform"
    return os.environ.get("CELERY_PROVISIONING_QUEUE") or f"{default}-provisioning"


class Services:
    """Starts the embedded servers that the environment does not replace, and remembers which ones
    it started, so that it stops only those."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def __enter__(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("PYTHONPATH", os.pathsep.join([str(PROJECT_DIR), str(PLATFORM_DIR)]))
        if not os.environ.get("DATABASE_URL"):
            was_running = embedded.postgres_running()
            db_name = os.environ.get("PLATFORM_DB_NAME", embedded.DEFAULT_DB_NAME)
            env["DATABASE_URL"] = embedded.ensure_postgres(db_name).url(db_name)
            if not was_running:
                self.started.append("postgres")
            print(f"· embedded PostgreSQL 18 in {embedded.PGDATA}", flush=True)
        if not os.environ.get("CELERY_BROKER_URL"):
            was_running = embedded.valkey_running()
            env["CELERY_BROKER_URL"] = embedded.ensure_valkey()
            if not was_running:
                self.started.append("valkey")
            print(f"· embedded Valkey at {env['CELERY_BROKER_URL']}", flush=True)
        return env

    def __exit__(self, *exc: object) -> None:
        if "valkey" in self.started:
            embedded.stop_valkey()
        if "postgres" in self.started:
            embedded.stop_postgres()
        if self.started:
            print(f"· stopped embedded {', '.join(self.started)}", flush=True)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(PROJECT_DIR / "manage.py"), *args], env=env, check=True)  # noqa: S603


def prepare(env: dict[str, str], settings: str) -> None:
    from config.catalogs import compile_all

    env["DJANGO_SETTINGS_MODULE"] = settings
    compile_all()


def _stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM both mean: stop everything cleanly. Set explicitly, since a process
    started in the background by a shell inherits SIGINT ignored."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def cmd_run(args: argparse.Namespace) -> int:
    _stop_on_signals()
    with Services() as env:
        prepare(env, os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"))
        manage(env, "migrate_schemas", "--shared", "-v", "0")
        manage(env, "migrate_fleet", "-v", "0")  # the entity template first, then every entity schema
        manage(env, "seed_demo", "--if-empty")
        port = str(args.port)
        env["PLATFORM_PUBLIC_PORT"] = port
        celery = [sys.executable, "-m", "celery", "-A", "config.celery"]
        commands = {
            "web": [sys.executable, str(PROJECT_DIR / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            "worker": [*celery, "worker", "-l", "INFO", "--concurrency", "2", "-n", "main@%h"],
            # Entity provisioning on a queue of its own (config.celery.queue_for, same naming rule).
            "provisioning": [
                *celery,
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                "1",
                "-n",
                "provisioning@%h",
                "-Q",
                provisioning_queue(),
            ],
            "beat": [*celery, "beat", "-l", "INFO", "--schedule", str(embedded.VAR_DIR / "celerybeat-schedule")],
        }
        # Own sessions: Ctrl-C reaches this supervisor only, which then stops each child gracefully.
        children = {
            name: subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
            for name, command in commands.items()
        }
        time.sleep(2)
        manage(env, "seed_demo", "--print-logins")
        print("\nCtrl-C stops the web server, the workers, beat and the embedded servers.\n", flush=True)
        try:
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            dead = [name for name, child in children.items() if child.poll() is not None]
            print(f"· {', '.join(dead)} stopped; stopping the rest", flush=True)
            return 1
        except KeyboardInterrupt:
            print("\n· stopping", flush=True)
            return 0
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()


def cmd_test(args: argparse.Namespace) -> int:
    with Services() as env:
        prepare(env, "config.settings.test")
        result = subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], env=env, cwd=PROJECT_DIR)  # noqa: S603
    if result.returncode == 5:
        print("pytest collected no test: that is a failure here, the suite must never be empty.", flush=True)
        return 1
    return result.returncode


BENCHMARKS = ("routing", "declarations", "tenancy", "federation", "scaleout")
# Options only some benchmarks know (declarations, tenancy, federation and scaleout take --quick; the others ignore
# what they do not know), with whether they take a value; the others go to every benchmark.
_DECLARATIONS_ONLY = {"--quick": False, "--invoices": True}


def _bench_args(name: str, args: list[str]) -> list[str]:
    """The options for one benchmark: ``--quick``/``--invoices N`` only reach bench/declarations.py."""
    if name in {"declarations", "tenancy", "federation", "scaleout"}:
        return list(args)
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        option = arg.split("=", 1)[0]
        if option in _DECLARATIONS_ONLY:
            skip = _DECLARATIONS_ONLY[option] and "=" not in arg
            continue
        kept.append(arg)
    return kept


def cmd_bench(args: argparse.Namespace) -> int:
    """Every benchmark in turn (bench/routing.py, bench/declarations.py, bench/tenancy.py,
    bench/federation.py, bench/scaleout.py), or those named with ``--only NAME`` (repeatable or
    comma-separated). Other options pass through: ``--seconds`` and ``--rounds`` to every benchmark,
    ``--quick`` and the rest to bench/declarations.py, tenancy, federation and scaleout,
    ``--invoices N`` to bench/declarations.py (bench/tenancy.py ignores it)."""
    only = [name for value in args.only or [] for name in value.split(",") if name]
    unknown = [name for name in only if name not in BENCHMARKS]
    if unknown:
        print(f"--only: unknown benchmark {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})", flush=True)
        return 2
    selected = [name for name in BENCHMARKS if not only or name in only]
    returncode = 0
    with Services() as env:
        prepare(env, "config.settings.dev")
        for name in selected:
            command = [sys.executable, f"bench/{name}.py", *_bench_args(name, args.pytest_args)]
            result = subprocess.run(command, env=env, cwd=PROJECT_DIR)  # noqa: S603
            returncode = returncode or result.returncode
    return returncode


def cmd_stop(_: argparse.Namespace) -> int:
    embedded.stop_valkey()
    embedded.stop_postgres()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.set_defaults(func=cmd_run)
    test = sub.add_parser("test")
    test.set_defaults(func=cmd_test)
    bench = sub.add_parser("bench")
    bench.add_argument("--only", action="append", help=f"run only this benchmark ({', '.join(BENCHMARKS)})")
    bench.set_defaults(func=cmd_bench)
    sub.add_parser("stop").set_defaults(func=cmd_stop)
    # Everything `test` does not know goes to pytest as is (-k, -x, paths...).
    args, extra = parser.parse_known_args()
    if extra and args.command not in {"test", "bench"}:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
