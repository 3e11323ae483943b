/* The few STM32F4 registers this port touches (RM0090 / RM0383 / RM0390). */
#ifndef HIL_STM32F4_H
#define HIL_STM32F4_H
#include <stdint.h>

#include "cortex_m.h"

#define RCC_BASE 0x40023800u
#define RCC_CR HIL_REG32(RCC_BASE + 0x00u)
#define RCC_PLLCFGR HIL_REG32(RCC_BASE + 0x04u)
#define RCC_CFGR HIL_REG32(RCC_BASE + 0x08u)
#define RCC_AHB1ENR HIL_REG32(RCC_BASE + 0x30u)
#define RCC_APB1ENR HIL_REG32(RCC_BASE + 0x40u)

#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIRDY (1u << 1)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_CFGR_SW_MASK 0x3u
#define RCC_CFGR_SW_PLL 0x2u
#define RCC_CFGR_SWS_MASK (0x3u << 2)
#define RCC_CFGR_SWS_PLL (0x2u << 2)
#define RCC_AHB1ENR_GPIOAEN (1u << 0)
#define RCC_APB1ENR_USART2EN (1u << 17)
#define RCC_APB1ENR_PWREN (1u << 28)

#define FLASH_ACR HIL_REG32(0x40023C00u)
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)

#define PWR_CR HIL_REG32(0x40007000u)
#define PWR_CR_VOS_SHIFT 14u

#define GPIOA_BASE 0x40020000u
#define GPIOA_MODER HIL_REG32(GPIOA_BASE + 0x00u)
#define GPIOA_OSPEEDR HIL_REG32(GPIOA_BASE + 0x08u)
#define GPIOA_PUPDR HIL_REG32(GPIOA_BASE + 0x0Cu)
#define GPIOA_AFRL HIL_REG32(GPIOA_BASE + 0x20u)
#define GPIOA_BSRR HIL_REG32(GPIOA_BASE + 0x18u)

#define USART2_BASE 0x40004400u
#define USART2_IRQ 38u
#define USART_SR HIL_REG32(USART2_BASE + 0x00u)
#define USART_DR HIL_REG32(USART2_BASE + 0x04u)
#define USART_BRR HIL_REG32(USART2_BASE + 0x08u)
#define USART_CR1 HIL_REG32(USART2_BASE + 0x0Cu)
#define USART_SR_ORE (1u << 3)
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TXE (1u << 7)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_UE (1u << 13)

#define DBGMCU_IDCODE HIL_REG32(0xE0042000u)

/* clock.c: the system clock and the APB1 clock (USART2's) it configured. */
typedef struct {
    uint32_t sysclk_hz;
    uint32_t pclk1_hz;
} hil_stm32_clocks;

hil_stm32_clocks hil_stm32_clock_init(void);

#endif
