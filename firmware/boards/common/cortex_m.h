/* Cortex-M system registers used by the board support (ARMv7-M / ARMv8-M mainline). */
#ifndef HIL_CORTEX_M_H
#define HIL_CORTEX_M_H
#include <stdint.h>

#define HIL_REG32(addr) (*(volatile uint32_t *)(addr))

#define SYST_CSR HIL_REG32(0xE000E010u)
#define SYST_RVR HIL_REG32(0xE000E014u)
#define SYST_CVR HIL_REG32(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1 = processor clock (required on QEMU's mps3-an547) */

#define NVIC_ISER(n) HIL_REG32(0xE000E100u + 4u * (n))
#define NVIC_ICPR(n) HIL_REG32(0xE000E280u + 4u * (n))

#define SCB_ICSR HIL_REG32(0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SCB_VTOR HIL_REG32(0xE000ED08u)
#define SCB_AIRCR HIL_REG32(0xE000ED0Cu)
#define SCB_SHCSR HIL_REG32(0xE000ED24u)
#define SCB_CFSR HIL_REG32(0xE000ED28u)
#define SCB_HFSR HIL_REG32(0xE000ED2Cu)
#define SCB_MMFAR HIL_REG32(0xE000ED34u)
#define SCB_BFAR HIL_REG32(0xE000ED38u)
#define SCB_CPACR HIL_REG32(0xE000ED88u)

#define DEMCR HIL_REG32(0xE000EDFCu)
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL HIL_REG32(0xE0001000u)
#define DWT_CYCCNT HIL_REG32(0xE0001004u)
#define DWT_LAR HIL_REG32(0xE0001FB0u)

static inline void hil_irq_enable(unsigned irq) { NVIC_ISER(irq / 32u) = 1u << (irq % 32u); }
static inline void hil_irq_clear_pending(unsigned irq) { NVIC_ICPR(irq / 32u) = 1u << (irq % 32u); }

static inline uint32_t hil_disable_irq(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void hil_restore_irq(uint32_t primask)
{
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* Board hooks called by the common startup code. */
void hil_board_init(void);
void hil_board_irq(unsigned irq); /* external interrupt `irq` fired */
/* Sleep until an interrupt is pending unless `ready()` already holds; race-free. */
void hil_sleep_unless(int (*ready)(void));

/* Cycle counter selection, done once by hil_board_init(). */
void hil_counter_setup(uint32_t counter_hz_if_systick);

#endif
