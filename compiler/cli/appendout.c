/*
 * appendout.c - -o append_output... in Falco's -o syntax (see appendout.h).
 *
 * Falco splits -o KEY=VALUE at the first '='; a VALUE in braces is parsed
 * as a YAML flow map, any other VALUE is a string. KEY walks the YAML
 * config: '.' enters a map key, "[]" appends a new sequence element, "[N]"
 * selects element N. Falco's default configuration holds one entry,
 * {suggested_output: true}, which -o edits or extends. vigil extension:
 * "append_output=TEXT" (Falco rejects a bare string there) adds an entry
 * {extra_output: TEXT} matching every rule, and "append_output={...}" adds
 * that entry (in Falco it would replace the list by a map, which yields no
 * entries).
 */
#include "cli/appendout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/yaml.h"

#define KEY "append_output"

void vg_aout_init(vg_aout *ao) {
  memset(ao, 0, sizeof *ao);
  vg_arena_init(&ao->a);
}

void vg_aout_fini(vg_aout *ao) {
  vg_arena_fini(&ao->a);
  memset(ao, 0, sizeof *ao);
}

bool vg_aout_is_key(const char *kv) {
  size_t kl = strlen(KEY);
  return !strncmp(kv, KEY, kl) &&
         (kv[kl] == '=' || kv[kl] == '[' || kv[kl] == '.');
}

/* Grows an arena array of elem-sized items to hold n + 1. */
static void *grow(vg_arena *a, void *v, size_t n, size_t *cap, size_t elem) {
  if (n < *cap)
    return v;
  size_t nc = *cap ? *cap * 2 : 4;
  void *nv = vg_arena_alloc(a, nc * elem);
  if (!nv)
    return NULL;
  if (n)
    memcpy(nv, v, n * elem);
  *cap = nc;
  return nv;
}

static vigil_append_output *push_entry(vg_aout *ao) {
  vigil_append_output *nv =
      grow(&ao->a, ao->v, ao->n, &ao->cap, sizeof *ao->v);
  if (!nv)
    return NULL;
  ao->v = nv;
  memset(&ao->v[ao->n], 0, sizeof *ao->v);
  return &ao->v[ao->n++];
}

static bool push_tag(vg_aout *ao, vigil_append_output *e, const char *t) {
  size_t cap = e->ntags; /* exact-size arrays: copy on every push */
  const char **nv = grow(&ao->a, (void *)e->tags, e->ntags, &cap,
                         sizeof *nv);
  char *s = vg_arena_strdup(&ao->a, t);
  if (!nv || !s)
    return false;
  nv[e->ntags++] = s;
  e->tags = nv;
  return true;
}

/* Adds an extra field; Falco rejects a name given twice unless both are
 * raw (a set). 1 added, 0 duplicate error, -1 out of memory. */
static int push_field(vg_aout *ao, vigil_append_output *e, const char *name,
                      const char *format, bool raw) {
  for (size_t i = 0; i < e->nfields; i++)
    if (!strcmp(e->fields[i].name, name))
      return raw && e->fields[i].raw ? 1 : 0;
  size_t cap = e->nfields;
  vigil_extra_field *nv =
      grow(&ao->a, (void *)e->fields, e->nfields, &cap, sizeof *nv);
  char *n = vg_arena_strdup(&ao->a, name);
  char *f = raw ? NULL : vg_arena_strdup(&ao->a, format);
  if (raw) {
    size_t l = strlen(name) + 2;
    f = vg_arena_alloc(&ao->a, l);
    if (f)
      snprintf(f, l, "%%%s", name);
  }
  if (!nv || !n || !f)
    return -1;
  nv[e->nfields].name = n;
  nv[e->nfields].format = f;
  nv[e->nfields].raw = raw;
  e->nfields++;
  e->fields = nv;
  return 1;
}

static int fail(char *err, size_t errsz, const char *kv, const char *why) {
  snprintf(err, errsz, "-o %s: %s", kv, why);
  return -1;
}

static const char *scalar(const vg_ynode *n) {
  if (!n || vg_ynode_is_null(n))
    return "";
  return n->kind == VG_Y_SCALAR ? n->str : NULL;
}

/* One extra_fields element: a scalar names a raw field, a one-key map a
 * formatted one. */
static const char *add_field_node(vg_aout *ao, vigil_append_output *e,
                                  const vg_ynode *f) {
  int r;
  if (f->kind == VG_Y_MAP && f->n == 1) { /* n counts pairs */
    const char *k = scalar(f->kids[0]), *v = scalar(f->kids[1]);
    if (!k || !v)
      return "an extra field's name and format must be strings";
    r = push_field(ao, e, k, v, false);
  } else if (f->kind == VG_Y_SCALAR) {
    r = push_field(ao, e, f->str, NULL, true);
  } else {
    return "an extra_fields element is a field name or {name: format}";
  }
  if (r < 0)
    return "out of memory";
  return r ? NULL : "an extra field is defined twice";
}

static const char *set_match(vg_aout *ao, vigil_append_output *e,
                             const vg_ynode *m) {
  e->source = e->rule = NULL;
  e->tags = NULL;
  e->ntags = 0;
  if (!m || vg_ynode_is_null(m))
    return NULL;
  if (m->kind != VG_Y_MAP)
    return "match must be a map";
  const vg_ynode *s = vg_ymap_get(m, "source"), *r = vg_ymap_get(m, "rule"),
                 *t = vg_ymap_get(m, "tags");
  if ((s && !scalar(s)) || (r && !scalar(r)))
    return "match.source and match.rule must be strings";
  e->source = s ? vg_arena_strdup(&ao->a, scalar(s)) : NULL;
  e->rule = r ? vg_arena_strdup(&ao->a, scalar(r)) : NULL;
  if (t && t->kind == VG_Y_SEQ) /* Falco ignores tags that are no list */
    for (size_t i = 0; i < t->n; i++) {
      if (t->kids[i]->kind != VG_Y_SCALAR)
        return "match.tags must be a list of strings";
      if (!push_tag(ao, e, t->kids[i]->str))
        return "out of memory";
    }
  return NULL;
}

/* A whole entry from a YAML map (Falco's decoding of an append_output
 * element: unknown keys are ignored). */
static const char *set_entry(vg_aout *ao, vigil_append_output *e,
                             const vg_ynode *n) {
  memset(e, 0, sizeof *e);
  if (n->kind != VG_Y_MAP)
    return "an append_output entry must be a map, e.g. "
           "{extra_output: TEXT}";
  const char *why = set_match(ao, e, vg_ymap_get(n, "match"));
  if (why)
    return why;
  const vg_ynode *x = vg_ymap_get(n, "extra_output");
  if (x) {
    if (!scalar(x))
      return "extra_output must be a string";
    e->extra_output = vg_arena_strdup(&ao->a, scalar(x));
  }
  const vg_ynode *f = vg_ymap_get(n, "extra_fields");
  if (f && !vg_ynode_is_null(f)) {
    if (f->kind != VG_Y_SEQ)
      return "extra_fields must be a list";
    for (size_t i = 0; i < f->n; i++)
      if ((why = add_field_node(ao, e, f->kids[i])))
        return why;
  }
  const vg_ynode *so = vg_ymap_get(n, "suggested_output");
  if (so && !(so->kind == VG_Y_SCALAR &&
              vg_yaml_bool(so->str, &e->suggested_output)))
    return "suggested_output must be true or false";
  return NULL;
}

/* VALUE as a YAML node: a flow map when in braces, else a string. */
static const vg_ynode *value_node(vg_aout *ao, const char *v,
                                  const char **why) {
  size_t l = strlen(v);
  vg_ynode *n;
  if (l >= 2 && v[0] == '{' && v[l - 1] == '}') {
    vg_ydocs docs;
    vg_yerror ye;
    if (vg_yaml_load(&ao->a, v, l, &docs, &ye) != VIGIL_OK || !docs.n ||
        !docs.docs[0]) {
      *why = "the value in braces is not a YAML map";
      return NULL;
    }
    return docs.docs[0];
  }
  n = vg_arena_alloc(&ao->a, sizeof *n);
  if (!n) {
    *why = "out of memory";
    return NULL;
  }
  memset(n, 0, sizeof *n);
  n->kind = VG_Y_SCALAR;
  n->str = vg_arena_strdup(&ao->a, v);
  n->len = l;
  return n->str ? n : NULL;
}

/* "[]" or "[N]" at *p: the index (count = append), advancing *p past it;
 * false when malformed or past the end. */
static bool index_of(const char **p, size_t count, size_t *idx) {
  const char *s = *p + 1, *e = strchr(s, ']');
  if (!e)
    return false;
  if (e == s) {
    *idx = count;
  } else {
    size_t v = 0;
    for (const char *q = s; q < e; q++) {
      if (*q < '0' || *q > '9' || v > 100000)
        return false;
      v = v * 10 + (size_t)(*q - '0');
    }
    if (v > count) /* count itself appends, as yaml-cpp does */
      return false;
    *idx = v;
  }
  *p = e + 1;
  return true;
}

/* A sub-key of entry e ("extra_output", "match.rule", "extra_fields[]",
 * ...) set to node v. */
static const char *set_sub(vg_aout *ao, vigil_append_output *e,
                           const char *sub, const vg_ynode *v) {
  const char *s = scalar(v);
  if (!strcmp(sub, "extra_output")) {
    if (!s)
      return "extra_output must be a string";
    e->extra_output = vg_arena_strdup(&ao->a, s);
    return NULL;
  }
  if (!strcmp(sub, "suggested_output"))
    return s && vg_yaml_bool(s, &e->suggested_output)
               ? NULL
               : "suggested_output must be true or false";
  if (!strcmp(sub, "match"))
    return set_match(ao, e, v);
  if (!strcmp(sub, "match.source") || !strcmp(sub, "match.rule")) {
    if (!s)
      return "match.source and match.rule must be strings";
    char *c = vg_arena_strdup(&ao->a, s);
    if (sub[6] == 's')
      e->source = c;
    else
      e->rule = c;
    return NULL;
  }
  if (!strncmp(sub, "match.tags[", 11)) {
    const char *p = sub + 10;
    size_t i;
    if (!index_of(&p, e->ntags, &i) || *p)
      return "bad index in match.tags[N]";
    if (!s)
      return "a tag must be a string";
    if (i == e->ntags)
      return push_tag(ao, e, s) ? NULL : "out of memory";
    ((const char **)e->tags)[i] = vg_arena_strdup(&ao->a, s);
    return NULL;
  }
  if (!strncmp(sub, "extra_fields[", 13)) {
    const char *p = sub + 12;
    size_t i;
    if (!index_of(&p, e->nfields, &i) || *p)
      return "bad index in extra_fields[N]";
    if (i < e->nfields) { /* replace element i */
      vigil_extra_field *f = (vigil_extra_field *)e->fields;
      memmove(f + i, f + i + 1, (e->nfields - i - 1) * sizeof *f);
      e->nfields--;
    }
    return add_field_node(ao, e, v);
  }
  if (!strcmp(sub, "match.tags") || !strcmp(sub, "extra_fields"))
    return "a list: append elements with [] (e.g. match.tags[]=T)";
  return "unknown append_output key (match, extra_output, extra_fields, "
         "suggested_output)";
}

int vg_aout_option(vg_aout *ao, const char *kv, char *err, size_t errsz) {
  const char *eq = strchr(kv, '=');
  if (!eq)
    return fail(err, errsz, kv, "expected KEY=VALUE");
  if (!ao->set) {
    ao->set = true;
    vigil_append_output *d = push_entry(ao);
    if (!d)
      return fail(err, errsz, kv, "out of memory");
    d->suggested_output = true; /* Falco's default configuration */
  }
  size_t kl = (size_t)(eq - kv);
  char *key = vg_arena_strndup(&ao->a, kv, kl);
  const char *why = NULL;
  const vg_ynode *v = value_node(ao, eq + 1, &why);
  if (!key || !v)
    return fail(err, errsz, kv, why ? why : "out of memory");
  const char *p = key + strlen(KEY);
  if (!*p) { /* vigil extension: one more entry */
    vigil_append_output *e = push_entry(ao);
    if (!e)
      return fail(err, errsz, kv, "out of memory");
    if (v->kind == VG_Y_SCALAR) {
      e->extra_output = v->str;
      return 0;
    }
    why = set_entry(ao, e, v);
    return why ? fail(err, errsz, kv, why) : 0;
  }
  size_t i;
  if (*p != '[' || !index_of(&p, ao->n, &i))
    return fail(err, errsz, kv,
                "expected append_output[] or append_output[N] (N up to "
                "the number of entries)");
  vigil_append_output *e = i == ao->n ? push_entry(ao) : &ao->v[i];
  if (!e)
    return fail(err, errsz, kv, "out of memory");
  if (!*p)
    why = set_entry(ao, e, v);
  else if (*p == '.' && p[1])
    why = set_sub(ao, e, p + 1, v);
  else
    why = "expected '.' and a key after the index";
  return why ? fail(err, errsz, kv, why) : 0;
}

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void vg_aout_tag_list(const vigil_append_output *e, char *out, size_t sz) {
  if (!sz)
    return;
  out[0] = 0;
  if (!e->ntags)
    return;
  const char **t = malloc(e->ntags * sizeof *t);
  if (!t)
    return;
  memcpy(t, e->tags, e->ntags * sizeof *t);
  qsort(t, e->ntags, sizeof *t, cmp_cstr);
  size_t n = 0;
  for (size_t i = 0; i < e->ntags; i++) {
    if (i && !strcmp(t[i], t[i - 1]))
      continue;
    int k = snprintf(out + n, sz - n, "%s, ", t[i]);
    if (k < 0 || (size_t)k >= sz - n) {
      n = strlen(out);
      break;
    }
    n += (size_t)k;
  }
  if (n && out[n - 1] == ' ')
    out[n - 1] = 0;
  free(t);
}

void vg_aout_fill(const vg_aout *ao, vigil_compiler_options *o) {
  o->append_output_set = ao->set;
  o->append_output = ao->v;
  o->nappend_output = ao->n;
}
