/*
 * test_diff_vm.c - differential test of the VM: every rule of every corpus
 * pack (../shared/corpus/rules: the three Falco files as one pack, each
 * plugin file as its own) is compiled to a pack and run by the VM over
 * generated events, and each verdict is compared with the reference
 * interpreter of diffref.h walking the same macro-expanded AST.
 *
 * Events: per pack source, in proportion to its rules; syscall events take
 * an event type from the rules' dispatch sets (mostly) or any known type;
 * field values come from the constants the rules mention, mutated, or are
 * missing (diffref.h). Every enabled rule is checked through vigil_vm_eval
 * (dispatch included); disabled ones through vigil_vm_eval_rule when the
 * event's type is in their set. A rule the VM does not dispatch must be
 * false for the reference too (event-type inference is sound).
 *
 * VIGIL_DIFF_EVENTS sets the total number of events (default 1000000,
 * split between the corpus packs, plus a fifth of it for
 * extra_rules.yaml; the sanitizer CI job may set fewer);
 * VIGIL_DIFF_SEED the seed. Skips when the corpus is missing.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "back/pack_rules.h"
#include "diff/diffref.h"
#include "load/loader.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/vm.h"

#define DF_NEVT 1024 /* codes the VM dispatches on (pack.h) */

typedef struct drule {
  const vg_rule_info *ri;
  rnode *ref; /* NULL: skipped */
  df_local *loc;
  size_t nloc;
  uint32_t src;
  bool enabled;
  uint64_t evbits[DF_NEVT / 64];
  bool all_events;
  uint64_t nmatch_vm, nmatch_ref, ndisagree;
} drule;

typedef struct dctx {
  df_table t;
} dctx;

static vigil_status d_bind(void *ud, const char *source, const char *name,
                           const char *arg, uint32_t type, uint32_t flags,
                           uint32_t *id, char *err, size_t errsz) {
  (void)flags;
  (void)err;
  (void)errsz;
  df_table *t = ud;
  char *key = df_key(source, name, strlen(name), arg, arg ? strlen(arg) : 0,
                     arg != NULL);
  int i = df_find(t, key);
  free(key);
  if (i < 0) {
    /* a field the reference never saw (should not happen) */
    vg_node fake;
    memset(&fake, 0, sizeof fake);
    fake.kind = VG_N_FIELD;
    fake.str.ptr = name;
    fake.str.len = strlen(name);
    fake.has_arg = arg != NULL;
    fake.arg.ptr = arg ? arg : "";
    fake.arg.len = arg ? strlen(arg) : 0;
    i = df_field_of(t, source, &fake);
    if (i < 0)
      return VIGIL_E_NOTFOUND;
  }
  if (t->f[i].type != (vg_ftype)type)
    t->nvm_type_mismatch++;
  *id = (uint32_t)i;
  return VIGIL_OK;
}

static vigil_status d_extract(void *ctx, uint32_t id, const vg_value **vals,
                              size_t *n) {
  df_table *t = ctx;
  df_values(t, id, vals, n);
  return VIGIL_OK;
}

static const vigil_event_ops d_ops = {sizeof(vigil_event_ops), d_extract};

static void describe_event(df_table *t, char *out, size_t sz) {
  size_t o = 0;
  o += (size_t)snprintf(out + o, sz - o, "evt=%s;",
                        t->evtname ? t->evtname : "-");
  for (size_t i = 0; i < t->n && o + 64 < sz; i++) {
    df_field *f = &t->f[i];
    if (f->epoch != t->epoch)
      continue;
    o += (size_t)snprintf(out + o, sz - o, " %s%s%s%s=[", f->name,
                          f->arg ? "[" : "", f->arg ? f->arg : "",
                          f->arg ? "]" : "");
    for (size_t k = 0; k < f->n && o + 64 < sz; k++) {
      const vg_value *v = &f->vals[k];
      if (df_is_str(v->type) || v->type == VG_FT_BYTEBUF)
        o += (size_t)snprintf(out + o, sz - o, "%s\"%.*s\"", k ? "," : "",
                              (int)(v->v.s.n > 60 ? 60 : v->v.s.n),
                              (const char *)v->v.s.p);
      else if (df_is_ip(v->type))
        o += (size_t)snprintf(out + o, sz - o, "%sip%u.%u.%u.%u/v6=%u",
                              k ? "," : "", v->v.ip.addr[0], v->v.ip.addr[1],
                              v->v.ip.addr[2], v->v.ip.addr[3],
                              v->v.ip.v6);
      else
        o += (size_t)snprintf(out + o, sz - o, "%s%lld", k ? "," : "",
                              (long long)v->v.i);
    }
    if (o + 2 < sz)
      o += (size_t)snprintf(out + o, sz - o, "]");
  }
}

typedef struct pack_stats {
  size_t rules, skipped, events;
  uint64_t checks, disagreements, matches;
} pack_stats;

static bool in_set(const drule *d, uint32_t evt) {
  if (d->all_events)
    return true;
  return evt < DF_NEVT && ((d->evbits[evt / 64] >> (evt % 64)) & 1);
}

static void run_pack(const char *label, const char *const *files,
                     size_t nfiles, size_t nevents, uint64_t seed,
                     pack_stats *st) {
  memset(st, 0, sizeof *st);
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  for (size_t i = 0; i < nfiles; i++)
    vigil_compiler_load_file(c, files[i]);
  vigil_compiler_finish(c);
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++)
    cr_assert_eq(vigil_compiler_result(c, i)->nerrors, 0,
                 "%s: corpus file has errors", label);
  uint8_t *bytes = NULL;
  size_t len = 0, nrules = 0;
  char err[1024];
  cr_assert_eq(vg_pack_rules(c, true, &bytes, &len, &nrules, err,
                             sizeof err),
               VIGIL_OK, "%s: %s", label, err);

  dctx d;
  memset(&d, 0, sizeof d);
  drule *dr = df_xalloc((nrules + 1) * sizeof *dr);
  size_t nr = 0;
  for (size_t i = 0; i < c->rules.n; i++) {
    const vg_rule_info *ri = c->rules.v[i];
    if (!ri->compiled_ok || !ri->ast)
      continue;
    drule *r = &dr[nr++];
    r->ri = ri;
    r->enabled = ri->enabled;
    df_compile_err ce = {""};
    r->ref = df_compile(&d.t, ri->source, ri->ast, &ce);
    if (r->ref)
      df_locals(r->ref, &r->loc, &r->nloc);
    if (!r->ref) {
      cr_log_info("%s: rule '%s' skipped by the reference: %s", label,
                  ri->name, ce.msg);
      st->skipped++;
    }
  }
  cr_assert_eq(nr, nrules);

  vigil_program *p = NULL;
  cr_assert_eq(vigil_program_load(bytes, len, d_bind, &d.t, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s: %s", label, err);
  cr_assert_eq(d.t.nvm_type_mismatch, 0,
               "%s: the pack and the reference disagree on field types",
               label);
  cr_assert_eq(vigil_program_nrules(p), nr);

  /* event types the rules dispatch on, and every named type */
  uint32_t *codes = df_xalloc((vg_nevents + 1) * sizeof *codes);
  uint32_t *named = df_xalloc((vg_nevents + 1) * sizeof *named);
  size_t ncodes = 0, nnamed = 0;
  uint64_t seen[DF_NEVT / 64] = {0};
  for (size_t i = 0; i < nr; i++) {
    vigil_rule_info info;
    vigil_program_rule(p, i, &info);
    cr_assert_str_eq(info.name, dr[i].ri->name);
    dr[i].src = (uint32_t)vigil_program_source_index(p, info.source);
    dr[i].all_events = (info.flags & VIGIL_RULE_ALL_EVENTS) != 0;
    for (size_t k = 0; k < info.nevt; k++) {
      unsigned e = vigil_program_rule_evt(p, i, k);
      if (e >= DF_NEVT)
        continue;
      dr[i].evbits[e / 64] |= 1ull << (e % 64);
      if (!(seen[e / 64] >> (e % 64) & 1) && e < vg_nevents) {
        seen[e / 64] |= 1ull << (e % 64);
        codes[ncodes++] = e;
      }
    }
  }
  for (size_t e = 0; e < vg_nevents; e++)
    if (vg_events[e].name && strcmp(vg_events[e].name, "NA"))
      named[nnamed++] = (uint32_t)e;
  size_t nsrc = vigil_program_nsources(p);
  size_t *srcw = df_xalloc((nsrc + 1) * sizeof *srcw);
  size_t totw = 0;
  for (size_t i = 0; i < nr; i++) {
    srcw[dr[i].src]++;
    totw++;
  }
  int sys = vigil_program_source_index(p, "syscall");

  vigil_vm *vm = vigil_vm_new(p, NULL);
  cr_assert_not_null(vm);
  bool *vmres = df_xalloc((nr + 1) * sizeof *vmres);
  size_t logged = 0;
  for (size_t ev = 0; ev < nevents && totw; ev++) {
    df_rng r = {df_mix(seed ^ (0x2545f4914f6cdd1dull * (ev + 1)))};
    uint32_t w = df_below(&r, (uint32_t)totw), src = 0;
    while (w >= srcw[src]) {
      w -= (uint32_t)srcw[src];
      src++;
    }
    /* a target rule of that source: its constants are preferred */
    const drule *tg = NULL;
    for (uint32_t k = df_below(&r, (uint32_t)nr), tries = 0; tries < nr;
         tries++, k = (k + 1) % (uint32_t)nr)
      if (dr[k].src == src && dr[k].ref) {
        tg = &dr[k];
        break;
      }
    bool targeted = tg && df_below(&r, 100) < 70;
    d.t.loc = targeted ? tg->loc : NULL;
    d.t.nloc = targeted ? tg->nloc : 0;
    uint32_t evt = 0;
    d.t.evtname = NULL;
    if ((int)src == sys) {
      uint32_t tw = 0, pickn = df_below(&r, 100);
      if (targeted && !tg->all_events && pickn < 70) {
        /* one of the target's dispatch types */
        uint32_t cnt = 0;
        for (size_t q = 0; q < ncodes; q++)
          cnt += in_set(tg, codes[q]);
        tw = df_below(&r, cnt ? cnt : 1);
        for (size_t q = 0; q < ncodes; q++)
          if (in_set(tg, codes[q]) && tw-- == 0) {
            evt = codes[q];
            break;
          }
      } else {
        evt = ncodes && pickn < 85 ? codes[df_below(&r, (uint32_t)ncodes)]
                                   : named[df_below(&r, (uint32_t)nnamed)];
      }
      d.t.evtname = vg_events[evt].name;
    }
    d.t.epoch++;
    d.t.seed = df_next(&r);
    vigil_event e = {src, evt, &d_ops, &d.t};
    cr_assert_eq(vigil_vm_eval(vm, &e), VIGIL_OK);
    size_t nm;
    const uint32_t *m = vigil_vm_matches(vm, &nm);
    memset(vmres, 0, nr * sizeof *vmres);
    for (size_t k = 0; k < nm; k++)
      vmres[m[k]] = true;
    for (size_t i = 0; i < nr; i++) {
      drule *ru = &dr[i];
      if (ru->src != src || !ru->ref)
        continue;
      if (!ru->enabled) {
        cr_assert(!vmres[i], "disabled rule '%s' matched", ru->ri->name);
        if (in_set(ru, evt)) {
          bool mm = false;
          cr_assert_eq(vigil_vm_eval_rule(vm, &e, i, &mm), VIGIL_OK);
          vmres[i] = mm;
        }
      }
      bool want = df_eval(&d.t, ru->ref);
      st->checks++;
      ru->nmatch_ref += want;
      ru->nmatch_vm += vmres[i];
      if (want != vmres[i]) {
        st->disagreements++;
        ru->ndisagree++;
        if (logged < 8) {
          char desc[4096];
          describe_event(&d.t, desc, sizeof desc);
          cr_log_info("%s: DISAGREE rule '%s' (%s): vm=%d ref=%d evtype=%u "
                      "dispatched=%d; %s",
                      label, ru->ri->name,
                      ru->enabled ? "enabled" : "disabled", vmres[i], want,
                      evt, in_set(ru, evt), desc);
          logged++;
        }
      }
      st->matches += want;
    }
    st->events++;
  }
  st->rules = nr;
  size_t never = 0;
  for (size_t i = 0; i < nr; i++)
    never += dr[i].ref && dr[i].nmatch_ref == 0;
  cr_log_info("%s: %zu rules (%zu skipped, %zu never true), %zu events, "
              "%llu checks, %llu true, %llu disagreements",
              label, nr, st->skipped, never, st->events,
              (unsigned long long)st->checks,
              (unsigned long long)st->matches,
              (unsigned long long)st->disagreements);
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
  vigil_compiler_free(c);
  free(vmres);
  free(srcw);
  free(codes);
  free(named);
  for (size_t i = 0; i < nr; i++) {
    df_locals_free(dr[i].loc, dr[i].nloc);
    df_rnode_free(dr[i].ref);
  }
  free(dr);
  df_table_free(&d.t);
}

static bool exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

static size_t env_events(size_t dflt) {
  const char *env = getenv("VIGIL_DIFF_EVENTS");
  if (env && *env) {
    char *end;
    unsigned long long v = strtoull(env, &end, 10);
    if (!*end && v > 0)
      return (size_t)v;
  }
  return dflt;
}

/* Constructs the corpus does not use (modifiers, field-to-field checks,
 * regex, wildcard pmatch, networks, ...): tests/diff/extra_rules.yaml. */
Test(diff_vm, extra_rules_agree_with_reference, .timeout = 600) {
  static char f[600];
  snprintf(f, sizeof f, "%s/tests/diff/extra_rules.yaml", VIGIL_SOURCE_DIR);
  const char *files[] = {f};
  size_t n = env_events(1000000) / 5;
  pack_stats st;
  run_pack("extra", files, 1, n ? n : 1, 77, &st);
  cr_assert_eq(st.skipped, 0, "rules the reference cannot model");
  cr_assert_eq(st.disagreements, 0,
               "%llu disagreements between VM and reference",
               (unsigned long long)st.disagreements);
}

Test(diff_vm, corpus_packs_agree_with_reference, .timeout = 900) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/corpus/rules", VIGIL_SHARED_DIR);
  if (!exists(dir)) {
    cr_skip_test("no corpus at %s", dir);
    return;
  }
  size_t total = env_events(1000000);
  uint64_t seed = 20261126;
  const char *env = getenv("VIGIL_DIFF_SEED");
  if (env && *env)
    seed = strtoull(env, NULL, 10);

  static char f1[600], f2[600], f3[600], p1[600], p2[600], p3[600];
  snprintf(f1, sizeof f1, "%s/falco/falco_rules.yaml", dir);
  snprintf(f2, sizeof f2, "%s/falco/falco-incubating_rules.yaml", dir);
  snprintf(f3, sizeof f3, "%s/falco/falco-sandbox_rules.yaml", dir);
  snprintf(p1, sizeof p1, "%s/plugins/k8s_audit_rules.yaml", dir);
  snprintf(p2, sizeof p2, "%s/plugins/aws_cloudtrail_rules.yaml", dir);
  snprintf(p3, sizeof p3, "%s/plugins/okta_rules.yaml", dir);
  struct {
    const char *label;
    const char *files[3];
    size_t nfiles;
    unsigned share; /* of the events, in percent */
  } packs[] = {
      {"falco", {f1, f2, f3}, 3, 70},
      {"k8s_audit", {p1, NULL, NULL}, 1, 10},
      {"aws_cloudtrail", {p2, NULL, NULL}, 1, 10},
      {"okta", {p3, NULL, NULL}, 1, 10},
  };
  size_t events = 0, rules = 0, skipped = 0;
  uint64_t dis = 0, checks = 0;
  for (size_t i = 0; i < sizeof packs / sizeof *packs; i++) {
    bool ok = true;
    for (size_t k = 0; k < packs[i].nfiles; k++)
      ok &= exists(packs[i].files[k]);
    if (!ok) {
      cr_log_info("%s: corpus files missing, pack skipped", packs[i].label);
      continue;
    }
    size_t n = total * packs[i].share / 100;
    pack_stats st;
    run_pack(packs[i].label, packs[i].files, packs[i].nfiles,
             n ? n : 1, seed + i, &st);
    events += st.events;
    rules += st.rules;
    skipped += st.skipped;
    dis += st.disagreements;
    checks += st.checks;
  }
  cr_log_info("total: %zu events, %zu rules (%zu skipped by the "
              "reference), %llu rule checks, %llu disagreements",
              events, rules, skipped, (unsigned long long)checks,
              (unsigned long long)dis);
  cr_expect_eq(skipped, 0, "rules the reference cannot model");
  cr_assert_eq(dis, 0, "%llu disagreements between VM and reference",
               (unsigned long long)dis);
}
