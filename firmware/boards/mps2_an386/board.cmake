# Arm MPS2 FPGA image AN386 (Cortex-M4F), as emulated by QEMU's -M mps2-an386.
set(HIL_CPU_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
set(HIL_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.c ${HIL_FIRMWARE_DIR}/boards/common/cmsdk_board.c
    ${HIL_FIRMWARE_DIR}/boards/common/cmsdk_uart.c)
set(HIL_LINKER_SCRIPT ${HIL_FIRMWARE_DIR}/boards/common/mps2.ld)
set(HIL_ARENA_BYTES 2097152)   # of the 4 MB SRAM
set(HIL_RX_CAPACITY 8200)      # 8192-byte payloads
