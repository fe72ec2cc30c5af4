"""Start gunicorn app servers with the production settings against a given database, for the
multi-server and load tests. Plain functions, no Django import, so benchmarks can use them too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(*, database_url: str, redis_url: str, ports: list[int], prefix: str) -> dict:
    origins = ",".join(f"https://127.0.0.1:{port}" for port in ports)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": "multi-server-test-" + prefix,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": origins,
        # TLS is "terminated" by the test itself: it sends X-Forwarded-Proto: https.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "AXES_FAILURE_LIMIT": "1000",
    }


def wait_until_healthy(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"gunicorn on port {port} did not become healthy")
        time.sleep(0.3)


@contextmanager
def app_servers(
    ports: list[int], env: dict, *, workers: int = 2, threads: int = 1, log: Path | None = None, nice: int = 0
):
    """Run one gunicorn per port until the block ends; each is stopped by its own process id.

    `nice` lowers the servers' CPU priority (as systemd's CPUWeight= or Nice= does for a pool).
    """
    processes = []
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [
                        *(["nice", "-n", str(nice)] if nice else []),
                        str(GUNICORN),
                        "lms.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(workers),
                        "--threads",
                        str(threads),
                        "--timeout",
                        "60",
                        # Django and Wagtail are imported once, in the master, and the workers
                        # forked from it: ten workers start in seconds even on a busy machine.
                        "--preload",
                        # Each server its own control socket (gunicorn's default path is shared).
                        "--control-socket",
                        str(Path(tempfile.gettempdir()) / f"gunicorn-{port}.ctl"),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=out,
                )
            )
        for port in ports:
            wait_until_healthy(port)
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if log:
            out.close()
