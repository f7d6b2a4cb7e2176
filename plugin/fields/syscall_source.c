/*
 * syscall_source.c - capture reader + syscall state + extractors behind
 * the vigil_event interface (see syscall_source.h). Bound fields own a
 * fixed value array and scratch area allocated at bind time; an epoch
 * counter marks which fields were already extracted for the current event.
 */
#include "fields/syscall_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/scap.h"
#include "sources/sysstate.h"

#define MAX_BOUND 4096
#define MAX_VALS 64
#define SCRATCH 8192

typedef struct bound {
  char name[96];
  vg_sysf_ref ref;
  vg_ftype type;  /* vg_sysf_type(&ref) */
  uint64_t epoch; /* event epoch of the memoised values */
  size_t n;
  vigil_status st;
  vg_value vals[MAX_VALS];
  uint8_t *scratch;
} bound;

struct vg_sys_source {
  vg_scap *r;
  vg_sysstate *st;
  vg_sys_accessor acc;
  uint64_t num;
  uint64_t epoch;
  bound *b;
  uint32_t nb, capb;
  vigil_event ev;
  vigil_event_ops ops;
  char err[600];
};

static vigil_status extract(void *ctx, uint32_t id, const vg_value **vals,
                            size_t *n) {
  vg_sys_source *s = ctx;
  if (id >= s->nb) {
    *n = 0;
    return VIGIL_E_INVAL;
  }
  bound *b = &s->b[id];
  if (b->epoch != s->epoch) {
    size_t used;
    b->st = vg_sysf_extract_as(&s->acc, &b->ref, b->type, b->vals, MAX_VALS,
                                &b->n, b->scratch, SCRATCH, &used);
    b->epoch = s->epoch;
  }
  *vals = b->vals;
  *n = b->st == VIGIL_OK ? b->n : 0;
  return b->st;
}

vigil_status vg_sys_source_open(const char *path, vg_sys_source **out,
                                char *err, size_t errlen) {
  vg_sys_source *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return VIGIL_E_NOMEM;
  }
  vigil_status st = vg_scap_open(path, &s->r, err, errlen);
  if (st != VIGIL_OK) {
    free(s);
    return st;
  }
  st = vg_sys_new(&s->st);
  if (st != VIGIL_OK) {
    vg_scap_close(s->r);
    free(s);
    snprintf(err, errlen, "out of memory");
    return st;
  }
  vg_sys_accessor_for_state(&s->acc, s->st);
  /* fd names from before each event only when a bound field needs them */
  vg_sys_track_fd_names(s->st, 0);
  s->ops.struct_size = sizeof s->ops;
  s->ops.extract = extract;
  s->ev.ops = &s->ops;
  s->ev.ctx = s;
  *out = s;
  return VIGIL_OK;
}

void vg_sys_source_free(vg_sys_source *s) {
  if (!s)
    return;
  for (uint32_t i = 0; i < s->nb; i++)
    free(s->b[i].scratch);
  free(s->b);
  vg_sys_free(s->st);
  vg_scap_close(s->r);
  free(s);
}

vigil_status vg_sys_source_bind(vg_sys_source *s, const char *name,
                                uint32_t *id) {
  size_t nl = strlen(name);
  for (uint32_t i = 0; i < s->nb; i++)
    if (strcmp(s->b[i].name, name) == 0) {
      *id = i;
      return VIGIL_OK;
    }
  vg_sysf_ref ref;
  size_t used;
  vigil_status st = vg_sysf_parse(name, &ref, &used);
  if (st != VIGIL_OK || used != nl || nl >= sizeof s->b[0].name)
    return VIGIL_E_NOTFOUND;
  if (s->nb >= MAX_BOUND)
    return VIGIL_E_LIMIT;
  if (s->nb == s->capb) {
    uint32_t nc = s->capb ? s->capb * 2 : 16;
    bound *nbuf = realloc(s->b, nc * sizeof *nbuf);
    if (!nbuf)
      return VIGIL_E_NOMEM;
    s->b = nbuf;
    s->capb = nc;
  }
  bound *b = &s->b[s->nb];
  memset(b, 0, sizeof *b);
  b->scratch = malloc(SCRATCH);
  if (!b->scratch)
    return VIGIL_E_NOMEM;
  memcpy(b->name, name, nl + 1);
  b->ref = ref;
  b->type = vg_sysf_type(&ref);
  b->epoch = 0;
  if (vg_sysf_needs_old_fd_name(&ref))
    vg_sys_track_fd_names(s->st, 1);
  *id = s->nb++;
  return VIGIL_OK;
}

vigil_status vg_sys_source_next(vg_sys_source *s, vigil_event **ev) {
  *ev = NULL;
  for (;;) {
    vg_scap_item it;
    vigil_status st = vg_scap_next(s->r, &it);
    if (st != VIGIL_OK) {
      snprintf(s->err, sizeof s->err, "%s", vg_scap_error(s->r));
      return st;
    }
    if (it.kind == VG_SCAP_EOF)
      return VIGIL_OK;
    if (it.kind != VG_SCAP_EVENT) {
      st = vg_sys_item(s->st, &it);
      if (st != VIGIL_OK) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return st;
      }
      continue;
    }
    int shown = 0;
    s->num++;
    st = vg_sys_event(s->st, it.u.evt, s->num, &shown);
    if (st != VIGIL_OK) {
      snprintf(s->err, sizeof s->err, "out of memory");
      return st;
    }
    if (!shown)
      continue;
    s->epoch++;
    s->ev.source = 0;
    s->ev.evtype = it.u.evt->type;
    *ev = &s->ev;
    return VIGIL_OK;
  }
}

uint64_t vg_sys_source_num(const vg_sys_source *s) { return s->num; }

int vg_sys_source_render(vg_sys_source *s, uint32_t id, char *buf,
                         size_t len) {
  if (id >= s->nb || len == 0)
    return 0;
  return vg_sysf_render(&s->acc, &s->b[id].ref, buf, len);
}

const char *vg_sys_source_error(const vg_sys_source *s) { return s->err; }
