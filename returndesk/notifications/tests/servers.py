"""Real local servers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP receiver
(http.server), both on 127.0.0.1, recording what they receive. Either can be told to stall on a
message the first time it sees it (to kill a worker mid-delivery)."""

from __future__ import annotations

import asyncio
import email
import json
import socket
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Stall:
    """Stalls the first delivery whose key is `key`: sets `reached`, waits for `release`."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.reached = threading.Event()
        self.release = threading.Event()

    def should_stall(self, key: str) -> bool:
        if self.key is not None and key == self.key and not self.reached.is_set():
            self.reached.set()
            return True
        return False


class SmtpInbox:
    """aiosmtpd handler: every message received, parsed (email.message.EmailMessage)."""

    def __init__(self) -> None:
        self.messages: list = []
        self.stall = _Stall()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.stall.should_stall(str(message["Subject"])):
            # Received in full but not acknowledged: the sender cannot know it arrived.
            await asyncio.get_running_loop().run_in_executor(None, self.stall.release.wait, 60)
        return "250 Message accepted"

    def unique(self) -> dict[str, list]:
        """Messages by Message-ID: what a receiver that de-duplicates keeps."""
        by_id: dict[str, list] = {}
        for message in self.messages:
            by_id.setdefault(str(message["Message-ID"]), []).append(message)
        return by_id


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = SmtpInbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.inbox.stall.release.set()
        self.controller.stop()


class WebhookReceiver:
    """Records every POST (headers, body); answers with the next status of `statuses` (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.stall = _Stall()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                event_id = self.headers["X-ReturnDesk-Event-Id"]
                with receiver.lock:
                    receiver.requests.append({"headers": self.headers, "body": body})  # case-insensitive
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                if receiver.stall.should_stall(json.loads(body)["data"].get("key", event_id)):
                    receiver.stall.release.wait(60)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/returndesk"

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stall.release.set()
        self.server.shutdown()
        self.server.server_close()

    def event_ids(self) -> list[str]:
        return [r["headers"]["X-ReturnDesk-Event-Id"] for r in self.requests]
