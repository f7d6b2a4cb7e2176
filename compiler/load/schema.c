/*
 * schema.c - Falco's advisory rules-file schema check (see schema.h).
 *
 * Falco (userspace/engine/rule_json_schema.h) validates each document with
 * valijson 1.0.2, weak typing, over yaml-cpp nodes. The facts reproduced
 * here, observed on valijson with a local oracle:
 *  - yaml-cpp scalars are strings; null scalars (plain "", ~, null, Null,
 *    NULL) and collections are not. Weak typing lets a scalar pass
 *    "boolean" only when it reads exactly true or false, and "integer" when
 *    a C++ stream reads a whole int64 from it (leading blanks and a sign
 *    allowed, nothing after).
 *  - Constraints of a schema run in valijson's fixed order (type, anyOf,
 *    enum, items, minProperties, properties, required), every one even
 *    after a failure; properties are visited in name order; errors are
 *    queued child first, then the parent's "Failed to validate ..." entry.
 *  - Keys are read (converted to strings) while searching members from the
 *    start of the mapping; a key that is a sequence or mapping cannot be
 *    converted, which makes Falco's whole load fail (handled by the
 *    caller). A null key reads as "null".
 *  - "properties" and "required" also apply to an empty sequence (weakly an
 *    empty object); valijson then asks an array for its member count and
 *    Falco aborts. We treat its member count as 0 instead.
 * On top of Falco's entries, each root cause becomes one vigil warning
 * (code name SCHEMA) at the offending node, for compiler-style output.
 */
#include "load/schema.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

typedef enum vtype {
  V_ANY,    /* {}: anything */
  V_STRING, /* "type": "string" */
  V_BOOL,   /* "type": "boolean" */
  V_INT,    /* "type": "integer" */
  V_ITEM,   /* "anyOf": [integer, string] */
  V_ENUM,   /* "type": "string" + "enum" */
  V_ARRAY,  /* "type": "array" + "items" */
  V_OBJECT  /* "type": "object" + properties, additionalProperties: false */
} vtype;

typedef struct vschema vschema;
typedef struct vprop {
  const char *name;
  const vschema *s;
} vprop;

struct vschema {
  vtype type;
  const char *noun;     /* what an element of this schema is called */
  const vschema *items; /* V_ARRAY */
  const vprop *props;   /* V_OBJECT, in name (std::map) order */
  size_t nprops;
  const char *const *req; /* V_OBJECT, in name order */
  size_t nreq;
  size_t min_props;
  const char *const *vals; /* V_ENUM */
  size_t nvals;
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

static const vschema S_ANY = {.type = V_ANY};
static const vschema S_STRING = {.type = V_STRING, .noun = "tag"};
static const vschema S_BOOL = {.type = V_BOOL};
static const vschema S_INT = {.type = V_INT};
static const vschema S_ITEM = {.type = V_ITEM, .noun = "list item"};

static const char *const prio_vals[] = {
    "EMERGENCY", "ALERT", "CRITICAL",      "ERROR", "WARNING",
    "NOTICE",    "INFO",  "INFORMATIONAL", "DEBUG"};
static const vschema S_PRIORITY = {
    .type = V_ENUM, .vals = prio_vals, .nvals = N_(prio_vals)};
static const char *const ovr_vals[] = {"append", "replace"};
static const vschema S_OVR_ITEM = {
    .type = V_ENUM, .vals = ovr_vals, .nvals = N_(ovr_vals)};

static const vprop override_props[] = {
    {"capture", &S_OVR_ITEM},   {"capture_duration", &S_OVR_ITEM},
    {"condition", &S_OVR_ITEM}, {"desc", &S_OVR_ITEM},
    {"enabled", &S_OVR_ITEM},   {"exceptions", &S_OVR_ITEM},
    {"items", &S_OVR_ITEM},     {"output", &S_OVR_ITEM},
    {"priority", &S_OVR_ITEM},  {"skip-if-unknown-filter", &S_OVR_ITEM},
    {"tags", &S_OVR_ITEM},      {"warn_evttypes", &S_OVR_ITEM}};
static const vschema S_OVERRIDE = {.type = V_OBJECT,
                                   .noun = "override",
                                   .props = override_props,
                                   .nprops = N_(override_props),
                                   .min_props = 1};

static const char *const name_version[] = {"name", "version"};
static const vprop alt_props[] = {{"name", &S_STRING}, {"version", &S_STRING}};
static const vschema S_ALT = {.type = V_OBJECT,
                              .noun = "alternative",
                              .props = alt_props,
                              .nprops = N_(alt_props),
                              .req = name_version,
                              .nreq = N_(name_version)};
static const vschema S_ALTS = {.type = V_ARRAY, .items = &S_ALT};
static const vprop rpv_props[] = {
    {"alternatives", &S_ALTS}, {"name", &S_STRING}, {"version", &S_STRING}};
static const vschema S_RPV = {.type = V_OBJECT,
                              .noun = "required_plugin_versions entry",
                              .props = rpv_props,
                              .nprops = N_(rpv_props),
                              .req = name_version,
                              .nreq = N_(name_version)};
static const vschema S_RPVS = {.type = V_ARRAY, .items = &S_RPV};

static const char *const exc_req[] = {"name"};
static const vprop exc_props[] = {{"comps", &S_ANY},
                                  {"fields", &S_ANY},
                                  {"name", &S_STRING},
                                  {"values", &S_ANY}};
static const vschema S_EXC = {.type = V_OBJECT,
                              .noun = "exception",
                              .props = exc_props,
                              .nprops = N_(exc_props),
                              .req = exc_req,
                              .nreq = N_(exc_req)};
static const vschema S_EXCS = {.type = V_ARRAY, .items = &S_EXC};
static const vschema S_ITEMS = {.type = V_ARRAY, .items = &S_ITEM};
static const vschema S_TAGS = {.type = V_ARRAY, .items = &S_STRING};

static const vprop rule_props[] = {{"append", &S_BOOL},
                                   {"capture", &S_BOOL},
                                   {"capture_duration", &S_INT},
                                   {"condition", &S_STRING},
                                   {"desc", &S_STRING},
                                   {"enabled", &S_BOOL},
                                   {"exceptions", &S_EXCS},
                                   {"items", &S_ITEMS},
                                   {"list", &S_STRING},
                                   {"macro", &S_STRING},
                                   {"output", &S_STRING},
                                   {"override", &S_OVERRIDE},
                                   {"priority", &S_PRIORITY},
                                   {"required_engine_version", &S_STRING},
                                   {"required_plugin_versions", &S_RPVS},
                                   {"rule", &S_STRING},
                                   {"skip-if-unknown-filter", &S_BOOL},
                                   {"source", &S_STRING},
                                   {"tags", &S_TAGS},
                                   {"warn_evttypes", &S_BOOL}};
static const vschema S_RULE = {.type = V_OBJECT,
                               .noun = "rules item",
                               .props = rule_props,
                               .nprops = N_(rule_props)};
static const vschema S_ROOT = {
    .type = V_ARRAY, .noun = "rules content", .items = &S_RULE};

/* valijson's texts */
#define E_TYPE "Value type not permitted by 'type' constraint."
#define E_ENUM "Failed to match against any enum values."
#define E_ANYOF                                                                \
  "Failed to validate against any schemas allowed by anyOf "                   \
  "constraint."

/* Limits on hostile input: a 16 MB file of tiny bad list items would
 * otherwise make millions of entries. Far above any real rules file; past
 * them the check stops with a last entry saying so (Falco would go on). */
#define VG_SCHEMA_MAX_STATUS 20000
#define VG_SCHEMA_MAX_DIAGS 500

typedef struct sv {
  vigil_compiler *c;
  vg_result *r;
  const vg_file *f;
  vg_buf path;             /* valijson's context, concatenated */
  const vg_ynode *bad_key; /* a key yaml-cpp cannot convert */
  const char *last;        /* the entry pushed last */
  size_t base;             /* entries before this file's */
  bool stopped;            /* VG_SCHEMA_MAX_STATUS reached */
} sv;

static bool halted(const sv *v) {
  return v->bad_key || v->stopped;
}

static void push(sv *v, const char *fmt, const char *arg) {
  if (v->stopped)
    return;
  if (v->r->schema_status.n - v->base >= VG_SCHEMA_MAX_STATUS) {
    v->stopped = true;
    v->last = vg_fmt(v->c, "vigil: schema check stopped after %d entries",
                     VG_SCHEMA_MAX_STATUS);
    vg_ptrvec_push(&v->c->a, &v->r->schema_status, (char *)v->last);
    return;
  }
  char *desc = vg_fmt(v->c, fmt, arg);
  char *e = vg_fmt(v->c, "failed for %s: %s", vg_buf_str(&v->path), desc);
  v->last = e;
  vg_ptrvec_push(&v->c->a, &v->r->schema_status, e);
}

static void push_n(sv *v, const char *fmt, size_t n) {
  char num[32];
  snprintf(num, sizeof num, "%zu", n);
  push(v, fmt, num);
}

static size_t path_enter(sv *v, const char *key, size_t klen) {
  size_t saved = v->path.len;
  vg_buf_putc(&v->path, '[');
  vg_buf_append(&v->path, key, klen);
  vg_buf_putc(&v->path, ']');
  return saved;
}

static size_t path_enter_n(sv *v, size_t i) {
  size_t saved = v->path.len;
  vg_buf_printf(&v->path, "[%zu]", i);
  return saved;
}

static void path_leave(sv *v, size_t saved) {
  if (v->path.ptr && saved <= v->path.len) {
    v->path.len = saved;
    v->path.ptr[saved] = 0;
  }
}

/* A key as yaml-cpp reads it: null is "null", a scalar its text; false
 * (and the check aborts) for a sequence or mapping. */
static bool key_text(sv *v, const vg_ynode *k, const char **s, size_t *len) {
  if (k->kind == VG_Y_NULL) {
    *s = "null";
    *len = 4;
    return true;
  }
  if (k->kind == VG_Y_SCALAR) {
    *s = k->str;
    *len = k->len;
    return true;
  }
  if (!v->bad_key)
    v->bad_key = k;
  return false;
}

static bool text_is(const char *s, size_t len, const char *lit) {
  size_t n = strlen(lit);
  return len == n && !memcmp(s, lit, n);
}

/* valijson's find(): members are read from the start until one matches. */
static const vg_ynode *find_member(sv *v, const vg_ynode *map, const char *name,
                                   size_t *idx) {
  for (size_t i = 0; i < map->n; i++) {
    const char *s;
    size_t len;
    if (!key_text(v, map->kids[2 * i], &s, &len))
      return NULL;
    if (text_is(s, len, name)) {
      if (idx)
        *idx = i;
      return map->kids[2 * i + 1];
    }
  }
  return NULL;
}

/* Weak "integer": what `std::istringstream >> int64_t` reads whole. */
static bool weak_int(const vg_ynode *n) {
  if (n->kind != VG_Y_SCALAR)
    return false;
  const char *p = n->str, *e = n->str + n->len;
  while (p < e && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
    p++;
  bool neg = false;
  if (p < e && (*p == '+' || *p == '-'))
    neg = *p++ == '-';
  if (p == e || *p < '0' || *p > '9')
    return false;
  uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  uint64_t val = 0;
  for (; p < e && *p >= '0' && *p <= '9'; p++) {
    uint64_t d = (uint64_t)(*p - '0');
    if (val > (lim - d) / 10)
      return false; /* the stream fails on overflow */
    val = val * 10 + d;
  }
  return p == e;
}

/* ------------------------------------------------------- diagnostics */

static const char *describe(sv *v, const vg_ynode *n) {
  switch (n->kind) {
  case VG_Y_NULL:
    return "empty";
  case VG_Y_SEQ:
    return "a sequence";
  case VG_Y_MAP:
    return "a mapping";
  default:
    break;
  }
  size_t l = strcspn(n->str, "\r\n");
  if (l > 40)
    return vg_fmt(v->c, "'%.37s...'", n->str);
  if (l < n->len)
    return vg_fmt(v->c, "'%.*s...'", (int)l, n->str);
  return vg_fmt(v->c, "'%s'", n->str);
}

/* One vigil warning at node n: its whole extent, or with head_only just
 * its first key (an object missing a property). note2 is an extra note
 * before the one quoting Falco's entry. */
static void diag(sv *v, const vg_ynode *n, bool head_only, const char *msg,
                 const char *note2) {
  if (v->stopped || v->r->schema_diags.n >= VG_SCHEMA_MAX_DIAGS)
    return;
  vg_ctx root, ctx;
  vg_ctx_root(v->c, &root, v->f->name);
  vg_ctx_child(&ctx, &root, n, VG_IT_VALUE_FOR, "");
  if (head_only) {
    ctx.end = ctx.start;
    if (n->kind == VG_Y_MAP && n->n)
      ctx.end = ctx.start + n->kids[0]->len;
  }
  vigil_diag *d = vg_new_diag(v->c, msg, &ctx);
  if (!d)
    return;
  d->severity = VIGIL_SEV_WARNING;
  d->code = -1;
  d->code_name = "SCHEMA";
  d->codedesc = "The rules content does not match Falco's rules schema. "
                "This is advisory: the content loads as usual.";
  const char **notes = vg_arena_alloc(&v->c->a, 2 * sizeof *notes);
  if (notes) {
    size_t k = 0;
    if (note2)
      notes[k++] = note2;
    notes[k++] = vg_fmt(v->c, "Falco's schema check: %s", v->last);
    d->notes = notes;
    d->nnotes = k;
  }
  vg_ptrvec_push(&v->c->a, &v->r->schema_diags, d);
}

static const char *type_noun(vtype t) {
  switch (t) {
  case V_BOOL:
    return "true or false";
  case V_INT:
    return "an integer";
  case V_ARRAY:
    return "a sequence";
  case V_OBJECT:
    return "a mapping";
  case V_ITEM:
    return "a string or an integer";
  default:
    return "a string";
  }
}

/* "'P' should be T" for a property value, "N should be T" for an element */
static void type_diag(sv *v, const vg_ynode *n, const vschema *s,
                      const char *pname, const vschema *outer) {
  const char *what = pname ? vg_fmt(v->c, "'%s'", pname)
                           : (outer && outer->items && outer->items->noun
                                  ? outer->items->noun
                                  : (s->noun ? s->noun : "value"));
  diag(v, n, false,
       vg_fmt(v->c, "%s should be %s, not %s", what, type_noun(s->type),
              describe(v, n)),
       NULL);
}

static bool ieq(const char *a, size_t alen, const char *b) {
  size_t n = strlen(b);
  if (alen != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z')
      x = (char)(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z')
      y = (char)(y - 'a' + 'A');
    if (x != y)
      return false;
  }
  return true;
}

static void enum_diag(sv *v, const vg_ynode *n, const vschema *s,
                      const char *pname, const vschema *outer) {
  vg_buf b;
  vg_buf_init(&b);
  for (size_t i = 0; i < s->nvals; i++)
    vg_buf_printf(&b, "%s%s", i ? (i + 1 == s->nvals ? " or " : ", ") : "",
                  s->vals[i]);
  const char *what = outer == &S_OVERRIDE
                         ? vg_fmt(v->c, "override of '%s'", pname)
                         : vg_fmt(v->c, "'%s'", pname ? pname : "value");
  const char *msg =
      vg_fmt(v->c, "%s should be %s%s, not %s", what,
             s->nvals > 2 ? "one of " : "", vg_buf_str(&b), describe(v, n));
  vg_buf_fini(&b);
  const char *hint = NULL;
  if (n->kind == VG_Y_SCALAR)
    for (size_t i = 0; i < s->nvals; i++)
      if (ieq(n->str, n->len, s->vals[i]))
        hint = vg_fmt(v->c, "did you mean '%s'?", s->vals[i]);
  diag(v, n, false, msg, hint);
}

/* ------------------------------------------------------- validation */

static bool validate(sv *v, const vg_ynode *n, const vschema *s,
                     const char *pname, const vschema *outer);

static bool is_prop(const vschema *s, const char *k, size_t klen) {
  for (size_t i = 0; i < s->nprops; i++)
    if (text_is(k, klen, s->props[i].name))
      return true;
  return false;
}

static bool validate_object(sv *v, const vg_ynode *n, const vschema *s,
                            const char *pname, const vschema *outer) {
  bool ok = true;
  bool is_map = n->kind == VG_Y_MAP;
  /* weakly an object: also an empty sequence */
  bool maybe = is_map || (n->kind == VG_Y_SEQ && n->n == 0);
  size_t size = is_map ? n->n : 0;
  if (!is_map) {
    push(v, "%s", E_TYPE);
    type_diag(v, n, s, pname, outer);
    ok = false;
  }
  if (s->min_props && maybe && size < s->min_props) {
    push_n(v, "Object should have no fewer than %s properties.", s->min_props);
    if (is_map)
      diag(v, n, false, vg_fmt(v->c, "%s has no keys", s->noun), NULL);
    ok = false;
  }
  if (!maybe)
    return ok;
  size_t matched = 0;
  for (size_t i = 0; i < s->nprops && is_map; i++) {
    const vg_ynode *val = find_member(v, n, s->props[i].name, NULL);
    if (halted(v))
      return false;
    if (!val)
      continue;
    matched++;
    const char *pn = s->props[i].name;
    size_t saved = path_enter(v, pn, strlen(pn));
    bool good = validate(v, val, s->props[i].s, pn, s);
    path_leave(v, saved);
    if (halted(v))
      return false;
    if (!good) {
      push(v,
           "Failed to validate against schema associated with property "
           "name '%s'.",
           pn);
      ok = false;
    }
  }
  if (matched != size) {
    /* the first member whose key is no property; "" when every key is one
     * (a key written twice) */
    const char *uk = "";
    size_t ul = 0;
    const vg_ynode *unode = NULL;
    for (size_t i = 0; i < n->n; i++) {
      const char *k;
      size_t kl;
      if (!key_text(v, n->kids[2 * i], &k, &kl))
        return false;
      if (!is_prop(s, k, kl)) {
        uk = k;
        ul = kl;
        unode = n->kids[2 * i];
        break;
      }
    }
    char *ks = vg_arena_strndup(&v->c->a, uk, ul);
    push(v,
         "Object contains a property that could not be validated using "
         "'properties' or 'additionalProperties' constraints: '%s'.",
         ks ? ks : "");
    if (unode) {
      /* a close property name makes a good hint */
      const char *hint = NULL;
      size_t best = 3;
      for (size_t i = 0; ks && i < s->nprops; i++) {
        size_t dist = vg_edit_distance(ks, s->props[i].name);
        if (dist < best) {
          best = dist;
          hint = vg_fmt(v->c, "did you mean '%s'?", s->props[i].name);
        }
      }
      diag(v, unode, false,
           vg_fmt(v->c, "key '%s' is not allowed in %s %s", ks ? ks : "",
                  s->noun[0] == 'a' || s->noun[0] == 'e' ? "an" : "a", s->noun),
           hint);
    } else {
      /* duplicate keys: point at the second occurrence of the first one */
      for (size_t i = 1; i < n->n && !unode; i++) {
        const char *k = "";
        size_t kl = 0;
        key_text(v, n->kids[2 * i], &k, &kl); /* all readable by now */
        for (size_t j = 0; j < i && !unode; j++) {
          const char *k2 = "";
          size_t kl2 = 0;
          key_text(v, n->kids[2 * j], &k2, &kl2);
          if (kl == kl2 && !memcmp(k, k2, kl)) {
            unode = n->kids[2 * i];
            diag(v, unode, false,
                 vg_fmt(v->c, "key '%.*s' is written twice", (int)kl, k), NULL);
          }
        }
      }
    }
    ok = false;
  }
  for (size_t i = 0; i < s->nreq; i++) {
    bool found = is_map && find_member(v, n, s->req[i], NULL);
    if (halted(v))
      return false;
    if (!found) {
      push(v, "Missing required property '%s'.", s->req[i]);
      diag(v, n, true, vg_fmt(v->c, "%s has no '%s'", s->noun, s->req[i]),
           NULL);
      ok = false;
    }
  }
  return ok;
}

static bool validate(sv *v, const vg_ynode *n, const vschema *s,
                     const char *pname, const vschema *outer) {
  switch (s->type) {
  case V_ANY:
    return true;
  case V_STRING:
  case V_BOOL:
  case V_INT: {
    bool ok = n->kind == VG_Y_SCALAR;
    if (ok && s->type == V_BOOL)
      ok = text_is(n->str, n->len, "true") || text_is(n->str, n->len, "false");
    else if (ok && s->type == V_INT)
      ok = weak_int(n);
    if (!ok) {
      push(v, "%s", E_TYPE);
      type_diag(v, n, s, pname, outer);
    }
    return ok;
  }
  case V_ITEM:
    /* anyOf [integer, string]: a scalar is always a string; anything else
     * fails both, each child's error followed by its own entry */
    if (n->kind == VG_Y_SCALAR)
      return true;
    for (size_t i = 0; i < 2; i++) {
      push(v, "%s", E_TYPE);
      push_n(v, "Failed to validate against child schema #%s.", i);
    }
    push(v, "%s", E_ANYOF);
    type_diag(v, n, s, pname, outer);
    return false;
  case V_ENUM: {
    bool ok = true;
    if (n->kind != VG_Y_SCALAR) {
      push(v, "%s", E_TYPE);
      ok = false;
    }
    bool in = false;
    for (size_t i = 0; ok && i < s->nvals && !in; i++)
      in = text_is(n->str, n->len, s->vals[i]);
    if (!in) {
      push(v, "%s", E_ENUM);
      enum_diag(v, n, s, pname, outer);
      ok = false;
    }
    return ok;
  }
  case V_ARRAY: {
    if (n->kind != VG_Y_SEQ) {
      push(v, "%s", E_TYPE);
      type_diag(v, n, s, pname, outer);
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
      size_t saved = path_enter_n(v, i);
      bool good = validate(v, n->kids[i], s->items, NULL, s);
      path_leave(v, saved);
      if (halted(v))
        return false;
      if (!good) {
        push_n(v, "Failed to validate item #%s in array.", i);
        ok = false;
      }
    }
    return ok;
  }
  case V_OBJECT:
    return validate_object(v, n, s, pname, outer);
  }
  return true;
}

bool vg_schema_check(vigil_compiler *c, const vg_file *f, const vg_ydocs *docs,
                     vg_result *r, const vg_ynode **bad_key) {
  sv v;
  memset(&v, 0, sizeof v);
  v.c = c;
  v.r = r;
  v.f = f;
  vg_buf_init(&v.path);
  size_t nstatus = r->schema_status.n, ndiags = r->schema_diags.n;
  v.base = nstatus;
  for (size_t d = 0; d < docs->n; d++) {
    const vg_ynode *doc = docs->docs[d];
    /* yaml-cpp's LoadAll stops at the first null document */
    if (!doc || doc->kind == VG_Y_NULL)
      break;
    vg_buf_reset(&v.path);
    vg_buf_puts(&v.path, "<root>");
    bool ok = validate(&v, doc, &S_ROOT, NULL, NULL);
    if (halted(&v))
      break;
    if (ok)
      vg_ptrvec_push(&c->a, &r->schema_status, (char *)"ok");
  }
  vg_buf_fini(&v.path);
  if (v.bad_key) {
    r->schema_status.n = nstatus;
    r->schema_diags.n = ndiags;
    *bad_key = v.bad_key;
    return false;
  }
  return true;
}
