# The LVGL sources the firmware compiles: every .c file of these directories
# of the LVGL tree (not recursive). Directories of backends, libraries and
# widgets that lv_conf/ switches off are left out, which keeps the build
# short; a file of a listed directory whose feature is off compiles to
# nothing. micropython.cmake has the same list (host_tests check it).
LVGL_SRC_DIRS := \
	src \
	src/core \
	src/display \
	src/draw \
	src/draw/convert \
	src/draw/sw \
	src/draw/sw/blend \
	src/font \
	src/font/fmt_txt \
	src/indev \
	src/layouts \
	src/layouts/flex \
	src/layouts/grid \
	src/libs/bin_decoder \
	src/misc \
	src/misc/cache \
	src/misc/cache/class \
	src/misc/cache/instance \
	src/osal \
	src/stdlib \
	src/stdlib/builtin \
	src/stdlib/clib \
	src/themes \
	src/themes/default \
	src/themes/simple \
	src/tick \
	src/widgets/arc \
	src/widgets/bar \
	src/widgets/button \
	src/widgets/buttonmatrix \
	src/widgets/calendar \
	src/widgets/canvas \
	src/widgets/chart \
	src/widgets/checkbox \
	src/widgets/dropdown \
	src/widgets/image \
	src/widgets/keyboard \
	src/widgets/label \
	src/widgets/led \
	src/widgets/line \
	src/widgets/list \
	src/widgets/msgbox \
	src/widgets/roller \
	src/widgets/scale \
	src/widgets/slider \
	src/widgets/span \
	src/widgets/spinner \
	src/widgets/switch \
	src/widgets/table \
	src/widgets/tabview \
	src/widgets/textarea \
	demos \
	demos/render \
	demos/render/assets \
	demos/widgets \
	demos/widgets/assets
