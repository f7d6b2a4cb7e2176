/*
 * fuzz_condition.c - libFuzzer target for the condition front end (re2c
 * lexer + bison parser): parses arbitrary bytes as a condition and as an
 * output operand, prints the canonical form and clones the tree, then
 * frees the arena. It must never crash, hang, leak or print.
 * tests/fuzz/replay_main.c replays seeds/condition/ with it under gcc.
 */
#include <stddef.h>
#include <stdint.h>

#include "front/ast.h"
#include "front/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_arena a;
  vg_arena_init(&a);
  vg_buf b;
  vg_buf_init(&b);
  vg_node *root = NULL;
  vg_parse_error err;
  if (vg_parse_condition(&a, (const char *)data, size, &root, &err) ==
      VIGIL_OK) {
    vg_ast_print(&b, root);
    vg_node *c = vg_ast_clone(&a, root);
    (void)c;
  }
  size_t used = 0;
  if (vg_parse_operand(&a, (const char *)data, size, &root, &used, &err) ==
      VIGIL_OK) {
    vg_buf_reset(&b);
    vg_ast_print(&b, root);
  }
  vg_buf_fini(&b);
  vg_arena_fini(&a);
  return 0;
}
