"""Nothing lost, nothing delivered twice under one id: a real worker process
(`manage.py deliver_notifications --loop`) is killed with SIGKILL in the middle of an SMTP
delivery and again in the middle of a webhook POST; after restarts every message and webhook is
delivered, and the one re-sent of each carries the same Message-ID / event id, so a receiver
that de-duplicates by id sees each exactly once (docs/operations.md, "Delivery guarantees").

The worker runs against this test's database (a file for SQLite, the test database on
PostgreSQL), hence a transactional test; real time passes here (the lease is 2 s)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from returndesk.notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from returndesk.notifications.services import email_enqueue, webhook_publish
from returndesk.notifications.signing import verify

MANAGE = Path(settings.BASE_DIR) / "manage.py"
LEASE_SECONDS = 2
WAIT = 45  # seconds; only reached when something is broken


def database_url() -> str:
    """This test's database: the SQLite file, or the PostgreSQL server of DATABASE_URL (host,
    socket, credentials as given) with the test database's name."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + quote(name)))


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Worker:
    def __init__(self, tmp_path: Path, smtp_port: int) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url(),
            "RETURNDESK_VAR_DIR": str(tmp_path),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
            "LOG_LEVEL": "ERROR",
        }
        self.process: subprocess.Popen | None = None
        self.log = tmp_path / "worker.log"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(MANAGE), "deliver_notifications", "--loop", "--interval", "0.1"],
                env=self.env,
                stdout=log,
                stderr=log,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def worker(tmp_path, smtp):
    w = Worker(tmp_path, smtp.port)
    yield w
    if w.process and w.process.poll() is None:
        w.kill()


@pytest.mark.django_db(transaction=True)
def test_given_a_worker_killed_mid_smtp_and_mid_webhook_when_restarted_then_everything_arrives_once_per_id(
    worker, smtp, receiver, monkeypatch
):
    # The test process must not deliver anything itself: only the worker process does.
    monkeypatch.setattr("returndesk.notifications.services.outbox._wake_worker", lambda: None)
    monkeypatch.setattr("returndesk.notifications.services.webhooks._wake_worker", lambda: None)
    WebhookEndpoint.objects.create(name="ERP", url=receiver.url, secret="whsec_k", event_types=["test.ping"])
    with transaction.atomic():
        for n in (1, 2, 3):
            email_enqueue(to=["ops@example.com"], subject=f"msg {n}", body=f"body {n}", key=f"crash-test-{n}")
            webhook_publish(event_type="test.ping", data={"key": f"hook {n}"}, occurred_at=timezone.now())
    smtp.inbox.stall.key = "msg 2"
    receiver.stall.key = "hook 2"

    worker.start()
    assert smtp.inbox.stall.reached.wait(WAIT), f"the worker never reached message 2:\n{worker.output()}"
    worker.kill()  # msg 2 is on the server, the worker never heard back
    smtp.inbox.stall.release.set()

    worker.start()
    assert receiver.stall.reached.wait(WAIT), f"the worker never reached webhook 2:\n{worker.output()}"
    worker.kill()  # hook 2 reached the receiver, the worker never heard back
    receiver.stall.release.set()

    worker.start()
    wait_for(
        lambda: (
            not OutboxMessage.objects.filter(state="pending").exists()
            and not WebhookDelivery.objects.filter(state="pending").exists()
        ),
        "every message and webhook to be recorded as delivered",
    )

    # Email: msg 2 arrived twice under one Message-ID; de-duplicated, each arrived once.
    subjects = [str(m["Subject"]) for m in smtp.inbox.messages]
    assert sorted(subjects) == ["msg 1", "msg 2", "msg 2", "msg 3"]
    by_id = smtp.inbox.unique()
    assert sorted((str(copies[0]["Subject"]), len(copies)) for copies in by_id.values()) == [
        ("msg 1", 1), ("msg 2", 2), ("msg 3", 1),
    ]  # fmt: skip
    assert set(by_id) == {f"<crash-test-{n}@returndesk.local>" for n in (1, 2, 3)}
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", "state", "attempts")) == [
        ("crash-test-1", "sent", 1), ("crash-test-2", "sent", 2), ("crash-test-3", "sent", 1),
    ]  # fmt: skip

    # Webhooks: hook 2 was POSTed twice with the same event id and body; each id once after de-dup.
    keys = [json.loads(r["body"])["data"]["key"] for r in receiver.requests]
    assert sorted(keys) == ["hook 1", "hook 2", "hook 2", "hook 3"]
    ids = receiver.event_ids()
    assert len(set(ids)) == 3
    twice = [r for r in receiver.requests if json.loads(r["body"])["data"]["key"] == "hook 2"]
    assert twice[0]["headers"]["X-ReturnDesk-Event-Id"] == twice[1]["headers"]["X-ReturnDesk-Event-Id"]
    assert twice[0]["body"] == twice[1]["body"]
    for r in receiver.requests:
        headers = r["headers"]
        assert verify(
            "whsec_k", headers["X-ReturnDesk-Timestamp"], r["body"], headers["X-ReturnDesk-Signature"]
        )
    assert sorted(
        (json.loads(d.body)["data"]["key"], d.state, d.attempts) for d in WebhookDelivery.objects.all()
    ) == [("hook 1", "delivered", 1), ("hook 2", "delivered", 2), ("hook 3", "delivered", 1)]
