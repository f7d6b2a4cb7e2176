/*
 * test_util.c - arena, buffer and allocation-hook tests.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"

Test(arena, zeroed_and_aligned) {
  vg_arena a;
  vg_arena_init(&a);
  for (int i = 1; i < 5000; i += 7) {
    unsigned char *p = vg_arena_alloc(&a, (size_t)i);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % _Alignof(max_align_t), 0);
    for (int j = 0; j < i; j++)
      cr_assert_eq(p[j], 0);
    memset(p, 0xab, (size_t)i);
  }
  vg_arena_fini(&a);
  cr_assert_null(a.head);
}

Test(arena, big_blocks_and_strings) {
  vg_arena a;
  vg_arena_init(&a);
  char *s = vg_arena_strndup(&a, "hello\0world", 11);
  cr_assert_eq(memcmp(s, "hello\0world", 12), 0);
  void *big = vg_arena_alloc(&a, 3u << 20);
  cr_assert_not_null(big);
  char *t = vg_arena_strdup(&a, "after");
  cr_assert_str_eq(t, "after");
  cr_assert_null(vg_arena_alloc(&a, SIZE_MAX - 8));
  vg_arena_fini(&a);
}

Test(buf, append_printf_take) {
  vg_buf b;
  vg_buf_init(&b);
  cr_assert_str_eq(vg_buf_str(&b), "");
  for (int i = 0; i < 1000; i++)
    vg_buf_printf(&b, "%d,", i);
  vg_buf_append(&b, "\0x", 2);
  cr_assert_not(vg_buf_failed(&b));
  cr_assert_eq(strncmp(b.ptr, "0,1,2,", 6), 0);
  size_t len;
  char *p = vg_buf_take(&b, &len);
  cr_assert_eq(p[len - 2], '\0');
  cr_assert_eq(p[len - 1], 'x');
  vg_free(p);
  cr_assert_null(b.ptr);
  vg_buf_fini(&b);
}

Test(alloc, failure_injection_is_sticky_in_buf) {
  vg_buf b;
  vg_buf_init(&b);
  vg_alloc_fail_after(0);
  cr_assert_not(vg_buf_puts(&b, "x"));
  vg_alloc_fail_after(-1);
  cr_assert(vg_buf_failed(&b));
  cr_assert_not(vg_buf_puts(&b, "y"));
  cr_assert_null(vg_buf_take(&b, NULL));
  vg_buf_fini(&b);
}

Test(alloc, arena_reports_oom) {
  vg_arena a;
  vg_arena_init(&a);
  vg_alloc_fail_after(0);
  cr_assert_null(vg_arena_alloc(&a, 10));
  vg_alloc_fail_after(-1);
  cr_assert_not_null(vg_arena_alloc(&a, 10));
  vg_arena_fini(&a);
}
