# Arm MPS2 FPGA image AN385 (Cortex-M3, no FPU), as emulated by QEMU's -M mps2-an385. The same
# memory map and CMSDK UART as AN386; soft-float ABI. Float models are refused for this board
# (hil/model/float_support.py check_fpu), so the engine is built without float kernels.
set(HIL_CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)
set(HIL_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.c ${HIL_FIRMWARE_DIR}/boards/common/cmsdk_board.c
    ${HIL_FIRMWARE_DIR}/boards/common/cmsdk_uart.c)
set(HIL_LINKER_SCRIPT ${HIL_FIRMWARE_DIR}/boards/common/mps2.ld)
set(HIL_ARENA_BYTES 2097152)   # of the 4 MB SRAM
set(HIL_RX_CAPACITY 8200)      # 8192-byte payloads
