/*
 * jtest.h - helpers shared by the tests/json Criterion executables: read
 * events from inline JSON, and extract a field reference into a printable
 * string ("<NA>" when no value; several values joined with '|').
 */
#ifndef VG_JTEST_H
#define VG_JTEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_fields.h"
#include "json/json_source.h"

typedef struct jt {
  vg_json_reader *r;
  vg_json_event *ev;
  char *text; /* the input, owned */
  char out[65536];
} jt;

/* Opens a reader on a copy of doc and reads the first event. */
static inline jt *jt_open(const char *doc, vg_json_src force) {
  jt *t = calloc(1, sizeof *t);
  vg_json_reader_opts o = {force, 0, 0};
  cr_assert(t != NULL);
  t->text = strdup(doc);
  cr_assert(vg_json_reader_open_mem(t->text, strlen(t->text), "inline", &o,
                                    &t->r) == VIGIL_OK);
  cr_assert(vg_json_reader_next(t->r, &t->ev) == VIGIL_OK, "%s",
            vg_json_reader_error(t->r));
  cr_assert(t->ev != NULL, "no event in %s", doc);
  return t;
}

/* Moves to the next event (asserting there is one). */
static inline void jt_next(jt *t) {
  cr_assert(vg_json_reader_next(t->r, &t->ev) == VIGIL_OK, "%s",
            vg_json_reader_error(t->r));
  cr_assert(t->ev != NULL);
}

static inline void jt_close(jt *t) {
  vg_json_reader_free(t->r);
  free(t->text);
  free(t);
}

/* Renders the values of field reference ref on ev into buf. */
static inline const char *jt_render(const vg_json_event *ev, const char *ref,
                                    char *buf, size_t bufsz) {
  static vg_value vals[256];
  static uint8_t scratch[1 << 20];
  vg_json_out o = {vals, 256, 0, scratch, sizeof scratch, 0};
  vg_json_arg arg;
  int id;
  char err[256];
  cr_assert(vg_json_field_parse(ref, &id, &arg, err, sizeof err) == VIGIL_OK,
            "%s", err);
  vigil_status st = vg_json_extract(ev, id, &arg, &o);
  cr_assert(st == VIGIL_OK, "extract %s: %s", ref, vigil_status_str(st));
  if (o.n == 0) {
    snprintf(buf, bufsz, "<NA>");
    return buf;
  }
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < o.n; i++) {
    const vg_value *v = &vals[i];
    if (i && len + 1 < bufsz)
      buf[len++] = '|';
    if (v->type == VG_FT_UINT64) {
      len += (size_t)snprintf(buf + len, bufsz - len, "%llu",
                              (unsigned long long)v->v.u);
    } else {
      size_t n = v->v.s.n;
      if (n > bufsz - len - 1)
        n = bufsz - len - 1;
      memcpy(buf + len, v->v.s.p, n);
      len += n;
    }
    buf[len] = '\0';
  }
  return buf;
}

static inline const char *jt_f(jt *t, const char *ref) {
  return jt_render(t->ev, ref, t->out, sizeof t->out);
}

#define JT_EQ(t, ref, want)                                                    \
  do {                                                                         \
    const char *got_ = jt_f(t, ref);                                           \
    cr_expect_str_eq(got_, want, "%s: got '%s', want '%s'", ref, got_, want);  \
  } while (0)

/* Reads a whole file into memory (NULL when absent). */
static inline char *jt_slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, len = 0;
  char *b = malloc(cap + 1);
  for (;;) {
    size_t got = fread(b + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
    if (len == cap)
      b = realloc(b, (cap *= 2) + 1);
  }
  fclose(f);
  b[len] = '\0';
  if (n)
    *n = len;
  return b;
}

#define JT_EVENTS_DIR VIGIL_SHARED_DIR "/conformance/events"

#endif
