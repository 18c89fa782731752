"""Load generator for bench/run.py: complete consumer return lifecycles through the REST API.

Runs as its own process (bench/run.py starts it), so its CPU is not the server's; it reads a JSON
plan on stdin and prints JSON results on stdout. One thread per simulated client, each with one
keep-alive HTTP/1.1 connection (stdlib http.client: the cheapest client per request, so the
generator is not what limits the figures; its CPU time is reported). Loopback only.

A lifecycle, as each client (one consumer) drives it, every POST with an Idempotency-Key and
each action with If-Match from the ETag of the answer before it:

    POST /cases                          customer   7-day no-reason return (C01) of one unit
    POST /cases/{id}/actions/approve     agent      solution self_ship (skipped if auto-approved)
    POST …/actions/confirm_solution      customer
    POST …/actions/ship_back             customer   SF tracking number
    GET  /cases/{id}                     warehouse  looks the parcel's case up
    POST …/actions/receive               warehouse  every unit received
    GET  /cases/{id}/receipt             warehouse  the units received and their checklist
    POST …/actions/inspect               warehouse  every unit grade A, every point passed, accepted,
                                                    restocked as sellable
    POST …/actions/confirm_cause         qc         only for a quality reason (--reason Q01:
                                                    then the customer also uploads a photo
                                                    before approval: POST /cases/{id}/attachments)
    POST …/actions/refund                finance    answered refund_pending; the simulated gateway
                                                    is called after the commit
    GET  /cases/{id}                     agent      until refunded (the gateway answered)
    POST …/actions/close                 agent

Bounded: clients start no request after `warmup` + `duration` seconds, or once `max_lifecycles`
lifecycles have completed; every request has a socket timeout. The clients run on from the
warm-up into the measured window, so it sees the steady state (lifecycles under way, not all
starting together): what finishes inside the window counts, and the CPU time of the server's
processes (`pids`, with their descendants) is read at its start and end.
"""

from __future__ import annotations

import http.client
import itertools
import json
import resource
import struct
import sys
import threading
import time
import uuid
import zlib

from servers import machine_busy_seconds, process_tree_cpu

API = "/api/v1"
QUALITY_PREFIXES = ("Q",)


class LifecycleError(Exception):
    pass


class WindowClosed(Exception):
    """The measured window is over: the client starts no further request."""


def tiny_png() -> bytes:
    """A valid 1×1 PNG (the photo a quality claim needs before approval)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


class Client:
    """One simulated client: a keep-alive connection and the samples it recorded."""

    def __init__(self, *, port: int, deadline: float, timeout: float, keys: bool = True) -> None:
        self.port = port
        self.keys = keys
        self.deadline = deadline
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.samples: list[tuple[str, int, float, float]] = []  # (endpoint, status, start, seconds)
        self.errors: list[str] = []

    def request(self, method: str, path: str, template: str, token: str, body=None, *, if_match=None):
        if time.perf_counter() >= self.deadline:
            raise WindowClosed
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        payload = None
        if isinstance(body, tuple):  # (content type, bytes): a multipart upload
            headers["Content-Type"], payload = body
        elif body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body).encode()
        if method == "POST" and self.keys:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        if if_match:
            headers["If-Match"] = if_match
        start = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # The server closed an idle keep-alive connection (or a sync worker closed it
                # after the last answer): reconnect once. POSTs carry an Idempotency-Key, so a
                # repeat is safe.
                self.conn.close()
                if attempt:
                    raise
        elapsed = time.perf_counter() - start
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        self.samples.append((f"{method} {template}", response.status, start, elapsed))
        if response.status >= 300:
            raise LifecycleError(f"{method} {template}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None, response.getheader("ETag")


REFUND_POLLS, REFUND_POLL_SECONDS = 50, 0.1


def lifecycle(client: Client, plan: dict, customer: dict, order_line: str, reason: str, n: int) -> None:
    staff = plan["staff"]
    me = customer["token"]
    body = {
        "type": "return_refund",
        "channel": "api",
        "lines": [{"order_line": order_line, "quantity": 1, "reason": reason, "description": "压测退货"}],
        "description": "压测:七天无理由退货" if reason == "C01" else "压测:质量问题",
    }
    case, etag = client.request("POST", f"{API}/cases", "/cases", me, body)
    case_path = f"{API}/cases/{case['id']}"

    def act(action: str, token: str, inputs: dict) -> None:
        nonlocal case, etag
        case, etag = client.request(
            "POST",
            f"{case_path}/actions/{action}",
            f"/cases/{{id}}/actions/{action}",
            token,
            inputs,
            if_match=etag,
        )

    quality = reason.startswith(QUALITY_PREFIXES)
    if quality:
        boundary = uuid.uuid4().hex
        upload = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\n'
                "Content-Type: image/png\r\n\r\n"
            ).encode()
            + tiny_png()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        client.request(
            "POST",
            f"{case_path}/attachments",
            "/cases/{id}/attachments",
            me,
            (f"multipart/form-data; boundary={boundary}", upload),
        )
    if case["status"] == "submitted":
        act("approve", staff["agent"], {"solution": "self_ship"})
    act("confirm_solution", me, {})
    act("ship_back", me, {"carrier": "SF", "tracking_number": f"SF{n % 10**13:013d}"})
    case, etag = client.request("GET", case_path, "/cases/{id}", staff["warehouse"])
    act("receive", staff["warehouse"], {"received": {line["id"]: 1 for line in case["lines"]}})
    receipt, _etag = client.request("GET", f"{case_path}/receipt", "/cases/{id}/receipt", staff["warehouse"])
    units = [
        {"unit": unit["id"], "grade": "A", "outcome": "accepted", "disposition": "restock",
         "checks": {point["code"]: True for point in line["checklist"]}}
        for line in receipt["lines"]
        for unit in line["units"]
    ]  # fmt: skip
    act("inspect", staff["warehouse"], {"units": units})
    if quality:
        act(
            "confirm_cause",
            staff["qc"],
            {
                "is_our_product": True,
                "stage": "production",
                "responsible_department": "生产部",
                "handling": "返修后入库",
            },
        )
    act("refund", staff["finance"], {"reference": f"CN-BENCH-{n}"})
    # Refunds are asynchronous: the provider is called once the refund's transaction has committed
    # and its answer completes the refund (refund_pending → refunded). The agent reads the case
    # again, as a person would, until it is refunded (bounded), then closes it.
    for _ in range(REFUND_POLLS):
        case, etag = client.request("GET", case_path, "/cases/{id} (refunded?)", staff["agent"])
        if case["status"] != "refund_pending":
            break
        time.sleep(REFUND_POLL_SECONDS)
    act("close", staff["agent"], {})
    if case["status"] != "closed":
        raise LifecycleError(f"ended in {case['status']}")


def run(plan: dict) -> dict:
    clients_n = plan["clients"]
    start = time.perf_counter()
    window_start = start + plan["warmup"]
    deadline = window_start + plan["duration"]
    max_lifecycles = plan["max_lifecycles"]
    done = itertools.count()
    finished: list[float] = []
    lock = threading.Lock()
    clients = [
        Client(
            port=plan["port"],
            deadline=deadline,
            timeout=plan["timeout"],
            keys=plan.get("idempotency_keys", True),
        )
        for _ in range(clients_n)
    ]
    numbers = itertools.count(plan.get("first_number", 1))

    def worker(index: int) -> None:
        client = clients[index]
        customer = plan["customers"][index % len(plan["customers"])]
        lines = itertools.cycle(customer["order_lines"])
        while True:
            with lock:
                if len(finished) >= max_lifecycles:
                    return
            try:
                lifecycle(client, plan, customer, next(lines), plan["reason"], next(numbers))
            except WindowClosed:
                return
            except (LifecycleError, OSError, http.client.HTTPException, ValueError) as exc:
                client.errors.append(f"{type(exc).__name__}: {exc}")
                client.conn.close()
                if len(client.errors) > 20:
                    return  # something is badly wrong; the report shows the errors
                continue
            with lock:
                finished.append(time.perf_counter())
                next(done)

    def server_cpu() -> dict[str, float]:
        return {name: process_tree_cpu(pid) for name, pid in plan["pids"].items()}

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients_n)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window_start - time.perf_counter()))
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    server_before = server_cpu()
    busy_before = machine_busy_seconds()
    time.sleep(max(0.0, deadline - time.perf_counter()))
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    server_after = server_cpu()
    busy_after = machine_busy_seconds()
    window_end = time.perf_counter()
    for thread in threads:  # the requests under way at the deadline, not counted
        thread.join(plan["timeout"] + 5)
    samples = [
        (endpoint, status, seconds)
        for client in clients
        for endpoint, status, begun, seconds in client.samples
        if begun >= window_start and begun + seconds <= window_end
    ]
    return {
        "clients": clients_n,
        "window": window_end - window_start,
        "server_cpu": {name: server_after[name] - server_before[name] for name in server_after},
        "machine_busy": busy_after - busy_before,
        "lifecycles": sum(1 for t in finished if window_start <= t <= window_end),
        "samples": samples,
        "errors": [error for client in clients for error in client.errors][:20],
        "error_count": sum(len(client.errors) for client in clients),
        "cpu_seconds": (cpu_after.ru_utime - cpu_before.ru_utime)
        + (cpu_after.ru_stime - cpu_before.ru_stime),
    }


def main() -> int:
    plan = json.load(sys.stdin)
    json.dump(run(plan), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
