"""Fixtures for RealAlgo's end-to-end tests: the real `realalgo` binary, a real hub on disk, and a
real server on a free port. Everything a test starts is stopped when it ends."""

import json
import os
import pathlib
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("REALALGO_BIN", ROOT / ".build" / "debug" / "realalgo"))
PASSWORD = "correct horse battery staple"


def run(*args, data_dir=None, input=None, check=True, env=None):
    """Runs `realalgo args…` and returns the CompletedProcess (text mode)."""
    command = [str(BINARY), *map(str, args)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    result = subprocess.run(command, input=input, capture_output=True, text=True, timeout=120,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def http(method, url, body=None, headers=None):
    """One HTTP request; returns (status, headers, parsed JSON or text)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, response_headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, raw = error.code, dict(error.headers), error.read()
    text = raw.decode()
    try:
        return status, response_headers, json.loads(text)
    except ValueError:
        return status, response_headers, text


@pytest.fixture
def data_dir(tmp_path):
    """A fresh, migrated hub."""
    directory = tmp_path / "data"
    run("migrate", data_dir=directory)
    return directory


@pytest.fixture
def api_key(data_dir):
    """A user `trader` and one API key for it."""
    return create_user_with_key(data_dir)


class RunningServer:
    def __init__(self, process, url, log_path, ws_url=None):
        self.process = process
        self.url = url
        self.log_path = log_path
        # The OpenAlgo market-data WebSocket listener (None when the module is disabled).
        self.ws_url = ws_url

    @property
    def ws_port(self):
        return int(self.ws_url.rsplit(":", 1)[1]) if self.ws_url else None

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("the server did not stop within %ss of %s" % (timeout, sig.name))
        return self.process.returncode

    def log(self):
        return pathlib.Path(self.log_path).read_text()


def market_data_enabled(extra, env):
    """Whether a server started with these flags and variables runs the market-data module."""
    flags = list(map(str, extra))
    modules = flags[flags.index("--modules") + 1] if "--modules" in flags else (env or {}).get("REALALGO_MODULES")
    return modules is None or "all" in modules or "market-data" in modules


def start_server(data_dir, *extra, env=None, log_dir=None, log_path=None):
    """Starts `realalgo serve` and waits until its listeners are bound: the HTTP one, and the
    market-data WebSocket when that module runs (their two stdout lines come in either order).

    Ports are free ones (`--port 0`, `--ws-port 0`) unless the test names them, so servers never
    fight over 5000 or 8765. Standard error is appended to the log, so a restarted server keeps
    its earlier lines; standard output is drained for the server's whole life."""
    flags = list(map(str, extra))
    log_path = pathlib.Path(log_path or pathlib.Path(log_dir or data_dir) / "server.log")
    ports = [] if "--port" in flags else ["--port", "0"]
    if "--ws-port" not in flags and "REALALGO_WS_PORT" not in (env or {}):
        ports += ["--ws-port", "0"]
    with open(log_path, "a") as log:
        process = subprocess.Popen([str(BINARY), "serve", "--data-dir", str(data_dir), *ports, *flags],
                                   stdout=subprocess.PIPE, stderr=log, text=True,
                                   # Suites call far faster than OpenAlgo's limits allow; test_rate_limits turns them back on.
                                   env={**os.environ, "REALALGO_RATE_LIMITS": "off", **(env or {})})
    lines = queue.Queue()

    def drain():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    url, ws_url = None, None
    wants_ws = market_data_enabled(flags, env)
    deadline = time.monotonic() + 60
    while url is None or (wants_ws and ws_url is None):
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            process.kill()
            raise AssertionError(f"the server did not report its listeners within 60 s:\n{log_path.read_text()}")
        if line is None:
            process.wait()
            raise AssertionError(f"the server exited with {process.returncode}:\n{log_path.read_text()}")
        if match := re.search(r"serving (http://\S+)", line):
            url = match.group(1)
        if match := re.search(r"market-data WebSocket on (ws://\S+)", line):
            ws_url = match.group(1)
    return RunningServer(process, url, log_path, ws_url)


def create_user_with_key(data_dir, username="trader"):
    """Creates `username` on a migrated hub and returns a fresh API key for it."""
    run("user", "create", username, "--password-stdin", data_dir=data_dir, input=PASSWORD)
    return run("apikey", "create", "--user", username, data_dir=data_dir).stdout.strip()


# The simulator ticking every 100 ms whatever the hour, so market-data suites pass at night too.
SIMULATOR_FLAGS = ("--feed", "simulator", "--always-open", "--sim-interval-ms", "100", "--sim-seed", "20261121")


class MarketServer:
    """A fresh hub (user `trader`, one API key) served with the simulator feed."""

    def __init__(self, root):
        data_dir = self.server_data_dir = root / "data"
        run("migrate", data_dir=data_dir)
        self.key = create_user_with_key(data_dir)
        self.server = start_server(data_dir, *SIMULATOR_FLAGS)
        self.url = self.server.url
        self.ws_url = self.server.ws_url
        self.ws_port = self.server.ws_port
        parts = urllib.parse.urlsplit(self.url)
        self.host, self.http_port = parts.hostname, parts.port
        # The same protocol on the main port, where the browser app connects.
        self.http_ws_url = f"ws://{self.host}:{self.http_port}/ws"

    def stop(self):
        return self.server.stop()


@pytest.fixture(scope="module")
def market(tmp_path_factory, request):
    """A live server on the simulated market, one per test module that asks for it."""
    market = MarketServer(tmp_path_factory.mktemp(request.module.__name__.removeprefix("test_").replace("_", "-")))
    try:
        yield market
    finally:
        market.stop()


@pytest.fixture(scope="module")
def client(market):
    """The official `openalgo` client, constructed as its README shows, against `market`."""
    from openalgo import api
    openalgo = api(api_key=market.key, host=market.url, ws_port=market.ws_port)
    yield openalgo
    openalgo.close()


def ok(reply):
    """A successful client reply (a dict with status success), or a readable failure."""
    assert isinstance(reply, dict) and reply.get("status") == "success", reply
    return reply


@pytest.fixture
def server(data_dir, api_key):
    running = start_server(data_dir)
    yield running
    running.stop()


def wait_until(condition, what, timeout=30, interval=0.05):
    """Polls `condition` until it returns something truthy, and returns that. A failed assertion
    inside it (say, no bars yet on a busy machine) counts as "not yet"; the last one is reported
    if `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    last_failure = None
    while True:
        try:
            value = condition()
        except AssertionError as failure:
            value, last_failure = None, failure
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; last failure: {last_failure}")
        time.sleep(interval)
