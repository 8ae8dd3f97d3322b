# The benchmark kernels in MicroPython, the same algorithms as the C files
# next to this one (see README.md). Run as bytecode; scripts/bench_build.py
# also writes kernels_native.py, this file with every `# emit` line turned
# into @micropython.native.


# emit
def _fib(n):
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


# emit
def fib(n):
    return _fib(n)


_crc_table = [0] * 256
_crc_buf = bytearray(1024)


# emit
def crc32(n):
    table = _crc_table
    buf = _crc_buf
    for i in range(256):
        c = i
        for _ in range(8):
            c = (0xEDB88320 ^ (c >> 1)) if c & 1 else c >> 1
        table[i] = c
    x = 1
    for i in range(1024):
        x = (x * 75 + 74) % 65537
        buf[i] = x & 0xFF
    crc = 0xFFFFFFFF
    for _ in range(n):
        for b in buf:
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


_MM = 24
_mm_a = [[0] * _MM for _ in range(_MM)]
_mm_b = [[0] * _MM for _ in range(_MM)]


# emit
def matmul(n):
    a = _mm_a
    b = _mm_b
    size = _MM
    total = 0
    for r in range(n):
        for i in range(size):
            ai = a[i]
            bi = b[i]
            for j in range(size):
                ai[j] = (i * 3 + j + r) & 15
                bi[j] = (i ^ (j * 5) ^ r) & 15
        for i in range(size):
            ai = a[i]
            for j in range(size):
                s = 0
                for k in range(size):
                    s += ai[k] * b[k][j]
                total += s
    return total & 0xFFFFFFFF


# emit
def mandel(n):
    total = 0
    for r in range(n):
        ox = r & 7
        oy = (r >> 3) & 7
        for y in range(32):
            ci = (y - 16 + oy) / 16.0
            for x in range(40):
                cr = (x - 30 + ox) / 16.0
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


# emit
def sieve(n):
    flags = _sieve_flags
    total = 0
    for r in range(n):
        limit = 8192 - (r & 7)
        for i in range(limit):
            flags[i] = 1
        count = 0
        for i in range(2, limit):
            if flags[i]:
                count += 1
                for j in range(i + i, limit, i):
                    flags[j] = 0
        total += count
    return total


_qs_a = [0] * 512


# emit
def _quicksort(a, lo, hi):
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
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        _quicksort(a, lo, j)
        lo = i


# emit
def qsort(n):
    a = _qs_a
    total = 0
    x = 7
    for _ in range(n):
        for i in range(512):
            x = (x * 75 + 74) % 65537
            a[i] = x
        _quicksort(a, 0, 511)
        for i in range(0, 512, 8):
            total += a[i] ^ i
    return total
