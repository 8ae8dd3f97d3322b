"""Reading the structure of WebAssembly binaries (host side)."""


def read_leb(data, pos):
    """An unsigned LEB128 at data[pos]: (value, position after it)."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def sections(data):
    """[(id, body start, body end)] of a wasm binary's sections."""
    out, pos = [], 8
    while pos < len(data):
        kind = data[pos]
        size, pos = read_leb(data, pos + 1)
        out.append((kind, pos, pos + size))
        pos += size
    return out
