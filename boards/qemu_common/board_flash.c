// The emulated boards' flash: a block device backed by a file on the
// emulator's host, reached through semihosting. Writes land in the host file
// at once, so the filesystem survives a reboot of the emulated board.
// Also the `board` module's table: ticks_us(), ticks_cpu(), cpu(),
// arena_info() and the XIP bus model's xip_bus() and xip_read().
//
// The image path is the second semihosting argument
// (-semihosting-config ...,arg=firmware,arg=/path/flash.img[,arg=PANEL]).

#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"
#include "extmod/vfs.h"
#include "qemu_board.h"
#include "modwasm.h"
#include "wasm_board.h"

#define FLASH_BLOCK_SIZE (4096)

// Word `index` (0: the program name) of the semihosting command line into
// `out`; false if there is none or it does not fit.
bool board_semihost_arg(int index, char *out, size_t size) {
    char cmdline[256];
    uint32_t args[2] = { (uint32_t)cmdline, sizeof(cmdline) };
    if (board_semihost_call(SEMIHOST_SYS_GET_CMDLINE, args) != 0) {
        return false;
    }
    cmdline[sizeof(cmdline) - 1] = '\0';
    const char *arg = cmdline;
    for (int i = 0;; i++) {
        arg += strspn(arg, " ");
        size_t len = strcspn(arg, " ");
        if (len == 0) {
            return false;
        }
        if (i == index) {
            if (len >= size) {
                return false;
            }
            memcpy(out, arg, len);
            out[len] = '\0';
            return true;
        }
        arg += len;
    }
}

typedef struct _board_flash_obj_t {
    mp_obj_base_t base;
    int handle;
    uint32_t block_count;
} board_flash_obj_t;

static const mp_obj_type_t board_flash_type;

static mp_obj_t board_flash_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 0, 0, false);
    char path[200];
    if (!board_semihost_arg(1, path, sizeof(path))) {
        strcpy(path, "flash.img");
    }
    uint32_t open_args[3] = { (uint32_t)path, SEMIHOST_MODE_RPLUSB, strlen(path) };
    int handle = (int)board_semihost_call(SEMIHOST_SYS_OPEN, open_args);
    if (handle < 0) {
        mp_raise_OSError(MP_ENOENT);
    }
    uint32_t flen_args[1] = { (uint32_t)handle };
    int len = (int)board_semihost_call(SEMIHOST_SYS_FLEN, flen_args);
    if (len < 2 * FLASH_BLOCK_SIZE) {
        uint32_t close_args[1] = { (uint32_t)handle };
        board_semihost_call(SEMIHOST_SYS_CLOSE, close_args);
        mp_raise_OSError(MP_EINVAL);
    }
    board_flash_obj_t *self = mp_obj_malloc(board_flash_obj_t, type);
    self->handle = handle;
    self->block_count = (uint32_t)len / FLASH_BLOCK_SIZE;
    return MP_OBJ_FROM_PTR(self);
}

// Reads or writes `buf` at byte offset `pos` of the image.
static void flash_transfer(board_flash_obj_t *self, uint32_t pos, mp_obj_t buf_in, bool write) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(buf_in, &buf, write ? MP_BUFFER_READ : MP_BUFFER_WRITE);
    if ((uint64_t)pos + buf.len > (uint64_t)self->block_count * FLASH_BLOCK_SIZE) {
        mp_raise_OSError(MP_EINVAL);
    }
    uint32_t seek_args[2] = { (uint32_t)self->handle, pos };
    if (board_semihost_call(SEMIHOST_SYS_SEEK, seek_args) != 0) {
        mp_raise_OSError(MP_EIO);
    }
    uint32_t rw_args[3] = { (uint32_t)self->handle, (uint32_t)buf.buf, buf.len };
    // Both calls return the number of bytes NOT transferred.
    if (board_semihost_call(write ? SEMIHOST_SYS_WRITE : SEMIHOST_SYS_READ, rw_args) != 0) {
        mp_raise_OSError(MP_EIO);
    }
}

static mp_obj_t board_flash_readblocks(size_t n_args, const mp_obj_t *args) {
    board_flash_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    uint32_t offset = n_args == 4 ? mp_obj_get_int(args[3]) : 0;
    flash_transfer(self, mp_obj_get_int(args[1]) * FLASH_BLOCK_SIZE + offset, args[2], false);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(board_flash_readblocks_obj, 3, 4, board_flash_readblocks);

static mp_obj_t board_flash_writeblocks(size_t n_args, const mp_obj_t *args) {
    board_flash_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    uint32_t offset = n_args == 4 ? mp_obj_get_int(args[3]) : 0;
    flash_transfer(self, mp_obj_get_int(args[1]) * FLASH_BLOCK_SIZE + offset, args[2], true);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(board_flash_writeblocks_obj, 3, 4, board_flash_writeblocks);

static mp_obj_t board_flash_ioctl(mp_obj_t self_in, mp_obj_t op_in, mp_obj_t arg_in) {
    board_flash_obj_t *self = MP_OBJ_TO_PTR(self_in);
    (void)arg_in;
    switch (mp_obj_get_int(op_in)) {
        case MP_BLOCKDEV_IOCTL_BLOCK_COUNT:
            return MP_OBJ_NEW_SMALL_INT(self->block_count);
        case MP_BLOCKDEV_IOCTL_BLOCK_SIZE:
            return MP_OBJ_NEW_SMALL_INT(FLASH_BLOCK_SIZE);
        default:
            // init, deinit, sync and erase need nothing: writes are direct.
            return MP_OBJ_NEW_SMALL_INT(0);
    }
}
static MP_DEFINE_CONST_FUN_OBJ_3(board_flash_ioctl_obj, board_flash_ioctl);

static const mp_rom_map_elem_t board_flash_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_readblocks), MP_ROM_PTR(&board_flash_readblocks_obj) },
    { MP_ROM_QSTR(MP_QSTR_writeblocks), MP_ROM_PTR(&board_flash_writeblocks_obj) },
    { MP_ROM_QSTR(MP_QSTR_ioctl), MP_ROM_PTR(&board_flash_ioctl_obj) },
};
static MP_DEFINE_CONST_DICT(board_flash_locals, board_flash_locals_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    board_flash_type, MP_QSTR_Flash, MP_TYPE_FLAG_NONE,
    make_new, board_flash_make_new,
    locals_dict, &board_flash_locals
    );

// ticks_us(): microseconds since boot (the port has no `time` module).
static mp_obj_t board_ticks_us(void) {
    return mp_obj_new_int_from_ull(mp_wasm_board_time_us());
}
static MP_DEFINE_CONST_FUN_OBJ_0(board_ticks_us_obj, board_ticks_us);

// ticks_cpu(): the CPU's cycle counter; under `-icount shift=0` it counts
// executed instructions (see README, "Counting instructions").
static mp_obj_t board_ticks_cpu_fn(void) {
    return mp_obj_new_int_from_ull(board_ticks_cpu());
}
static MP_DEFINE_CONST_FUN_OBJ_0(board_ticks_cpu_obj, board_ticks_cpu_fn);

// cpu(): the emulated CPU ("Cortex-M4F"; on RISC-V its ISA from misa, "rv32imc").
static mp_obj_t board_cpu(void) {
    char name[32];
    board_cpu_name(name, sizeof(name));
    return mp_obj_new_str(name, strlen(name));
}
static MP_DEFINE_CONST_FUN_OBJ_0(board_cpu_obj, board_cpu);

#if MICROPY_WASM_MMAP_ARENA_SIZE
// arena_info() -> (total, free, largest_free): the arena WAMR maps linear
// memory, AOT code and AOT data sections from on boards that keep them out
// of the pool (as the ESP32 boards' ESP-IDF heap does), measured as
// wasm.pool_info() measures the pool.
static mp_obj_t board_arena_info(void) {
    size_t info[3];
    mp_wasm_arena_info(&info[0], &info[1], &info[2]);
    mp_obj_t items[3];
    for (size_t i = 0; i < 3; i++) {
        items[i] = mp_obj_new_int_from_uint(info[i]);
    }
    return mp_obj_new_tuple(3, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(board_arena_info_obj, board_arena_info);
#endif

// xip_bus() and xip_read(): the XIP window's bus model (board_xip_report.c).
MP_DECLARE_CONST_FUN_OBJ_0(board_xip_bus_obj);
MP_DECLARE_CONST_FUN_OBJ_2(board_xip_read_obj);

static const mp_rom_map_elem_t board_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_board) },
    { MP_ROM_QSTR(MP_QSTR_ticks_us), MP_ROM_PTR(&board_ticks_us_obj) },
    { MP_ROM_QSTR(MP_QSTR_ticks_cpu), MP_ROM_PTR(&board_ticks_cpu_obj) },
    { MP_ROM_QSTR(MP_QSTR_cpu), MP_ROM_PTR(&board_cpu_obj) },
    #if MICROPY_WASM_MMAP_ARENA_SIZE
    { MP_ROM_QSTR(MP_QSTR_arena_info), MP_ROM_PTR(&board_arena_info_obj) },
    #endif
    { MP_ROM_QSTR(MP_QSTR_Flash), MP_ROM_PTR(&board_flash_type) },
    { MP_ROM_QSTR(MP_QSTR_xip_bus), MP_ROM_PTR(&board_xip_bus_obj) },
    { MP_ROM_QSTR(MP_QSTR_xip_read), MP_ROM_PTR(&board_xip_read_obj) },
};
static MP_DEFINE_CONST_DICT(board_module_globals, board_module_globals_table);

const mp_obj_module_t board_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&board_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_board, board_module);
