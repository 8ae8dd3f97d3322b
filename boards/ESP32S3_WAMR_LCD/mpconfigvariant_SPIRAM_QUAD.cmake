# ESP32-S3 modules with quad-SPI PSRAM (e.g. N8R2): drop the octal PSRAM
# fragment of the default configuration.
list(REMOVE_ITEM SDKCONFIG_DEFAULTS boards/sdkconfig.spiram_oct)

list(APPEND MICROPY_DEF_BOARD
    MICROPY_HW_BOARD_NAME="ESP32-S3 module with WAMR, LCD and quad PSRAM"
)
