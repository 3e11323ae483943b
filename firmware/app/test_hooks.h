/* Test-only defects, compiled into every firmware but inert unless a test build defines them
 * (pytest --hil-define, or hil.harness.build.build_firmware(defines=...)):
 *   HIL_TEST_FAULT_AT_INVOKE=N  the Nth invoke faults (kind HIL_TEST_FAULT_KIND: 1 = load from
 *                               an address with no memory behind it, a precise BusFault;
 *                               2 = an undefined instruction, a UsageFault; 3 = an integer
 *                               division by zero with DIV_0_TRP set, a UsageFault)
 *   HIL_TEST_HANG_AT_INVOKE=N   the Nth invoke never returns (an infinite loop)
 *   HIL_TEST_WATCHDOG_TICKS=T   (with one of the above, mps2 boards only) arm the CMSDK watchdog
 *                               for T ticks of the 25 MHz clock around every invoke; on expiry
 *                               its NMI makes the fault handler report where the firmware hung
 * They let the harness's fault triage and hang detection be tested against real firmware. */
#ifndef HIL_TEST_HOOKS_H
#define HIL_TEST_HOOKS_H
#include "hil_engine.h"

/* The engine the agent should drive: `engine` itself, or a wrapper when a test defect is set. */
const hil_engine *hil_test_engine(const hil_engine *engine);

#endif
