/* Replay driver for compilers without libFuzzer: runs LLVMFuzzerTestOneInput once on each file
 * named on the command line (directories are not expanded). Each input gets a buffer of exactly
 * its size, as libFuzzer gives it, so ASan sees a read one byte past the end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!buf || got != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        free(buf);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int failures = 0, runs = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue; /* libFuzzer flags, accepted and ignored so both drivers share a command line */
        fprintf(stderr, "Running: %s\n", argv[i]);
        failures += run_file(argv[i]);
        runs++;
    }
    fprintf(stderr, "Executed %d inputs\n", runs);
    return failures ? 1 : 0;
}
