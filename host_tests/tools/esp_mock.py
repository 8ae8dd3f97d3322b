"""esp32-mock-bootloader (an emulated ESP32 ROM bootloader speaking esptool's
protocol over socket://) and a view of the flash it holds, through esptool."""

import hashlib
import socket
import sys
import time
from pathlib import Path

from scripts import partitions

MOCK = Path(sys.executable).parent / "esp32-mock-bootloader"
MOCK_FLASH_SIZE = 4 * partitions.MB     # what the mock emulates


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MockFlash:
    """What the mock's flash holds, seen through esptool. One esptool session
    per operation: the mock loses track of a session after a stub read.
    The mock runs with the project's patches (firmware/patches/): unpatched,
    it drops sessions on a busy machine."""

    def __init__(self, url):
        self.url = url

    def _session(self):
        from esptool.cmds import detect_chip, run_stub
        esp = run_stub(detect_chip(self.url, 460800, connect_attempts=3))
        # The mock answers every sync packet of the connect sequence; a late
        # answer left in the input would be taken for read_flash data.
        time.sleep(0.3)
        esp._port.reset_input_buffer()
        return esp

    def _with_session(self, fn):
        esp = self._session()
        try:
            return fn(esp)
        finally:
            esp._port.close()

    def read(self, offset, size):
        """Reads in whole 4 KB packets, as esptool's stub protocol sends them."""
        padded = (size + 4095) // 4096 * 4096
        return self._with_session(lambda esp: esp.read_flash(offset, padded))[:size]

    def md5(self, offset, size):
        digest = self._with_session(lambda esp: esp.flash_md5sum(offset, size))
        return digest.hex() if isinstance(digest, bytes) else digest

    def is_erased(self, offset, size):
        return self.md5(offset, size) == hashlib.md5(b"\xff" * size).hexdigest()

    def write(self, offset, data):
        def scribble(esp):
            esp.flash_begin(len(data), offset)
            esp.flash_block(data, 0)
        self._with_session(scribble)
