/* USART2 on PA2 (TX) / PA3 (RX), alternate function 7: the ST-LINK virtual COM port of Nucleo
 * boards, Renode's sysbus.usart2 and QEMU netduinoplus2's second -serial.
 *
 * Received bytes are moved by the RXNE interrupt into a ring, so a byte is never lost while the
 * agent is busy, and the agent sleeps with WFI until the ring has data. When the ring is full
 * the interrupt is masked instead of dropping data: emulators then hold further bytes back
 * (QEMU delivers the next byte only once the data register was read). */
#include <stdint.h>

#include "hil_port.h"
#include "stm32f4.h"

#define RING_BYTES 512u /* a power of two */

static struct {
    volatile uint8_t data[RING_BYTES];
    volatile uint32_t head; /* written by the interrupt */
    volatile uint32_t tail; /* written by the agent */
} ring;

static void pins_init(void)
{
    RCC_AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
    RCC_APB1ENR |= RCC_APB1ENR_USART2EN;
    (void)RCC_APB1ENR; /* the enables take effect after a read-back */
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 4)) | (0xAu << 4);     /* PA2, PA3: alternate function */
    GPIOA_AFRL = (GPIOA_AFRL & ~(0xFFu << 8)) | (0x77u << 8);     /* AF7 = USART2 */
    GPIOA_OSPEEDR = (GPIOA_OSPEEDR & ~(0xFu << 4)) | (0xAu << 4); /* fast edges on TX */
    GPIOA_PUPDR = (GPIOA_PUPDR & ~(0x3u << 6)) | (0x1u << 6);     /* pull-up on RX: idle high */
}

void hil_stm32_usart_init(uint32_t pclk_hz, uint32_t baud)
{
    pins_init();
    USART_CR1 = 0;
    USART_BRR = (pclk_hz + baud / 2u) / baud; /* 16x oversampling: mantissa.fraction = pclk/baud */
    ring.head = ring.tail = 0;
    /* The receiver is on before the ready frame goes out: the host never sends before it. */
    USART_CR1 = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE;
    hil_irq_enable(USART2_IRQ);
}

void hil_stm32_usart_irq(void)
{
    uint32_t sr;
    while ((sr = USART_SR) & (USART_SR_RXNE | USART_SR_ORE)) {
        if (ring.head - ring.tail >= RING_BYTES) {
            USART_CR1 &= ~USART_CR1_RXNEIE; /* full: leave the byte in DR, resume when drained */
            return;
        }
        ring.data[ring.head % RING_BYTES] = (uint8_t)USART_DR; /* reading DR also clears ORE */
        ring.head++;
    }
}

void hil_port_write(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (!(USART_SR & USART_SR_TXE))
            ;
        USART_DR = data[i];
    }
}

int hil_port_read_byte(void)
{
    if (ring.tail == ring.head) {
        if (!(USART_CR1 & USART_CR1_RXNEIE))
            USART_CR1 |= USART_CR1_RXNEIE; /* drained after a full ring: take bytes again */
        return -1;
    }
    uint8_t byte = ring.data[ring.tail % RING_BYTES];
    ring.tail++;
    return byte;
}

static int rx_waiting(void) { return ring.tail != ring.head; }
void hil_port_wait_rx(void) { hil_sleep_unless(rx_waiting); }
