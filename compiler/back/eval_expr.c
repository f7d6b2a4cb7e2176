/*
 * eval_expr.c - `vigil expr --fields`: compiles the condition into a
 * one-rule pack, loads it with a binder that looks each field reference up
 * in the JSON object, converts the JSON values to the field types once,
 * and runs the VM on that single event.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "back/eval_expr.h"
#include "vm/value.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "vigil/vm.h"

#define EX_MAX_FIELDS 256

typedef struct ex_field {
  vg_value *vals;
  size_t n;
  bool present;
} ex_field;

typedef struct ex_ctx {
  json_t *obj;
  vg_arena arena;
  ex_field f[EX_MAX_FIELDS];
  uint32_t nf;
} ex_ctx;

static const char *json_text(vg_arena *a, json_t *j, size_t *len) {
  char tmp[64];
  switch (json_typeof(j)) {
  case JSON_STRING:
    *len = json_string_length(j);
    return json_string_value(j);
  case JSON_INTEGER:
    snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    break;
  case JSON_REAL:
    snprintf(tmp, sizeof tmp, "%.17g", json_real_value(j));
    break;
  case JSON_TRUE:
    snprintf(tmp, sizeof tmp, "true");
    break;
  case JSON_FALSE:
    snprintf(tmp, sizeof tmp, "false");
    break;
  default:
    return NULL;
  }
  *len = strlen(tmp);
  return vg_arena_strndup(a, tmp, *len);
}

static vigil_status ex_bind(void *ud, const char *source, const char *name,
                            const char *arg, uint32_t type, uint32_t flags,
                            uint32_t *id, char *err, size_t errsz) {
  (void)source;
  (void)flags;
  ex_ctx *x = ud;
  if (x->nf == EX_MAX_FIELDS) {
    snprintf(err, errsz, "too many fields");
    return VIGIL_E_LIMIT;
  }
  ex_field *f = &x->f[x->nf];
  *id = x->nf++;
  char key[1024];
  snprintf(key, sizeof key, "%s%s%s%s", name, arg ? "[" : "", arg ? arg : "",
           arg ? "]" : "");
  json_t *j = json_object_get(x->obj, key);
  if (!j || json_is_null(j))
    return VIGIL_OK; /* absent: no value */
  size_t n = json_is_array(j) ? json_array_size(j) : 1;
  f->vals = vg_arena_alloc(&x->arena, (n ? n : 1) * sizeof *f->vals);
  if (!f->vals)
    return VIGIL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *e = json_is_array(j) ? json_array_get(j, i) : j;
    size_t len = 0;
    const char *text = json_text(&x->arena, e, &len);
    if (!text) {
      snprintf(err, errsz, "value of '%s' must be a string, number or "
                           "boolean", key);
      return VIGIL_E_SYNTAX;
    }
    uint8_t *scratch = vg_arena_alloc(&x->arena, len / 2 + 1);
    if (!scratch)
      return VIGIL_E_NOMEM;
    /* network-typed fields extract addresses (the network is on the
     * constant side) */
    vg_ftype pt = type == VG_FT_IPV4NET   ? VG_FT_IPV4ADDR
                  : type == VG_FT_IPV6NET ? VG_FT_IPV6ADDR
                  : type == VG_FT_IPNET   ? VG_FT_IPADDR
                                          : (vg_ftype)type;
    char why[256];
    vigil_status st = vg_value_parse(pt, text, len, false, scratch,
                                     &f->vals[i], why, sizeof why);
    f->vals[i].type = (vg_ftype)type;
    if (st != VIGIL_OK) {
      snprintf(err, errsz, "value of '%s': %s", key, why);
      return VIGIL_E_SYNTAX;
    }
  }
  f->n = n;
  f->present = n > 0;
  return VIGIL_OK;
}

static vigil_status ex_extract(void *ctx, uint32_t id, const vg_value **vals,
                               size_t *n) {
  ex_ctx *x = ctx;
  if (id >= x->nf || !x->f[id].present) {
    *n = 0;
    return VIGIL_OK;
  }
  *vals = x->f[id].vals;
  *n = x->f[id].n;
  return VIGIL_OK;
}

vigil_status vg_eval_expr(const vg_node *cond, const char *source,
                          const char *fields_json, vg_back_resolve_fn resolve,
                          void *resolve_ud, bool *result, char *err,
                          size_t errsz) {
  if (err && errsz)
    err[0] = 0;
  json_error_t je;
  json_t *obj = json_loads(fields_json ? fields_json : "{}", 0, &je);
  if (!obj || !json_is_object(obj)) {
    snprintf(err, errsz, "--fields: %s", obj ? "not a JSON object" : je.text);
    json_decref(obj);
    return VIGIL_E_SYNTAX;
  }
  vg_back_opts o = {.resolve = resolve, .resolve_ud = resolve_ud,
                    .no_memo = true, .no_debug = true};
  vg_back *b = vg_back_new(&o);
  if (!b) {
    json_decref(obj);
    return VIGIL_E_NOMEM;
  }
  vg_back_rule r = {.name = "expr", .source = source ? source : "syscall",
                    .enabled = true};
  uint8_t *bytes = NULL;
  size_t len = 0;
  vigil_status st = vg_back_add_rule(b, &r, cond, err, errsz);
  if (st == VIGIL_OK)
    st = vg_back_finish(b, &bytes, &len);
  vg_back_free(b);
  ex_ctx *x = NULL;
  vigil_program *p = NULL;
  vigil_vm *vm = NULL;
  if (st != VIGIL_OK)
    goto out;
  x = vg_calloc(1, sizeof *x);
  if (!x) {
    st = VIGIL_E_NOMEM;
    goto out;
  }
  x->obj = obj;
  vg_arena_init(&x->arena);
  st = vigil_program_load(bytes, len, ex_bind, x, &p, err, errsz);
  if (st != VIGIL_OK)
    goto out;
  vm = vigil_vm_new(p, NULL);
  if (!vm) {
    st = VIGIL_E_NOMEM;
    goto out;
  }
  static const vigil_event_ops ops = {sizeof(vigil_event_ops), ex_extract};
  vigil_event ev = {0, 0, &ops, x};
  st = vigil_vm_eval_rule(vm, &ev, 0, result);
  if (st != VIGIL_OK)
    snprintf(err, errsz, "evaluation failed: %s", vigil_status_str(st));
out:
  vigil_vm_free(vm);
  vigil_program_free(p);
  if (x) {
    vg_arena_fini(&x->arena);
    vg_free(x);
  }
  vg_free(bytes);
  json_decref(obj);
  return st;
}
