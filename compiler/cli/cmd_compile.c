/*
 * cmd_compile.c - `vigil compile [-o PACK] PATH...` (cli.md): loads rule
 * files as lint does and, when they load without errors, lowers every
 * compiled rule (in load order, disabled ones included but flagged) into a
 * bytecode pack. `--condition TEXT [--source S]` compiles one condition as
 * a rule named "condition" instead (handy for tests and disassembly).
 *
 * `-o` is shared with the -o KEY=VALUE configuration option of the other
 * commands: a value containing '=' is a configuration key, anything else
 * the output path; `--output` always names the output path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/back.h"
#include "back/pack_rules.h"
#include "cli/cmds.h"
#include "cli/falco_rules.h"
#include "cli/cliopt.h"
#include "front/parser.h"
#include "sema/sema.h"
#include "util/alloc.h"
#include "vigil/compiler.h"

enum { OPT_CONDITION = VG_OPT_CMD, OPT_FALCO_RULES, OPT_NO_SHARE };

static const vg_cliopt OPTS[] = {
    {"output", 'o', true, "PACK",
     "the pack (default rules.vpk, - for standard\n"
     "output); -o KEY=VALUE: a configuration key"},
    {"condition", OPT_CONDITION, true, "TEXT",
     "compile one condition, as a rule named \"condition\""},
    {"falco-rules", OPT_FALCO_RULES, true, "FILE",
     "also write Falco rules that forward each rule\n"
     "to the vigil plugin"},
    {"no-share", OPT_NO_SHARE, false, NULL,
     "do not share common subexpressions between rules"},
    {NULL, 0, false, NULL, NULL}};

typedef struct compile_opts {
  const char *out, *condition, *source, *falco_rules;
  bool share;
} compile_opts;

static int on_opt(vg_cli *cli, int key, const char *arg) {
  compile_opts *co = cli->ud;
  switch (key) {
  case 'o':
    /* -o KEY=VALUE stays the shared configuration option */
    if (strchr(arg, '=') && !cli->long_form)
      return VG_CLI_NEXT;
    co->out = arg;
    return 0;
  case OPT_CONDITION:
    co->condition = arg;
    return 0;
  case OPT_FALCO_RULES:
    co->falco_rules = arg;
    return 0;
  case OPT_NO_SHARE:
    co->share = false;
    return 0;
  case VG_OPT_SOURCE:
    co->source = arg; /* and the shared part records it too */
    return VG_CLI_NEXT;
  default:
    return VG_CLI_NEXT;
  }
}

static const vg_cli_cmd CMD = {
    "compile", "[OPTIONS] PATH...\n"
               "       vigil compile [-o PACK] [--source S] --condition TEXT",
    "Compiles rule files to a bytecode pack (default rules.vpk).",
    VG_CLI_LOADING | VG_CLI_PATHS, OPTS, on_opt};

static int write_pack(const char *path, const uint8_t *b, size_t n) {
  FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
  if (!f) {
    fprintf(stderr, "vigil compile: %s: %s\n", path, strerror(errno));
    return 2;
  }
  bool ok = fwrite(b, 1, n, f) == n;
  if (f != stdout)
    ok = fclose(f) == 0 && ok;
  else
    ok = fflush(f) == 0 && ok;
  if (!ok) {
    fprintf(stderr, "vigil compile: %s: write error\n", path);
    return 2;
  }
  return 0;
}

static int finish(vg_back *b, const char *out, size_t nrules) {
  uint8_t *bytes = NULL;
  size_t len = 0;
  vigil_status st = vg_back_finish(b, &bytes, &len);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil compile: %s\n", vigil_status_str(st));
    return 2;
  }
  vigil_program *p = NULL;
  char why[512];
  st = vigil_program_load(bytes, len, NULL, NULL, &p, why, sizeof why);
  vigil_program_free(p);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil compile: the pack does not verify: %s\n", why);
    vg_free(bytes);
    return 1;
  }
  int rc = write_pack(out, bytes, len);
  if (rc == 0 && strcmp(out, "-"))
    fprintf(stderr, "vigil compile: %zu rule%s, %zu bytes -> %s\n", nrules,
            nrules == 1 ? "" : "s", len, out);
  vg_free(bytes);
  return rc;
}

typedef struct sema_err {
  bool set;
  char msg[512];
  vg_pos pos;
} sema_err;

static void on_diag(void *ud, const vg_sema_diag *d) {
  sema_err *e = ud;
  if (!d->is_error || e->set)
    return;
  e->set = true;
  snprintf(e->msg, sizeof e->msg, "%s", d->msg);
  e->pos = d->pos;
}

static int compile_condition(const char *text, const char *source,
                             const char *out, bool share) {
  vg_arena a;
  vg_arena_init(&a);
  int rc = 2;
  vg_node *root = NULL;
  vg_parse_error perr;
  memset(&perr, 0, sizeof perr);
  vigil_status st = vg_parse_condition(&a, text, strlen(text), &root, &perr);
  if (st != VIGIL_OK) {
    fprintf(stderr, "error: %u:%u: %s\n", perr.pos.line, perr.pos.col,
            perr.msg);
    vg_arena_fini(&a);
    return st == VIGIL_E_NOMEM ? 2 : 1;
  }
  vg_back_opts o = {.no_memo = !share};
  vg_back *b = vg_back_new(&o);
  vg_sema_env *env = vg_sema_env_new(NULL, 0, NULL, 0, true);
  if (!b || !env) {
    fprintf(stderr, "vigil compile: out of memory\n");
    goto out;
  }
  if (!vg_sema_env_has_source(env, source)) {
    fprintf(stderr, "vigil compile: unknown event source '%s'\n", source);
    goto out;
  }
  sema_err se = {0};
  st = vg_sema_check(env, source, &a, root, on_diag, &se);
  if (st != VIGIL_OK) {
    if (se.set)
      fprintf(stderr, "error: %u:%u: %s\n", se.pos.line, se.pos.col, se.msg);
    else
      fprintf(stderr, "vigil compile: %s\n", vigil_status_str(st));
    rc = st == VIGIL_E_COMPILE ? 1 : 2;
    goto out;
  }
  vg_evtset set, *evts = NULL;
  if (!strcmp(source, "syscall") &&
      vg_sema_evttypes(env, root, &set, NULL, NULL) == VIGIL_OK &&
      vg_evtset_count(&set) != vg_nevents)
    evts = &set;
  vg_back_rule r = {.name = "condition", .source = source, .enabled = true,
                    .priority = 4, .evts = evts};
  char err[512];
  st = vg_back_add_rule(b, &r, root, err, sizeof err);
  if (st != VIGIL_OK) {
    fprintf(stderr, "error: %s\n", err);
    rc = st == VIGIL_E_COMPILE ? 1 : 2;
    goto out;
  }
  rc = finish(b, out, 1);
out:
  vg_sema_env_free(env);
  vg_back_free(b);
  vg_arena_fini(&a);
  return rc;
}

static void print_findings(vigil_compiler *c) {
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    if (!r) {
      fputs("vigil compile: out of memory\n", stderr);
      continue;
    }
    for (size_t k = 0; k < r->nerrors; k++) {
      char *t = NULL;
      if (vigil_diag_render_text(c, &r->errors[k], &t) == VIGIL_OK)
        fputs(t, stderr);
      free(t);
    }
  }
}

int vg_cmd_compile(int argc, char **argv) {
  compile_opts co = {"rules.vpk", NULL, NULL, NULL, true};
  vg_cli cli;
  int rc = vg_cli_parse(&cli, &CMD, &co, argc, argv);
  if (rc != VG_CLI_GO)
    goto done;
  rc = 2;
  const vg_loadargs *la = &cli.la;
  const char *out = co.out;
  if (co.condition) {
    if (cli.npaths || co.falco_rules) {
      vg_cli_error(&CMD, "--condition takes no PATH nor --falco-rules");
      goto done;
    }
    rc = compile_condition(co.condition, co.source ? co.source : "syscall",
                           out, co.share);
    goto done;
  }
  if (!la->nfiles) {
    vg_cli_error(&CMD, "no rule file (PATH...) given");
    goto done;
  }
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vg_loadargs_options(la, &o);
  vigil_compiler *c;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK) {
    fprintf(stderr, "vigil compile: out of memory\n");
    goto done;
  }
  for (size_t i = 0; i < la->nfiles; i++) {
    vigil_status st = vigil_compiler_load_file(c, la->files[i]);
    if (st == VIGIL_E_IO || st == VIGIL_E_NOMEM) {
      fprintf(stderr, "vigil compile: %s: %s\n", la->files[i],
              st == VIGIL_E_IO ? "cannot read" : "out of memory");
      vigil_compiler_free(c);
      goto done;
    }
  }
  vigil_compiler_finish(c);
  size_t nerr = 0;
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    nerr += r ? r->nerrors : 1; /* NULL: out of memory, never a pack */
  }
  if (nerr) {
    print_findings(c);
    fprintf(stderr, "vigil compile: rules have errors, no pack written\n");
    vigil_compiler_free(c);
    rc = 1;
    goto done;
  }
  uint8_t *bytes = NULL;
  size_t len = 0, nrules = 0;
  char err[1024];
  vigil_status st = vg_pack_rules(c, co.share, &bytes, &len, &nrules, err,
                                  sizeof err);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil compile: %s\n",
            err[0] ? err : vigil_status_str(st));
    rc = st == VIGIL_E_NOMEM ? 2 : 1;
  } else {
    rc = write_pack(out, bytes, len);
    if (rc == 0 && strcmp(out, "-"))
      fprintf(stderr, "vigil compile: %zu rule%s, %zu bytes -> %s\n",
              nrules, nrules == 1 ? "" : "s", len, out);
    if (rc == 0 && co.falco_rules &&
        vg_write_falco_rules(co.falco_rules, bytes, len, err, sizeof err)) {
      fprintf(stderr, "vigil compile: --falco-rules: %s\n", err);
      rc = 2;
    }
  }
  vg_free(bytes);
  vigil_compiler_free(c);
done:
  vg_cli_fini(&cli);
  return rc;
}
