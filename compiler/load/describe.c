/*
 * describe.c - the loaded rule set as Falco describes it (`falco -L` with
 * JSON output): required versions, then every compiled rule, macro and
 * list with its "info" (as written) and "details" (compiled condition in
 * canonical printing, fields, operators, referenced macros and lists,
 * event types, output fields, exception names/fields/operators).
 */
#include <jansson.h>
#include <string.h>

#include "front/parser.h"
#include "load/loader.h"
#include "sema/catalog.h"
#include "util/alloc.h"

json_t *vg_json_str(const char *s);
const char *vg_load_field_plugin(vigil_compiler *c, const char *source,
                                 const char *f);
size_t vg_load_syscall_names(const char *const **names);

static void ignore_diag(void *ud, const vg_sema_diag *d);

/* Size of the unrestricted event set (a neutral condition's). */
static size_t full_count(const vigil_compiler *c) {
  vg_arena a;
  vg_arena_init(&a);
  vg_node *root = NULL;
  vg_parse_error err;
  size_t n = 0;
  const char *t = "proc.name exists";
  if (vg_parse_condition(&a, t, strlen(t), &root, &err) == VIGIL_OK) {
    vg_evtset s;
    if (vg_sema_evttypes(c->env, root, &s, ignore_diag, NULL) == VIGIL_OK)
      n = vg_evtset_count(&s);
  }
  vg_arena_fini(&a);
  return n;
}

/* A JSON array of unique strings (set semantics). */
static void add_unique(json_t *arr, const char *s) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (!strcmp(json_string_value(v), s))
      return;
  }
  json_array_append_new(arr, vg_json_str(s));
}

typedef struct details {
  const vigil_compiler *c;
  json_t *fields, *ops, *macros, *lists;
  vg_arena *a;
} details;

static bool known_macro(const vigil_compiler *c, const char *n) {
  return vg_find_macro((vigil_compiler *)c, n) != NULL;
}
static bool known_list(const vigil_compiler *c, const char *n) {
  return vg_find_list((vigil_compiler *)c, n) != NULL;
}

static void walk(details *d, const vg_node *n, bool expect_list) {
  if (!n)
    return;
  switch (n->kind) {
  case VG_N_IDENT:
    if (d->macros && known_macro(d->c, n->str.ptr))
      add_unique(d->macros, n->str.ptr);
    return;
  case VG_N_LIST:
    if (expect_list && d->lists)
      for (uint32_t i = 0; i < n->nkids; i++)
        if (known_list(d->c, n->kids[i]->str.ptr))
          add_unique(d->lists, n->kids[i]->str.ptr);
    return;
  case VG_N_UNARY:
  case VG_N_BINARY: {
    walk(d, n->kids[0], false);
    if (d->ops) {
      if (n->mod != VG_MOD_NONE) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s %s", vg_op_name(n->op),
                 vg_mod_name(n->mod));
        add_unique(d->ops, buf);
      } else {
        add_unique(d->ops, vg_op_name(n->op));
      }
    }
    if (n->kind == VG_N_BINARY && n->nkids > 1)
      walk(d, n->kids[1], true);
    return;
  }
  case VG_N_FIELD:
    if (d->fields) {
      vg_buf b;
      vg_buf_init(&b);
      vg_buf_append(&b, n->str.ptr, n->str.len);
      if (n->has_arg && n->arg.len) {
        vg_buf_putc(&b, '[');
        vg_buf_append(&b, n->arg.ptr, n->arg.len);
        vg_buf_putc(&b, ']');
      }
      add_unique(d->fields, vg_buf_str(&b));
      vg_buf_fini(&b);
    }
    return;
  default:
    for (uint32_t i = 0; i < n->nkids; i++)
      walk(d, n->kids[i], false);
    return;
  }
}

/* macros/lists referenced directly by the raw condition */
static void raw_refs(const vigil_compiler *c, const char *text, json_t *m,
                     json_t *l) {
  vg_arena a;
  vg_arena_init(&a);
  vg_node *root = NULL;
  vg_parse_error err;
  if (vg_parse_condition(&a, text, strlen(text), &root, &err) == VIGIL_OK) {
    details d = {c, NULL, NULL, m, l, &a};
    walk(&d, root, false);
  }
  vg_arena_fini(&a);
}

static json_t *str_array(const char *const *v, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, vg_json_str(v[i]));
  return a;
}

static json_t *events_json(const vigil_compiler *c, const vg_evtset *s) {
  vigil_compiler *mc = (vigil_compiler *)c;
  json_t *a = json_array();
  const char **names = NULL;
  size_t n = vg_evtset_names(s, &mc->a, &names);
  for (size_t i = 0; i < n; i++)
    add_unique(a, names[i]);
  add_unique(a, "asyncevent");
  size_t full = full_count(c);
  if (full && vg_evtset_count(s) >= full) {
    /* Falco adds the names of the system calls the condition matches */
    const char *const *sc;
    size_t ns = vg_load_syscall_names(&sc);
    for (size_t i = 0; i < ns; i++)
      if (sc[i] && sc[i][0])
        add_unique(a, sc[i]);
  }
  return a;
}

static const char *const PRIO[] = {"Emergency",     "Alert",   "Critical",
                                   "Error",         "Warning", "Notice",
                                   "Informational", "Debug"};

static json_t *rule_json(const vigil_compiler *c, const vg_rule_info *r) {
  vigil_compiler *mc = (vigil_compiler *)c;
  json_t *o = json_object();
  json_t *info = json_object();
  json_object_set_new(info, "name", vg_json_str(r->name));
  json_object_set_new(info, "condition", vg_json_str(r->cond.text));
  json_object_set_new(info, "priority",
                      vg_json_str(r->priority >= 0 && r->priority < 8
                                      ? PRIO[r->priority]
                                      : ""));
  json_object_set_new(info, "output", vg_json_str(r->output));
  json_object_set_new(info, "description", vg_json_str(r->desc));
  json_object_set_new(info, "enabled", json_boolean(r->enabled));
  json_object_set_new(info, "source", vg_json_str(r->source));
  json_object_set_new(info, "capture", json_boolean(r->capture));
  json_object_set_new(info, "capture_duration",
                      json_integer(r->capture_duration));
  json_object_set_new(info, "tags", str_array(r->tags, r->ntags));
  json_object_set_new(o, "info", info);

  json_t *det = json_object();
  json_t *macros = json_array(), *lists = json_array();
  raw_refs(c, r->cond.text, macros, lists);
  json_object_set_new(det, "macros", macros);
  json_object_set_new(det, "lists", lists);
  details d = {c, json_array(), json_array(), NULL, NULL, &mc->a};
  walk(&d, r->ast, false);
  json_object_set_new(det, "condition_fields", d.fields);
  json_object_set_new(det, "condition_operators", d.ops);
  /* output fields: Falco lists the append_output extra fields' formats
   * first, and the formatted ones (not the raw) by name */
  json_t *of = json_array();
  json_t *xff = NULL;
  for (size_t i = 0; i < r->nxfields; i++) {
    json_array_append_new(of, vg_json_str(r->xfields[i].format));
    if (r->xfields[i].raw)
      continue;
    if (!xff)
      xff = json_object();
    json_object_set_new(xff, r->xfields[i].name,
                        vg_json_str(r->xfields[i].format));
  }
  if (xff)
    json_object_set_new(det, "extra_output_formatted_fields", xff);
  {
    const char *fmt = r->output_final ? r->output_final : "";
    size_t n = strlen(fmt);
    vg_arena a;
    vg_arena_init(&a);
    for (size_t i = (n && fmt[0] == '*') ? 1 : 0; i < n; i++) {
      if (fmt[i] != '%')
        continue;
      size_t j = i + 1;
      while (j < n && fmt[j] >= '0' && fmt[j] <= '9')
        j++;
      vg_node *op = NULL;
      size_t used = 0;
      vg_parse_error perr;
      if (j < n &&
          vg_parse_operand(&a, fmt + j, n - j, &op, &used, &perr) == VIGIL_OK &&
          used) {
        /* the longest prefix that resolves (same rule as validation) */
        size_t got = used;
        for (size_t l = used; l > 0; l--) {
          vg_node *t = NULL;
          size_t u2 = 0;
          if (vg_parse_operand(&a, fmt + j, l, &t, &u2, &perr) != VIGIL_OK ||
              u2 != l)
            continue;
          if (vg_valid_lhs_field(mc, r->source,
                                 vg_arena_strndup(&a, fmt + j, l))) {
            got = l;
            break;
          }
        }
        char *tok = vg_arena_strndup(&a, fmt + j, got);
        json_array_append_new(of, vg_json_str(tok));
        i = j + got - 1;
      }
    }
    vg_arena_fini(&a);
  }
  json_object_set_new(det, "output_fields", of);
  json_t *ef = json_array();
  for (size_t i = 0; i < r->nexc_fields; i++)
    add_unique(ef, r->exc_fields[i]);
  json_object_set_new(det, "exception_fields", ef);
  json_t *en = json_array(), *eo = json_array();
  for (size_t i = 0; i < r->nexceptions; i++) {
    const vg_exception *e = &r->exceptions[i];
    add_unique(en, e->name);
    if (e->comps.is_list) {
      for (size_t k = 0; k < e->comps.n; k++) {
        const vg_xentry *x = &e->comps.items[k];
        if (x->is_list)
          for (size_t m = 0; m < x->n; m++)
            add_unique(eo, x->items[m].item ? x->items[m].item : "");
        else
          add_unique(eo, x->item ? x->item : "");
      }
    } else if (e->comps.item) {
      add_unique(eo, e->comps.item);
    }
  }
  json_object_set_new(det, "exception_names", en);
  json_object_set_new(det, "exception_operators", eo);
  if (!strcmp(r->source, "syscall")) {
    json_object_set_new(det, "events", events_json(c, &r->evts));
  } else {
    json_t *ev = json_array();
    json_array_append_new(ev, json_string("pluginevent"));
    json_array_append_new(ev, json_string("asyncevent"));
    json_object_set_new(det, "events", ev);
  }
  vg_buf b;
  vg_buf_init(&b);
  vg_ast_print(&b, r->ast);
  json_object_set_new(det, "condition_compiled", vg_json_str(vg_buf_str(&b)));
  vg_buf_fini(&b);
  json_object_set_new(det, "output_compiled",
                      vg_json_str(r->output_final ? r->output_final : ""));
  /* plugins used: the source's plugin, then those providing fields of the
   * condition and the output */
  json_t *pl = json_array();
  const vg_plugin_def *sp = vg_plugin_for_source(r->source);
  if (sp)
    add_unique(pl, sp->name);
  json_t *lists2[] = {json_object_get(det, "condition_fields"), of};
  for (size_t k = 0; k < 2; k++) {
    size_t i;
    json_t *v;
    json_array_foreach(lists2[k], i, v) {
      const char *p = vg_load_field_plugin(mc, r->source, json_string_value(v));
      if (p)
        add_unique(pl, p);
    }
  }
  json_object_set_new(det, "plugins", pl);
  json_object_set_new(o, "details", det);
  return o;
}

static void ignore_diag(void *ud, const vg_sema_diag *d) {
  /* describe reports nothing: the load already did */
  (void)ud;
  (void)d;
}

static json_t *macro_json(const vigil_compiler *c, const vg_macro_info *m) {
  vigil_compiler *mc = (vigil_compiler *)c;
  json_t *o = json_object();
  json_t *info = json_object();
  json_object_set_new(info, "name", vg_json_str(m->name));
  json_object_set_new(info, "condition", vg_json_str(m->cond.text));
  json_object_set_new(o, "info", info);
  json_t *det = json_object();
  json_object_set_new(det, "used", json_boolean(m->used));
  json_t *macros = json_array(), *lists = json_array();
  raw_refs(c, m->cond.text, macros, lists);
  json_object_set_new(det, "macros", macros);
  json_object_set_new(det, "lists", lists);
  details d = {c, json_array(), json_array(), NULL, NULL, &mc->a};
  walk(&d, m->ast, false);
  json_object_set_new(det, "condition_fields", d.fields);
  json_object_set_new(det, "condition_operators", d.ops);
  vg_evtset es;
  memset(&es, 0, sizeof es);
  if (m->ast &&
      vg_sema_evttypes(c->env, m->ast, &es, ignore_diag, NULL) == VIGIL_OK)
    json_object_set_new(det, "events", events_json(c, &es));
  else
    json_object_set_new(det, "events", json_array());
  vg_buf b;
  vg_buf_init(&b);
  if (m->ast)
    vg_ast_print(&b, m->ast);
  json_object_set_new(det, "condition_compiled", vg_json_str(vg_buf_str(&b)));
  vg_buf_fini(&b);
  json_object_set_new(det, "plugins", json_array());
  json_object_set_new(o, "details", det);
  return o;
}

static json_t *list_json(const vg_list_info *l) {
  json_t *o = json_object();
  json_t *info = json_object();
  json_object_set_new(info, "name", vg_json_str(l->name));
  json_t *items = json_array(), *lists = json_array();
  for (size_t i = 0; i < l->nitems; i++) {
    bool in = false;
    for (size_t k = 0; k < l->nc && !in; k++)
      in = !strcmp(l->citems[k], l->items[i]);
    if (!in)
      add_unique(lists, l->items[i]);
    else
      json_array_append_new(items, vg_json_str(l->items[i]));
  }
  json_object_set_new(info, "items", items);
  json_object_set_new(o, "info", info);
  json_t *det = json_object();
  json_object_set_new(det, "used", json_boolean(l->used));
  json_object_set_new(det, "lists", lists);
  json_object_set_new(det, "items_compiled", str_array(l->citems, l->nc));
  json_object_set_new(det, "plugins", json_array());
  json_object_set_new(o, "details", det);
  return o;
}

vigil_status vg_describe(const vigil_compiler *c, char **out) {
  json_t *root = json_object();
  char ver[64];
  if (c->has_engine_version)
    snprintf(ver, sizeof ver, "%u.%u.%u", c->ev_major, c->ev_minor,
             c->ev_patch);
  else
    snprintf(ver, sizeof ver, "0.0.0");
  json_object_set_new(root, "required_engine_version", json_string(ver));
  json_t *pv = json_array();
  for (size_t i = 0; i < c->plugin_groups.n; i++) {
    const vg_plugin_group *g = c->plugin_groups.v[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", vg_json_str(g->alts[0].name));
    json_object_set_new(o, "version", vg_json_str(g->alts[0].version));
    json_t *alts = json_array();
    for (size_t k = 1; k < g->n; k++) {
      json_t *a = json_object();
      json_object_set_new(a, "name", vg_json_str(g->alts[k].name));
      json_object_set_new(a, "version", vg_json_str(g->alts[k].version));
      json_array_append_new(alts, a);
    }
    json_object_set_new(o, "alternatives", alts);
    json_array_append_new(pv, o);
  }
  json_object_set_new(root, "required_plugin_versions", pv);
  json_t *rules = json_array();
  for (size_t i = 0; i < c->rules.n; i++) {
    const vg_rule_info *r = c->rules.v[i];
    if (r->compiled_ok && r->ast)
      json_array_append_new(rules, rule_json(c, r));
  }
  json_object_set_new(root, "rules", rules);
  json_t *macros = json_array();
  for (size_t i = 0; i < c->macros.n; i++)
    json_array_append_new(macros, macro_json(c, c->macros.v[i]));
  json_object_set_new(root, "macros", macros);
  json_t *lists = json_array();
  for (size_t i = 0; i < c->lists.n; i++)
    json_array_append_new(lists, list_json(c->lists.v[i]));
  json_object_set_new(root, "lists", lists);
  char *s = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref(root);
  if (!s)
    return VIGIL_E_NOMEM;
  *out = s;
  return VIGIL_OK;
}
