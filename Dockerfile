# ESP-IDF build of the ESP32 firmware.
#
# Skeleton: the ESP32 boards, partition tables and this build are the subject
# of a later issue ("ESP32 port"). The pinned sources are the ones of
# firmware/deps.lock.json; nothing here is used by `make test` yet.
FROM espressif/idf:v5.2.2
WORKDIR /project
COPY . /project
RUN echo "ESP32 build not implemented yet: see the ESP32 port issue" && exit 1
