"""`realalgo serve` as a person runs it: the real binary on a real hub, spoken to over real sockets.

Every server listens on 127.0.0.1 with a port the kernel picks (`--port 0`), and every test stops
what it starts. Waiting is done by polling a condition with a deadline, never by a fixed sleep.
"""

import json
import os
import pathlib
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse

import pytest

from conftest import BINARY, PASSWORD, RunningServer, http, run, start_server, wait_until

ALL_MODULES = ["broker", "market-data", "strategies"]
EX_USAGE = 64  # what swift-argument-parser exits with for a usage (validation) error


# --- Helpers ----------------------------------------------------------------------------------

def header(headers, name):
    """A response header by case-insensitive name."""
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def address(server):
    """(host, port) of a running server, from the URL it printed."""
    parts = urllib.parse.urlsplit(server.url)
    return parts.hostname, parts.port


def accepts_connections(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def listening_addresses(pid):
    """{(ip, port)} of the TCP sockets process `pid` listens on (Linux: /proc)."""
    inodes = set()
    for fd in pathlib.Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = pathlib.Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for row in path.read_text().splitlines()[1:]:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            ip_hex, port_hex = local.split(":")
            # The kernel prints the address as 32-bit words in host (little-endian) order.
            raw = b"".join(bytes.fromhex(ip_hex[i:i + 8])[::-1] for i in range(0, len(ip_hex), 8))
            found.add((socket.inet_ntop(family, raw), int(port_hex, 16)))
    return found


def clean_environment(**settings):
    """This process's environment without any REALALGO_* setting, plus `settings`: the server sees
    exactly the variables a test means it to see."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("REALALGO_")}
    env.update(settings)
    return env


def launch(args, env, log_path, cwd):
    """Starts `realalgo args…` with exactly `env` (for tests of settings start_server always passes
    as flags) and waits for its "serving http://…" line."""
    log = open(log_path, "w")
    process = subprocess.Popen([str(BINARY), *args], stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=cwd)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                raise AssertionError(f"the server exited with {process.returncode}:\n{pathlib.Path(log_path).read_text()}")
            continue
        match = re.search(r"serving (http://\S+)", line)
        if match:
            return RunningServer(process, match.group(1), log_path), line
    process.kill()
    process.wait()
    raise AssertionError("the server did not report its port within 60 s")


def prometheus_samples(text):
    """[(name, {label: value}, number)] for every sample line of a Prometheus text exposition."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)", line)
        assert match, f"not a Prometheus sample line: {line!r}"
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def raw_response(sock):
    """Everything the server sends on `sock` until it closes the connection or one response is complete."""
    received = b""
    while True:
        head, separator, rest = received.partition(b"\r\n\r\n")
        if separator:
            length = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
            if length and len(rest) >= int(length.group(1)):
                return received
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk


class Traffic:
    """Keeps a server busy from a background thread (health checks and authenticated pings) until
    stopped; records every failure so the test can assert none happened."""

    def __init__(self, server, api_key):
        self.server, self.api_key = server, api_key
        self.count, self.failures = 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                status, _, body = http("GET", self.server.url + "/health")
                if status != 200:
                    self.failures.append(("/health", status, body))
                status, _, body = http("POST", self.server.url + "/api/v1/ping", {"apikey": self.api_key})
                if status != 200:
                    self.failures.append(("/api/v1/ping", status, body))
            except Exception as error:  # noqa: BLE001 - any failure is reported by the test
                self.failures.append(("exception", repr(error)))
            self.count += 1

    def __enter__(self):
        self._thread.start()
        # The point is to overlap real requests, so wait until some have gone through.
        wait_until(lambda: self.count >= 3 or self.failures, "the first requests of the background traffic")
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)


# --- A fresh start ------------------------------------------------------------------------------

def test_serve_on_a_fresh_data_dir_migrates_it_and_reports_healthy(tmp_path):
    # A first-time user runs `serve` without `migrate`: the server must create and migrate the hub.
    data = tmp_path / "data"
    server = start_server(data, log_dir=tmp_path)
    try:
        status, _, health = http("GET", server.url + "/health")
        assert status == 200, health
        assert health["status"] == "ok"
        assert health["service"] == "RealAlgo"
        assert health["database"] == {"status": "ok", "schema": "up to date"}
        assert health["modules"] == ALL_MODULES
        assert (data / "realalgo.db").is_file()
        assert "applied migrations" in server.log()
    finally:
        assert server.stop() == 0


def test_root_serves_the_placeholder_browser_app(server):
    status, headers, page = http("GET", server.url + "/")
    assert status == 200
    assert header(headers, "Content-Type").startswith("text/html")
    assert "RealAlgo" in page
    assert '<script type="module" src="/app.js">' in page


def test_ping_with_a_valid_key_answers_pong_from_the_sandbox(server, api_key):
    status, _, body = http("POST", server.url + "/api/v1/ping", {"apikey": api_key})
    assert status == 200
    # Exactly OpenAlgo's shape: clients compare these fields.
    assert body == {"status": "success", "data": {"message": "pong", "broker": "sandbox"}}


def test_ping_with_an_unknown_key_is_forbidden(server, api_key):
    status, _, body = http("POST", server.url + "/api/v1/ping", {"apikey": "not-" + api_key})
    assert status == 403
    assert body == {"status": "error", "message": "Invalid openalgo apikey"}


# --- Settings -----------------------------------------------------------------------------------

def test_modules_flag_limits_the_modules_health_reports(data_dir):
    server = start_server(data_dir, "--modules", "broker")
    try:
        assert http("GET", server.url + "/health")[2]["modules"] == ["broker"]
    finally:
        assert server.stop() == 0


def test_realalgo_modules_variable_limits_the_modules_health_reports(data_dir):
    server = start_server(data_dir, env={"REALALGO_MODULES": "market-data"})
    try:
        assert http("GET", server.url + "/health")[2]["modules"] == ["market-data"]
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_an_unknown_module_is_a_usage_error(tmp_path, how):
    data = tmp_path / "data"
    args, env = (["--modules", "broker,bogus"], {}) if how == "flag" else ([], {"REALALGO_MODULES": "broker,bogus"})
    result = run("serve", "--host", "127.0.0.1", "--port", "0", *args, data_dir=data, env=env, check=False)
    assert result.returncode == EX_USAGE, result.stderr
    assert "unknown module 'bogus'" in result.stderr
    assert "broker, market-data, strategies" in result.stderr  # it tells the user what to choose from
    # A typo is rejected before anything is created.
    assert not data.exists()


def test_a_bad_realalgo_port_is_a_usage_error(tmp_path):
    result = run("serve", data_dir=tmp_path / "data", env={"REALALGO_HOST": "127.0.0.1", "REALALGO_PORT": "http"}, check=False)
    assert result.returncode == EX_USAGE, result.stderr
    assert "REALALGO_PORT=http" in result.stderr


def test_host_port_and_data_dir_come_from_the_environment_when_no_flag_is_given(tmp_path):
    # "localhost" (not the default 127.0.0.1) shows the host came from REALALGO_HOST; it must still
    # resolve to 127.0.0.1 only, so the server stays on the loopback address.
    assert {info[4][0] for info in socket.getaddrinfo("localhost", None, proto=socket.IPPROTO_TCP)} == {"127.0.0.1"}, \
        "this test needs localhost to resolve to 127.0.0.1 only"
    data = tmp_path / "from-env" / "data"
    env = clean_environment(REALALGO_HOST="localhost", REALALGO_PORT="0", REALALGO_WS_PORT="0", REALALGO_DATA_DIR=str(data))
    # Run from an empty folder so a data dir wrongly defaulting to ./data would show up there.
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    server, line = launch(["serve"], env, tmp_path / "server.log", cwd=workdir)
    try:
        host, port = address(server)
        assert host == "localhost"
        assert port not in (0, 5000)  # REALALGO_PORT=0 picked a free port instead of the default 5000
        assert f"(data: {data})" in line
        assert (data / "realalgo.db").is_file()
        assert not (workdir / "data").exists()
        # The HTTP port and the market-data WebSocket port (REALALGO_WS_PORT=0: a free one), both on loopback.
        # `launch` returns at the HTTP line; the WebSocket listener may bind a moment later.
        def both_listeners():
            found = listening_addresses(server.process.pid)
            return found if len(found) == 2 else None

        listening = wait_until(both_listeners, "both listeners", timeout=10)
        assert ("127.0.0.1", port) in listening
        assert {host for host, _ in listening} == {"127.0.0.1"}
        assert http("GET", f"http://127.0.0.1:{port}/health")[0] == 200
    finally:
        assert server.stop() == 0


def test_flags_win_over_the_environment(data_dir, tmp_path):
    # 203.0.113.1 (TEST-NET-3) is not an address of this machine: binding to it would fail.
    elsewhere = tmp_path / "env-data"
    env = {"REALALGO_HOST": "203.0.113.1", "REALALGO_PORT": "1", "REALALGO_DATA_DIR": str(elsewhere),
           "REALALGO_MODULES": "strategies"}
    server = start_server(data_dir, "--host", "127.0.0.1", "--modules", "broker", env=env)
    try:
        host, port = address(server)
        assert host == "127.0.0.1"
        assert port != 1
        assert http("GET", server.url + "/health")[2]["modules"] == ["broker"]
        assert not elsewhere.exists()
    finally:
        assert server.stop() == 0


# --- Logs and metrics ---------------------------------------------------------------------------

def test_json_log_lines_are_objects_that_name_each_request(data_dir, api_key):
    server = start_server(data_dir, "--log-format", "json")
    try:
        requests = [("GET", "/health", None), ("GET", "/", None), ("POST", "/api/v1/ping", {"apikey": api_key}),
                    ("POST", "/api/v1/ping", {"apikey": "wrong"}), ("GET", "/api/v1/no-such-endpoint", None)]
        ids = {}
        for method, path, body in requests:
            _, headers, _ = http(method, server.url + path, body)
            request_id = header(headers, "X-Request-Id")
            assert request_id, f"{method} {path} has no X-Request-Id header"
            ids[request_id] = path
        assert len(ids) == len(requests), "request ids must be unique"
    finally:
        # Stopping first means the log is complete, shutdown lines included.
        assert server.stop() == 0

    lines = server.log().splitlines()
    assert lines, "the server wrote no log"
    entries = []
    for line in lines:
        entry = json.loads(line)  # every line, not only request lines, must be JSON for a log shipper
        assert isinstance(entry, dict), line
        assert {"ts", "level", "message"} <= entry.keys(), line
        entries.append(entry)
    for request_id, path in ids.items():
        matching = [entry for entry in entries if entry.get("hb.request.id") == request_id]
        assert matching, f"no log line carries the request id {request_id} of {path}"
        assert all(entry.get("http.path") == path for entry in matching)
    assert any(entry["message"] == "RealAlgo stopped" for entry in entries)


def test_metrics_count_requests_by_route(server, api_key):
    for _ in range(2):
        assert http("GET", server.url + "/health")[0] == 200
    assert http("POST", server.url + "/api/v1/ping", {"apikey": api_key})[0] == 200
    assert http("POST", server.url + "/api/v1/ping", {"apikey": "wrong"})[0] == 403

    status, headers, text = http("GET", server.url + "/metrics")
    assert status == 200
    assert header(headers, "Content-Type").startswith("text/plain")
    samples = prometheus_samples(text)

    def requests(route, code):
        return sum(value for name, labels, value in samples
                   if name == "hb_requests" and labels.get("http_route") == route
                   and labels.get("http_response_status_code") == code)

    assert requests("/health", "200") >= 2
    assert requests("/api/v1/ping", "200") >= 1
    assert requests("/api/v1/ping", "403") >= 1
    assert [value for name, labels, value in samples if name == "realalgo_build_info"] == [1.0]
    assert [labels for name, labels, _ in samples if name == "realalgo_build_info"][0]["version"] == \
        run("--version").stdout.strip()
    uptime = [value for name, _, value in samples if name == "realalgo_uptime_seconds"]
    assert len(uptime) == 1 and uptime[0] >= 0


# --- Graceful shutdown --------------------------------------------------------------------------

SIGNALS = [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGINT, id="SIGINT")]


@pytest.mark.parametrize("sig", SIGNALS)
def test_a_signal_stops_the_server_cleanly(data_dir, sig):
    server = start_server(data_dir)
    try:
        assert http("GET", server.url + "/health")[0] == 200
        started = time.monotonic()
        server.process.send_signal(sig)
        try:
            code = server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server was still running 10 s after {sig.name}") from None
        assert code == 0, f"exit status {code} after {sig.name} ({time.monotonic() - started:.1f} s)"
        assert "RealAlgo stopped" in server.log()
    finally:
        server.stop()


@pytest.mark.parametrize("sig", SIGNALS)
def test_a_signal_lets_the_request_in_flight_finish(data_dir, api_key, sig):
    # The request is made in flight for certain: headers and half the body are sent, the server has
    # logged the request (it is being handled), then the signal arrives; the rest of the body is
    # sent only once the server has stopped accepting connections (it is shutting down). The
    # complete answer must still arrive, and then the server must exit 0.
    server = start_server(data_dir, "--log-level", "debug")  # "request started" marks a request in flight
    try:
        host, port = address(server)
        body = json.dumps({"apikey": api_key}).encode()
        head = (f"POST /api/v1/ping HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        with socket.create_connection((host, port), timeout=30) as client:
            client.sendall(head + body[:10])
            wait_until(lambda: "http.path=/api/v1/ping" in server.log(), "the server to start handling the ping")
            server.process.send_signal(sig)
            wait_until(lambda: not accepts_connections(host, port), f"the listener to close after {sig.name}")
            assert server.process.poll() is None, "the server exited with a request in flight"
            client.sendall(body[10:])
            response = raw_response(client)
        status_line, _, rest = response.partition(b"\r\n")
        assert status_line == b"HTTP/1.1 200 OK", response
        assert json.loads(rest.partition(b"\r\n\r\n")[2]) == {"status": "success", "data": {"message": "pong", "broker": "sandbox"}}
        assert server.process.wait(timeout=10) == 0
        assert "RealAlgo stopped" in server.log()
    finally:
        server.stop()


@pytest.mark.parametrize("sig", SIGNALS)
def test_a_stalled_request_cannot_hold_shutdown_past_the_grace_period(data_dir, api_key, sig):
    # A client that sends half a request and goes quiet must not keep the server (and its hub)
    # open until a supervisor's SIGKILL: after --shutdown-grace it is cancelled and the server exits 0.
    server = start_server(data_dir, "--shutdown-grace", "1", "--log-level", "debug")
    try:
        host, port = address(server)
        with socket.create_connection((host, port), timeout=30) as client:
            client.sendall((f"POST /api/v1/ping HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                            "Content-Length: 100\r\n\r\n{\"apikey\"").encode())
            wait_until(lambda: "http.path=/api/v1/ping" in server.log(), "the server to start handling the ping")
            started = time.monotonic()
            server.process.send_signal(sig)
            try:
                code = server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"a stalled request kept the server running 15 s after {sig.name}") from None
        assert code == 0
        assert time.monotonic() - started < 10
        assert "RealAlgo stopped" in server.log()
        assert "request cancelled by shutdown" in server.log()
    finally:
        server.stop()


def test_a_clean_exit_leaves_everything_in_the_database_file(tmp_path):
    # After a clean exit the WAL is folded into realalgo.db, so a copy of that one file is complete.
    data = tmp_path / "data"
    run("migrate", data_dir=data)
    server = start_server(data)
    assert server.stop() == 0
    wal = data / "realalgo.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copy.db"
    shutil.copy(data / "realalgo.db", copy)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] >= 10
        assert connection.execute("SELECT count(*) FROM instruments WHERE instrument_type = 'CE'").fetchone()[0] > 0


# --- The hub while the server runs --------------------------------------------------------------

def test_backup_while_serving_gives_a_copy_sql_can_read(server, api_key, data_dir, tmp_path):
    copy_folder = tmp_path / "restored"
    copy_folder.mkdir()
    with Traffic(server, api_key) as traffic:
        result = run("backup", copy_folder / "realalgo.db", data_dir=data_dir)
        served_during_backup = traffic.count
    assert not traffic.failures, traffic.failures[:5]
    assert served_during_backup >= 3
    assert "backed up" in result.stdout
    users = run("sql", "--format", "json", "SELECT count(*) AS n FROM users", data_dir=copy_folder)
    assert json.loads(users.stdout) == [{"n": 1}]  # the `trader` the api_key fixture created


def test_sql_and_user_list_work_while_the_server_runs(server, api_key, data_dir):
    with Traffic(server, api_key) as traffic:
        users = run("sql", "--format", "json", "SELECT username FROM users", data_dir=data_dir)
        listed = run("user", "list", "--format", "json", data_dir=data_dir)
    assert not traffic.failures, traffic.failures[:5]
    assert json.loads(users.stdout) == [{"username": "trader"}]
    assert [user["username"] for user in json.loads(listed.stdout)] == ["trader"]


@pytest.fixture
def write_lock(data_dir, server):
    """Holds the hub's write lock (a BEGIN IMMEDIATE transaction) while the server runs: what the
    server's own writer does during a long write such as an instrument roll."""
    connection = sqlite3.connect(data_dir / "realalgo.db", isolation_level=None, timeout=10)
    connection.execute("BEGIN IMMEDIATE")
    yield
    connection.execute("ROLLBACK")
    connection.close()


def test_sql_is_not_blocked_by_a_write_in_progress(data_dir, api_key, write_lock):
    # WAL readers read the last committed snapshot; they never wait for the writer.
    started = time.monotonic()
    users = run("sql", "--format", "json", "SELECT username FROM users", data_dir=data_dir)
    assert json.loads(users.stdout) == [{"username": "trader"}]
    assert time.monotonic() - started < 4  # under the 5 s busy timeout a blocked reader would wait


def test_user_list_is_not_blocked_by_a_write_in_progress(data_dir, api_key, write_lock):
    listed = run("user", "list", "--format", "json", data_dir=data_dir, check=False)
    assert listed.returncode == 0, listed.stderr
    assert [user["username"] for user in json.loads(listed.stdout)] == ["trader"]


# --- A data folder the server cannot write ------------------------------------------------------

@pytest.fixture
def read_only_hub():
    """(binary, data folder): a hub created by root in a folder only root may write, plus a copy of
    the binary, all in a world-readable temporary folder, for running RealAlgo as `nobody`.
    (Root can write any file, so the unwritable case needs another user.)"""
    if shutil.which("runuser") is None:
        pytest.skip("runuser is not installed, so the binary cannot be run as another user")
    if os.geteuid() != 0:
        pytest.skip("only root can run the binary as `nobody` with runuser")
    pwd.getpwnam("nobody")  # the test needs this user; a KeyError says so
    folder = pathlib.Path(tempfile.mkdtemp(prefix="realalgo-readonly-"))
    try:
        folder.chmod(0o755)  # pytest's tmp_path is root-only; nobody must reach the files
        binary = folder / "realalgo"
        shutil.copy(BINARY, binary)
        binary.chmod(0o755)
        data = folder / "data"
        run("migrate", data_dir=data)
        run("user", "create", "trader", "--password-stdin", data_dir=data, input=PASSWORD)
        # Readable by all, writable by root only: RealAlgo creates the folder 0700 and its files 0600,
        # so an administrator sharing a hub for reading has to open them up like this.
        data.chmod(0o755)
        for file in data.iterdir():
            file.chmod(0o644)
        yield binary, data
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_nobody(binary, *args):
    return subprocess.run(["runuser", "-u", "nobody", "--", str(binary), *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=binary.parent)


def test_migrate_refuses_a_hub_it_cannot_write_with_a_clear_message(read_only_hub):
    binary, data = read_only_hub
    result = as_nobody(binary, "migrate", "--data-dir", data)
    assert result.returncode != 0
    assert "Fatal error" not in result.stderr  # a Swift trap, not an error message
    assert "read-only" in result.stderr or "cannot" in result.stderr, result.stderr
    assert str(data) in result.stderr  # it says which hub


def test_sql_reads_a_hub_it_cannot_write(read_only_hub):
    # Queries need no write access: a read-only copy or someone else's hub can still be inspected.
    binary, data = read_only_hub
    result = as_nobody(binary, "sql", "--format", "json", "SELECT username FROM users", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"username": "trader"}]


# --- Found in review: process-level robustness ------------------------------------------------------

def test_a_password_piped_with_a_windows_line_ending_keeps_its_last_character(data_dir):
    # "\r\n" is one Character in Swift; trimming it as two once cost the password its last letter.
    run("user", "create", "windows", "--password-stdin", data_dir=data_dir, input="password123\r\n")
    stored = run("sql", "--format", "json", "SELECT password_hash FROM users WHERE username = 'windows'",
                 data_dir=data_dir).stdout
    scheme, iterations, salt, digest = json.loads(stored)[0]["password_hash"].split("$")
    import base64
    import hashlib
    derived = hashlib.pbkdf2_hmac("sha256", b"password123", base64.b64decode(salt), int(iterations), len(base64.b64decode(digest)))
    assert scheme == "pbkdf2-sha256"
    assert derived == base64.b64decode(digest)


def test_processes_starting_together_on_a_fresh_folder_share_one_secret_key(tmp_path):
    # Each `apikey create` on a fresh folder may be the one that creates the secret key; whoever
    # loses the race must use the winner's key, or the keys it hands out can never authenticate.
    data = tmp_path / "data"
    run("user", "create", "racer", "--password-stdin", data_dir=data, input=PASSWORD)
    (data / "realalgo.key").unlink(missing_ok=True)  # no key yet, as on a fresh install
    processes = [subprocess.Popen([str(BINARY), "apikey", "create", "--user", "racer", "--data-dir", str(data)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    keys = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        keys.append(out.strip())
    server = start_server(data)
    try:
        for key in keys:
            status, _, body = http("POST", server.url + "/api/v1/ping", {"apikey": key})
            assert status == 200, body
    finally:
        server.stop()


def test_a_log_reader_that_goes_away_does_not_kill_the_server(data_dir, api_key):
    # Under systemd the logs go to a pipe; if its reader restarts, writes fail. The server must
    # keep serving (and drop the lines) instead of trapping on the failed write.
    read_end, write_end = os.pipe()
    process = subprocess.Popen([str(BINARY), "serve", "--data-dir", str(data_dir), "--port", "0", "--ws-port", "0", "--log-format", "json"],
                               stdout=subprocess.PIPE, stderr=write_end, text=True)
    os.close(write_end)
    try:
        # The market-data WebSocket's line may come first; read on to the HTTP one.
        match = None
        while match is None:
            line = process.stdout.readline()
            assert line, "the server exited before it served"
            match = re.search(r"serving (http://\S+)", line)
        url = match.group(1)
        os.close(read_end)  # the log reader goes away
        for _ in range(5):
            status, _, body = http("POST", url + "/api/v1/ping", {"apikey": api_key})
            assert status == 200, body
        assert process.poll() is None, "the server died when its log pipe closed"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
