"""``make deploy-check``: the production topology started on this machine, a scripted day, and faults.

Plain Python and subprocesses, no containers (docs/deploy-check.md). The modules:

* ``procs``: start, stop, kill and restart processes with their logs and readiness waits;
* ``stack``: the topology — PostgreSQL and Redis of its own, two web processes, two workers, one scheduler,
  the fake SMS provider — in one temporary directory;
* ``seed``: the small street the day runs on (run inside Django by the stack);
* ``client``: the HTTP clients (several threads, both web ports alternately) and their figures;
* ``invariants``: the checks, pure functions of the figures and rows collected (tested in the normal suite);
* ``day`` and ``faults``: the scripted day and the fault scenarios;
* ``run``: the command (``python -m deploy.check.run``).
"""
