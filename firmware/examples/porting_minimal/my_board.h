/* Stands for the board support of YOUR existing firmware: its UART driver and a timer. The
 * agent never calls these directly; hil_port_glue.c adapts them to agent/hil_port.h.
 * Here: Arm MPS2 AN386 (QEMU -M mps2-an386), CMSDK UART0 at 0x40004000, 25 MHz. */
#ifndef MY_BOARD_H
#define MY_BOARD_H
#include <stddef.h>
#include <stdint.h>

#define MY_BOARD_CPU_HZ 25000000u

void my_board_init(void);
void my_uart_putc(uint8_t c);
int my_uart_getc_nonblocking(void); /* -1 when nothing was received */
/* A free-running 64-bit count of processor cycles (SysTick plus its wrap interrupt). */
void my_cycle_counter_enable(int on);
uint64_t my_cycle_counter_now(void);

#endif
