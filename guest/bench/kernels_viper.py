# The benchmark kernels for MicroPython's viper emitter: the algorithms of
# kernels.py with machine-word ints and raw pointers into bytearrays, as
# viper code is written (floats stay Python objects in viper).
import micropython


@micropython.viper
def _fib(n: int) -> int:
    if n < 2:
        return n
    return int(_fib(n - 1)) + int(_fib(n - 2))


@micropython.viper
def fib(n: int) -> int:
    return int(_fib(n))


_crc_table = bytearray(256 * 4)
_crc_buf = bytearray(1024)


@micropython.viper
def crc32(n: int) -> uint:
    table = ptr32(_crc_table)
    buf = ptr8(_crc_buf)
    poly = uint(0xEDB88320)
    for i in range(256):
        c = uint(i)
        for _ in range(8):
            if c & 1:
                c = poly ^ (c >> 1)
            else:
                c = c >> 1
        table[i] = c
    x = 1
    for i in range(1024):
        x = (x * 75 + 74) % 65537
        buf[i] = x & 0xFF
    ones = uint(0xFFFFFFFF)
    crc = ones
    for _ in range(n):
        for i in range(1024):
            crc = uint(table[(crc ^ uint(buf[i])) & 0xFF]) ^ (crc >> 8)
    return crc ^ ones


_MM = const(24)
_mm_a = bytearray(_MM * _MM * 4)
_mm_b = bytearray(_MM * _MM * 4)


@micropython.viper
def matmul(n: int) -> uint:
    a = ptr32(_mm_a)
    b = ptr32(_mm_b)
    total = 0
    for r in range(n):
        for i in range(_MM):
            for j in range(_MM):
                a[i * _MM + j] = (i * 3 + j + r) & 15
                b[i * _MM + j] = (i ^ (j * 5) ^ r) & 15
        for i in range(_MM):
            for j in range(_MM):
                s = 0
                for k in range(_MM):
                    s += a[i * _MM + k] * b[k * _MM + j]
                total += s
    return uint(total)


@micropython.viper
def mandel(n: int) -> int:
    total = 0
    for r in range(n):
        ox = r & 7
        oy = (r >> 3) & 7
        for y in range(32):
            ci = float(y - 16 + oy) / 16.0
            for x in range(40):
                cr = float(x - 30 + ox) / 16.0
                zr = 0.0
                zi = 0.0
                it = 0
                while it < 32:
                    zr2 = zr * zr
                    zi2 = zi * zi
                    if zr2 + zi2 > 4.0:
                        break
                    zi = 2.0 * zr * zi + ci
                    zr = zr2 - zi2 + cr
                    it += 1
                total += it
    return total


_sieve_flags = bytearray(8192)


@micropython.viper
def sieve(n: int) -> int:
    flags = ptr8(_sieve_flags)
    total = 0
    for r in range(n):
        limit = 8192 - (r & 7)
        for i in range(limit):
            flags[i] = 1
        count = 0
        for i in range(2, limit):
            if flags[i]:
                count += 1
                j = i + i
                while j < limit:
                    flags[j] = 0
                    j += i
        total += count
    return total


_qs_a = bytearray(512 * 4)


@micropython.viper
def _quicksort(buf, lo: int, hi: int):
    a = ptr32(buf)
    while lo < hi:
        pivot = a[(lo + hi) >> 1]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                i += 1
                j -= 1
        _quicksort(buf, lo, j)
        lo = i


@micropython.viper
def qsort(n: int) -> int:
    buf = _qs_a
    a = ptr32(buf)
    total = 0
    x = 7
    for _ in range(n):
        for i in range(512):
            x = (x * 75 + 74) % 65537
            a[i] = x
        _quicksort(buf, 0, 511)
        i = 0
        while i < 512:
            total += a[i] ^ i
            i += 8
    return total
