/* System clock: the PLL fed by the 16 MHz HSI, which every STM32F4 has (Nucleo boards have no
 * HSE crystal by default), up to the part's maximum without over-drive. The part is recognised
 * by DBGMCU_IDCODE; unknown IDs (emulators read 0 there) get the STM32F405/407 settings.
 *
 * Every wait on a ready flag is bounded: QEMU's netduinoplus2 models RCC as an unimplemented
 * device whose flags never set, so there the firmware stays on the HSI and says so. */
#include "stm32f4.h"

#define HSI_HZ 16000000u
#define READY_SPINS 200000u /* ~50 ms at 16 MHz; a real PLL locks within ~0.2 ms */

typedef struct {
    uint32_t sysclk_hz;
    uint32_t plln, pllp_bits, pllq; /* PLLM is 8: 2 MHz VCO input */
    uint32_t flash_ws;
    uint32_t ppre1_bits, ppre2_bits, apb1_div;
    uint32_t vos; /* PWR_CR VOS field value (bit 14 alone on F405/407) */
} clock_plan;

/* VCO = 2 MHz * N; SYSCLK = VCO / P (P bits 0 = /2); Q divides the VCO for USB (unused here). */
static const clock_plan PLAN_168 = {168000000u, 168u, 0u, 7u, 5u, 0x5u, 0x4u, 4u, 0x3u};
static const clock_plan PLAN_100 = {100000000u, 100u, 0u, 4u, 3u, 0x4u, 0x0u, 2u, 0x3u};

static const clock_plan *plan_for(uint32_t dev_id, uint32_t *vos_mask)
{
    *vos_mask = 0x3u;
    switch (dev_id) {
    case 0x419: /* F42x/F43x */
    case 0x421: /* F446 */
    case 0x434: /* F469/F479 */
        return &PLAN_168;
    case 0x431: /* F411 */
    case 0x458: /* F410 */
    case 0x441: /* F412 */
    case 0x463: /* F413/F423 */
        return &PLAN_100;
    default:    /* 0x413 F405/F407/F415/F417, and emulators */
        *vos_mask = 0x1u;
        return &PLAN_168;
    }
}

static int wait_set(volatile uint32_t *reg, uint32_t mask, uint32_t value)
{
    for (uint32_t i = 0; i < READY_SPINS; i++) {
        if ((*reg & mask) == value)
            return 1;
    }
    return 0;
}

hil_stm32_clocks hil_stm32_clock_init(void)
{
    const hil_stm32_clocks hsi = {HSI_HZ, HSI_HZ};
    uint32_t vos_mask;
    const clock_plan *p = plan_for(DBGMCU_IDCODE & 0xFFFu, &vos_mask);

    RCC_CR |= RCC_CR_HSION;
    if (!wait_set(&RCC_CR, RCC_CR_HSIRDY, RCC_CR_HSIRDY))
        return hsi;
    RCC_APB1ENR |= RCC_APB1ENR_PWREN;
    (void)RCC_APB1ENR; /* the enable takes effect after a read-back */
    PWR_CR = (PWR_CR & ~(vos_mask << PWR_CR_VOS_SHIFT)) | ((p->vos & vos_mask) << PWR_CR_VOS_SHIFT);

    RCC_CR &= ~RCC_CR_PLLON;
    /* PLLSRC = HSI; bits 28-31 keep their reset value (PLLR on F446/F469, reserved elsewhere). */
    RCC_PLLCFGR = (RCC_PLLCFGR & 0xF0000000u) | 8u | (p->plln << 6) | (p->pllp_bits << 16) | (p->pllq << 24);
    RCC_CR |= RCC_CR_PLLON;
    if (!wait_set(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY))
        return hsi; /* no PLL (emulated RCC): keep running from the HSI */

    /* Wait states first, then the bus prescalers, then switch. */
    FLASH_ACR = p->flash_ws | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN;
    (void)FLASH_ACR;
    RCC_CFGR = (RCC_CFGR & ~((0xFu << 4) | (0x7u << 10) | (0x7u << 13)))
               | (p->ppre1_bits << 10) | (p->ppre2_bits << 13);
    RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLL;
    if (!wait_set(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL)) {
        RCC_CFGR &= ~(RCC_CFGR_SW_MASK | (0x7u << 10) | (0x7u << 13));
        return hsi;
    }
    return (hil_stm32_clocks){p->sysclk_hz, p->sysclk_hz / p->apb1_div};
}
