"""Fixtures for RealAlgo's end-to-end tests: the real `realalgo` binary, a real hub on disk, and a
real server on a free port. Everything a test starts is stopped when it ends."""

import json
import os
import pathlib
import re
import signal
import subprocess
import time
import urllib.error
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
    run("user", "create", "trader", "--password-stdin", data_dir=data_dir, input=PASSWORD)
    return run("apikey", "create", "--user", "trader", data_dir=data_dir).stdout.strip()


class RunningServer:
    def __init__(self, process, url, log_path):
        self.process = process
        self.url = url
        self.log_path = log_path

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


def start_server(data_dir, *extra, env=None, log_dir=None):
    """Starts `realalgo serve --port 0` and waits for the line that names its port.

    The market-data WebSocket gets a free port too (`--ws-port 0`) unless the test chooses one,
    so servers never fight over 8765."""
    log_path = pathlib.Path(log_dir or data_dir) / "server.log"
    log = open(log_path, "w")
    ws_port = [] if "--ws-port" in map(str, extra) or "REALALGO_WS_PORT" in (env or {}) else ["--ws-port", "0"]
    process = subprocess.Popen(
        [str(BINARY), "serve", "--data-dir", str(data_dir), "--port", "0", *ws_port, *map(str, extra)],
        stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, **(env or {})})
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                raise AssertionError(f"the server exited with {process.returncode}:\n{log_path.read_text()}")
            continue
        match = re.search(r"serving (http://\S+)", line)
        if match:
            return RunningServer(process, match.group(1), log_path)
    process.kill()
    raise AssertionError("the server did not report its port within 60 s")


@pytest.fixture
def server(data_dir, api_key):
    running = start_server(data_dir)
    yield running
    running.stop()
