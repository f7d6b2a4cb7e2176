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
#include "cli/loadargs.h"
#include "vigil/compiler.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: vigil lint [--format text|json|falco] [--werror] "
          "[--all-errors]\n"
          "                  [--source S]... [--plugin NAME[@VER]]... "
          "[--no-plugins]\n"
          "                  [-o KEY=VALUE]... PATH...\n");
}

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
  vg_loadargs la;
  memset(&la, 0, sizeof la);
  bool json = false, werror = false, all_errors = false;
  bool falco = false; /* Falco's own -V text (rules-language.md 13.7) */
  int rc = 2;
  int npaths = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int r = vg_loadargs_option(&la, argc, argv, &i);
    if (r < 0)
      goto out;
    if (r > 0)
      continue;
    if (!strcmp(a, "--format")) {
      if (i + 1 >= argc) {
        usage(stderr);
        goto out;
      }
      const char *f = argv[++i];
      json = falco = false;
      if (!strcmp(f, "json"))
        json = true;
      else if (!strcmp(f, "falco"))
        falco = true;
      else if (!strcmp(f, "text"))
        json = false;
      else {
        fprintf(stderr, "vigil lint: unknown format '%s'\n", f);
        goto out;
      }
    } else if (!strcmp(a, "--werror")) {
      werror = true;
    } else if (!strcmp(a, "--all-errors")) {
      all_errors = true;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      rc = 0;
      goto out;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "vigil lint: unknown option '%s'\n", a);
      usage(stderr);
      goto out;
    } else {
      npaths++;
      if (vg_loadargs_path(&la, a) < 0)
        goto out;
    }
  }
  if (!npaths) {
    usage(stderr);
    goto out;
  }
  /* paths without .yaml/.yml files are skipped, as Falco does: then there
   * is simply nothing to check */
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vg_loadargs_options(&la, &o);
  /* the text format lists every finding, like compilers do */
  o.all_errors = all_errors || (!json && !falco);
  vigil_compiler *c;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK) {
    fprintf(stderr, "vigil lint: out of memory\n");
    goto out;
  }
  for (size_t i = 0; i < la.nfiles; i++) {
    vigil_status st = vigil_compiler_load_file(c, la.files[i]);
    if (st == VIGIL_E_IO) {
      fprintf(stderr, "vigil lint: cannot read '%s'\n", la.files[i]);
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
  } else if (falco) {
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
  rc = (nerr || (werror && nwarn)) ? 1 : 0;
out:
  vg_loadargs_free(&la);
  return rc;
}
