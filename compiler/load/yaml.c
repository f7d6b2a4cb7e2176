/*
 * yaml.c - rules-file YAML reader on top of libyaml's document loader (see
 * yaml.h). libyaml does the parsing; this file converts its documents into
 * arena nodes with marks, applies yaml-cpp's null rules, rewrites libyaml's
 * error texts into the yaml-cpp wording Falco reports, and builds the
 * scalar-to-file offset maps by aligning decoded text with the raw bytes.
 */
#include "load/yaml.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static const struct {
  const char *libyaml;
  const char *yamlcpp;
} err_map[] = {
    {"mapping values are not allowed", "illegal map value"},
    {"did not find expected key", "end of map not found"},
    {"did not find expected '-' indicator", "end of sequence not found"},
    {"did not find expected ',' or ']'", "end of sequence flow not found"},
    {"did not find expected ',' or '}'", "end of map flow not found"},
    {"found unexpected end of stream", "illegal EOF in scalar"},
    {"found character that cannot start any token", "unknown token"},
    {"block sequence entries are not allowed", "illegal block entry"},
    {"found undefined alias", "the referenced anchor is not defined"},
    {"found unknown escape character", "unknown escape character"},
    {"found a tab character", "illegal tab when looking for indentation"},
    {"did not find expected node content", "end of map not found"},
};

static bool is_null_text(const char *s, size_t n) {
  return n == 0 || (n == 1 && s[0] == '~') ||
         (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
                     !memcmp(s, "NULL", 4)));
}

/* Aligns the decoded scalar with the raw file bytes [from, to): each
 * decoded byte is matched to the next equal raw byte, a decoded space or
 * newline may also match a raw line break (folding); other raw bytes
 * (indentation, quotes, chomping) are skipped. Fails (NULL) when some byte
 * cannot be matched, e.g. after escapes. */
static uint32_t *build_omap(vg_arena *a, const char *buf, size_t from,
                            size_t to, const char *s, size_t n) {
  uint32_t *m = vg_arena_alloc(a, (n + 1) * sizeof *m);
  if (!m)
    return NULL;
  size_t p = from;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    while (p < to && buf[p] != c &&
           !((c == ' ' || c == '\n') && (buf[p] == '\n' || buf[p] == '\r')))
      p++;
    if (p >= to)
      return NULL;
    m[i] = (uint32_t)p;
    if (buf[p] == '\r' && p + 1 < to && buf[p + 1] == '\n' && c != '\r')
      p++;
    p++;
  }
  m[n] = (uint32_t)p;
  return m;
}

typedef struct conv {
  vg_arena *a;
  yaml_document_t *doc;
  const char *buf;
  size_t len;
  int depth;
  bool too_deep;
  yaml_mark_t deep_mark;
  const char *why;
  /* aliases share their node: one conversion per libyaml node */
  vg_ynode **memo;
  bool *busy;
  size_t nnodes;
} conv;

static vg_ynode *convert(conv *cv, yaml_node_t *yn) {
  if (!yn)
    return NULL;
  size_t id = (size_t)(yn - cv->doc->nodes.start);
  if (id < cv->nnodes && cv->memo[id])
    return cv->memo[id];
  if (cv->depth > VG_YAML_MAX_DEPTH || (id < cv->nnodes && cv->busy[id])) {
    /* a cap of our own (our conversion recurses), and no alias cycles */
    if (!cv->too_deep) {
      cv->too_deep = true;
      cv->deep_mark = yn->start_mark;
      cv->why =
          cv->depth > VG_YAML_MAX_DEPTH
              ? "maximum nesting depth exceeded (YAML depth limit: " VG_STR(
                    VG_YAML_MAX_DEPTH) " levels)"
              : "recursive alias";
    }
    return NULL;
  }
  if (id < cv->nnodes)
    cv->busy[id] = true;
  vg_ynode *n = vg_arena_alloc(cv->a, sizeof *n);
  if (!n)
    return NULL;
  n->mark.line = (uint32_t)yn->start_mark.line;
  n->mark.col = (uint32_t)yn->start_mark.column;
  n->mark.off = (uint32_t)yn->start_mark.index;
  n->end_off = (uint32_t)yn->end_mark.index;
  n->str = "";
  cv->depth++;
  switch (yn->type) {
  case YAML_SCALAR_NODE: {
    const char *v = (const char *)yn->data.scalar.value;
    size_t vl = yn->data.scalar.length;
    n->style = yn->data.scalar.style;
    const char *tag = (const char *)yn->tag;
    bool explicit_tag = tag && strcmp(tag, YAML_DEFAULT_SCALAR_TAG) != 0;
    if (n->style == YAML_PLAIN_SCALAR_STYLE && !explicit_tag &&
        is_null_text(v, vl))
      n->kind = VG_Y_NULL;
    else
      n->kind = VG_Y_SCALAR;
    n->str = vg_arena_strndup(cv->a, v, vl);
    if (!n->str)
      return NULL;
    n->len = vl;
    size_t from = n->mark.off, to = n->end_off;
    if (to > cv->len)
      to = cv->len;
    if (n->style == YAML_LITERAL_SCALAR_STYLE ||
        n->style == YAML_FOLDED_SCALAR_STYLE) {
      while (from < to && cv->buf[from] != '\n')
        from++; /* skip the block header line */
    } else if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
               n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
      from++;
    }
    bool escapes = n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
                   memchr(cv->buf + n->mark.off, '\\', to - n->mark.off);
    if (!escapes && from <= to)
      n->omap = build_omap(cv->a, cv->buf, from, to, n->str, n->len);
    break;
  }
  case YAML_SEQUENCE_NODE: {
    n->kind = VG_Y_SEQ;
    size_t cnt =
        (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
    n->kids = vg_arena_alloc(cv->a, (cnt + 1) * sizeof *n->kids);
    if (!n->kids)
      return NULL;
    for (size_t i = 0; i < cnt; i++) {
      yaml_node_t *k =
          yaml_document_get_node(cv->doc, yn->data.sequence.items.start[i]);
      n->kids[i] = convert(cv, k);
      if (!n->kids[i])
        return NULL;
    }
    n->n = cnt;
    break;
  }
  case YAML_MAPPING_NODE: {
    n->kind = VG_Y_MAP;
    size_t cnt =
        (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
    n->kids = vg_arena_alloc(cv->a, (2 * cnt + 1) * sizeof *n->kids);
    if (!n->kids)
      return NULL;
    for (size_t i = 0; i < cnt; i++) {
      yaml_node_pair_t *pr = &yn->data.mapping.pairs.start[i];
      n->kids[2 * i] = convert(cv, yaml_document_get_node(cv->doc, pr->key));
      n->kids[2 * i + 1] =
          convert(cv, yaml_document_get_node(cv->doc, pr->value));
      if (!n->kids[2 * i] || !n->kids[2 * i + 1])
        return NULL;
    }
    n->n = cnt;
    break;
  }
  default:
    n->kind = VG_Y_NULL;
    break;
  }
  cv->depth--;
  if (id < cv->nnodes) {
    cv->busy[id] = false;
    cv->memo[id] = n;
  }
  return n;
}

static void set_error(vg_yerror *err, const yaml_parser_t *p) {
  const char *prob = p->problem ? p->problem : "unknown YAML parsing error";
  const char *text = prob;
  for (size_t i = 0; i < sizeof err_map / sizeof err_map[0]; i++)
    if (strstr(prob, err_map[i].libyaml)) {
      text = err_map[i].yamlcpp;
      break;
    }
  yaml_mark_t m = p->problem_mark;
  err->mark.line = (uint32_t)m.line;
  err->mark.col = (uint32_t)m.column;
  err->mark.off = (uint32_t)m.index;
  snprintf(err->msg, sizeof err->msg,
           "yaml-cpp: error at line %zu, column %zu: %s", m.line + 1,
           m.column + 1, text);
}

/* libyaml's scanner is quadratic in the flow nesting depth ([[[[...),
 * so a hostile file must be refused before it is parsed: count unclosed
 * flow brackets outside quotes and comments. Plain scalars could hold
 * brackets too, but a thousand unclosed ones is no rules file. */
static bool flow_too_deep(const char *buf, size_t len, vg_yerror *err) {
  size_t depth = 0, line = 0, col = 0;
  char q = 0;
  bool comment = false;
  for (size_t i = 0; i < len; i++, col++) {
    char ch = buf[i];
    if (ch == '\n') {
      line++;
      col = (size_t)-1;
      comment = false;
      continue; /* quoted scalars may span lines */
    }
    if (comment)
      continue;
    if (q) {
      if (ch == '\\' && q == '"' && i + 1 < len)
        i++, col++;
      else if (ch == q)
        q = 0;
      continue;
    }
    if (ch == '#' && (i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '\t'))
      comment = true;
    else if ((ch == '"' || ch == '\'') &&
             (i == 0 || strchr(" \t[{,:", buf[i - 1])))
      q = ch;
    else if (ch == '[' || ch == '{') {
      if (++depth > VG_YAML_MAX_DEPTH) {
        err->mark.line = (uint32_t)line;
        err->mark.col = (uint32_t)col;
        err->mark.off = (uint32_t)i;
        snprintf(err->msg, sizeof err->msg,
                 "yaml-cpp: error at line %zu, column %zu: maximum nesting "
                 "depth exceeded (YAML depth limit: " VG_STR(
                     VG_YAML_MAX_DEPTH) " levels)",
                 line + 1, col + 1);
        return true;
      }
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    }
  }
  return false;
}

/* yaml-cpp reads a document-end marker ("...") that comes before any
 * document as an empty document, and its LoadAll stops there: nothing of
 * the stream is loaded (nor checked). libyaml skips the marker instead. */
static bool starts_with_doc_end(const char *buf, size_t len) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return false;
  yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
  bool r = false;
  for (int i = 0; i < 2; i++) {
    yaml_token_t t;
    if (!yaml_parser_scan(&p, &t))
      break;
    yaml_token_type_t ty = t.type;
    yaml_token_delete(&t);
    if (ty != YAML_STREAM_START_TOKEN) {
      r = ty == YAML_DOCUMENT_END_TOKEN;
      break;
    }
  }
  yaml_parser_delete(&p);
  return r;
}

vigil_status vg_yaml_load(vg_arena *a, const char *buf, size_t len,
                          vg_ydocs *out, vg_yerror *err) {
  out->docs = NULL;
  out->n = 0;
  if (flow_too_deep(buf, len, err))
    return VIGIL_E_SYNTAX;
  if (starts_with_doc_end(buf, len))
    return VIGIL_OK;
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return VIGIL_E_NOMEM;
  yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
  vigil_status st = VIGIL_OK;
  size_t cap = 0;
  out->docs = NULL;
  out->n = 0;
  for (;;) {
    yaml_document_t doc;
    if (!yaml_parser_load(&p, &doc)) {
      if (p.error == YAML_MEMORY_ERROR) {
        st = VIGIL_E_NOMEM;
      } else {
        set_error(err, &p);
        st = VIGIL_E_SYNTAX;
      }
      break;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
      yaml_document_delete(&doc);
      break;
    }
    conv cv;
    memset(&cv, 0, sizeof cv);
    cv.a = a;
    cv.doc = &doc;
    cv.buf = buf;
    cv.len = len;
    cv.nnodes = (size_t)(doc.nodes.top - doc.nodes.start);
    cv.memo = vg_arena_alloc(a, (cv.nnodes + 1) * sizeof *cv.memo);
    cv.busy = vg_arena_alloc(a, cv.nnodes + 1);
    if (!cv.memo || !cv.busy) {
      yaml_document_delete(&doc);
      st = VIGIL_E_NOMEM;
      break;
    }
    vg_ynode *n = convert(&cv, root);
    yaml_document_delete(&doc);
    if (!n && cv.too_deep) {
      err->mark.line = (uint32_t)cv.deep_mark.line;
      err->mark.col = (uint32_t)cv.deep_mark.column;
      err->mark.off = (uint32_t)cv.deep_mark.index;
      snprintf(err->msg, sizeof err->msg,
               "yaml-cpp: error at line %zu, column %zu: %s",
               cv.deep_mark.line + 1, cv.deep_mark.column + 1, cv.why);
      st = VIGIL_E_SYNTAX;
      break;
    }
    if (!n) {
      st = VIGIL_E_NOMEM;
      break;
    }

    if (out->n == cap) {
      size_t nc = cap ? cap * 2 : 4;
      vg_ynode **nd = vg_arena_alloc(a, nc * sizeof *nd);
      if (!nd) {
        st = VIGIL_E_NOMEM;
        break;
      }
      if (out->n)
        memcpy(nd, out->docs, out->n * sizeof *nd);
      out->docs = nd;
      cap = nc;
    }
    out->docs[out->n++] = n;
    /* yaml-cpp's LoadAll (Falco) stops at the first null document: what
     * follows is neither parsed nor loaded */
    if (n->kind == VG_Y_NULL)
      break;
  }
  yaml_parser_delete(&p);
  return st;
}

vg_ynode *vg_ymap_get(const vg_ynode *map, const char *key) {
  if (!map || map->kind != VG_Y_MAP)
    return NULL;
  for (size_t i = 0; i < map->n; i++) {
    const vg_ynode *k = map->kids[2 * i];
    if (k->kind != VG_Y_MAP && k->kind != VG_Y_SEQ && !strcmp(k->str, key))
      return map->kids[2 * i + 1];
  }
  return NULL;
}

bool vg_ynode_is_null(const vg_ynode *n) {
  return !n || n->kind == VG_Y_NULL;
}

bool vg_yaml_bool(const char *s, bool *out) {
  static const char *const t[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                  "True", "TRUE", "on",  "On",  "ON"};
  static const char *const f[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                  "False", "FALSE", "off", "Off", "OFF"};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    if (!strcmp(s, t[i])) {
      *out = true;
      return true;
    }
    if (!strcmp(s, f[i])) {
      *out = false;
      return true;
    }
  }
  return false;
}

bool vg_yaml_u32(const char *s, uint32_t *out) {
  uint64_t v = 0;
  const char *p = s;
  int base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && p[2]) {
    base = 16;
    p += 2;
  }
  if (!*p)
    return false;
  for (; *p; p++) {
    int d;
    if (*p >= '0' && *p <= '9')
      d = *p - '0';
    else if (base == 16 && *p >= 'a' && *p <= 'f')
      d = *p - 'a' + 10;
    else if (base == 16 && *p >= 'A' && *p <= 'F')
      d = *p - 'A' + 10;
    else
      return false;
    v = v * (uint64_t)base + (uint64_t)d;
    if (v > UINT32_MAX)
      return false;
  }
  *out = (uint32_t)v;
  return true;
}
