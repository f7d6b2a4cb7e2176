/*
 * test_ops_conformance.c - runs conditions/ops.tsv of the shared
 * conformance corpus through the comparison API (plugin/vm/cmp.h).
 *
 * For each row the scoreboard's check_ops would run (same skip rules: a
 * field name must be found in the field column, the expectation must be
 * true/false, and the left value must contain no space once the "open
 * flags ... as rendered" wording is stripped), the left value is converted
 * for the field's type, the field column's one-argument transformers are
 * applied to it (transform.h), the right-hand literal(s) are converted, and
 * vg_check evaluates the comparison. Rows the scoreboard skips because the
 * upstream test describes the value in words ("client A, server B" for
 * endpoint fields, "N bytes 68 65 ..." for buffers) are decoded and run too,
 * as extras. Counts are printed; the test fails on any mismatch.
 *
 * Only the row's columns are parsed (field, operator with modifier,
 * right-hand value or list), not the condition: the real parser is the
 * grammar helper's.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cmp.h"
#include "vm/transform.h"

#ifndef VIGIL_SHARED_DIR
#define VIGIL_SHARED_DIR ""
#endif

/* ==================================================================== */
/* TEST-LOCAL LITERAL CONVERSION (rules-language.md 8.3).               */
/* Stand-in for vg_value_parse (value.c, owned by the sema helper, not   */
/* yet on main). Replace lit_parse() by vg_value_parse once it lands.    */
/* ==================================================================== */

static bool is_signed_t(vg_ftype t) {
  return t == VG_FT_INT8 || t == VG_FT_INT16 || t == VG_FT_INT32 ||
         t == VG_FT_INT64 || t == VG_FT_ERRNO || t == VG_FT_FD ||
         t == VG_FT_PID;
}

static bool is_unsigned_t(vg_ftype t) {
  switch (t) {
  case VG_FT_UINT8: case VG_FT_UINT16: case VG_FT_UINT32: case VG_FT_UINT64:
  case VG_FT_FLAGS8: case VG_FT_FLAGS16: case VG_FT_FLAGS32:
  case VG_FT_ENUMFLAGS8: case VG_FT_ENUMFLAGS16: case VG_FT_ENUMFLAGS32:
  case VG_FT_MODE: case VG_FT_RELTIME: case VG_FT_ABSTIME: case VG_FT_UID:
  case VG_FT_GID: case VG_FT_PORT: case VG_FT_SYSCALLID: case VG_FT_SIGTYPE:
    return true;
  default:
    return false;
  }
}

static bool parse_ip(const char *s, vg_ipnet *ip, bool net) {
  char tmp[128];
  size_t n = strlen(s);
  if (n >= sizeof tmp)
    return false;
  memcpy(tmp, s, n + 1);
  char *slash = strchr(tmp, '/');
  if (net != (slash != NULL))
    return false;
  if (slash)
    *slash = 0;
  memset(ip, 0, sizeof *ip);
  ip->v6 = strchr(tmp, '.') == NULL;
  if (inet_pton(ip->v6 ? AF_INET6 : AF_INET, tmp, ip->addr) != 1)
    return false;
  ip->prefix = ip->v6 ? 128 : 32;
  if (slash) {
    char *end;
    errno = 0;
    unsigned long l = strtoul(slash + 1, &end, 10);
    if (errno || *end || l > ip->prefix)
      return false;
    ip->prefix = (uint8_t)l;
  }
  return true;
}

/* text[0..len) -> *out for type t; bytes decoded into scratch. */
static bool lit_parse(vg_ftype t, const char *text, size_t len, bool bytes_op,
                      uint8_t *scratch, vg_value *out) {
  char tmp[256];
  memset(out, 0, sizeof *out);
  out->type = t;
  if (t == VG_FT_BYTEBUF) {
    if (!bytes_op) {
      out->v.s.p = (const uint8_t *)text;
      out->v.s.n = len;
      return true;
    }
    if (len % 2)
      return false;
    for (size_t i = 0; i < len; i += 2) {
      char h[3] = {text[i], text[i + 1], 0};
      if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1]))
        return false;
      scratch[i / 2] = (uint8_t)strtoul(h, NULL, 16);
    }
    out->v.s.p = scratch;
    out->v.s.n = len / 2;
    return true;
  }
  if (memchr(text, 0, len))
    return false;
  if (t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH) {
    out->v.s.p = (const uint8_t *)text;
    out->v.s.n = len;
    return true;
  }
  if (len >= sizeof tmp)
    return false;
  memcpy(tmp, text, len);
  tmp[len] = 0;
  if (is_signed_t(t) || t == VG_FT_DOUBLE) {
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno || end == tmp || *end)
      return false;
    if (t == VG_FT_DOUBLE)
      out->v.d = (double)v;
    else
      out->v.i = v;
    return true;
  }
  if (is_unsigned_t(t)) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(tmp, &end, 10);
    if (errno || end == tmp || *end)
      return false;
    out->v.u = v;
    return true;
  }
  if (t == VG_FT_BOOL) {
    if (strcmp(tmp, "true") && strcmp(tmp, "false"))
      return false;
    out->v.b = tmp[0] == 't';
    return true;
  }
  if (t == VG_FT_IPADDR || t == VG_FT_IPV4ADDR || t == VG_FT_IPV6ADDR)
    return parse_ip(tmp, &out->v.ip, false);
  if (t == VG_FT_IPNET || t == VG_FT_IPV4NET || t == VG_FT_IPV6NET)
    return parse_ip(tmp, &out->v.ip, true);
  return false;
}

/* ==================================================================== */
/* END OF TEST-LOCAL LITERAL CONVERSION                                  */
/* ==================================================================== */

/* ---- TSV cells and condition strings ---------------------------- */

static int hexd(int c) {
  return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* README escapes: \\ \t \n \r \xHH. In place; returns the length. */
static size_t cell_unescape(char *s) {
  size_t o = 0;
  for (size_t i = 0; s[i];) {
    if (s[i] == '\\' && s[i + 1]) {
      char c = s[i + 1];
      if (c == 'x' && isxdigit((unsigned char)s[i + 2]) &&
          isxdigit((unsigned char)s[i + 3])) {
        s[o++] = (char)(hexd((unsigned char)s[i + 2]) * 16 +
                        hexd((unsigned char)s[i + 3]));
        i += 4;
        continue;
      }
      s[o++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
      i += 2;
      continue;
    }
    s[o++] = s[i++];
  }
  s[o] = 0;
  return o;
}

/* One right-hand value: quoted (7.2 escapes) or bare. */
typedef struct lit {
  char b[256];
  size_t n;
} lit;

static bool unquote(const char *s, size_t n, lit *out) {
  out->n = 0;
  if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
    char q = s[0];
    for (size_t i = 1; i + 1 < n; i++) {
      char c = s[i];
      if (c == '\\' && i + 2 < n) {
        char e = s[++i];
        switch (e) {
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case ' ': c = '\\'; break;
        case 'x':
          if (i + 2 >= n - 1 || !isxdigit((unsigned char)s[i + 1]) ||
              !isxdigit((unsigned char)s[i + 2]))
            return false;
          c = (char)(hexd((unsigned char)s[i + 1]) * 16 +
                     hexd((unsigned char)s[i + 2]));
          i += 2;
          break;
        default:
          if (e == q) {
            c = e;
            break;
          }
          return false;
        }
      }
      if (out->n + 1 >= sizeof out->b)
        return false;
      out->b[out->n++] = c;
    }
    out->b[out->n] = 0;
    return true;
  }
  if (n >= sizeof out->b)
    return false;
  memcpy(out->b, s, n);
  out->b[n] = 0;
  out->n = n;
  return true;
}

/* "(a, 'b c', d)" or a single value -> lits; false if malformed. */
static bool parse_rhs(const char *s, lit *lits, size_t cap, size_t *n,
                      bool *is_list) {
  size_t len = strlen(s);
  *n = 0;
  *is_list = len >= 2 && s[0] == '(' && s[len - 1] == ')';
  if (!*is_list) {
    if (!unquote(s, len, &lits[0]))
      return false;
    *n = 1;
    return true;
  }
  size_t i = 1, end = len - 1;
  while (i < end) {
    while (i < end && isspace((unsigned char)s[i]))
      i++;
    if (i >= end)
      break;
    size_t st = i;
    if (s[i] == '"' || s[i] == '\'') {
      char q = s[i++];
      while (i < end && !(s[i] == q && s[i - 1] != '\\'))
        i++;
      i++;
    } else {
      while (i < end && s[i] != ',' && !isspace((unsigned char)s[i]))
        i++;
    }
    if (*n >= cap || !unquote(s + st, i - st, &lits[*n]))
      return false;
    (*n)++;
    while (i < end && isspace((unsigned char)s[i]))
      i++;
    if (i < end && s[i] == ',')
      i++;
  }
  return true;
}

/* The scoreboard's FIELD_RE search: [a-z][a-z0-9_]*\.[a-z0-9_.]+(\[..\])? */
static bool find_field(const char *s, size_t *st, size_t *en) {
  for (size_t i = 0; s[i]; i++) {
    if (!islower((unsigned char)s[i]))
      continue;
    size_t j = i + 1;
    while (islower((unsigned char)s[j]) || isdigit((unsigned char)s[j]) ||
           s[j] == '_')
      j++;
    if (s[j] != '.')
      continue;
    size_t k = j + 1;
    while (islower((unsigned char)s[k]) || isdigit((unsigned char)s[k]) ||
           s[k] == '_' || s[k] == '.')
      k++;
    if (k == j + 1)
      continue;
    if (s[k] == '[') {
      const char *c = strchr(s + k, ']');
      if (c)
        k = (size_t)(c - s) + 1;
    }
    *st = i;
    *en = k;
    return true;
  }
  return false;
}

static vg_ftype type_from_col(const char *s) {
  static const struct {
    const char *n;
    vg_ftype t;
  } map[] = {{"INT8", VG_FT_INT8},         {"INT16", VG_FT_INT16},
             {"INT32", VG_FT_INT32},       {"INT64", VG_FT_INT64},
             {"UINT8", VG_FT_UINT8},       {"UINT16", VG_FT_UINT16},
             {"UINT32", VG_FT_UINT32},     {"UINT64", VG_FT_UINT64},
             {"CHARBUF", VG_FT_CHARBUF},   {"BYTEBUF", VG_FT_BYTEBUF},
             {"ERRNO", VG_FT_ERRNO},       {"FD", VG_FT_FD},
             {"PID", VG_FT_PID},           {"FSPATH", VG_FT_FSPATH},
             {"FSRELPATH", VG_FT_FSRELPATH}, {"RELTIME", VG_FT_RELTIME},
             {"ABSTIME", VG_FT_ABSTIME},   {"PORT", VG_FT_PORT},
             {"BOOL", VG_FT_BOOL},         {"IPV4ADDR", VG_FT_IPV4ADDR},
             {"IPV6ADDR", VG_FT_IPV6ADDR}, {"IPADDR", VG_FT_IPADDR},
             {"IPV4NET", VG_FT_IPV4NET},   {"IPV6NET", VG_FT_IPV6NET},
             {"IPNET", VG_FT_IPNET},       {"DOUBLE", VG_FT_DOUBLE},
             {"FLAGS8", VG_FT_FLAGS8},     {"FLAGS16", VG_FT_FLAGS16},
             {"FLAGS32", VG_FT_FLAGS32},   {"MODE", VG_FT_MODE},
             {"UID", VG_FT_UID},           {"GID", VG_FT_GID},
             {"SYSCALLID", VG_FT_SYSCALLID}, {"SIGTYPE", VG_FT_SIGTYPE}};
  const char *last = NULL, *p = s;
  while ((p = strstr(p, "PT_")) != NULL) {
    if (strncmp(p, "PT_DYN", 6) != 0)
      last = p + 3;
    p += 3;
  }
  if (last == NULL)
    return VG_FT_NONE;
  size_t n = 0;
  while (isalnum((unsigned char)last[n]) || last[n] == '_')
    n++;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strlen(map[i].n) == n && strncmp(map[i].n, last, n) == 0)
      return map[i].t;
  return VG_FT_NONE;
}

/* ---- one row ----------------------------------------------------- */

typedef struct counts {
  int pass, fail, skip, extra_pass, extra_fail, harness;
} counts;

enum { R_PASS, R_FAIL, R_HARNESS };

/* Evaluates one row. left_vals are already typed (one, or two endpoint
 * values). Returns R_PASS/R_FAIL, or R_HARNESS if the row cannot be
 * expressed with this harness. */
static int run_row(const char *field, const char *op_col, const char *rhs_col,
                   vg_ftype ft, vg_value *lv, size_t nlv, bool endpoints,
                   bool expected, char *why, size_t whysz) {
  /* operator and modifier */
  char opbuf[64];
  snprintf(opbuf, sizeof opbuf, "%s", op_col);
  char *sp = strchr(opbuf, ' ');
  vg_cmpmod mod = VG_MOD_NONE;
  if (sp) {
    *sp = 0;
    if (!vg_cmpmod_parse(sp + 1, strlen(sp + 1), &mod)) {
      snprintf(why, whysz, "modifier %s", sp + 1);
      return R_HARNESS;
    }
  }
  vg_cmpop op;
  if (!vg_cmpop_parse(opbuf, strlen(opbuf), &op)) {
    snprintf(why, whysz, "operator %s", opbuf);
    return R_HARNESS;
  }

  /* transformers of the field column, outermost first */
  vg_trkind trs[8];
  size_t ntr = 0;
  const char *f = field;
  for (;;) {
    const char *paren = strchr(f, '(');
    if (paren == NULL)
      break;
    vg_trkind k;
    if (ntr == 8 || !vg_tr_parse(f, (size_t)(paren - f), &k) ||
        k == VG_TR_JOIN || k == VG_TR_CONCAT || k == VG_TR_GETOPT) {
      snprintf(why, whysz, "field expression %s", field);
      return R_HARNESS;
    }
    trs[ntr++] = k;
    f = paren + 1;
  }
  static uint8_t trmem[4096];
  vg_trbuf tb;
  vg_trbuf_init(&tb, trmem, sizeof trmem);
  vg_ftype lt = ft;
  for (size_t i = ntr; i-- > 0;) {
    for (size_t j = 0; j < nlv; j++) {
      size_t one = 1;
      bool present;
      vg_ftype rt;
      bool rl;
      if (!vg_tr_result_type(trs[i], lv[j].type, false, &rt, &rl) ||
          vg_tr_apply(trs[i], lv[j].type, false, &lv[j], &one, &tb,
                      &present) != VIGIL_OK) {
        snprintf(why, whysz, "transformer %s", vg_trkind_name(trs[i]));
        return R_HARNESS;
      }
      if (!present)
        nlv = 0; /* no value */
      lt = rt;
    }
  }
  if (ntr > 0 && lt != ft) {
    snprintf(why, whysz, "type after transformers");
    return R_HARNESS;
  }

  /* right-hand side */
  static lit lits[64];
  size_t nl;
  bool is_list;
  if (!parse_rhs(rhs_col, lits, 64, &nl, &is_list)) {
    snprintf(why, whysz, "right-hand side %s", rhs_col);
    return R_HARNESS;
  }
  bool textual = op == VG_CMP_REGEX || op == VG_CMP_PMATCH;
  bool bytes_op = op == VG_CMP_BCONTAINS || op == VG_CMP_BSTARTSWITH;
  static vg_value rv[64];
  static uint8_t scratch[64][128];
  for (size_t i = 0; i < nl; i++) {
    vg_ftype rt = textual ? VG_FT_CHARBUF : ft;
    if (!lit_parse(rt, lits[i].b, lits[i].n, bytes_op, scratch[i], &rv[i])) {
      snprintf(why, whysz, "cannot convert %s", lits[i].b);
      return R_HARNESS;
    }
  }

  vg_check *c = NULL;
  char err[256];
  vigil_status st = vg_check_new(op, mod, ft, false, rv, nl, &c, err,
                                 sizeof err);
  if (st != VIGIL_OK) {
    snprintf(why, whysz, "vg_check_new: %s", err);
    return R_FAIL;
  }
  vg_cmp_scratch scr;
  cr_assert_eq(vg_cmp_scratch_init(&scr), VIGIL_OK);
  bool got;
  if (endpoints && nlv == 2)
    got = vg_check_eval_either(c, &lv[0], &lv[1], &scr);
  else
    got = vg_check_eval(c, lv, nlv, &scr);
  vg_cmp_scratch_fini(&scr);
  vg_check_free(c);
  if (got != expected) {
    snprintf(why, whysz, "got %s", got ? "true" : "false");
    return R_FAIL;
  }
  return R_PASS;
}

/* Left value of a row, typed; handles the described forms as extras. */
static int left_values(const char *left, vg_ftype ft, vg_value *lv,
                       size_t *nlv, bool *endpoints, uint8_t *buf) {
  static char a[128], b[128];
  vg_ftype lt = ft;
  *endpoints = false;
  /* IP network fields extract an address */
  if (ft == VG_FT_IPNET)
    lt = VG_FT_IPADDR;
  else if (ft == VG_FT_IPV4NET)
    lt = VG_FT_IPV4ADDR;
  else if (ft == VG_FT_IPV6NET)
    lt = VG_FT_IPV6ADDR;
  if (sscanf(left, "client %127[^,], server %127s", a, b) == 2) {
    if (!lit_parse(lt, a, strlen(a), false, buf, &lv[0]) ||
        !lit_parse(lt, b, strlen(b), false, buf, &lv[1]))
      return R_HARNESS;
    lv[0].type = lv[1].type = ft;
    *nlv = 2;
    *endpoints = true;
    return R_PASS;
  }
  unsigned nbytes;
  int off = 0;
  if (sscanf(left, "%u bytes %n", &nbytes, &off) == 1 && off > 0 &&
      nbytes <= 128) {
    const char *p = left + off;
    for (unsigned i = 0; i < nbytes; i++) {
      unsigned x;
      int used = 0;
      if (sscanf(p, "%2x%n", &x, &used) != 1)
        return R_HARNESS;
      buf[i] = (uint8_t)x;
      p += used;
      while (*p == ' ')
        p++;
    }
    memset(&lv[0], 0, sizeof lv[0]);
    lv[0].type = VG_FT_BYTEBUF;
    lv[0].v.s.p = buf;
    lv[0].v.s.n = nbytes;
    *nlv = 1;
    return R_PASS;
  }
  if (!lit_parse(lt, left, strlen(left), false, buf, &lv[0]))
    return R_HARNESS;
  lv[0].type = ft;
  *nlv = 1;
  return R_PASS;
}

Test(ops_conformance, ops_tsv) {
  char path[4096];
  snprintf(path, sizeof path, "%s/conformance/conditions/ops.tsv",
           VIGIL_SHARED_DIR);
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    cr_skip_test("no %s", path);
  counts k = {0};
  static char line[16384];
  int lineno = 0;
  while (fgets(line, sizeof line, fp)) {
    lineno++;
    size_t ln = strlen(line);
    while (ln && (line[ln - 1] == '\n' || line[ln - 1] == '\r'))
      line[--ln] = 0;
    if (ln == 0 || line[0] == '#')
      continue;
    char *cols[8] = {0};
    int nc = 0;
    char *p = line;
    while (nc < 8) {
      cols[nc++] = p;
      char *tab = strchr(p, '\t');
      if (!tab)
        break;
      *tab = 0;
      p = tab + 1;
    }
    for (int i = 0; i < 8; i++) {
      if (cols[i] == NULL)
        cols[i] = (char *)"";
      else
        cell_unescape(cols[i]);
    }
    const char *ftype = cols[0], *field = cols[1], *opc = cols[3];
    const char *rhs = cols[4], *exp = cols[5], *cond = cols[6];
    static char left[4096];
    snprintf(left, sizeof left, "%s", cols[2]);
    if (strncmp(left, "open flags ", 11) == 0 && strstr(left, " as rendered")) {
      char *e = strstr(left, " as rendered");
      *e = 0;
      memmove(left, left + 11, strlen(left + 11) + 1);
    }
    size_t fs, fe;
    bool scored = find_field(field, &fs, &fe) &&
                  (!strcmp(exp, "true") || !strcmp(exp, "false")) &&
                  cond[0] != 0 && strchr(left, ' ') == NULL;
    if (!scored)
      k.skip++;
    if (strcmp(exp, "true") && strcmp(exp, "false"))
      continue;
    vg_ftype ft = type_from_col(ftype);
    static vg_value lv[2];
    static uint8_t lbuf[256];
    size_t nlv = 0;
    bool endpoints = false;
    char why[512] = "";
    int r;
    if (ft == VG_FT_NONE) {
      snprintf(why, sizeof why, "type %s", ftype);
      r = R_HARNESS;
    } else {
      r = left_values(left, ft, lv, &nlv, &endpoints, lbuf);
      if (r == R_HARNESS)
        snprintf(why, sizeof why, "left value %.200s", left);
      else
        r = run_row(field, opc, rhs, ft, lv, nlv, endpoints,
                    !strcmp(exp, "true"), why, sizeof why);
    }
    if (r != R_PASS)
      fprintf(stderr, "ops.tsv:%d %s: %s [%s]\n", lineno,
              r == R_FAIL ? "FAIL" : "not run", cond, why);
    if (scored) {
      if (r == R_PASS)
        k.pass++;
      else if (r == R_FAIL)
        k.fail++;
      else
        k.harness++;
    } else {
      if (r == R_PASS)
        k.extra_pass++;
      else if (r == R_FAIL)
        k.extra_fail++;
      else
        k.harness++;
    }
  }
  fclose(fp);
  fprintf(stderr,
          "ops.tsv: scoreboard rows %d/%d passed (%d failed, %d not run by "
          "this harness); skipped by the scoreboard %d, of which extras run "
          "here: %d passed, %d failed\n",
          k.pass, k.pass + k.fail, k.fail, k.harness, k.skip, k.extra_pass,
          k.extra_fail);
  cr_assert_eq(k.fail + k.extra_fail, 0, "%d ops.tsv rows failed",
               k.fail + k.extra_fail);
  cr_assert_gt(k.pass, 0);
}
