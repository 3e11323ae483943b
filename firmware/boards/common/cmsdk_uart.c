#include "cmsdk_uart.h"

#include "cortex_m.h"

#define UART_DATA(u) HIL_REG32((u)->base + 0x00u)
#define UART_STATE(u) HIL_REG32((u)->base + 0x04u)
#define UART_CTRL(u) HIL_REG32((u)->base + 0x08u)
#define UART_INTCLEAR(u) HIL_REG32((u)->base + 0x0Cu)
#define UART_BAUDDIV(u) HIL_REG32((u)->base + 0x10u)

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define CTRL_TX_EN (1u << 0)
#define CTRL_RX_EN (1u << 1)
#define CTRL_RX_INT_EN (1u << 3)
#define INT_RX (1u << 1)

void hil_cmsdk_uart_init(const hil_cmsdk_uart *uart, uint32_t clock_hz, uint32_t baud)
{
    uint32_t div = clock_hz / baud;
    UART_BAUDDIV(uart) = div < 16u ? 16u : div; /* the UART requires a divider of at least 16 */
    /* The RX interrupt only wakes the core from WFI; the agent polls the data register. */
    UART_CTRL(uart) = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INT_EN;
}

void hil_cmsdk_uart_write(const hil_cmsdk_uart *uart, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (UART_STATE(uart) & STATE_TX_FULL)
            ;
        UART_DATA(uart) = data[i];
    }
}

int hil_cmsdk_uart_rx_ready(const hil_cmsdk_uart *uart)
{
    return (UART_STATE(uart) & STATE_RX_FULL) != 0;
}

int hil_cmsdk_uart_read(const hil_cmsdk_uart *uart)
{
    if (!hil_cmsdk_uart_rx_ready(uart))
        return -1;
    return (int)(UART_DATA(uart) & 0xFFu);
}

void hil_cmsdk_uart_ack_rx(const hil_cmsdk_uart *uart)
{
    UART_INTCLEAR(uart) = INT_RX;
}
