"""Scenario 9: what a fleet's polling costs on AWS, from the poll intervals, checked live.

The model (requests and configurations received per hour, and their price):

* **direct**: every process holds its own AppConfigData session. Requests per hour are
  ``N x M x 3600 / interval``, plus one StartConfigurationSession per process per session
  (renewed every 23 h). A configuration is received by every process on its session's
  first call and after every deployment.
* **agent**: one AppConfig Agent per host polls AppConfig (``M x 3600 / agent interval``)
  and receives each deployment once; the processes poll the agent on localhost, which
  AWS does not bill.

`check` runs real clients against the local server with a 1 s interval for a few seconds,
deploys one change, and compares the server's request log with what the model predicts.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from appconfig_core import AgentSource, AppConfigDataSource, ChangeEvent, FlagClient
from appconfig_core.devserver import DevServer

from . import _flags
from ._peers import APPLICATION, ENVIRONMENT, appconfigdata_client

PRICE_PER_REQUEST: Final = 0.0000002
PRICE_PER_RECEIVED: Final = 0.0008
SESSION_HOURS: Final = 23.0
DIRECT_INTERVAL: Final = 60.0  # AppConfigDataSource's default poll interval
AGENT_INTERVAL: Final = 45.0  # the AppConfig Agent's default POLL_INTERVAL
FLEETS: Final = ((4, 10), (8, 100), (16, 1000))
DEPLOYMENTS_PER_HOUR: Final = 1.0


@dataclass(frozen=True)
class Cost:
    """Requests and configurations received per hour, billed to AWS."""

    mode: str
    processes: int
    hosts: int
    interval: float
    requests: float
    received: float
    local_requests: float

    @property
    def dollars_per_month(self) -> float:
        """At 730 hours a month and AppConfig's data-plane prices."""
        return 730 * (self.requests * PRICE_PER_REQUEST + self.received * PRICE_PER_RECEIVED)


def direct(processes: int, hosts: int, interval: float, deployments: float) -> Cost:
    """Every process polls AppConfigData itself."""
    clients = processes * hosts
    sessions = clients / SESSION_HOURS
    return Cost(
        "direct",
        processes,
        hosts,
        interval,
        requests=clients * 3600 / interval + sessions,
        received=clients * deployments + sessions,
        local_requests=0.0,
    )


def agent(
    processes: int, hosts: int, interval: float, deployments: float, local_interval: float
) -> Cost:
    """One agent per host polls AppConfigData; processes poll the agent every ``local_interval``."""
    sessions = hosts / SESSION_HOURS
    return Cost(
        "agent",
        processes,
        hosts,
        interval,
        requests=hosts * 3600 / interval + sessions,
        received=hosts * deployments + sessions,
        local_requests=processes * hosts * 3600 / local_interval,
    )


def model() -> list[Cost]:
    """The model at the default intervals for a few fleet sizes."""
    costs: list[Cost] = []
    for processes, hosts in FLEETS:
        costs.append(direct(processes, hosts, DIRECT_INTERVAL, DEPLOYMENTS_PER_HOUR))
        costs.append(agent(processes, hosts, AGENT_INTERVAL, DEPLOYMENTS_PER_HOUR, 10.0))
    return costs


class _Counter:
    """Counts change events, which arrive on each client's poller thread."""

    def __init__(self) -> None:
        self.value = 0
        self._changed = threading.Condition()

    def count(self, _event: ChangeEvent) -> None:
        with self._changed:
            self.value += 1
            self._changed.notify_all()

    def wait_for(self, value: int, timeout: float) -> None:
        """Wait until ``value`` events arrived, or ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.value >= value, timeout)


@dataclass(frozen=True)
class Check:
    """The model's prediction for a short live run, and what the server logged."""

    mode: str
    clients: int
    seconds: float
    predicted_requests: float
    logged_requests: int
    predicted_received: int
    observed_received: int
    sessions: int

    @property
    def agrees(self) -> bool:
        """Within one poll per client (a run's edges cut a poll either way)."""
        return (
            abs(self.logged_requests - self.predicted_requests) <= self.clients
            and self.observed_received == self.predicted_received
        )


def check(work: Path, *, clients: int = 3, seconds: float = 4.0) -> list[Check]:
    """Run ``clients`` direct and ``clients`` agent clients for ``seconds`` at a 1 s interval."""
    root = work / "cost-profiles"
    root.mkdir(parents=True, exist_ok=True)
    profile = root / f"{APPLICATION}:{ENVIRONMENT}:flags.json"
    document = _flags.ours_document()
    profile.write_text(json.dumps(document))
    results: list[Check] = []
    with DevServer(root, port=0, poll_interval=1.0) as server:
        for mode in ("direct", "agent"):
            server.reset_requests()
            received = _Counter()
            flag_clients = []
            for _ in range(clients):
                source: AppConfigDataSource | AgentSource = (
                    AppConfigDataSource(
                        APPLICATION, ENVIRONMENT, "flags", client=appconfigdata_client(server.url)
                    )
                    if mode == "direct"
                    else AgentSource(
                        APPLICATION, ENVIRONMENT, "flags", url=server.url, poll_interval=1.0
                    )
                )
                client = FlagClient(source, start_timeout=5.0)
                client.on_change(received.count)
                flag_clients.append(client)
            started = time.monotonic()
            for client in flag_clients:
                client.start()
            time.sleep(seconds / 2)  # the run itself is what is measured, not a stand-in wait
            document["values"]["plain"]["enabled"] = not document["values"]["plain"]["enabled"]
            profile.write_text(json.dumps(document))
            time.sleep(seconds / 2)
            # A client that polled just before the edit sees it one interval later, which
            # can fall after the half-run; the window stretches (and the prediction with it,
            # since it is computed from the elapsed time) rather than cut that poll off.
            received.wait_for(2 * clients, timeout=3.0)
            for client in flag_clients:
                client.close()
            elapsed = time.monotonic() - started
            log = server.requests
            operation = "GetLatestConfiguration" if mode == "direct" else "Agent"
            logged = sum(1 for r in log if r.operation == operation)
            sessions = sum(1 for r in log if r.operation == "StartConfigurationSession")
            results.append(
                Check(
                    mode,
                    clients,
                    round(elapsed, 2),
                    predicted_requests=clients * (1 + elapsed // 1.0),
                    logged_requests=logged,
                    predicted_received=2 * clients,
                    observed_received=received.value,
                    sessions=sessions,
                )
            )
    return results
