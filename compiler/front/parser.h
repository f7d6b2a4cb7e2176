/*
 * parser.h - entry point of the condition-language front end (the re2c
 * lexer and bison parser in grammar/). Pure and reentrant: all state lives
 * in the call; any number of threads may parse at once.
 *
 * The whole text must be in memory; it need not be NUL-terminated (the
 * parser copies it with a sentinel into the arena).
 */
#ifndef VG_PARSER_H
#define VG_PARSER_H

#include <stddef.h>

#include "front/ast.h"
#include "vigil/status.h"

/* Falco's recursion cap (rules-language.md 7.3 note 7). */
#define VG_PARSE_MAX_DEPTH 1000

typedef struct vg_parse_error {
  char msg[512]; /* Falco's exact message text (7.10), NUL-terminated */
  vg_pos pos;    /* parser position where Falco reports the error */
} vg_parse_error;

/*
 * Parses one condition. On success returns VIGIL_OK and sets *out to the
 * root node (allocated in a). On a syntax error returns VIGIL_E_SYNTAX and
 * fills *err (message and position); VIGIL_E_LIMIT for the depth cap
 * (message "exceeded max depth limit of 1000" in *err);
 * VIGIL_E_NOMEM when the arena cannot grow. *out is untouched on failure.
 */
vigil_status vg_parse_condition(vg_arena *a, const char *text, size_t len,
                                vg_node **out, vg_parse_error *err);

/*
 * Parses the longest prefix of text[0..len) that is a field reference or a
 * transformer call (no val()), as needed for output format tokens (9.1):
 * on success *out is the operand node and *consumed the bytes used.
 * Used by the output validator, which tries successively shorter prefixes.
 */
vigil_status vg_parse_operand(vg_arena *a, const char *text, size_t len,
                              vg_node **out, size_t *consumed,
                              vg_parse_error *err);

#endif
