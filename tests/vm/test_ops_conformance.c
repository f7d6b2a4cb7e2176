/*
 * test_ops_conformance.c - runs conditions/ops.tsv of the shared
 * conformance corpus through the comparison API (plugin/vm/cmp.h).
 *
 * For each row the scoreboard's check_ops would run (same skip rules: a
 * field name must be found in the field column, the expectation must be
 * true/false, and the left value must contain no space once the "open
 * flags ... as rendered" wording is stripped), the condition is parsed
 * (vg_parse_condition), the left value is converted for the field's type
 * (vg_value_parse with vg_cmp_lhs_type), the condition's one-argument
 * transformers are applied to it (transform.h), the right-hand literal(s)
 * are converted (vg_value_parse), and vg_check evaluates the comparison.
 * Rows the scoreboard skips because the upstream test describes the value
 * in words ("client A, server B" for endpoint fields, "N bytes 68 65 ..."
 * for buffers) are decoded and run too, as extras. Counts are printed; the
 * test fails on any mismatch.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/parser.h"
#include "util/arena.h"
#include "vm/cmp.h"
#include "vm/transform.h"
#include "vm/value.h"

#ifndef VIGIL_SHARED_DIR
#define VIGIL_SHARED_DIR ""
#endif

/* Literal conversion is vg_value_parse (value.c); the condition is parsed
 * with the real parser (vg_parse_condition). */
static bool lit_parse(vg_ftype t, const char *text, size_t len, bool bytes_op,
                      uint8_t *scratch, vg_value *out) {
  char err[256];
  return vg_value_parse(t, text, len, bytes_op, scratch, out, err,
                        sizeof err) == VIGIL_OK;
}

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
  } map[] = {{"INT8", VG_FT_INT8},
             {"INT16", VG_FT_INT16},
             {"INT32", VG_FT_INT32},
             {"INT64", VG_FT_INT64},
             {"UINT8", VG_FT_UINT8},
             {"UINT16", VG_FT_UINT16},
             {"UINT32", VG_FT_UINT32},
             {"UINT64", VG_FT_UINT64},
             {"CHARBUF", VG_FT_CHARBUF},
             {"BYTEBUF", VG_FT_BYTEBUF},
             {"ERRNO", VG_FT_ERRNO},
             {"FD", VG_FT_FD},
             {"PID", VG_FT_PID},
             {"FSPATH", VG_FT_FSPATH},
             {"FSRELPATH", VG_FT_FSRELPATH},
             {"RELTIME", VG_FT_RELTIME},
             {"ABSTIME", VG_FT_ABSTIME},
             {"PORT", VG_FT_PORT},
             {"BOOL", VG_FT_BOOL},
             {"IPV4ADDR", VG_FT_IPV4ADDR},
             {"IPV6ADDR", VG_FT_IPV6ADDR},
             {"IPADDR", VG_FT_IPADDR},
             {"IPV4NET", VG_FT_IPV4NET},
             {"IPV6NET", VG_FT_IPV6NET},
             {"IPNET", VG_FT_IPNET},
             {"DOUBLE", VG_FT_DOUBLE},
             {"FLAGS8", VG_FT_FLAGS8},
             {"FLAGS16", VG_FT_FLAGS16},
             {"FLAGS32", VG_FT_FLAGS32},
             {"MODE", VG_FT_MODE},
             {"UID", VG_FT_UID},
             {"GID", VG_FT_GID},
             {"SYSCALLID", VG_FT_SYSCALLID},
             {"SIGTYPE", VG_FT_SIGTYPE}};
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

/* Evaluates the row's condition cond on the typed left values (one, or two
 * endpoint values). Returns R_PASS/R_FAIL, or R_HARNESS if the condition
 * is not a single comparison this harness can run. */
static int run_row(const char *cond, vg_ftype ft, vg_value *lv, size_t nlv,
                   bool endpoints, bool expected, char *why, size_t whysz) {
  vg_arena arena;
  vg_arena_init(&arena);
  int r = R_HARNESS;
  vg_node *root = NULL;
  vg_parse_error perr;
  if (vg_parse_condition(&arena, cond, strlen(cond), &root, &perr) !=
      VIGIL_OK) {
    snprintf(why, whysz, "parse error: %s", perr.msg);
    goto out;
  }
  if (root->kind != VG_N_BINARY || root->nkids != 2) {
    snprintf(why, whysz, "not a single comparison");
    goto out;
  }
  vg_cmpop op;
  vg_cmpmod mod = VG_CMPMOD_NONE;
  const char *opn = vg_op_name(root->op);
  if (!vg_cmpop_parse(opn, strlen(opn), &op)) {
    snprintf(why, whysz, "operator %s", opn);
    goto out;
  }
  if (root->mod != VG_MOD_NONE) {
    const char *mn = vg_mod_name(root->mod);
    if (!vg_cmpmod_parse(mn, strlen(mn), &mod)) {
      snprintf(why, whysz, "modifier %s", mn);
      goto out;
    }
  }

  /* one-argument transformers around the field, outermost first */
  vg_trkind trs[8];
  size_t ntr = 0;
  const vg_node *lhs = root->kids[0];
  while (lhs->kind == VG_N_TRANSFORMER) {
    const char *tn = vg_tr_name(lhs->tr);
    vg_trkind k;
    if (ntr == 8 || lhs->nkids != 1 || !vg_tr_parse(tn, strlen(tn), &k)) {
      snprintf(why, whysz, "transformer %s", tn);
      goto out;
    }
    trs[ntr++] = k;
    lhs = lhs->kids[0];
  }
  if (lhs->kind != VG_N_FIELD) {
    snprintf(why, whysz, "left-hand side is not a field");
    goto out;
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
      if (!vg_tr_result_type(trs[i], ft, false, &rt, &rl) ||
          vg_tr_apply(trs[i], ft, false, &lv[j], &one, &tb, &present) !=
              VIGIL_OK) {
        snprintf(why, whysz, "transformer %s", vg_trkind_name(trs[i]));
        goto out;
      }
      if (!present)
        nlv = 0; /* no value */
      lt = rt;
    }
  }
  if (ntr > 0 && lt != ft) {
    snprintf(why, whysz, "type after transformers");
    goto out;
  }

  /* right-hand side: one value or a list of values */
  const vg_node *rhs = root->kids[1];
  const vg_node *const *items = (const vg_node *const *)&root->kids[1];
  size_t nl = 1;
  if (rhs->kind == VG_N_LIST) {
    items = (const vg_node *const *)rhs->kids;
    nl = rhs->nkids;
  } else if (rhs->kind != VG_N_VALUE) {
    snprintf(why, whysz, "right-hand side is not constant");
    goto out;
  }
  if (nl > 64) {
    snprintf(why, whysz, "list too long");
    goto out;
  }
  bool textual = op == VG_CMP_REGEX || op == VG_CMP_PMATCH;
  bool bytes_op = op == VG_CMP_BCONTAINS || op == VG_CMP_BSTARTSWITH;
  static vg_value rv[64];
  static uint8_t scratch[64][256];
  for (size_t i = 0; i < nl; i++) {
    vg_ftype rt = textual ? VG_FT_CHARBUF : ft;
    const vg_str *v = &items[i]->str;
    if (items[i]->kind != VG_N_VALUE || v->len / 2 > sizeof scratch[i] ||
        !lit_parse(rt, v->ptr, v->len, bytes_op, scratch[i], &rv[i])) {
      snprintf(why, whysz, "cannot convert %.100s", v->ptr);
      r = R_FAIL;
      goto out;
    }
  }

  vg_check *c = NULL;
  char err[256];
  if (vg_check_new(op, mod, ft, false, rv, nl, &c, err, sizeof err) !=
      VIGIL_OK) {
    snprintf(why, whysz, "vg_check_new: %s", err);
    r = R_FAIL;
    goto out;
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
  r = got == expected ? R_PASS : R_FAIL;
  if (r == R_FAIL)
    snprintf(why, whysz, "got %s", got ? "true" : "false");
out:
  vg_arena_fini(&arena);
  return r;
}

/* Left value of a row, typed; handles the described forms as extras. */
static int left_values(const char *left, vg_ftype ft, vg_value *lv, size_t *nlv,
                       bool *endpoints, uint8_t *buf) {
  static char a[128], b[128];
  vg_ftype lt = vg_cmp_lhs_type(ft); /* IP network fields give addresses */
  *endpoints = false;
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
    const char *ftype = cols[0], *field = cols[1];
    const char *exp = cols[5], *cond = cols[6];
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
        r = run_row(cond, ft, lv, nlv, endpoints, !strcmp(exp, "true"), why,
                    sizeof why);
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
