# Arm MPS3 FPGA image AN547 (Cortex-M55 with MVE/Helium and FPU), as emulated by QEMU's
# -M mps3-an547.
set(HIL_CPU_FLAGS -mcpu=cortex-m55 -mthumb -mfloat-abi=hard)
set(HIL_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.c ${HIL_FIRMWARE_DIR}/boards/common/cmsdk_board.c
    ${HIL_FIRMWARE_DIR}/boards/common/cmsdk_uart.c)
set(HIL_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/board.ld)
set(HIL_ARENA_BYTES 360448)    # 352 KB of the 512 KB DTCM
set(HIL_RX_CAPACITY 8200)      # 8192-byte payloads
# For the bus-fault test hook (app/test_hooks.c): QEMU's mps3-an547 maps DDR at 0x60000000-0xDFFFFFFF,
# where the mps2 boards have nothing; nothing is mapped between its SRAM (0x01000000-0x011FFFFF) and
# the secure alias of the ITCM at 0x10000000 (`info mtree` of QEMU 7.2).
set(HIL_TEST_BAD_ADDRESS 0x08000000u)
