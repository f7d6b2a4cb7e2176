/*
 * pack_rules.c - lowers the rules a vigil_compiler holds into a pack (see
 * pack_rules.h). Reads the loader's internal rule table (load/loader.h):
 * the final macro-expanded AST, event types, output, tags, priority.
 */
#include <stdio.h>
#include <string.h>

#include "back/back.h"
#include "back/pack_rules.h"
#include "load/loader.h"
#include "sema/catalog.h"
#include "util/alloc.h"
#include "vigil/program.h"

vigil_status vg_pack_rules(const vigil_compiler *c, bool share, uint8_t **out,
                           size_t *len, size_t *nrules, char *err,
                           size_t errsz) {
  return vg_pack_rules_ex(c, share, true, out, len, nrules, err, errsz);
}

vigil_status vg_pack_rules_ex(const vigil_compiler *c, bool share,
                              bool deflate, uint8_t **out, size_t *len,
                              size_t *nrules, char *err, size_t errsz) {
  if (err && errsz)
    err[0] = 0;
  if (!c->compiled_ok) {
    snprintf(err, errsz, "rules have errors");
    return VIGIL_E_INVAL;
  }
  /* Packs carry what evaluation needs: no descriptions, no DEBUG spans,
   * body compressed (program.h) unless the caller loads it right away. */
  vg_back_opts bo = {.no_memo = !share, .no_debug = true,
                     .deflate = deflate};
  vg_back *b = vg_back_new(&bo);
  if (!b)
    return VIGIL_E_NOMEM;
  vigil_status st = VIGIL_OK;
  size_t n = 0;
  for (size_t i = 0; i < c->rules.n && st == VIGIL_OK; i++) {
    const vg_rule_info *ri = c->rules.v[i];
    if (!ri->compiled_ok || !ri->ast)
      continue;
    const vg_evtset *evts = NULL;
    if (!strcmp(ri->source, "syscall") &&
        vg_evtset_count(&ri->evts) != vg_nevents)
      evts = &ri->evts;
    vg_back_rule r = {
        .name = ri->name,
        .source = ri->source,
        .output = ri->output_final ? ri->output_final : ri->output,
        .desc = NULL,
        .priority = ri->priority >= 0 ? (unsigned)ri->priority : 7,
        .tags = ri->tags,
        .ntags = ri->ntags,
        .enabled = ri->enabled,
        .evts = evts,
        .xfields = ri->xfields,
        .nxfields = ri->nxfields};
    char why[512];
    st = vg_back_add_rule(b, &r, ri->ast, why, sizeof why);
    if (st != VIGIL_OK)
      snprintf(err, errsz, "rule '%s': %s", ri->name, why);
    n++;
  }
  if (st == VIGIL_OK)
    st = vg_back_finish(b, out, len);
  vg_back_free(b);
  if (st == VIGIL_OK) {
    /* Round trip: what we write must load and verify (a limit such as
     * the verifier's stack depth can be hit by extreme conditions). */
    vigil_program *p = NULL;
    char why[512];
    vigil_status vs = vigil_program_load(*out, *len, NULL, NULL, &p, why,
                                         sizeof why);
    vigil_program_free(p);
    if (vs != VIGIL_OK) {
      snprintf(err, errsz, "the pack does not verify: %s", why);
      vg_free(*out);
      *out = NULL;
      st = vs == VIGIL_E_NOMEM ? vs : VIGIL_E_LIMIT;
    }
  }
  if (st == VIGIL_OK && nrules)
    *nrules = n;
  return st;
}
