/* QEMU TCG plugin: the dynamic instruction mix of a Thumb-2 guest by timing class, per measured
 * segment, for hil/estimate (docs/timing.md, "Estimated cycles").
 *
 * Why a plugin: QEMU already runs the real firmware, so the mix comes from the very execution the
 * virtual counts come from, deterministically (-icount), with no second engine to keep in step.
 * Each translated block is decoded once into class counts; its executions add them up.
 *
 * Arguments (name=value): out=FILE, window=ADDR (the entry of hil_port_sync: its calls open and
 * close the measured window, one pair per invoke), mark=ADDR (the entry of hil_counter_read: each
 * call starts a new segment), flash=LO:HI (addresses that live in the part's flash: code and
 * read-only data), iline/ilines and dline/dlines (bytes per line and lines of the instruction and
 * data caches in front of flash, fully associative LRU; 0 lines = none).
 * On each window close one record is appended to FILE: "window N", then N lines of class counts.
 *
 * The API header is not packaged in Debian: the few functions used are declared here from their
 * documented signatures (QEMU 7.2, plugin API version 1). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum { CB_NO_REGS = 0 };
enum { MEM_R = 1, MEM_RW = 3 };

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, void (*cb)(unsigned int, void *), int flags,
                                          void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
                                      void (*cb)(unsigned int, qemu_plugin_meminfo_t, uint64_t, void *), int flags,
                                      int rw, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *), void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);

/* Timing classes: keep in the order of CLASSES in hil/estimate/mix.py. */
enum {
    C_INSNS, C_ALU, C_SIMD, C_MUL, C_MAC, C_DSPMUL, C_MULL, C_DIV,
    C_LD, C_LDD, C_LDM, C_LDM_REGS, C_ST, C_STD, C_STM, C_STM_REGS,
    C_BR_TAKEN, C_BR_NOT_TAKEN, C_FP, C_FP_MAC, C_FP_DIV, C_FP_LDST, C_FP_LDST_REGS, C_MVE,
    C_FLASH_LD, C_SRAM_LD, C_DMISS, C_DMISS_SEQ, C_IMISS, C_IMISS_SEQ, N_CLASSES
};

enum { BR_NONE, BR_UNCOND, BR_COND };

typedef struct {
    uint64_t vaddr, fallthrough;
    uint32_t nbytes;
    uint8_t branch; /* how the block ends */
    uint32_t cls[N_CLASSES];
    uint8_t n_used, used[N_CLASSES]; /* the classes this block has: what an execution adds */
} block;

typedef struct {
    uint32_t line, lines, used;
    uint64_t *tags; /* most recent first */
    uint64_t last_miss;
} lru;

static FILE *out;
static uint64_t window_addr = ~0ull, mark_addr = ~0ull, flash_lo = 0, flash_hi = 0;
static lru icache, dcache;
static bool open_window;
static uint64_t (*slots)[N_CLASSES];
static size_t n_slots, cap_slots;
static const block *prev;

static bool in_flash(uint64_t a) { return a >= flash_lo && a < flash_hi; }

/* A miss fetches the line from flash; a miss on the line after the previous miss is sequential
 * (what a prefetcher can hide). Returns 0 hit, 1 random miss, 2 sequential miss. */
static int lru_access(lru *c, uint64_t addr)
{
    if (c->lines == 0)
        return 0;
    uint64_t tag = addr / c->line;
    for (uint32_t i = 0; i < c->used; i++) {
        if (c->tags[i] == tag) {
            memmove(&c->tags[1], &c->tags[0], i * sizeof tag);
            c->tags[0] = tag;
            return 0;
        }
    }
    if (c->used < c->lines)
        c->used++;
    memmove(&c->tags[1], &c->tags[0], (c->used - 1) * sizeof tag);
    c->tags[0] = tag;
    int kind = tag == c->last_miss + 1 ? 2 : 1;
    c->last_miss = tag;
    return kind;
}

static uint64_t *slot(void)
{
    if (n_slots > cap_slots) {
        size_t cap = cap_slots ? cap_slots * 2 : 64;
        while (cap < n_slots)
            cap *= 2;
        slots = realloc(slots, cap * sizeof *slots);
        memset(&slots[cap_slots], 0, (cap - cap_slots) * sizeof *slots);
        cap_slots = cap;
    }
    return slots[n_slots - 1];
}

static void flush_window(void)
{
    fprintf(out, "window %zu\n", n_slots);
    for (size_t s = 0; s < n_slots; s++) {
        for (int c = 0; c < N_CLASSES; c++)
            fprintf(out, c ? " %llu" : "%llu", (unsigned long long)slots[s][c]);
        fputc('\n', out);
    }
    fflush(out);
    memset(slots, 0, cap_slots * sizeof *slots);
}

static void tb_exec(unsigned int vcpu, void *userdata)
{
    const block *b = userdata;
    (void)vcpu;
    if (b->vaddr == window_addr) {
        open_window = !open_window;
        if (!open_window)
            flush_window();
        n_slots = open_window ? 1 : 0;
        prev = NULL;
        if (!open_window)
            return;
    }
    if (!open_window)
        return;
    uint64_t *s = slot();
    if (prev != NULL && prev->branch == BR_COND)
        s[b->vaddr == prev->fallthrough ? C_BR_NOT_TAKEN : C_BR_TAKEN]++;
    if (b->vaddr == mark_addr) {
        n_slots++;
        s = slot();
    }
    for (int i = 0; i < b->n_used; i++)
        s[b->used[i]] += b->cls[b->used[i]];
    if (in_flash(b->vaddr) && icache.line) {
        for (uint64_t a = b->vaddr / icache.line * icache.line; a < b->vaddr + b->nbytes; a += icache.line) {
            int miss = lru_access(&icache, a);
            if (miss)
                s[miss == 2 ? C_IMISS_SEQ : C_IMISS]++;
        }
    }
    prev = b;
}

static void mem_access(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *userdata)
{
    (void)vcpu;
    (void)userdata;
    if (!open_window || qemu_plugin_mem_is_store(info))
        return;
    uint64_t *s = slot();
    if (!in_flash(vaddr)) {
        s[C_SRAM_LD]++;
        return;
    }
    s[C_FLASH_LD]++;
    int miss = lru_access(&dcache, vaddr);
    if (miss)
        s[miss == 2 ? C_DMISS_SEQ : C_DMISS]++;
}

/* ---- Thumb-2 decoding into classes (ARMv7-M / ARMv8.1-M encodings) ---- */

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
        return d;                                                            /* shifted register */
    }
    if (op1 == 2) {
        if (!(h2 & 0x8000)) return d;                                        /* immediates */
        unsigned op = (h2 >> 12) & 7;
        if ((op & 5) == 0) {
            if ((h1 & 0x0380) != 0x0380) d.branch = BR_COND;                 /* B<cond>.W */
            return d;                                                        /* else MSR, MRS, hints */
        }
        if ((op & 5) == 1 || (op & 5) == 5) { d.branch = BR_UNCOND; return d; } /* B.W, BL */
        d.branch = BR_COND;                                                  /* v8.1-M WLS/DLS/LE */
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
        if ((h1 & 0x80) == 0 && (h2 & 0xf0) == 0) return d;                  /* shifts by register */
        d.cls = C_SIMD;
        return d;
    }
    if ((op2 & 0x78) == 0x30) {                                              /* multiply, MAC, USAD8 */
        unsigned o1 = (h1 >> 4) & 7, o2 = (h2 >> 4) & 3, ra = (h2 >> 12) & 0xf;
        if (o1 == 0) d.cls = (o2 == 0 && ra == 15) ? C_MUL : C_MAC;
        else if (o1 == 7) d.cls = C_SIMD;
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

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    block *b = calloc(1, sizeof *b);
    b->vaddr = qemu_plugin_tb_vaddr(tb);
    int it_left = 0;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        const uint8_t *p = qemu_plugin_insn_data(insn);
        size_t size = qemu_plugin_insn_size(insn);
        uint32_t h1 = p[0] | (uint32_t)p[1] << 8;
        decoded d = size == 4 ? decode32(h1, p[2] | (uint32_t)p[3] << 8) : decode16(h1);
        bool in_it = it_left > 0;
        if (in_it) it_left--;
        if (size == 2 && (h1 & 0xff00) == 0xbf00 && (h1 & 0xf)) {          /* IT: up to 4 conditional */
            it_left = 4 - __builtin_ctz(h1 & 0xf);
        }
        b->cls[C_INSNS]++;
        b->cls[d.cls]++;
        if (d.cls == C_LDM) b->cls[C_LDM_REGS] += d.regs;
        if (d.cls == C_STM) b->cls[C_STM_REGS] += d.regs;
        if (d.cls == C_FP_LDST) b->cls[C_FP_LDST_REGS] += d.regs;
        if (d.branch != BR_NONE) {
            b->branch = (in_it || d.branch == BR_COND) ? BR_COND : BR_UNCOND;
            if (b->branch == BR_UNCOND) b->cls[C_BR_TAKEN]++;
        }
        if (d.mem && flash_hi > flash_lo) /* no flash: every access costs the same, nothing to tell apart */
            qemu_plugin_register_vcpu_mem_cb(insn, mem_access, CB_NO_REGS, MEM_RW, NULL);
        b->nbytes = (uint32_t)(qemu_plugin_insn_vaddr(insn) + size - b->vaddr);
    }
    b->fallthrough = b->vaddr + b->nbytes;
    for (int c = 0; c < N_CLASSES; c++)
        if (b->cls[c])
            b->used[b->n_used++] = (uint8_t)c;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, CB_NO_REGS, b);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    if (out != NULL)
        fclose(out);
}

static void lru_init(lru *c, uint32_t line, uint32_t lines)
{
    c->line = lines ? line : 0;
    c->lines = line ? lines : 0;
    c->tags = calloc(lines ? lines : 1, sizeof *c->tags);
    c->last_miss = ~0ull - 1;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
    (void)info;
    const char *path = NULL;
    uint32_t iline = 0, ilines = 0, dline = 0, dlines = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "out=", 4)) path = a + 4;
        else if (!strncmp(a, "window=", 7)) window_addr = strtoull(a + 7, NULL, 0);
        else if (!strncmp(a, "mark=", 5)) mark_addr = strtoull(a + 5, NULL, 0);
        else if (!strncmp(a, "flash=", 6)) {
            char *end;
            flash_lo = strtoull(a + 6, &end, 0);
            flash_hi = *end == ':' ? strtoull(end + 1, NULL, 0) : flash_lo;
        } else if (!strncmp(a, "iline=", 6)) iline = (uint32_t)strtoul(a + 6, NULL, 0);
        else if (!strncmp(a, "ilines=", 7)) ilines = (uint32_t)strtoul(a + 7, NULL, 0);
        else if (!strncmp(a, "dline=", 6)) dline = (uint32_t)strtoul(a + 6, NULL, 0);
        else if (!strncmp(a, "dlines=", 7)) dlines = (uint32_t)strtoul(a + 7, NULL, 0);
        else {
            fprintf(stderr, "hil mix plugin: unknown argument %s\n", a);
            return -1;
        }
    }
    if (path == NULL || (out = fopen(path, "w")) == NULL) {
        fprintf(stderr, "hil mix plugin: cannot write out=%s\n", path ? path : "(missing)");
        return -1;
    }
    lru_init(&icache, iline, ilines);
    lru_init(&dcache, dline, dlines);
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
