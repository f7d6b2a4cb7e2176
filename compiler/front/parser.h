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
#include <stdint.h>

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
 * Like vg_parse_condition with an explicit depth cap (libsinsp's parser
 * default is 100, Falco's rule loader uses VG_PARSE_MAX_DEPTH) and the
 * parser's final position: on success *end (if not NULL) is the position
 * just past the text, as libsinsp's parser::get_pos() after parse().
 */
vigil_status vg_parse_condition_ex(vg_arena *a, const char *text, size_t len,
                                   uint32_t max_depth, vg_node **out,
                                   vg_pos *end, vg_parse_error *err);

/*
 * Parses the longest prefix of text[0..len) that is a field reference or a
 * transformer call (no val()), as needed for output format tokens (9.1):
 * on success *out is the operand node and *consumed the bytes used.
 * Used by the output validator, which tries successively shorter prefixes.
 * Like libsinsp's parse_field_or_transformer: no leading blanks, nothing
 * required after the operand, errors "unexpected token after '<tok>" (sic,
 * no closing quote), depth cap 100 (the formatter's parser default).
 */
vigil_status vg_parse_operand(vg_arena *a, const char *text, size_t len,
                              vg_node **out, size_t *consumed,
                              vg_parse_error *err);

#endif
