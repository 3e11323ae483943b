/* Thumb-2 decoding into timing classes (ARMv7-M, ARMv7E-M DSP, ARMv8.1-M MVE and low-overhead
 * loops), shared by the QEMU plugin (mix_plugin.c) and its test against the disassembler
 * (tests/test_estimate_decode.py). */
#ifndef HIL_THUMB_DECODE_H
#define HIL_THUMB_DECODE_H
#include <stdbool.h>
#include <stdint.h>

/* Timing classes: keep in the order of CLASSES in hil/estimate/mix.py. */
enum {
    C_INSNS, C_ALU, C_SIMD, C_MUL, C_MAC, C_DSPMUL, C_MULL, C_DIV,
    C_LD, C_LDD, C_LDM, C_LDM_REGS, C_ST, C_STD, C_STM, C_STM_REGS,
    C_BR_TAKEN, C_BR_NOT_TAKEN, C_FP, C_FP_MAC, C_FP_DIV, C_FP_LDST, C_FP_LDST_REGS, C_MVE,
    C_FLASH_LD, C_SRAM_LD, C_DMISS, C_DMISS_SEQ, C_IMISS, C_IMISS_SEQ, N_CLASSES
};

enum { BR_NONE, BR_UNCOND, BR_COND };

typedef struct {
    int cls;
    int regs;   /* registers moved by LDM/STM/PUSH/POP/VLDM/VSTM */
    int branch; /* BR_* */
    bool mem;   /* reads or writes memory */
} decoded;

static int popcount16(uint32_t v) { return __builtin_popcount(v & 0xffff); }

static decoded decode16(uint32_t h)
{
    decoded d = {C_ALU, 0, BR_NONE, false};
    if ((h & 0xffc0) == 0x4340) { d.cls = C_MUL; return d; }                 /* MULS */
    if ((h & 0xff00) == 0x4700) { d.branch = BR_UNCOND; return d; }          /* BX, BLX */
    if ((h & 0xff87) == 0x4687) { d.branch = BR_UNCOND; return d; }          /* MOV pc, Rm */
    if ((h & 0xff87) == 0x4487) { d.branch = BR_UNCOND; return d; }          /* ADD pc, Rm */
    if ((h & 0xf800) == 0x4800) { d.cls = C_LD; d.mem = true; return d; }     /* LDR literal */
    if ((h & 0xf000) == 0x5000) {                                            /* register offset */
        d.cls = ((h >> 9) & 7) < 3 ? C_ST : C_LD; d.mem = true; return d;
    }
    if ((h & 0xe000) == 0x6000 || (h & 0xf000) == 0x8000 || (h & 0xf000) == 0x9000) {
        d.cls = (h & 0x0800) ? C_LD : C_ST; d.mem = true; return d;           /* imm, SP-relative */
    }
    if ((h & 0xfe00) == 0xb400) { d.cls = C_STM; d.regs = popcount16(h & 0x1ff); d.mem = true; return d; }
    if ((h & 0xfe00) == 0xbc00) {                                            /* POP */
        d.cls = C_LDM; d.regs = popcount16(h & 0x1ff); d.mem = true;
        if (h & 0x100) d.branch = BR_UNCOND;
        return d;
    }
    if ((h & 0xf500) == 0xb100) { d.branch = BR_COND; return d; }            /* CBZ, CBNZ */
    if ((h & 0xf000) == 0xc000) {                                            /* STM, LDM */
        d.cls = (h & 0x0800) ? C_LDM : C_STM; d.regs = popcount16(h & 0xff); d.mem = true; return d;
    }
    if ((h & 0xf000) == 0xd000 && (h & 0x0e00) != 0x0e00) { d.branch = BR_COND; return d; }
    if ((h & 0xf800) == 0xe000) { d.branch = BR_UNCOND; return d; }
    return d;
}

static decoded decode_coproc(uint32_t h1, uint32_t h2)
{
    decoded d = {C_MVE, 0, BR_NONE, false};
    unsigned cp = (h2 >> 8) & 0xf;
    if ((h1 & 0xef00) == 0xef00) return d;                                   /* MVE data processing */
    if (cp != 10 && cp != 11) {
        d.mem = (h1 & 0xee00) == 0xec00 && (h1 & 0x01a0) != 0;               /* MVE loads and stores */
        return d;
    }
    if ((h1 & 0xee00) == 0xec00 && (h1 & 0x01a0) != 0) {                     /* VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP */
        bool single = (h1 & 0x0120) == 0x0100;                               /* VLDR/VSTR: P=1, W=0 */
        d.cls = C_FP_LDST; d.mem = true;
        d.regs = single ? 1 : (int)((h2 & 0xff) >> (cp == 11 ? 1 : 0));
        return d;
    }
    d.cls = C_FP;
    if (cp == 11 && (h2 & 0x10) && (h1 & 0xef90) == 0xee80) {                /* VDUP: MVE */
        d.cls = C_MVE;
        return d;
    }
    if ((h1 & 0xef00) != 0xee00 || (h2 & 0x10)) return d;                    /* moves between register files */
    unsigned opc1 = (h1 >> 4) & 0xb;
    if (opc1 == 0 || opc1 == 1 || opc1 == 9 || opc1 == 10) d.cls = C_FP_MAC;
    else if (opc1 == 8) d.cls = C_FP_DIV;
    else if (opc1 == 0xb && (h1 & 0xf) == 1 && (h2 & 0xc0) == 0xc0) d.cls = C_FP_DIV; /* VSQRT */
    return d;
}

static decoded decode32(uint32_t h1, uint32_t h2)
{
    decoded d = {C_ALU, 0, BR_NONE, false};
    unsigned op1 = (h1 >> 11) & 3;
    if ((h1 & 0xec00) == 0xec00) return decode_coproc(h1, h2);
    if (op1 == 1) {
        if ((h1 & 0x0640) == 0x0000) {                                       /* LDM, STM */
            d.cls = (h1 & 0x10) ? C_LDM : C_STM; d.regs = popcount16(h2); d.mem = true;
            if ((h1 & 0x10) && (h2 & 0x8000)) d.branch = BR_UNCOND;
            return d;
        }
        if ((h1 & 0x0640) == 0x0040) {                                       /* dual, exclusive, table branch */
            unsigned o1 = (h1 >> 7) & 3, o2 = (h1 >> 4) & 3, o3 = (h2 >> 4) & 0xf;
            d.mem = true;
            if (o1 == 1 && o2 == 1 && o3 <= 1) { d.cls = C_LD; d.branch = BR_UNCOND; return d; }
            if ((o1 & 2) || (o2 & 2)) { d.cls = (o2 & 1) ? C_LDD : C_STD; return d; }
            d.cls = (o2 & 1) ? C_LD : C_ST;
            return d;
        }
        if (((h1 >> 5) & 0xf) == 6) d.cls = C_SIMD;                          /* PKHBT, PKHTB */
        return d;                                                            /* shifted register */
    }
    if (op1 == 2) {
        if (!(h2 & 0x8000)) {                                                /* immediates; SSAT16/USAT16 are DSP */
            unsigned op = (h1 >> 4) & 0x1f;
            if ((h1 & 0x0200) && (op == 0x12 || op == 0x1a) && (h2 & 0x70c0) == 0) d.cls = C_SIMD;
            return d;
        }
        unsigned op = (h2 >> 12) & 7;
        if ((op & 5) == 0) {
            if ((h1 & 0x0380) != 0x0380) d.branch = BR_COND;                 /* B<cond>.W */
            return d;                                                        /* else MSR, MRS, hints */
        }
        if ((op & 5) == 1 || (op & 5) == 5) { d.branch = BR_UNCOND; return d; } /* B.W, BL */
        /* ARMv8.1-M: WLS/WLSTP/LE/LETP branch; DLS/DLSTP/LCTP and branch-future hints do not; VCTP */
        if ((h1 & 0xff80) == 0xf000 && (h2 & 0xf001) == 0xc001) d.branch = BR_COND;
        else if ((h1 & 0xffc0) == 0xf000 && h2 == 0xe801) d.cls = C_MVE;
        return d;
    }
    /* op1 == 3 */
    unsigned op2 = (h1 >> 4) & 0x7f;
    if ((op2 & 0x71) == 0x00) { d.cls = C_ST; d.mem = true; return d; }      /* store single */
    if ((op2 & 0x67) == 0x01 || (op2 & 0x67) == 0x03 || (op2 & 0x67) == 0x05) {
        unsigned rt = (h2 >> 12) & 0xf;
        if (rt == 15 && (op2 & 0x67) != 0x05) return d;                      /* PLD, PLI */
        d.cls = C_LD; d.mem = true;
        if (rt == 15) d.branch = BR_UNCOND;                                  /* LDR pc */
        return d;
    }
    if ((op2 & 0x70) == 0x20) {                                              /* data processing (register) */
        unsigned o1 = (h1 >> 4) & 0xf, o2 = (h2 >> 4) & 0xf;
        if (o1 < 8 && (o2 & 8)) {                                            /* extends: the 16-bit-lane ones are DSP */
            if ((o1 & 0xe) == 2) d.cls = C_SIMD;
        } else if (o1 >= 8 && o2 < 8) {
            d.cls = C_SIMD;                                                  /* parallel add/subtract */
        } else if ((o1 & 0xc) == 8 && (o2 & 0xc) == 8) {                     /* QADD/QSUB/QDADD/QDSUB, SEL: DSP; */
            if (o1 == 8 || o1 == 10) d.cls = C_SIMD;                         /* REV, RBIT, CLZ: base */
        }
        return d;
    }
    if ((op2 & 0x78) == 0x30) {                                              /* multiply, MAC, USAD8 */
        unsigned o1 = (h1 >> 4) & 7, o2 = (h2 >> 4) & 3, ra = (h2 >> 12) & 0xf;
        if (o1 == 0) d.cls = (o2 == 0 && ra == 15) ? C_MUL : C_MAC;
        else if (o1 == 7) d.cls = C_SIMD;                                    /* USAD8, USADA8 */
        else d.cls = C_DSPMUL;
        return d;
    }
    if ((op2 & 0x78) == 0x38) {                                              /* long multiply, divide */
        unsigned o1 = (h1 >> 4) & 7;
        d.cls = (o1 == 1 || o1 == 3) ? C_DIV : C_MULL;
        return d;
    }
    return d;
}

#endif
