/*
 * cmd_lint.c - `vigil lint`: validates rule files as `falco -V` does
 * (cli.md). JSON output is Falco's validation result, byte for byte in
 * shape; text output is compiler style, one diagnostic per finding with
 * the source line and a caret under the offending token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/cliopt.h"
#include "vigil/compiler.h"

enum { OPT_WERROR = VG_OPT_CMD, OPT_ALL_ERRORS };

static const vg_cliopt OPTS[] = {
    {"format", VG_OPT_FORMAT, true, "text|json|falco",
     "output format (falco: the text falco -V prints)"},
    {"werror", OPT_WERROR, false, NULL, "warnings count as findings"},
    {"all-errors", OPT_ALL_ERRORS, false, NULL,
     "with --format json, every finding, not only\n"
     "the first error of each file"},
    {NULL, 0, false, NULL, NULL}};

typedef struct lint_opts {
  bool werror, all_errors;
  bool falco; /* Falco's own -V text (rules-language.md 13.7) */
} lint_opts;

static int on_opt(vg_cli *cli, int key, const char *arg) {
  lint_opts *lo = cli->ud;
  if (key == VG_OPT_FORMAT) {
    lo->falco = !strcmp(arg, "falco");
    if (!lo->falco && strcmp(arg, "text") && strcmp(arg, "json"))
      return vg_cli_error(cli->cmd,
                          "--format must be text, json or falco, not '%s'",
                          arg);
    if (!lo->falco)
      return VG_CLI_NEXT;
    cli->json = false;
  } else if (key == OPT_WERROR)
    lo->werror = true;
  else if (key == OPT_ALL_ERRORS)
    lo->all_errors = true;
  else
    return VG_CLI_NEXT;
  return 0;
}

static const vg_cli_cmd CMD = {
    "lint", "[OPTIONS] PATH...",
    "Validates rule files as falco -V does, each on top of the earlier "
    "ones;\nexit 1 when a file has an error (with --werror, a warning).",
    VG_CLI_LOADING | VG_CLI_FORMAT | VG_CLI_NEED_PATHS, OPTS, on_opt};

typedef struct seen {
  char **v;
  size_t n;
} seen;

static bool seen_add(seen *s, const char *t) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->v[i], t))
      return false;
  char **nv = realloc(s->v, (s->n + 1) * sizeof *nv);
  if (!nv)
    return true;
  s->v = nv;
  s->v[s->n++] = strdup(t);
  return true;
}

typedef struct ordered {
  const vigil_diag *d;
  size_t seq;
  bool own; /* located in the result's own file */
} ordered;

/* The result's own file first, in offset order; findings located in
 * earlier files after them; ties keep the loader's order. */
static int cmp_ordered(const void *a, const void *b) {
  const ordered *x = a, *y = b;
  if (x->own != y->own)
    return x->own ? -1 : 1;
  if (x->own && x->d->span.start != y->d->span.start)
    return x->d->span.start < y->d->span.start ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int vg_cmd_lint(int argc, char **argv) {
  lint_opts lo = {false, false, false};
  vg_cli cli;
  int rc = vg_cli_parse(&cli, &CMD, &lo, argc, argv);
  if (rc != VG_CLI_GO)
    goto out;
  rc = 2;
  bool json = cli.json;
  const vg_loadargs *la = &cli.la;
  /* paths without .yaml/.yml files are skipped, as Falco does: then there
   * is simply nothing to check */
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vg_loadargs_options(la, &o);
  /* the text format lists every finding, like compilers do */
  o.all_errors = lo.all_errors || (!json && !lo.falco);
  vigil_compiler *c;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK) {
    fprintf(stderr, "vigil lint: out of memory\n");
    goto out;
  }
  for (size_t i = 0; i < la->nfiles; i++) {
    vigil_status st = vigil_compiler_load_file(c, la->files[i]);
    if (st == VIGIL_E_IO) {
      fprintf(stderr, "vigil lint: cannot read '%s'\n", la->files[i]);
      vigil_compiler_free(c);
      goto out;
    }
    if (st == VIGIL_E_NOMEM) {
      fprintf(stderr, "vigil lint: out of memory\n");
      vigil_compiler_free(c);
      goto out;
    }
  }
  vigil_compiler_finish(c);
  size_t nerr = 0, nwarn = 0;
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    if (!r) {
      nerr++; /* out of memory: never report a clean lint */
      continue;
    }
    nerr += r->nerrors;
    nwarn += r->nwarnings + r->nschema_diags;
  }
  if (json) {
    char *s = NULL;
    if (vigil_results_json(c, &s) != VIGIL_OK) {
      fprintf(stderr, "vigil lint: out of memory\n");
      vigil_compiler_free(c);
      goto out;
    }
    printf("%s\n", s);
    free(s);
  } else if (lo.falco) {
    /* what `falco -V` prints on standard output: the verbose form, or for
     * a file valid with warnings only its status line (the verbose form
     * then goes to the log: standard error here) */
    for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
      const vigil_load_result *r = vigil_compiler_result(c, i);
      char *t = NULL;
      if (!r || vigil_result_falco_text(c, i, true, &t) != VIGIL_OK) {
        fprintf(stderr, "vigil lint: out of memory\n");
        continue;
      }
      if (i)
        putchar('\n');
      if (r->successful && r->nwarnings) {
        printf("%s: Ok, with warnings", r->name);
        fprintf(stderr, "%s\n", t);
      } else {
        fputs(t, stdout);
      }
      free(t);
    }
    putchar('\n');
  } else {
    /* the collection is recompiled after every file, so a problem of an
     * early file shows again in later results: print each once */
    seen sn = {NULL, 0};
    size_t pe = 0, pw = 0;
    for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
      const vigil_load_result *r = vigil_compiler_result(c, i);
      if (!r)
        continue;
      /* one file's findings in source order, as compilers print them */
      size_t nd = r->nerrors + r->nwarnings;
      size_t n = nd + r->nschema_diags; /* schema warnings last on ties */
      ordered *ord = calloc(n ? n : 1, sizeof *ord);
      if (!ord)
        continue;
      for (size_t k = 0; k < n; k++) {
        ord[k].d = k < r->nerrors ? &r->errors[k]
                   : k < nd       ? &r->warnings[k - r->nerrors]
                                  : &r->schema_diags[k - nd];
        ord[k].seq = k;
        ord[k].own = ord[k].d->span.valid && ord[k].d->span.file &&
                     !strcmp(ord[k].d->span.file, r->name);
      }
      qsort(ord, n, sizeof *ord, cmp_ordered);
      for (size_t k = 0; k < n; k++) {
        char *t = NULL;
        if (vigil_diag_render_text(c, ord[k].d, &t) != VIGIL_OK)
          continue;
        if (seen_add(&sn, t)) {
          fputs(t, stdout);
          if (ord[k].d->severity == VIGIL_SEV_ERROR)
            pe++;
          else
            pw++;
        }
        free(t);
      }
      free(ord);
    }
    for (size_t i = 0; i < sn.n; i++)
      free(sn.v[i]);
    free(sn.v);
    if (pe || pw)
      printf("%zu error%s, %zu warning%s\n", pe, pe == 1 ? "" : "s", pw,
             pw == 1 ? "" : "s");
  }
  vigil_compiler_free(c);
  rc = (nerr || (lo.werror && nwarn)) ? 1 : 0;
out:
  vg_cli_fini(&cli);
  return rc;
}
