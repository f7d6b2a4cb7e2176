/*
 * json_okta.c - the okta plugin's LogEvent record (decode with Go's rules,
 * re-encode with its omitempty tags) and its MFA counter cache. See
 * json_okta.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json_okta.h"

typedef struct okf {
  const char *name;
  char kind; /* s string, f float64, i int, o struct, a []struct */
  char omitempty;
  const struct okf *sub;
} okf;

static const okf ok_actor[] = {{"id", 's', 0, NULL},
                               {"type", 's', 0, NULL},
                               {"alternateId", 's', 1, NULL},
                               {"displayName", 's', 1, NULL},
                               {NULL, 0, 0, NULL}};
static const okf ok_ua[] = {{"os", 's', 1, NULL},
                            {"browser", 's', 1, NULL},
                            {"rawUserAgent", 's', 1, NULL},
                            {NULL, 0, 0, NULL}};
static const okf ok_geoloc[] = {
    {"lat", 'f', 1, NULL}, {"lonDe", 'f', 1, NULL}, {NULL, 0, 0, NULL}};
static const okf ok_geo[] = {{"geolocation", 'o', 1, ok_geoloc},
                             {"city", 's', 1, NULL},
                             {"state", 's', 1, NULL},
                             {"country", 's', 1, NULL},
                             {"postalCode", 's', 1, NULL},
                             {NULL, 0, 0, NULL}};
static const okf ok_client[] = {{"userAgent", 'o', 1, ok_ua},
                                {"geographicalContext", 'o', 1, ok_geo},
                                {"zone", 's', 1, NULL},
                                {"ipAddress", 's', 1, NULL},
                                {"device", 's', 1, NULL},
                                {"id", 's', 1, NULL},
                                {NULL, 0, 0, NULL}};
static const okf ok_outcome[] = {
    {"result", 's', 0, NULL}, {"reason", 's', 1, NULL}, {NULL, 0, 0, NULL}};
static const okf ok_target[] = {{"id", 's', 0, NULL},
                                {"type", 's', 0, NULL},
                                {"alternateId", 's', 1, NULL},
                                {"displayName", 's', 1, NULL},
                                {NULL, 0, 0, NULL}};
static const okf ok_txn[] = {
    {"type", 's', 1, NULL}, {"id", 's', 1, NULL}, {NULL, 0, 0, NULL}};
static const okf ok_principal[] = {{"id", 's', 1, NULL},
                                   {"type", 's', 1, NULL},
                                   {"alternateId", 's', 1, NULL},
                                   {"displayName", 's', 1, NULL},
                                   {NULL, 0, 0, NULL}};
static const okf ok_debugdata[] = {{"requestUri", 's', 0, NULL},
                                   {"originalPrincipal", 'o', 1, ok_principal},
                                   {"behaviors", 's', 1, NULL},
                                   {"logOnlySecurityData", 's', 1, NULL},
                                   {NULL, 0, 0, NULL}};
static const okf ok_debug[] = {{"debugData", 'o', 1, ok_debugdata},
                               {NULL, 0, 0, NULL}};
static const okf ok_authn[] = {{"authenticationStep", 'i', 1, NULL},
                               {"externalSessionId", 's', 1, NULL},
                               {"authenticationProvider", 's', 1, NULL},
                               {"credentialProvider", 's', 1, NULL},
                               {NULL, 0, 0, NULL}};
static const okf ok_security[] = {
    {"asNumber", 'i', 1, NULL}, {"asOrg", 's', 1, NULL},
    {"isp", 's', 1, NULL},      {"domain", 's', 1, NULL},
    {"isProxy", 's', 1, NULL},  {NULL, 0, 0, NULL}};
static const okf ok_event[] = {{"uuid", 's', 0, NULL},
                               {"published", 's', 0, NULL},
                               {"eventType", 's', 0, NULL},
                               {"version", 's', 0, NULL},
                               {"severity", 's', 0, NULL},
                               {"legacyEventType", 's', 1, NULL},
                               {"displayMessage", 's', 0, NULL},
                               {"actor", 'o', 0, ok_actor},
                               {"client", 'o', 1, ok_client},
                               {"outcome", 'o', 1, ok_outcome},
                               {"target", 'a', 1, ok_target},
                               {"transaction", 'o', 0, ok_txn},
                               {"debugContext", 'o', 1, ok_debug},
                               {"authenticationContext", 'o', 1, ok_authn},
                               {"securityContext", 'o', 1, ok_security},
                               {NULL, 0, 0, NULL}};

/* The field a JSON key decodes into: exact name first, then Go's
 * case-insensitive match (ASCII folding). */
static int find_field(const okf *fs, const char *key) {
  for (int i = 0; fs[i].name; i++)
    if (strcmp(fs[i].name, key) == 0)
      return i;
  for (int i = 0; fs[i].name; i++)
    if (strcasecmp(fs[i].name, key) == 0)
      return i;
  return -1;
}

static json_t *encode(const okf *fs, const json_t *in);

/* Decodes one value for field f; NULL means "leave the zero value". */
static const json_t *decoded(const okf *f, const json_t *v) {
  switch (f->kind) {
  case 's':
    return json_is_string(v) ? v : NULL;
  case 'f':
    return json_is_number(v) ? v : NULL;
  case 'i':
    return json_is_integer(v) ? v : NULL;
  case 'o':
    return json_is_object(v) ? v : NULL;
  case 'a':
    return json_is_array(v) ? v : NULL;
  }
  return NULL;
}

/* Builds the encoding of struct fs decoded from in (an object or NULL for
 * the zero struct). */
static json_t *encode(const okf *fs, const json_t *in) {
  const json_t *vals[16] = {0};
  json_t *out = json_object();
  if (!out)
    return NULL;
  if (in) {
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v) {
      int i = find_field(fs, k);
      if (i < 0 || json_is_null(v))
        continue;
      /* A wrongly typed value is a decode error upstream; the record keeps
       * the zero value (or what an earlier key set). */
      const json_t *d = decoded(&fs[i], v);
      if (d)
        vals[i] = d;
    }
  }
  for (int i = 0; fs[i].name; i++) {
    const okf *f = &fs[i];
    const json_t *v = vals[i];
    json_t *o = NULL;
    switch (f->kind) {
    case 's':
      if (v && json_string_length(v) > 0)
        o = json_stringn(json_string_value(v), json_string_length(v));
      else if (!f->omitempty)
        o = json_string("");
      else
        continue;
      break;
    case 'f': {
      double d = v ? json_number_value(v) : 0;
      if (d == 0 && f->omitempty)
        continue;
      o = json_real(d);
      break;
    }
    case 'i': {
      json_int_t n = v ? json_integer_value(v) : 0;
      if (n == 0 && f->omitempty)
        continue;
      o = json_integer(n);
      break;
    }
    case 'o':
      o = encode(f->sub, v);
      break;
    case 'a': {
      size_t n = v ? json_array_size(v) : 0;
      if (n == 0 && f->omitempty)
        continue;
      o = json_array();
      for (size_t j = 0; o && j < n; j++) {
        const json_t *e = json_array_get(v, j);
        /* null elements decode as the zero struct; other non-objects are
         * decode errors, kept as zero structs too */
        json_t *s = encode(f->sub, json_is_object(e) ? e : NULL);
        if (!s || json_array_append_new(o, s) != 0) {
          json_decref(o);
          o = NULL;
        }
      }
      break;
    }
    }
    if (!o || json_object_set_new(out, f->name, o) != 0) {
      json_decref(out);
      return NULL;
    }
  }
  return out;
}

json_t *vg_okta_normalize(const json_t *in) {
  return encode(ok_event, json_is_object(in) ? in : NULL);
}

/* ---- MFA cache ------------------------------------------------------------
 */

enum { OKTA_USER_MAX = 200, OKTA_KEYS_MAX = 10000 };

typedef struct okta_entry {
  char *key;
  uint64_t ts[OKTA_USER_MAX + 1];
  size_t n;
} okta_entry;

struct vg_okta_cache {
  okta_entry **e;
  size_t n, cap;
};

vg_okta_cache *vg_okta_cache_new(void) {
  return calloc(1, sizeof(vg_okta_cache));
}

void vg_okta_cache_free(vg_okta_cache *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->e[i]->key);
    free(c->e[i]);
  }
  free(c->e);
  free(c);
}

static const char *str_at(const json_t *o, const char *a, const char *b) {
  const json_t *v = json_object_get(o, a);
  if (b)
    v = json_object_get(v, b);
  return json_is_string(v) ? json_string_value(v) : "";
}

int vg_okta_cache_note(vg_okta_cache *c, const json_t *rec, uint64_t ts,
                       const uint64_t **list, size_t *n) {
  const char *type = str_at(rec, "eventType", NULL);
  *list = NULL;
  *n = 0;
  if (!(strcmp(type, "user.mfa.okta_verify.deny_push") == 0 ||
        (strcmp(type, "user.authentication.auth_via_mfa") == 0 &&
         strcmp(str_at(rec, "outcome", "result"), "FAILURE") == 0)))
    return 0;
  const char *actor = str_at(rec, "actor", "id");
  size_t kl = strlen(type) + 1 + strlen(actor) + 1;
  char *key = malloc(kl);
  if (!key)
    return -1;
  snprintf(key, kl, "%s:%s", type, actor);
  okta_entry *e = NULL;
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->e[i]->key, key) == 0) {
      e = c->e[i];
      break;
    }
  if (e) {
    free(key);
  } else {
    if (c->n == OKTA_KEYS_MAX) {
      /* The plugin's cache holds 10000 keys (LFU); drop the oldest key. */
      free(c->e[0]->key);
      free(c->e[0]);
      memmove(c->e, c->e + 1, (c->n - 1) * sizeof *c->e);
      c->n--;
    }
    if (c->n == c->cap) {
      size_t nc = c->cap ? c->cap * 2 : 16;
      okta_entry **ne = realloc(c->e, nc * sizeof *ne);
      if (!ne) {
        free(key);
        return -1;
      }
      c->e = ne;
      c->cap = nc;
    }
    e = calloc(1, sizeof *e);
    if (!e) {
      free(key);
      return -1;
    }
    e->key = key;
    c->e[c->n++] = e;
  }
  /* append, drop duplicates keeping first occurrences, keep at most 200 */
  int dup = 0;
  for (size_t i = 0; i < e->n; i++)
    if (e->ts[i] == ts)
      dup = 1;
  if (!dup) {
    e->ts[e->n++] = ts;
    if (e->n > OKTA_USER_MAX) {
      memmove(e->ts, e->ts + 1, (e->n - 1) * sizeof e->ts[0]);
      e->n--;
    }
  }
  *list = e->ts;
  *n = e->n;
  return 0;
}
