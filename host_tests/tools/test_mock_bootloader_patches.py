"""The project's patches to esp32-mock-bootloader (firmware/patches/): the
flashing tests depend on them to pass on a busy machine, so each patched
behaviour is checked on its own, with the slowness made explicit."""

import hashlib
import struct
import time
import zlib

import pytest

from esp32_mock_bootloader import server

from esp_mock import MOCK, MockFlash

pytestmark = pytest.mark.skipif(not MOCK.exists(), reason="esp32-mock-bootloader not installed (make setup)")


def _write_compressed(esp, offset, data):
    packed = zlib.compress(data, 9)
    blocks = esp.flash_defl_begin(len(data), len(packed), offset)
    size = esp.FLASH_WRITE_SIZE
    for seq in range(blocks):
        esp.flash_defl_block(packed[seq * size:(seq + 1) * size], seq)
    esp.flash_defl_finish(reboot=False)       # FLASH_DEFL_END(1): stay in the stub


def test_stub_stays_in_the_loader_after_flash_end_without_reboot(mock_bootloader):
    url = mock_bootloader("esp32")
    first, second = b"\x11" * 8192, b"\x22" * 4096
    session = MockFlash(url)

    def two_writes_far_apart(esp):
        _write_compressed(esp, 0x10000, first)
        # Longer than the 3 s after which the unpatched mock left the loader.
        time.sleep(server._FLASH_END_IDLE_SEC + 1)
        _write_compressed(esp, 0x20000, second)
        return esp.flash_md5sum(0x10000, len(first)), esp.flash_md5sum(0x20000, len(second))

    md5_first, md5_second = session._with_session(two_writes_far_apart)
    assert md5_first == hashlib.md5(first).hexdigest()
    assert md5_second == hashlib.md5(second).hexdigest()


def test_end_leaves_loader_follows_the_stub_protocol():
    reboot, stay = struct.pack("<I", 0), struct.pack("<I", 1)
    assert server._end_leaves_loader(reboot, stub=True)
    assert not server._end_leaves_loader(stay, stub=True)
    assert server._end_leaves_loader(stay, stub=False)      # the ROM leaves anyway


def test_read_flash_waits_for_a_late_acknowledgement(mock_bootloader):
    url = mock_bootloader("esp32")
    data = bytes(range(256)) * 48                           # 3 packets of 4 KB
    session = MockFlash(url)

    def slow_reader(esp):
        _write_compressed(esp, 0x30000, data)
        esp.check_command("read flash", esp.ESP_CMDS["READ_FLASH"],
                          struct.pack("<IIII", 0x30000, len(data), 4096, 1))
        got = b""
        while len(got) < len(data):
            got += esp.read()
            time.sleep(0.5)                                 # ten times the mock's poll interval
            esp.write(struct.pack("<I", len(got)))
        return got, esp.read()

    got, digest = session._with_session(slow_reader)
    assert got == data
    assert digest == hashlib.md5(data).digest()
