"""Fixtures of the tool tests."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

# Before esptool is imported (it reads its settings once): see the file.
os.environ.setdefault("ESPTOOL_CFGFILE", str(Path(__file__).with_name("esptool_mock.cfg")))

from esp_mock import MOCK, free_port  # noqa: E402


@pytest.fixture
def mock_bootloader():
    """Starts mock bootloaders: mock_bootloader('esp32') -> socket:// URL."""
    procs = []

    def start(chip):
        port = free_port()
        proc = subprocess.Popen([str(MOCK), "run", "--chip", chip, "--bind", "127.0.0.1",
                                 "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"esp32-mock-bootloader exited with {proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return f"socket://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.1)
        pytest.fail("esp32-mock-bootloader did not start listening")

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
