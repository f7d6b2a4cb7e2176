/*
 * compile.c - compiles the whole collection after each file, as Falco does
 * (rules-language.md 1, 5, 6.3, 9.2, 12.2): lists (one-level inclusion),
 * macros (textual list substitution, parse, resolution with visibility and
 * loop detection), then rules in index order (exception text, output
 * validation, substitution, parse, macro resolution, warning pass, field
 * and type checks, event types), then the unused macro/list warnings.
 *
 * Besides Falco's location chains, every finding inside a condition gets a
 * precise file span when the offending text can be traced back through list
 * substitution, exception wrapping and YAML folding to the file.
 */
#include <string.h>

#include "front/parser.h"
#include "load/loader.h"
#include "util/alloc.h"

#define VALID VG_LOAD_ERR_VALIDATE

/* ------------------------------------------------------------ spans */

/* Maps an offset of a condition's original text (before exceptions and
 * substitution) to a file offset through its segments and the scalars'
 * offset maps. */
static bool ctext_file_off(const vg_ctext *t, size_t off, const char **file,
                           size_t *fo) {
  for (size_t i = 0; i < t->nsegs; i++) {
    const vg_cseg *s = &t->segs[i];
    if (off >= s->toff && off <= s->toff + s->len) {
      *file = s->file;
      if (s->node->omap) {
        *fo = s->node->omap[off - s->toff];
      } else {
        *fo = s->node->mark.off;
        return false; /* imprecise: the scalar as a whole */
      }
      return true;
    }
  }
  return false;
}

static bool is_delim(char ch);

/* Bytes inserted by list substitution all map to the list name's offset,
 * so an inserted byte shares its origin with a neighbour. */
static bool inserted(const int32_t *origin, size_t flen, size_t a) {
  return (a + 1 < flen && origin[a + 1] == origin[a]) ||
         (a > 0 && origin[a - 1] == origin[a]);
}

/* Sets ctx's span to the text [a, b) of the final condition text, mapped
 * back through origin (final -> condition text offset, -1 if generated).
 * exc_shift is 1 when exceptions wrapped the condition in "(...)". */
static void set_cond_span(vigil_compiler *c, vg_ctx *ctx, const vg_ctext *t,
                          const int32_t *origin, size_t flen, size_t a,
                          size_t b, int exc_shift, bool *precise) {
  (void)c;
  *precise = false;
  if (a > flen)
    a = flen;
  if (b > flen)
    b = flen;
  if (b < a)
    b = a;
  long oa = origin ? (a < flen ? origin[a] : (flen ? origin[flen - 1] + 1 : 0))
                   : (long)a;
  long ob = b > a ? (origin ? origin[b - 1] + 1 : (long)b) : oa;
  oa -= exc_shift;
  ob -= exc_shift;
  size_t tl = strlen(t->text);
  if (oa < 0 || (size_t)oa > tl)
    return;
  if (ob < oa || (size_t)ob > tl)
    ob = oa;
  const char *file = NULL;
  size_t fa = 0, fb = 0;
  bool pa = ctext_file_off(t, (size_t)oa, &file, &fa);
  if (!file)
    return;
  ctx->has_span = true;
  ctx->file = file;
  ctx->start = fa;
  ctx->end = fa;
  if (pa && ob > oa && ctext_file_off(t, (size_t)ob - 1, &file, &fb) &&
      fb >= fa)
    ctx->end = fb + 1;
  *precise = pa;
  if (!pa)
    ctx->note = "the condition is a YAML scalar with escapes: the exact "
                "column is not known, the scalar is shown";
  /* inside text that list substitution inserted: name the list */
  if (origin && a < flen && (size_t)origin[a] < tl &&
      inserted(origin, flen, a)) {
    const char *w = t->text + origin[a];
    size_t wl = 0;
    while (w[wl] && !is_delim(w[wl]))
      wl++;
    char *name = vg_arena_strndup(&c->a, w, wl);
    if (name && vg_find_list(c, name)) {
      ctx->note = vg_fmt(c,
                         "'%s' is a list: its items were substituted here "
                         "(lists belong inside parentheses, e.g. (%s))",
                         name, name);
      ctx->end = ctx->start + wl;
    }
  }
}

/* ------------------------------------------------------------ lists */

static bool is_blank(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}
static bool is_delim(char ch);
static bool is_delim(char ch) {
  return is_blank(ch) || ch == '(' || ch == ')' || ch == ',' || ch == '=';
}

static void quote_item(vg_buf *b, const char *e) {
  if (strchr(e, ' ') && e[0] != '"' && e[0] != '\'') {
    vg_buf_putc(b, '"');
    vg_buf_puts(b, e);
    vg_buf_putc(b, '"');
  } else {
    vg_buf_puts(b, e);
  }
}

/* One linear pass (the text was once rebuilt per occurrence, quadratic in
 * the number of references). The output is built in out/oo; "the new
 * string" of the rules below is out followed by the unread rest of cnd:
 * blanks before a reference are trimmed from out, the search resumes
 * after the inserted text (one byte later when the insertion starts the
 * string, as the per-occurrence version did). */
const char *vg_subst_list_ex(vg_arena *a, const char *cnd, int32_t *origin,
                             const char *name, const char *const *items,
                             size_t nitems, bool *used, int32_t **origin_out,
                             vigil_status *st) {
  *st = VIGIL_OK;
  const char *hit = name[0] ? strstr(cnd, name) : NULL;
  if (origin_out)
    *origin_out = origin;
  if (!hit)
    return cnd;
  size_t nl = strlen(name), len = strlen(cnd);
  vg_buf sub, out;
  vg_buf_init(&sub);
  vg_buf_init(&out);
  for (size_t i = 0; i < nitems; i++) {
    if (i)
      vg_buf_puts(&sub, ", ");
    quote_item(&sub, items[i]);
  }
  size_t sl = sub.len;
  int32_t *oo = NULL;
  size_t ocap = 0;
  size_t rd = 0; /* cnd[0..rd) has been consumed into out */
  size_t p = (size_t)(hit - cnd);
  const char *res = NULL;
  for (;;) {
    size_t end = p + nl;
    /* the byte before the reference in the new string */
    bool lead = p > rd ? is_delim(cnd[p - 1])
                       : (out.len == 0 || is_delim(out.ptr[out.len - 1]));
    if (lead && (end >= len || is_delim(cnd[end]))) {
      int32_t at = origin ? origin[p] : 0;
      vg_buf_append(&out, cnd + rd, p - rd);
      size_t need = out.len + sl + 2 + (len - end);
      if (need > VG_MAX_SUBST_TEXT) {
        *st = VIGIL_E_LIMIT;
        goto done;
      }
      if (origin && need + 1 > ocap) {
        size_t nc = ocap ? ocap : 64;
        while (nc < need + 1)
          nc *= 2;
        int32_t *no = vg_realloc(oo, nc * sizeof *no);
        if (!no)
          goto nomem;
        oo = no;
        ocap = nc;
      }
      if (origin)
        for (size_t k = out.len - (p - rd); k < out.len; k++)
          oo[k] = origin[rd + k - (out.len - (p - rd))];
      while (out.len > 0 && is_blank(out.ptr[out.len - 1]))
        out.len--;
      while (end < len && is_blank(cnd[end]))
        end++;
      if (sl == 0) {
        if (out.len > 0 && out.ptr[out.len - 1] == ',')
          out.len--;
        else if (end < len && cnd[end] == ',')
          end++;
      }
      bool first = out.len == 0;
      if (!first) {
        if (origin)
          oo[out.len] = at;
        vg_buf_putc(&out, ' ');
      }
      for (size_t k = 0; origin && k < sl + 1; k++)
        oo[out.len + k] = at;
      vg_buf_append(&out, sub.ptr ? sub.ptr : "", sl);
      vg_buf_putc(&out, ' ');
      if (vg_buf_failed(&out))
        goto nomem;
      rd = end;
      *used = true;
      p = end + (first ? 1 : 0);
      if (first && end + 1 > len)
        break;
    } else {
      p++;
    }
    if (p > len)
      break;
    const char *nh = strstr(cnd + p, name);
    if (!nh)
      break;
    p = (size_t)(nh - cnd);
  }
  vg_buf_append(&out, cnd + rd, len - rd);
  if (vg_buf_failed(&out))
    goto nomem;
  char *nt = vg_arena_alloc(a, out.len + 1);
  int32_t *no = origin ? vg_arena_alloc(a, (out.len + 1) * sizeof *no) : NULL;
  if (!nt || (origin && !no))
    goto nomem;
  memcpy(nt, out.ptr ? out.ptr : "", out.len);
  nt[out.len] = 0;
  if (origin) {
    size_t tail = len - rd, head = out.len - tail;
    if (head)
      memcpy(no, oo, head * sizeof *no);
    memcpy(no + head, origin + rd, (tail + 1) * sizeof *no);
    if (origin_out)
      *origin_out = no;
  }
  res = nt;
  goto done;
nomem:
  *st = VIGIL_E_NOMEM;
done:
  vg_free(oo);
  vg_buf_fini(&sub);
  vg_buf_fini(&out);
  return res;
}

const char *vg_subst_list(vg_arena *a, const char *cnd, int32_t *origin,
                          const char *name, const char *const *items,
                          size_t nitems, bool *used, int32_t **origin_out) {
  vigil_status st;
  const char *r = vg_subst_list_ex(a, cnd, origin, name, items, nitems, used,
                                   origin_out, &st);
  return r ? r : cnd;
}

static void compile_lists(vigil_compiler *c) {
  for (size_t i = 0; i < c->lists.n; i++) {
    vg_list_info *l = c->lists.v[i];
    l->used = false;
  }
  vg_ptrvec used = {0};
  for (size_t i = 0; i < c->lists.n; i++) {
    vg_list_info *l = c->lists.v[i];
    size_t cap = l->nitems;
    for (size_t j = 0; j < l->nitems; j++) {
      vg_list_info *r = vg_find_list(c, l->items[j]);
      if (r && r->index < l->visibility)
        cap += r->nitems;
    }
    l->citems = vg_arena_alloc(&c->a, (cap + 1) * sizeof *l->citems);
    l->nc = 0;
    if (!l->citems)
      continue;
    for (size_t j = 0; j < l->nitems; j++) {
      vg_list_info *r = vg_find_list(c, l->items[j]);
      if (r && r->index < l->visibility) {
        vg_ptrvec_push(&c->a, &used, r);
        for (size_t k = 0; k < r->nitems; k++)
          l->citems[l->nc++] = r->items[k];
      } else {
        l->citems[l->nc++] = l->items[j];
      }
    }
  }
  for (size_t i = 0; i < used.n; i++)
    ((vg_list_info *)used.v[i])->used = true;
}

/* Substitutes every list in index order; records which lists were used
 * (names appended to *names when names != NULL). NULL with a message in
 * *why past the list expansion limit or out of memory. */
static const char *subst_all(vigil_compiler *c, const char *text,
                             int32_t **origin, vg_ptrvec *names,
                             const char **why) {
  size_t len = strlen(text);
  int32_t *org = vg_arena_alloc(&c->a, (len + 1) * sizeof *org);
  if (org)
    for (size_t i = 0; i <= len; i++)
      org[i] = (int32_t)i;
  const char *cur = text;
  for (size_t i = 0; i < c->lists.n; i++) {
    vg_list_info *l = c->lists.v[i];
    bool used = false;
    vigil_status st;
    const char *next =
        vg_subst_list_ex(&c->a, cur, org, l->name,
                         (const char *const *)l->citems, l->nc, &used, &org,
                         &st);
    if (!next) {
      *why = st == VIGIL_E_LIMIT
                 ? vg_fmt(c, "condition too large after substituting list "
                             "'%s': more than %u bytes (list expansion "
                             "limit)", l->name, VG_MAX_SUBST_TEXT)
                 : "out of memory";
      return NULL;
    }
    cur = next;
    if (used) {
      l->used = true;
      if (names)
        vg_ptrvec_push(&c->a, names, (void *)l->name);
    }
  }
  *origin = org;
  return cur;
}

/* ------------------------------------------------------------ exceptions */

static bool is_list_op(const char *op) {
  extern bool vg_is_str_op_with_modifier(const char *s);
  return !strcmp(op, "in") || !strcmp(op, "intersects") ||
         !strcmp(op, "pmatch") || vg_is_str_op_with_modifier(op);
}

/* Where a piece of the generated exception text came from. */
typedef struct vg_xspan {
  size_t off, len; /* in the exception-wrapped condition text */
  const vg_ynode *node;
} vg_xspan;

static void xrec(vigil_compiler *c, vg_ptrvec *xm, size_t base, size_t off,
                 size_t len, const vg_ynode *node) {
  if (!xm || !node)
    return;
  vg_xspan *x = vg_arena_alloc(&c->a, sizeof *x);
  if (!x)
    return;
  x->off = base + off;
  x->len = len;
  x->node = node;
  vg_ptrvec_push(&c->a, xm, x);
}

/* quote_item recording the item's own bytes */
static void quote_rec(vigil_compiler *c, vg_buf *t, vg_ptrvec *xm,
                      const vg_xentry *e) {
  const char *s = e->item ? e->item : "";
  size_t at = t->len;
  if (strchr(s, ' ') && s[0] != '"' && s[0] != '\'')
    at++;
  quote_item(t, s);
  xrec(c, xm, 0, at, strlen(s), e->node);
}

const char *vg_exceptions_text(vigil_compiler *c, const vg_rule_info *r,
                               bool *ok) {
  return vg_exceptions_text_map(c, r, ok, NULL);
}

const char *vg_exceptions_text_map(vigil_compiler *c, const vg_rule_info *r,
                                   bool *ok, vg_ptrvec *xm) {
  vg_buf b;
  vg_buf_init(&b);
  *ok = true;
  vg_buf_printf(&b, "(%s)", r->cond.text);
  for (size_t i = 0; i < r->nexceptions; i++) {
    const vg_exception *ex = &r->exceptions[i];
    vg_buf t;
    vg_buf_init(&t);
    vg_ptrvec txm = {0}; /* offsets relative to t */
    vg_ptrvec *tx = xm ? &txm : NULL;
    if (!ex->fields.is_list) {
      for (size_t j = 0; j < ex->nvalues; j++) {
        const vg_xentry *v = &ex->values[j];
        if (v->is_list) {
          vg_add_error(c, VALID,
                       "Expected values array to contain a list of strings",
                       &ex->ctx);
          *ok = false;
          vg_buf_fini(&t);
          vg_buf_fini(&b);
          return NULL;
        }
        if (t.len == 0) {
          xrec(c, tx, 0, 1, strlen(ex->fields.item), ex->fields.node);
          vg_buf_printf(&t, "(%s %s (", ex->fields.item, ex->comps.item);
        } else {
          vg_buf_puts(&t, ", ");
        }
        quote_rec(c, &t, tx, v);
      }
      if (t.len)
        vg_buf_puts(&t, "))");
    } else {
      vg_buf_putc(&t, '(');
      for (size_t j = 0; j < ex->nvalues; j++) {
        const vg_xentry *vals = &ex->values[j];
        if (ex->fields.n != vals->n) {
          vg_add_error(c, VALID,
                       "Fields and values lists must have equal length",
                       &ex->ctx);
          *ok = false;
          vg_buf_fini(&t);
          vg_buf_fini(&b);
          return NULL;
        }
        if (j)
          vg_buf_puts(&t, " or ");
        vg_buf_putc(&t, '(');
        for (size_t k = 0; k < ex->fields.n; k++) {
          if (k)
            vg_buf_puts(&t, " and ");
          const vg_xentry *e = &vals->items[k];
          const char *comp = ex->comps.items[k].item;
          xrec(c, tx, 0, t.len + 1, strlen(ex->fields.items[k].item),
               ex->fields.items[k].node);
          vg_buf_printf(&t, " %s %s ", ex->fields.items[k].item, comp);
          if (e->is_list) {
            vg_buf_putc(&t, '(');
            for (size_t m = 0; m < e->n; m++) {
              if (m)
                vg_buf_puts(&t, ", ");
              quote_rec(c, &t, tx, &e->items[m]);
            }
            vg_buf_putc(&t, ')');
          } else {
            const char *s = e->item ? e->item : "";
            if (is_list_op(comp)) {
              xrec(c, tx, 0, t.len + (s[0] != '('), strlen(s), e->node);
              if (s[0] != '(')
                vg_buf_printf(&t, "(%s)", s);
              else
                vg_buf_puts(&t, s);
            } else {
              quote_rec(c, &t, tx, e);
            }
          }
        }
        vg_buf_putc(&t, ')');
      }
      vg_buf_putc(&t, ')');
      if (t.len == 2)
        t.len = 0;
    }
    if (t.len) {
      vg_buf_puts(&b, " and not ");
      for (size_t k = 0; k < txm.n; k++) {
        vg_xspan *x = txm.v[k];
        x->off += b.len;
        vg_ptrvec_push(&c->a, xm, x);
      }
      vg_buf_append(&b, t.ptr, t.len);
    }
    vg_buf_fini(&t);
  }
  const char *s = vg_arena_strndup(&c->a, vg_buf_str(&b), b.len);
  vg_buf_fini(&b);
  return s;
}

/* ------------------------------------------------------------ macros */

typedef struct resolver {
  vigil_compiler *c;
  uint32_t visibility; /* macros with index < visibility are known */
  const char *path[256];
  size_t npath;
  const char *err_msg;
  vg_pos err_pos;
  size_t err_len;
  bool has_err;
  bool hit_failed;
  size_t expansions; /* substitutions so far (a cap against blow-ups) */
  size_t nodes;      /* nodes cloned so far (same) */
  const char *unk_name;
  vg_pos unk_pos;
  bool has_unk;
  vg_ptrvec resolved;              /* vg_macro_info* */
  vg_ptrvec exp_nodes, exp_macros; /* expansion roots and their macros */
  int depth;
} resolver;

/* Nodes of a tree; a tree deeper than VG_MAX_TREE_DEPTH counts as too
 * large, since every later pass recurses over it. The caps are far above
 * real rule sets (Falco's three packs clone some 20000 nodes in all). */
#define VG_MAX_EXPANSION 200000 /* nodes per resolved condition */
#define VG_MAX_CLONED 1000000   /* nodes cloned per compile */
#define VG_MAX_TREE_DEPTH 5000

static size_t count_nodes_d(const vg_node *n, size_t depth) {
  if (!n)
    return 0;
  if (depth > VG_MAX_TREE_DEPTH)
    return VG_MAX_EXPANSION + 1;
  size_t k = 1;
  for (uint32_t i = 0; i < n->nkids && k <= VG_MAX_EXPANSION; i++)
    k += count_nodes_d(n->kids[i], depth + 1);
  return k;
}

static size_t count_nodes(const vg_node *n) {
  return count_nodes_d(n, 0);
}

static vg_node *resolve(resolver *rs, vg_node *n) {
  if (!n)
    return n;
  switch (n->kind) {
  case VG_N_AND:
  case VG_N_OR:
  case VG_N_NOT:
    for (uint32_t i = 0; i < n->nkids; i++)
      n->kids[i] = resolve(rs, n->kids[i]);
    return n;
  case VG_N_IDENT: {
    vg_macro_info *m = vg_find_macro(rs->c, n->str.ptr);
    if (m && m->index < rs->visibility && m->failed) {
      rs->hit_failed = true; /* already reported: no cascade */
      return n;
    }
    if (m && m->index < rs->visibility && m->ast) {
      for (size_t i = 0; i < rs->npath; i++)
        if (!strcmp(rs->path[i], m->name)) {
          if (!rs->has_err) {
            rs->has_err = true;
            rs->err_msg =
                vg_fmt(rs->c, "reference loop in macro '%s'", m->name);
            rs->err_pos = n->pos;
            rs->err_len = n->str.len;
          }
          return n;
        }
      if (rs->npath >= 256) {
        if (!rs->has_err) {
          rs->has_err = true;
          rs->err_msg = vg_fmt(rs->c, "reference loop in macro '%s'", m->name);
          rs->err_pos = n->pos;
        }
        return n;
      }
      /* Count what is cloned now: a macro's tree can grow while it is
       * being resolved (in place) and be cloned from inside that very
       * resolution, so a size cached earlier would undercount. */
      size_t k = count_nodes(m->ast);
      rs->nodes += k;
      rs->c->cloned += k;
      if (++rs->expansions > 1000000 || rs->nodes > VG_MAX_EXPANSION ||
          rs->c->cloned > VG_MAX_CLONED) {
        if (!rs->has_err) {
          rs->has_err = true;
          rs->err_msg = vg_fmt(
              rs->c,
              "expansion of macro '%s' is too large (more than %d "
              "nodes or %d levels, or %d nodes in all)",
              m->name, VG_MAX_EXPANSION, VG_MAX_TREE_DEPTH, VG_MAX_CLONED);
          rs->err_pos = n->pos;
          rs->err_len = n->str.len;
        }
        return n;
      }
      rs->path[rs->npath++] = m->name;
      vg_node *cl = vg_ast_clone(&rs->c->a, m->ast);
      cl = resolve(rs, cl);
      vg_ptrvec_push(&rs->c->a, &rs->resolved, m);
      if (cl) {
        vg_ptrvec_push(&rs->c->a, &rs->exp_nodes, cl);
        vg_ptrvec_push(&rs->c->a, &rs->exp_macros, m);
      }
      rs->npath--;
      return cl ? cl : n;
    }
    if (!rs->has_unk) {
      rs->has_unk = true;
      rs->unk_name = n->str.ptr;
      rs->unk_pos = n->pos;
    }
    return n;
  }
  default:
    return n;
  }
}

/* ------------------------------------------------------------ did you mean */

size_t vg_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return 99;
  size_t d[65][65];
  for (size_t i = 0; i <= la; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t x = d[i - 1][j] + 1, y = d[i][j - 1] + 1,
             z = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      d[i][j] = x < y ? (x < z ? x : z) : (y < z ? y : z);
    }
  return d[la][lb];
}

static void suggest_macro(vigil_compiler *c, const char *name) {
  const char *best = NULL;
  size_t bd = 99;
  for (size_t i = 0; i < c->macros.n; i++) {
    vg_macro_info *m = c->macros.v[i];
    size_t d = vg_edit_distance(name, m->name);
    if (d < bd) {
      bd = d;
      best = m->name;
    }
  }
  for (size_t i = 0; i < c->lists.n; i++) {
    vg_list_info *l = c->lists.v[i];
    size_t d = vg_edit_distance(name, l->name);
    if (d < bd) {
      bd = d;
      best = vg_fmt(c, "(%s)", l->name);
    }
  }
  size_t nl = strlen(name);
  if (best && bd > 0 && bd <= (nl < 6 ? 1 : nl / 3 + 1))
    vg_add_note(c, vg_fmt(c, "did you mean '%s'?", best));
}

/* "... nonexistent field X": suggest a field of the same source. */
extern const char *vg_load_suggest_field(const char *source, const char *name);
extern const char *vg_load_suggested_output(vigil_compiler *c,
                                            const char *source);

static void note_for_message(vigil_compiler *c, const char *source,
                             const char *msg) {
  const char *ev = "unknown event type ";
  if (!strncmp(msg, ev, strlen(ev))) {
    const char *name = msg + strlen(ev);
    const char *best = NULL;
    size_t bd = 99, nl = strlen(name);
    for (size_t i = 0; i < c->lists.n; i++) {
      vg_list_info *l = c->lists.v[i];
      size_t d = vg_edit_distance(name, l->name);
      if (d < bd) {
        bd = d;
        best = l->name;
      }
    }
    if (best && bd > 0 && bd <= (nl < 6 ? 1 : nl / 3 + 1))
      vg_add_note(c, vg_fmt(c, "did you mean the list '%s'?", best));
    return;
  }
  const char *p = strstr(msg, "nonexistent field ");
  if (!p)
    return;
  p += strlen("nonexistent field ");
  const char *s = vg_load_suggest_field(source, p);
  if (s)
    vg_add_note(c, vg_fmt(c, "did you mean '%s'?", s));
}

/* A syntax error at an opening quote that never closes. */
static void note_quote(vigil_compiler *c, const char *text, size_t at) {
  size_t n = strlen(text);
  if (at >= n || (text[at] != '"' && text[at] != '\''))
    return;
  char q = text[at];
  for (size_t i = at + 1; i < n; i++)
    if (text[i] == q && text[i - 1] != '\\')
      return;
  vg_add_note(c, "this quoted string is never terminated");
}

/* ------------------------------------------------------------ sema glue */

typedef struct semacb {
  vigil_compiler *c;
  vg_sema_diag first_err;
  bool has_err;
  vg_sema_diag warns[64];
  size_t nwarns;
} semacb;

static void sema_cb(void *ud, const vg_sema_diag *d) {
  semacb *s = ud;
  if (d->is_error) {
    if (!s->has_err) {
      s->first_err = *d;
      s->first_err.msg = vg_arena_strdup(&s->c->a, d->msg ? d->msg : "");
      s->has_err = true;
    }
  } else if (s->nwarns < 64) {
    s->warns[s->nwarns] = *d;
    s->warns[s->nwarns].msg = vg_arena_strdup(&s->c->a, d->msg ? d->msg : "");
    s->nwarns++;
  }
}

bool vg_valid_lhs_field_ex(vigil_compiler *c, const char *source,
                           const char *field, bool *oom) {
  char *txt = vg_fmt(c, "%s exists", field);
  vg_arena a;
  vg_arena_init(&a);
  vg_node *root = NULL;
  vg_parse_error perr;
  bool ok = false;
  vigil_status st = txt[0] ? vg_parse_condition(&a, txt, strlen(txt), &root,
                                                &perr)
                           : VIGIL_E_NOMEM; /* vg_fmt gives "" on OOM */
  if (st == VIGIL_OK && root && root->kind == VG_N_UNARY) {
    semacb s;
    memset(&s, 0, sizeof s);
    s.c = c;
    st = vg_sema_check(c->env, source, &a, root, sema_cb, &s);
    ok = st == VIGIL_OK && !s.has_err;
  }
  if (oom)
    *oom = st == VIGIL_E_NOMEM;
  vg_arena_fini(&a);
  return ok;
}

bool vg_valid_lhs_field(vigil_compiler *c, const char *source,
                        const char *field) {
  return vg_valid_lhs_field_ex(c, source, field, NULL);
}

/* Does text[0..len) compile as an output token for source? */
static bool output_token_ok(vigil_compiler *c, const char *source,
                            vg_arena *a, const char *text, size_t len,
                            vg_node **out, bool *oom) {
  vg_node *op = NULL;
  size_t used = 0;
  vg_parse_error perr;
  vigil_status st = vg_parse_operand(a, text, len, &op, &used, &perr);
  if (st == VIGIL_E_NOMEM)
    *oom = true;
  if (st != VIGIL_OK || !op || used != len)
    return false;
  vg_pos p0 = {0, 1, 1};
  vg_node *u = vg_ast_new(a, VG_N_UNARY, p0);
  if (!u || !vg_ast_add_kid(a, u, op)) {
    *oom = true;
    return false;
  }
  u->op = VG_OP_EXISTS;
  semacb s;
  memset(&s, 0, sizeof s);
  s.c = c;
  st = vg_sema_check(c->env, source, a, u, sema_cb, &s);
  if (st == VIGIL_E_NOMEM)
    *oom = true;
  if (st != VIGIL_OK || s.has_err)
    return false;
  *out = op;
  return true;
}

/* Validates an output format (9.2); fills the field tokens as written.
 * Returns NULL on success or the error message, *bad_at the offset. */
static const char *check_output(vigil_compiler *c, const char *source,
                                const char *fmt, vg_ptrvec *fields,
                                size_t *bad_at) {
  size_t n = strlen(fmt);
  size_t i = (n && fmt[0] == '*') ? 1 : 0;
  vg_arena a;
  vg_arena_init(&a);
  const char *err = NULL;
  for (; i < n; i++) {
    if (fmt[i] != '%')
      continue;
    *bad_at = i;
    if (i + 1 >= n) {
      err = "invalid formatting syntax: formatting cannot end with a %";
      break;
    }
    size_t j = i + 1;
    while (j < n && fmt[j] >= '0' && fmt[j] <= '9')
      j++;
    if (j >= n) {
      err = "invalid formatting syntax: formatting cannot end with a number";
      break;
    }
    /* longest parse first, then shorter prefixes */
    vg_node *op = NULL;
    size_t used = 0;
    vg_parse_error perr;
    size_t maxl = 0;
    bool oom = false;
    vigil_status pst = vg_parse_operand(&a, fmt + j, n - j, &op, &used, &perr);
    if (pst == VIGIL_OK && op)
      maxl = used;
    oom = pst == VIGIL_E_NOMEM;
    size_t got = 0;
    for (size_t l = maxl; l > 0 && !oom; l--) {
      vg_node *tok;
      if (output_token_ok(c, source, &a, fmt + j, l, &tok, &oom)) {
        got = l;
        break;
      }
    }
    if (oom) {
      err = "out of memory";
      break;
    }
    if (!got) {
      err = "unknown filter: unexpected token after '";
      break;
    }
    if (fields)
      vg_ptrvec_push(&c->a, fields, vg_arena_strndup(&c->a, fmt + j, got));
    i = j + got - 1;
  }
  vg_arena_fini(&a);
  return err;
}

/* ------------------------------------------------------------ warnings */

static const char *const DEPRECATED_FIELDS[] = {"evt.dir",
                                                "evt.latency",
                                                "evt.latency.s",
                                                "evt.latency.ns",
                                                "evt.latency.human",
                                                "evt.wait_latency",
                                                NULL};

static bool err_is_unknown(const char *e) {
  return strstr(e, "nonexistent field") ||
         strstr(e, "invalid formatting token") ||
         strstr(e, "unknown event type") || strstr(e, "unknown filter:");
}

/* Finds the node at parser position pos in the expanded tree and tells
 * whether it came from a macro (for precise spans and notes). */
typedef struct origin_hit {
  const vg_node *node;
  const vg_macro_info *macro;
} origin_hit;

typedef struct expansion {
  const vg_node *root;
  const vg_macro_info *macro;
} expansion;

/* ------------------------------------------------------------ rules */

static void span_in_rule(vigil_compiler *c, vg_ctx *ctx, const vg_rule_info *r,
                         const char *final, const int32_t *origin,
                         int exc_shift, size_t a, size_t b) {
  bool precise;
  size_t flen = strlen(final);
  size_t o = a < flen ? (origin ? (size_t)origin[a] : a) : a;
  size_t cl = strlen(r->cond.text);
  if (exc_shift && a < flen && (o < 1 || o > cl)) {
    /* inside text generated from the exceptions */
    for (size_t i = 0; i < r->xspans.n; i++) {
      const vg_xspan *x = r->xspans.v[i];
      if (o >= x->off && o < x->off + x->len) {
        const vg_ynode *n = x->node;
        ctx->has_span = true;
        ctx->file = ctx->locs[0].name;
        ctx->start = n->mark.off;
        ctx->end = n->end_off > n->mark.off ? n->end_off : n->mark.off;
        if (n->omap && o - x->off < n->len) {
          size_t ob = b > a ? (origin ? (size_t)origin[b - 1] : b - 1) : o;
          ctx->start = n->omap[o - x->off];
          if (ob >= o && ob < x->off + x->len)
            ctx->end = n->omap[ob - x->off] + 1;
          else
            ctx->end = ctx->start + 1;
        }
        ctx->note = "in the condition generated from the rule's exceptions";
        return;
      }
    }
    return;
  }
  set_cond_span(c, ctx, &r->cond, origin, flen, a, b, exc_shift, &precise);
}

static size_t node_end(const vg_node *n, const char *text) {
  (void)text;
  return n->end > n->pos.idx ? n->end : n->pos.idx + 1;
}

/* Finds the node a finding at parser offset idx is about, and the macro
 * expansion it sits in (NULL: the rule's own text). Offsets of nodes cloned
 * from a macro refer to the macro's text, so several nodes may start at
 * idx: prefer one whose text the message names, then the rule's own. */
typedef struct locate_st {
  const resolver *rs;
  uint32_t idx;
  const char *msg;
  const vg_node *best;
  const vg_macro_info *best_m;
  int best_score;
} locate_st;

static void locate_walk(locate_st *ls, const vg_node *n,
                        const vg_macro_info *m) {
  if (!n)
    return;
  for (size_t i = 0; i < ls->rs->exp_nodes.n; i++)
    if (ls->rs->exp_nodes.v[i] == n) {
      m = ls->rs->exp_macros.v[i];
      break;
    }
  if (n->pos.idx == ls->idx && n->kind != VG_N_AND && n->kind != VG_N_OR) {
    const vg_node *f = n;
    while ((f->kind == VG_N_BINARY || f->kind == VG_N_UNARY ||
            f->kind == VG_N_NOT) &&
           f->nkids)
      f = f->kids[0];
    int score = 1;
    if (f->str.ptr && f->str.len && ls->msg && strstr(ls->msg, f->str.ptr))
      score += 2;
    if (!m)
      score += 1;
    if (score > ls->best_score) {
      ls->best_score = score;
      ls->best = n;
      ls->best_m = m;
    }
  }
  for (uint32_t i = 0; i < n->nkids; i++)
    locate_walk(ls, n->kids[i], m);
}

/* Does msg name s as a whole word? */
static bool names(const char *msg, const char *s, size_t n) {
  if (!msg || !n)
    return false;
  for (const char *p = strstr(msg, s); p; p = strstr(p + 1, s)) {
    char after = p[n];
    char before = p > msg ? p[-1] : ' ';
    if ((after == 0 || after == ' ' || after == '\'' || after == ',' ||
         after == ':') &&
        (before == ' ' || before == '\'' || before == ':'))
      return true;
  }
  return false;
}

/* The innermost field or value of n that the message names, else n. */
static const vg_node *refine(const vg_node *n, const char *msg) {
  if ((n->kind == VG_N_FIELD || n->kind == VG_N_VALUE) &&
      names(msg, n->str.ptr, n->str.len))
    return n;
  for (uint32_t i = 0; i < n->nkids; i++) {
    const vg_node *r = refine(n->kids[i], msg);
    if (r != n->kids[i] ||
        ((n->kids[i]->kind == VG_N_FIELD || n->kids[i]->kind == VG_N_VALUE) &&
         names(msg, n->kids[i]->str.ptr, n->kids[i]->str.len)))
      return r;
  }
  return n;
}

static const vg_node *locate(const resolver *rs, const vg_node *root,
                             uint32_t idx, const char *msg,
                             const vg_macro_info **macro) {
  locate_st ls = {rs, idx, msg, NULL, NULL, 0};
  locate_walk(&ls, root, NULL);
  *macro = ls.best_m;
  return ls.best ? refine(ls.best, msg) : NULL;
}

/* The first node of kind k named name (pre-order) and its expansion. */
static const vg_node *find_named_walk(const resolver *rs, const vg_node *n,
                                      vg_node_kind k, const char *name,
                                      const vg_macro_info *m,
                                      const vg_macro_info **mout) {
  if (!n)
    return NULL;
  for (size_t i = 0; i < rs->exp_nodes.n; i++)
    if (rs->exp_nodes.v[i] == n) {
      m = rs->exp_macros.v[i];
      break;
    }
  if (n->kind == k && n->str.ptr && !strcmp(n->str.ptr, name)) {
    *mout = m;
    return n;
  }
  for (uint32_t i = 0; i < n->nkids; i++) {
    const vg_node *f = find_named_walk(rs, n->kids[i], k, name, m, mout);
    if (f)
      return f;
  }
  return NULL;
}

static const vg_node *find_named(const resolver *rs, const vg_node *root,
                                 vg_node_kind k, const char *name,
                                 const vg_macro_info **mout) {
  *mout = NULL;
  return find_named_walk(rs, root, k, name, NULL, mout);
}

/* The span of a finding at parser offset p (node nd, maybe from macro m). */
static void finding_span(vigil_compiler *c, vg_ctx *ctx, const vg_rule_info *r,
                         const char *final, const int32_t *origin,
                         int exc_shift, uint32_t p, const vg_node *nd,
                         const vg_macro_info *m) {
  size_t e = nd ? node_end(nd, final) : p + 1;
  if (nd)
    p = nd->pos.idx;
  if (m) {
    bool precise;
    set_cond_span(c, ctx, &m->cond, m->origin, strlen(m->subst), p, e, 0,
                  &precise);
  } else {
    span_in_rule(c, ctx, r, final, origin, exc_shift, p, e);
  }
}

static void note_macro(vigil_compiler *c, const vg_macro_info *m) {
  if (m)
    vg_add_note(c, vg_fmt(c, "in expansion of macro '%s'", m->name));
}

/* Whether an append_output entry applies to rule r (Falco: source equal,
 * the rule carries every listed tag, rule name equal; empty = any). */
static bool aout_matches(const vigil_append_output *e, const vg_rule_info *r) {
  if (e->source && *e->source && strcmp(e->source, r->source))
    return false;
  if (e->rule && *e->rule && strcmp(e->rule, r->name))
    return false;
  for (size_t i = 0; i < e->ntags; i++) {
    bool has = false;
    for (size_t k = 0; k < r->ntags && !has; k++)
      has = !strcmp(r->tags[k], e->tags[i]);
    if (!has)
      return false;
  }
  return true;
}

/* The rule's output with the matching append_output texts appended in
 * order (extra_output, then suggested fields, per entry), and r->xfields
 * set to the matching extra fields (a later entry replaces a name). */
static const char *append_output(vigil_compiler *c, vg_rule_info *r) {
  static const vigil_append_output dflt = {.suggested_output = true};
  const vigil_append_output *v = &dflt;
  size_t n = 1;
  if (c->opts.append_output_set) {
    v = c->opts.append_output;
    n = c->opts.nappend_output;
  }
  const char *output = r->output;
  vg_ptrvec xf = {0};
  r->xfields = NULL;
  r->nxfields = 0;
  for (size_t i = 0; i < n; i++) {
    const vigil_append_output *e = &v[i];
    if (!aout_matches(e, r))
      continue;
    if (e->extra_output && *e->extra_output)
      output = vg_fmt(c, "%s %s", output, e->extra_output);
    if (e->suggested_output) {
      const char *sug = vg_load_suggested_output(c, r->source);
      if (sug)
        output = vg_fmt(c, "%s %s", output, sug);
    }
    for (size_t k = 0; k < e->nfields; k++) {
      size_t j = 0;
      while (j < xf.n &&
             strcmp(((vigil_extra_field *)xf.v[j])->name, e->fields[k].name))
        j++;
      if (j < xf.n)
        xf.v[j] = (void *)&e->fields[k];
      else
        vg_ptrvec_push(&c->a, &xf, (void *)&e->fields[k]);
    }
  }
  if (xf.n) {
    r->xfields = vg_arena_alloc(&c->a, xf.n * sizeof *r->xfields);
    if (r->xfields) {
      for (size_t j = 0; j < xf.n; j++)
        r->xfields[j] = *(const vigil_extra_field *)xf.v[j];
      r->nxfields = xf.n;
    }
  }
  return output;
}

static void compile_rule(vigil_compiler *c, vg_rule_info *r) {
  r->compiled_ok = false;
  const char *source = r->source;
  const char *cond = r->cond.text;
  int exc_shift = 0;
  if (r->nexceptions) {
    bool ok;
    memset(&r->xspans, 0, sizeof r->xspans);
    cond = vg_exceptions_text_map(c, r, &ok, &r->xspans);
    if (!ok)
      return;
    exc_shift = 1;
    vg_ptrvec ef = {0};
    for (size_t i = 0; i < r->nexceptions; i++) {
      const vg_exception *ex = &r->exceptions[i];
      if (!ex->fields.is_list) {
        if (ex->nvalues)
          vg_ptrvec_push(&c->a, &ef, (void *)ex->fields.item);
      } else if (ex->nvalues) {
        for (size_t k = 0; k < ex->fields.n; k++)
          vg_ptrvec_push(&c->a, &ef, (void *)ex->fields.items[k].item);
      }
    }
    r->exc_fields = (const char **)ef.v;
    r->nexc_fields = ef.n;
  } else {
    r->exc_fields = NULL;
    r->nexc_fields = 0;
  }
  r->cond_final = cond;
  /* output: the host's append_output texts (plugins' suggested fields
   * with Falco's default configuration) first */
  const char *output = append_output(c, r);
  if (strstr(output, "%container.info")) {
    vg_add_warning(c, VG_LOAD_DEPRECATED_ITEM,
                   "%container.info is deprecated and no more useful, and "
                   "will be dropped by Falco 1.0.0. The container plugin "
                   "will automatically add required fields to the output "
                   "message.",
                   &r->ctx, NULL);
    vg_buf b;
    vg_buf_init(&b);
    const char *p = output, *q;
    while ((q = strstr(p, "%container.info"))) {
      vg_buf_append(&b, p, (size_t)(q - p));
      p = q + strlen("%container.info");
    }
    vg_buf_puts(&b, p);
    output = vg_arena_strndup(&c->a, vg_buf_str(&b), b.len);
    vg_buf_fini(&b);
  }
  r->output_final = output;
  size_t bad_at = 0;
  const char *oerr = check_output(c, source, output, NULL, &bad_at);
  if (oerr) {
    if (err_is_unknown(oerr) && r->skip_unknown) {
      vg_add_warning(c, VG_LOAD_UNKNOWN_FILTER, oerr, &r->output_ctx, NULL);
      return;
    }
    vg_ctx octx = r->output_ctx;
    /* precise place: the token in the output scalar, while the text up to
     * it is still the scalar's (not rewritten by appends or removals) */
    const vg_ynode *on = r->output_node;
    if (on && on->omap) {
      size_t k = strspn(on->str, " \t\n\r\f\v");
      if (k + bad_at < on->len && !memcmp(on->str + k, output, bad_at)) {
        size_t e = k + bad_at;
        while (e < on->len && on->str[e] != ' ' && on->str[e] != '\n')
          e++;
        octx.has_span = true;
        octx.start = on->omap[k + bad_at];
        octx.end = on->omap[e - 1] + 1;
      }
    }
    vg_add_error(c, VG_LOAD_ERR_COMPILE_OUTPUT, oerr, &octx);
    return;
  }
  for (size_t i = 0; DEPRECATED_FIELDS[i]; i++) {
    if (!strstr(output, DEPRECATED_FIELDS[i]))
      continue;
    vg_ctx octx = r->output_ctx;
    const vg_ynode *on = r->output_node;
    if (on && on->omap) {
      /* point at the %token when there is one, else at the text */
      char *tok = vg_fmt(c, "%%%s", DEPRECATED_FIELDS[i]);
      const char *at = strstr(on->str, tok);
      size_t fl = strlen(DEPRECATED_FIELDS[i]);
      if (!at)
        at = strstr(on->str, DEPRECATED_FIELDS[i]);
      else
        at++;
      if (at) {
        size_t k = (size_t)(at - on->str);
        octx.has_span = true;
        octx.start = on->omap[k];
        octx.end = on->omap[k + fl - 1] + 1;
      }
    }
    vg_add_warning(c, VG_LOAD_DEPRECATED_ITEM,
                   vg_fmt(c,
                          "usage of deprecated field '%s' has been detected "
                          "in the rule output",
                          DEPRECATED_FIELDS[i]),
                   &octx, DEPRECATED_FIELDS[i]);
  }
  /* the append_output extra fields' formats must be valid too */
  for (size_t i = 0; i < r->nxfields; i++) {
    size_t at = 0;
    const char *xerr =
        check_output(c, source, r->xfields[i].format, NULL, &at);
    if (xerr) {
      vg_add_error(c, VG_LOAD_ERR_COMPILE_OUTPUT, xerr, &r->output_ctx);
      return;
    }
  }
  /* substitution and parse */
  int32_t *origin = NULL;
  vg_ptrvec lnames = {0};
  const char *why = NULL;
  const char *final = subst_all(c, cond, &origin, &lnames, &why);
  if (!final) {
    vg_pos p0 = {0, 0, 0};
    vg_ctx ctx;
    vg_ctx_cond(c, &ctx, &r->cond_ctx, p0, cond);
    vg_add_error(c, VALID, why, &ctx);
    return;
  }
  vg_node *ast = NULL;
  vg_parse_error perr;
  memset(&perr, 0, sizeof perr);
  vigil_status st =
      vg_parse_condition(&c->a, final, strlen(final), &ast, &perr);
  if (st != VIGIL_OK) {
    if (st == VIGIL_E_NOMEM)
      perr.msg[0] = 0;
    vg_ctx ctx;
    vg_ctx_cond(c, &ctx, &r->cond_ctx, perr.pos, final);
    span_in_rule(c, &ctx, r, final, origin, exc_shift, perr.pos.idx,
                 perr.pos.idx + 1);
    vg_add_error(c, VG_LOAD_ERR_COMPILE_CONDITION,
                 vg_fmt(c, "%s", perr.msg[0] ? perr.msg : "out of memory"),
                 &ctx);
    note_quote(c, final, perr.pos.idx);
    return;
  }
  /* macro resolution against all macros */
  resolver rs;
  memset(&rs, 0, sizeof rs);
  rs.c = c;
  rs.visibility = UINT32_MAX;
  ast = resolve(&rs, ast);
  if (rs.has_err || rs.has_unk) {
    vg_pos p = rs.has_err ? rs.err_pos : rs.unk_pos;
    const char *msg =
        rs.has_err
            ? rs.err_msg
            : vg_fmt(c, "Undefined macro '%s' used in filter.", rs.unk_name);
    vg_ctx ctx;
    vg_ctx_cond(c, &ctx, &r->ctx, p, cond);
    size_t nlen = rs.has_err ? rs.err_len : strlen(rs.unk_name);
    span_in_rule(c, &ctx, r, final, origin, exc_shift, p.idx, p.idx + nlen);
    vg_add_error(c, VALID, msg, &ctx);
    if (!rs.has_err)
      suggest_macro(c, rs.unk_name);
    return;
  }
  for (size_t i = 0; i < rs.resolved.n; i++)
    ((vg_macro_info *)rs.resolved.v[i])->used = true;
  if (rs.hit_failed)
    return; /* uses a macro that failed (--all-errors only) */
  /* warning pass */
  semacb s;
  memset(&s, 0, sizeof s);
  s.c = c;
  vg_sema_warn_pass(c->env, source, &c->a, ast, sema_cb, &s);
  for (size_t i = 0; i < s.nwarns; i++) {
    vg_pos p0 = {0, 0, 0};
    vg_ctx ctx;
    vg_ctx_cond(c, &ctx, &r->cond_ctx, p0, cond);
    ctx.has_span = r->cond_ctx.has_span;
    ctx.start = r->cond_ctx.start;
    ctx.end = r->cond_ctx.start;
    const vg_macro_info *wm = NULL;
    const vg_node *nd = NULL;
    if (!s.warns[i].at_root)
      nd = locate(&rs, ast, s.warns[i].pos.idx, s.warns[i].msg, &wm);
    else if (s.warns[i].deprecated_field)
      nd = find_named(&rs, ast, VG_N_FIELD, s.warns[i].deprecated_field, &wm);
    else if (s.warns[i].warn == VG_LOAD_UNSAFE_NA_CHECK)
      nd = find_named(&rs, ast, VG_N_VALUE, "<NA>", &wm);
    if (nd)
      finding_span(c, &ctx, r, final, origin, exc_shift, nd->pos.idx, nd, wm);
    vg_add_warning(c, s.warns[i].warn, s.warns[i].msg, &ctx,
                   s.warns[i].deprecated_field);
    note_macro(c, wm);
  }
  /* field and type checks */
  memset(&s, 0, sizeof s);
  s.c = c;
  st = vg_sema_check(c->env, source, &c->a, ast, sema_cb, &s);
  if (st != VIGIL_OK || s.has_err) {
    const char *msg = s.has_err ? s.first_err.msg : "out of memory";
    vg_pos p = s.has_err ? s.first_err.pos : (vg_pos){0, 0, 0};
    vg_ctx ctx;
    vg_ctx_cond(c, &ctx, &r->cond_ctx, p, cond);
    const vg_macro_info *em = NULL;
    const vg_node *nd = locate(&rs, ast, p.idx, msg, &em);
    finding_span(c, &ctx, r, final, origin, exc_shift, p.idx, nd, em);
    if (err_is_unknown(msg) && r->skip_unknown) {
      vg_add_warning(c, VG_LOAD_UNKNOWN_FILTER, msg, &ctx, NULL);
      note_macro(c, em);
      return;
    }
    vg_add_error(c, VG_LOAD_ERR_COMPILE_CONDITION, msg, &ctx);
    note_macro(c, em);
    note_for_message(c, source, msg);
    return;
  }
  for (size_t i = 0; i < s.nwarns; i++) {
    vg_ctx ctx;
    vg_ctx_cond(c, &ctx, &r->cond_ctx, s.warns[i].pos, cond);
    const vg_macro_info *wm = NULL;
    const vg_node *nd =
        locate(&rs, ast, s.warns[i].pos.idx, s.warns[i].msg, &wm);
    finding_span(c, &ctx, r, final, origin, exc_shift, s.warns[i].pos.idx, nd,
                 wm);
    vg_add_warning(c, s.warns[i].warn, s.warns[i].msg, &ctx,
                   s.warns[i].deprecated_field);
    note_macro(c, wm);
  }
  /* event types */
  memset(&r->evts, 0, sizeof r->evts);
  if (!strcmp(source, "syscall")) {
    memset(&s, 0, sizeof s);
    s.c = c;
    st = vg_sema_evttypes(c->env, ast, &r->evts, sema_cb, &s);
    if (st != VIGIL_OK || s.has_err) {
      vg_ctx ctx;
      vg_pos p = s.has_err ? s.first_err.pos : (vg_pos){0, 0, 0};
      vg_ctx_cond(c, &ctx, &r->cond_ctx, p, cond);
      vg_add_error(c, VG_LOAD_ERR_COMPILE_CONDITION,
                   s.has_err ? s.first_err.msg : "out of memory", &ctx);
      return;
    }
    if (vg_evtset_count(&r->evts) > 100 && r->warn_evttypes)
      vg_add_warning(c, VG_LOAD_NO_EVTTYPE,
                     "Rule matches too many evt.type values. This has a "
                     "significant performance penalty.",
                     &r->ctx, NULL);
  }
  r->ast = ast;
  r->compiled_ok = true;
}

static void compile_macros(vigil_compiler *c) {
  for (size_t i = 0; i < c->macros.n; i++) {
    vg_macro_info *m = c->macros.v[i];
    m->used = false;
    m->ast = NULL;
    m->compiled = false;
    m->failed = false;
    m->nodes = 0;
  }
  for (size_t i = 0; i < c->macros.n && !c->stop; i++) {
    vg_macro_info *m = c->macros.v[i];
    int32_t *origin = NULL;
    const char *why = NULL;
    const char *final = subst_all(c, m->cond.text, &origin, NULL, &why);
    if (!final) {
      vg_pos p0 = {0, 0, 0};
      vg_ctx ctx;
      vg_ctx_cond(c, &ctx, &m->cond_ctx, p0, m->cond.text);
      vg_add_error(c, VALID, why, &ctx);
      m->failed = true;
      continue;
    }
    m->subst = final;
    m->origin = origin;
    vg_parse_error perr;
    memset(&perr, 0, sizeof perr);
    vg_node *ast = NULL;
    vigil_status st =
        vg_parse_condition(&c->a, final, strlen(final), &ast, &perr);
    if (st != VIGIL_OK) {
      vg_ctx ctx;
      vg_ctx_cond(c, &ctx, &m->cond_ctx, perr.pos, final);
      bool precise;
      set_cond_span(c, &ctx, &m->cond, origin, strlen(final), perr.pos.idx,
                    perr.pos.idx + 1, 0, &precise);
      vg_add_error(c, VG_LOAD_ERR_COMPILE_CONDITION,
                   vg_fmt(c, "%s", perr.msg[0] ? perr.msg : "out of memory"),
                   &ctx);
      note_quote(c, final, perr.pos.idx);
      m->failed = true;
      continue;
    }
    m->ast = ast;
  }
  if (c->stop)
    return;
  for (size_t i = 0; i < c->macros.n && !c->stop; i++) {
    vg_macro_info *m = c->macros.v[i];
    if (!m->ast)
      continue;
    resolver rs;
    memset(&rs, 0, sizeof rs);
    rs.c = c;
    rs.visibility = m->visibility;
    m->ast = resolve(&rs, m->ast);
    m->nodes = 0; /* its size changed: count again when needed */
    if (rs.has_err || rs.has_unk) {
      vg_pos p = rs.has_err ? rs.err_pos : rs.unk_pos;
      const char *msg =
          rs.has_err
              ? rs.err_msg
              : vg_fmt(c, "Undefined macro '%s' used in filter.", rs.unk_name);
      vg_ctx ctx;
      vg_ctx_cond(c, &ctx, &m->ctx, p, m->cond.text);
      bool precise;
      size_t nlen = rs.has_err ? rs.err_len : strlen(rs.unk_name);
      set_cond_span(c, &ctx, &m->cond, m->origin, strlen(m->subst), p.idx,
                    p.idx + nlen, 0, &precise);
      vg_add_error(c, VALID, msg, &ctx);
      if (!rs.has_err)
        suggest_macro(c, rs.unk_name);
      m->ast = NULL;
      m->failed = true;
      continue;
    }
    for (size_t k = 0; k < rs.resolved.n; k++)
      ((vg_macro_info *)rs.resolved.v[k])->used = true;
    if (rs.hit_failed) {
      m->ast = NULL;
      m->failed = true;
      continue;
    }
    m->compiled = true;
  }
}

void vg_compile_all(vigil_compiler *c) {
  c->compiled_ok = false;
  c->cloned = 0;
  compile_lists(c);
  compile_macros(c);
  for (size_t i = 0; i < c->rules.n; i++) {
    vg_rule_info *r = c->rules.v[i];
    r->compiled_ok = false;
  }
  for (size_t i = 0; i < c->rules.n && !c->stop; i++) {
    vg_rule_info *r = c->rules.v[i];
    if (r->unknown_source)
      continue;
    compile_rule(c, r);
  }
  if (c->res->errs.n)
    return;
  c->compiled_ok = true;
  for (size_t i = 0; i < c->macros.n; i++) {
    vg_macro_info *m = c->macros.v[i];
    if (!m->used)
      vg_add_warning(c, VG_LOAD_UNUSED_MACRO,
                     "Macro not referred to by any other rule/macro", &m->ctx,
                     NULL);
  }
  for (size_t i = 0; i < c->lists.n; i++) {
    vg_list_info *l = c->lists.v[i];
    if (!l->used)
      vg_add_warning(c, VG_LOAD_UNUSED_LIST,
                     "List not referred to by any other rule/macro", &l->ctx,
                     NULL);
  }
}
