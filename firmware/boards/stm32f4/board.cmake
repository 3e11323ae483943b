# STM32F4 (Cortex-M4F): NUCLEO-F4xx / STM32F4-Discovery boards, QEMU netduinoplus2 (STM32F405),
# Renode stm32f4_discovery-kit (STM32F407). USART2 at 115200 baud, core clock from clock.c.
set(HIL_CPU_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
set(HIL_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.c ${CMAKE_CURRENT_LIST_DIR}/clock.c
    ${CMAKE_CURRENT_LIST_DIR}/usart.c)
set(HIL_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/board.ld)
# 128 KB of SRAM = arena + RX frame buffer + 8 KB stack + the rest of .bss (about 3 KB).
set(HIL_ARENA_BYTES 110592)    # 108 KB
set(HIL_RX_CAPACITY 4104)      # 4096-byte payloads
