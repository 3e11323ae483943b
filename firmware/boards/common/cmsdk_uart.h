/* Arm CMSDK APB UART (MPS2 and MPS3 boards). */
#ifndef HIL_CMSDK_UART_H
#define HIL_CMSDK_UART_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t base;
} hil_cmsdk_uart;

/* Enables TX, RX and the RX interrupt; the board enables the NVIC line(s) it is wired to. */
void hil_cmsdk_uart_init(const hil_cmsdk_uart *uart, uint32_t clock_hz, uint32_t baud);
void hil_cmsdk_uart_write(const hil_cmsdk_uart *uart, const uint8_t *data, size_t len);
int hil_cmsdk_uart_read(const hil_cmsdk_uart *uart);
int hil_cmsdk_uart_rx_ready(const hil_cmsdk_uart *uart);
void hil_cmsdk_uart_ack_rx(const hil_cmsdk_uart *uart);

#endif
