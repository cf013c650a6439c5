"""The app under test: gunicorn on loopback, and its workers' memory."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, headers: dict[str, str] | None = None):
    """(status, headers, body) of one GET, with no redirect followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Server:
    """gunicorn as production runs it (glossary_api/gunicorn.py where there is
    one), with `workers` sync workers on a free port of 127.0.0.1."""

    def __init__(self, root: Path, env: dict[str, str], workers: int):
        self.port = free_port()
        config = root / "glossary_api" / "gunicorn.py"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                *(["--config", str(config)] if config.exists() else []),
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers),
                "--threads", "1",
                # Its default path is shared by every gunicorn of this user.
                "--no-control-socket",
                "--chdir", str(root),
                "glossary_api.wsgi:application",
            ],
            env=env,
            cwd=root,
            # The access log (one line a request) is written, then dropped.
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.memory = MemorySampler(self.process.pid)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited at start; see its output above.")
            try:
                if fetch(self.port, "/healthz")[0] == 200:
                    self.memory.start()
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 60 s.")

    def __exit__(self, *exc_info):
        self.memory.stop()
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class MemorySampler(threading.Thread):
    """The largest resident set of each worker of a gunicorn master, in bytes."""

    def __init__(self, master: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.master = master
        self.interval = interval
        self.peaks: dict[int, int] = {}  # pid: max(VmRSS, VmHWM)
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def stop(self):
        self.sample()
        self.done.set()
        if self.is_alive():
            self.join()

    def peak_mb(self) -> float:
        """The largest worker's peak so far, in MB."""
        return round(max(self.peaks.values(), default=0) / 2**20, 1)

    def sample(self):
        for pid in children(self.master):
            status = proc_status(pid)
            rss = max(status.get("VmRSS", 0), status.get("VmHWM", 0))
            self.peaks[pid] = max(self.peaks.get(pid, 0), rss)


def children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces: split after it.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def proc_status(pid: int) -> dict[str, int]:
    """The kB fields of /proc/<pid>/status, in bytes."""
    fields = {}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return fields
    for line in lines:
        name, _, value = line.partition(":")
        if value.strip().endswith(" kB"):
            fields[name] = int(value.split()[0]) * 1024
    return fields
