"""Which console can stop a computing guest with Ctrl-C on each ESP32 board.

The module's poll timer (port/esp32/wasm_port_esp32.c) acts on the pending
KeyboardInterrupt that a console driver raises with
mp_sched_keyboard_interrupt(). In MicroPython 1.25's esp32 port the UART and
USB Serial/JTAG drivers do that from their interrupt handlers; TinyUSB's CDC
does it in tud_cdc_rx_cb, run by the TinyUSB task that the scheduler runs
(shared/tinyusb/mp_usbd.c), which never happens while a guest computes. These
tests read the board files and MicroPython's own sources to decide which
consoles each board gets, and check that all of them are interrupt-driven."""

import re

import pytest

from scripts import esp32, paths

PORT = esp32.ESP32_PORT
# ESP-IDF 5.2 soc_caps.h: SOC_USB_OTG_SUPPORTED, SOC_USB_SERIAL_JTAG_SUPPORTED.
USB_OTG_CHIPS = {"esp32s2", "esp32s3"}
USB_SERIAL_JTAG_CHIPS = {"esp32s3", "esp32c3", "esp32c6"}

needs_port = pytest.mark.skipif(not (PORT / "mpconfigport.h").exists(),
                                reason="needs MicroPython's esp32 port (make setup)")


def function_calling(source, callee):
    """Names of the C functions in `source` whose body calls `callee`."""
    names, current, depth = set(), None, 0
    for line in source.splitlines():
        m = re.match(r"^(?:static\s+)?(?:\w+\s+)*?(\w+)\s*\([^;]*\)\s*\{\s*$", line)
        starts = depth == 0 and m is not None
        if starts:
            current = m.group(1)
        depth += line.count("{") - line.count("}")
        if current and not starts and re.search(rf"\b{callee}\s*\(", line):
            names.add(current)
        if depth == 0:
            current = None
    return names


def header_define(board, name):
    m = re.search(rf"^#define {name}\s+\((\d)\)", (board.dir / "mpconfigboard.h").read_text(), re.M)
    return None if m is None else m.group(1) == "1"


def consoles(board):
    """The REPL drivers MicroPython 1.25 builds for the board (the defaults
    of ports/esp32/mpconfigport.h and uart.h, unless the board header sets them)."""
    usbdev = header_define(board, "MICROPY_HW_ENABLE_USBDEV")
    usb_cdc = (board.chip in USB_OTG_CHIPS) if usbdev is None else usbdev
    usj = board.chip in USB_SERIAL_JTAG_CHIPS and not usb_cdc
    uart = header_define(board, "MICROPY_HW_ENABLE_UART_REPL")
    uart = (not usb_cdc and not usj) if uart is None else uart
    return {name for name, on in (("tinyusb-cdc", usb_cdc), ("usb-serial-jtag", usj), ("uart", uart)) if on}


@needs_port
def test_the_console_rules_are_micropythons():
    config = (PORT / "mpconfigport.h").read_text()
    assert re.search(r"#define MICROPY_HW_ENABLE_USBDEV\s+\(SOC_USB_OTG_SUPPORTED\)", config)
    assert re.search(r"#define MICROPY_HW_USB_CDC\s+\(MICROPY_HW_ENABLE_USBDEV\)", config)
    assert re.search(r"#define MICROPY_HW_ESP_USB_SERIAL_JTAG\s+"
                     r"\(SOC_USB_SERIAL_JTAG_SUPPORTED && !MICROPY_HW_USB_CDC\)", config)
    assert re.search(r"#define MICROPY_HW_ENABLE_UART_REPL \(!MICROPY_HW_USB_CDC && "
                     r"!MICROPY_HW_ESP_USB_SERIAL_JTAG\)", (PORT / "uart.h").read_text())
    # TinyUSB is compiled for the S2/S3 unless the board turns it off.
    common = (PORT / "esp32_common.cmake").read_text()
    assert re.search(r"if\(NOT DEFINED MICROPY_PY_TINYUSB\)\s+if\(CONFIG_IDF_TARGET_ESP32S2 OR "
                     r"CONFIG_IDF_TARGET_ESP32S3\)\s+set\(MICROPY_PY_TINYUSB ON\)", common)


@needs_port
def test_where_each_console_driver_sees_ctrl_c():
    uart = (PORT / "uart.c").read_text()
    assert function_calling(uart, "mp_sched_keyboard_interrupt") == {"uart_irq_handler"}
    assert re.search(r"esp_intr_alloc\([^;]*uart_irq_handler", uart, re.S)
    usj = (PORT / "usb_serial_jtag.c").read_text()
    assert function_calling(usj, "mp_sched_keyboard_interrupt") == {"usb_serial_jtag_handle_rx"}
    assert function_calling(usj, "usb_serial_jtag_handle_rx") >= {"usb_serial_jtag_isr_handler"}
    assert re.search(r"esp_intr_alloc\([^;]*usb_serial_jtag_isr_handler", usj, re.S)
    # TinyUSB: only from the CDC receive callback, run by the TinyUSB task,
    # which the USB interrupt merely schedules.
    tinyusb = paths.MICROPYTHON / "shared" / "tinyusb"
    cdc = (tinyusb / "mp_usbd_cdc.c").read_text()
    assert function_calling(cdc, "mp_sched_keyboard_interrupt") == {"tud_cdc_rx_cb"}
    usbd = (tinyusb / "mp_usbd.c").read_text()
    assert function_calling(usbd, "mp_sched_schedule_node") == {"mp_usbd_schedule_task"}
    assert function_calling(usbd, "mp_usbd_schedule_task") == {"__wrap_dcd_event_handler"}


@pytest.mark.parametrize("board_name", esp32.BOARDS)
def test_every_board_console_can_stop_a_computing_guest(board_name):
    board = esp32.load_board(board_name)
    found = consoles(board)
    assert "tinyusb-cdc" not in found, f"{board_name}: TinyUSB CDC cannot stop a computing guest"
    assert found == {"uart", "usb-serial-jtag"} if board.chip in USB_SERIAL_JTAG_CHIPS else {"uart"}
    if board.chip in USB_OTG_CHIPS:
        # Without TinyUSB's C code (USBDEV 0), its sources and the
        # --wrap=dcd_event_handler link option must go too.
        assert esp32.cmake_sets((board.dir / "mpconfigboard.cmake").read_text())["MICROPY_PY_TINYUSB"] == ["OFF"]
        assert not any(f.name == "sdkconfig.usb" for f in board.sdkconfig_fragments)
    comments = " ".join(line[2:].strip() for line in
                        (board.dir / "mpconfigboard.h").read_text().splitlines() if line.startswith("//"))
    assert "Ctrl-C stops a running wasm guest" in comments or "Ctrl-C on either stops a running wasm guest" in comments
