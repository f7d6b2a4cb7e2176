/*
 * falco_users.c - passwd/group files to a sorted id table (see
 * falco_users.h). The file is kept in memory and split in place: fields
 * become NUL-terminated strings inside it.
 */
#include "falco/falco_users.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_BYTES = 16 << 20, MAX_LINES = 1 << 20 };

static int by_id(const void *a, const void *b) {
  const vg_user *x = a, *y = b;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  /* stable on file order: the text pointers grow along the file */
  return x->name < y->name ? -1 : x->name > y->name;
}

static bool parse_id(const char *s, uint32_t *out) {
  if (!*s || *s < '0' || *s > '9')
    return false;
  errno = 0;
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end || v > 0xFFFFFFFFul)
    return false;
  *out = (uint32_t)v;
  return true;
}

bool vg_fusers_load(vg_fusers *u, const char *path, bool is_group) {
  FILE *f = path && *path ? fopen(path, "rb") : NULL;
  if (!f)
    return true;
  size_t cap = 8192, n = 0;
  char *t = malloc(cap + 1);
  while (t) {
    if (n == cap) {
      if (cap >= MAX_BYTES)
        break;
      char *nt = realloc(t, cap * 2 + 1);
      if (!nt) {
        free(t);
        t = NULL;
        break;
      }
      t = nt;
      cap *= 2;
    }
    size_t r = fread(t + n, 1, cap - n, f);
    if (r == 0)
      break;
    n += r;
  }
  fclose(f);
  if (!t)
    return false;
  t[n] = 0;
  size_t lines = 1;
  for (size_t i = 0; i < n; i++)
    lines += t[i] == '\n';
  if (lines > MAX_LINES)
    lines = MAX_LINES;
  vg_user *v = malloc(lines * sizeof *v);
  if (!v) {
    free(t);
    return false;
  }
  size_t k = 0;
  char *p = t;
  while (p < t + n && k < lines) {
    char *nl = memchr(p, '\n', (size_t)(t + n - p));
    char *end = nl ? nl : t + n;
    *end = 0;
    char *fld[7];
    int nf = 0;
    fld[nf++] = p;
    for (char *q = p; *q && nf < 7; q++)
      if (*q == ':') {
        *q = 0;
        fld[nf++] = q + 1;
      }
    uint32_t id, gid = 0;
    bool ok = fld[0][0] && fld[0][0] != '#' && fld[0][0] != '+' &&
              fld[0][0] != '-';
    if (ok && is_group)
      ok = nf >= 3 && parse_id(fld[2], &id);
    else if (ok)
      ok = nf >= 7 && parse_id(fld[2], &id) && parse_id(fld[3], &gid);
    if (ok) {
      v[k].id = id;
      v[k].gid = is_group ? id : gid;
      v[k].name = fld[0];
      v[k].home = is_group ? end : fld[5];
      v[k].shell = is_group ? end : fld[6];
      k++;
    }
    p = end + 1;
  }
  qsort(v, k, sizeof *v, by_id);
  u->v = v;
  u->n = k;
  u->text = t;
  return true;
}

void vg_fusers_fini(vg_fusers *u) {
  free(u->v);
  free(u->text);
  memset(u, 0, sizeof *u);
}

const vg_user *vg_fusers_find(const vg_fusers *u, uint32_t id) {
  size_t lo = 0, hi = u ? u->n : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (u->v[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return u && lo < u->n && u->v[lo].id == id ? &u->v[lo] : NULL;
}
