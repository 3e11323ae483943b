/* The flatbuffer reader's bounds on hand-built buffers. A vector whose declared length ends
 * exactly at the end of the buffer is read, one element more is refused (the length word itself,
 * 4 bytes, lies before the elements, so a bound that forgets it lets a vector run 4 bytes past
 * the model). A scalar field must lie inside its table as the vtable sizes it, and a vector
 * element index inside the vector. */
#include <stdint.h>
#include <string.h>

#include "fb_reader.h"
#include "hil_test.h"

enum { VECTOR_AT = 20, ELEMENTS_AT = 24, BUFFER_BYTES = 32 };

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* root -> table at 12 (vtable at 4, one field at +4) -> vector at 20 holding `len`; 8 bytes
 * of elements follow, up to the end of the buffer. */
static void build(uint8_t *buf, uint32_t len)
{
    memset(buf, 0, BUFFER_BYTES);
    put_u32(buf + 0, 12);                                  /* root table offset */
    buf[4] = 6, buf[6] = 8, buf[8] = 4;                    /* vtable: 6 bytes, table 8 bytes, field 0 at +4 */
    put_u32(buf + 12, 12 - 4);                             /* table's soffset back to the vtable */
    put_u32(buf + 16, VECTOR_AT - 16);                     /* field 0: uoffset to the vector */
    put_u32(buf + VECTOR_AT, len);
}

static int vector_reads(uint32_t len, uint32_t elem_size)
{
    uint8_t buf[BUFFER_BYTES];
    hil_fb fb;
    build(buf, len);
    hil_fb_init(&fb, buf, sizeof buf);
    hil_fb_table root = hil_fb_root(&fb);
    hil_fb_vec v = hil_fb_vector_at(&fb, &root, 0, elem_size);
    if (fb.error)
        return 0;
    CHECK_EQ_INT(v.pos, ELEMENTS_AT);
    return v.len == len;
}

static void test_vector_ending_at_the_buffer_end_is_read(void)
{
    CHECK(vector_reads(2, 4));
    CHECK(vector_reads(8, 1));
    CHECK(vector_reads(0, 4));
}

static void test_vector_one_element_past_the_end_is_refused(void)
{
    CHECK(!vector_reads(3, 4)); /* 12 bytes of elements in 8 */
    CHECK(!vector_reads(9, 1));
    CHECK(!vector_reads(12, 1)); /* would end exactly 4 bytes past the buffer */
    CHECK(!vector_reads(0xFFFFFFFFu, 4));
}

/* The same table with field 0 at `offset` inside a table the vtable says is `table_size` bytes. */
static uint32_t read_field0(uint32_t offset, uint32_t table_size, int *error)
{
    uint8_t buf[BUFFER_BYTES];
    hil_fb fb;
    build(buf, 0);
    buf[6] = (uint8_t)table_size;
    buf[8] = (uint8_t)offset;
    put_u32(buf + 12 + offset, 0x12345678u);
    hil_fb_init(&fb, buf, sizeof buf);
    hil_fb_table root = hil_fb_root(&fb);
    uint32_t value = hil_fb_u32(&fb, &root, 0, 7);
    *error = fb.error;
    return value;
}

static void test_scalar_field_inside_its_table_is_read(void)
{
    int error;
    CHECK_EQ_INT(read_field0(4, 8, &error), 0x12345678u);
    CHECK_EQ_INT(error, 0);
}

static void test_scalar_field_running_past_its_table_is_refused(void)
{
    int error;
    /* Bytes 6..9 of a table of 8: inside the buffer, but two bytes past the table's end. */
    CHECK_EQ_INT(read_field0(6, 8, &error), 7);
    CHECK_EQ_INT(error, 1);
}

static void test_vector_element_index_must_be_below_the_length(void)
{
    uint8_t buf[BUFFER_BYTES];
    hil_fb fb;
    build(buf, 2);
    put_u32(buf + ELEMENTS_AT, 11);
    put_u32(buf + ELEMENTS_AT + 4, 22);
    hil_fb_init(&fb, buf, sizeof buf);
    hil_fb_table root = hil_fb_root(&fb);
    hil_fb_vec v = hil_fb_vector_at(&fb, &root, 0, 4);
    CHECK_EQ_INT(hil_fb_vec_i32(&fb, v, 1), 22);
    CHECK_EQ_INT(fb.error, 0);
    v.len = 1; /* a one-element vector followed by other data: index 1 is not its element */
    CHECK_EQ_INT(hil_fb_vec_i32(&fb, v, 1), 0);
    CHECK_EQ_INT(fb.error, 1);
}

int main(void)
{
    test_vector_ending_at_the_buffer_end_is_read();
    test_vector_one_element_past_the_end_is_refused();
    test_scalar_field_inside_its_table_is_read();
    test_scalar_field_running_past_its_table_is_refused();
    test_vector_element_index_must_be_below_the_length();
    TEST_MAIN_END();
}
