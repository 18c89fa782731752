"""Gunicorn settings of `make run` (scripts/run.sh) and of `make bench` (bench/run.py), so the
figures in docs/benchmarks.md are those of the server as it is run. The bind address is given on
the command line.

Three sync workers on the 2-core reference machine: a request is almost all Python CPU (the
ORM), so 8 clients already keep both cores busy; more workers, or gthread workers (tried 2–4
workers × 4–8 threads), did not raise throughput and made p99 worse (docs/benchmarks.md).
"""

workers = 3
worker_class = "sync"
accesslog = "-"
# No control socket: gunicorn 27 would otherwise create ~/.gunicorn/gunicorn.ctl, shared by every
# instance of the same user.
control_socket_disable = True
