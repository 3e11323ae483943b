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

#include "thumb_decode.h"

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
