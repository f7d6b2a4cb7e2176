/*
 * cmd_dump.c - `vigil dump -p FORMAT [--filter CONDITION] EVENTS...`: reads
 * capture files and prints one line per event that libsinsp would show,
 * with FORMAT's %field tokens replaced by the field values (cli.md). A
 * leading '*' prints every event, with <NA> for missing values; without it
 * events with a missing value are skipped. %NNfield cuts or pads a value to
 * NN bytes, as libsinsp's formatter does. --filter keeps the events for
 * which the condition holds: it is compiled through the normal pipeline
 * (parser, checks, back end, loader) and evaluated by the VM on the same
 * extractors that print the fields.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/back.h"
#include "cli/cliopt.h"
#include "cli/cmds.h"
#include "fields/syscall_fields.h"
#include "fields/syscall_source.h"
#include "front/parser.h"
#include "sema/sema.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "vigil/vm.h"

#define MAX_TOKENS 4096

typedef struct tok {
  int is_field;
  size_t width; /* %NNfield: value cut or space-padded to NN bytes */
  const char *text; /* literal text, or the field's text */
  size_t len;
  uint32_t id; /* bound field id */
} tok;

/* Splits FORMAT into literal and field tokens; field names are checked. */
static int parse_format(const char *fmt, tok *toks, int *ntok, char *err,
                        size_t errlen) {
  int n = 0;
  const char *p = fmt;
  const char *lit = p;
  while (*p) {
    if (*p == '%' && p[1] && p[1] != '%') {
      size_t used, width = 0;
      vg_sysf_ref ref;
      const char *q = p + 1;
      while (*q >= '0' && *q <= '9') {
        if (width < 100000)
          width = width * 10 + (size_t)(*q - '0');
        q++;
      }
      vigil_status st = vg_sysf_parse(q, &ref, &used);
      if (st != VIGIL_OK) {
        size_t l = strcspn(q, " |,:;\t()[]");
        snprintf(err, errlen, "unknown field '%.*s' in the format", (int)l,
                 q);
        return -1;
      }
      if (p > lit) {
        if (n >= MAX_TOKENS)
          goto too_many;
        toks[n] = (tok){0, 0, lit, (size_t)(p - lit), 0};
        n++;
      }
      if (n >= MAX_TOKENS)
        goto too_many;
      toks[n] = (tok){1, width, q, used, 0};
      n++;
      p = q + used;
      lit = p;
      continue;
    }
    if (*p == '%' && p[1] == '%')
      p++;
    p++;
  }
  if (p > lit) {
    if (n >= MAX_TOKENS)
      goto too_many;
    toks[n] = (tok){0, 0, lit, (size_t)(p - lit), 0};
    n++;
  }
  *ntok = n;
  return 0;
too_many:
  snprintf(err, errlen, "too many tokens in the format");
  return -1;
}

enum { OPT_FILTER = VG_OPT_CMD };

static const vg_cliopt OPTS[] = {
    {"print", 'p', true, "FORMAT",
     "what to print per event (%field tokens; a\n"
     "leading * prints every event, <NA> for none)"},
    {"filter", OPT_FILTER, true, "CONDITION",
     "only the events for which the condition holds"},
    {NULL, 0, false, NULL, NULL}};

typedef struct dump_opts {
  const char *fmt, *cond;
} dump_opts;

static int on_opt(vg_cli *cli, int key, const char *arg) {
  dump_opts *d = cli->ud;
  if (key == 'p')
    d->fmt = arg;
  else if (key == OPT_FILTER)
    d->cond = arg;
  else
    return VG_CLI_NEXT;
  return 0;
}

static const vg_cli_cmd CMD = {
    "dump", "-p FORMAT [--filter CONDITION] EVENTS...",
    "Prints one line per event of capture files, as sysdig -p does.",
    VG_CLI_ARGS, OPTS, on_opt};

/* ------------------------------------------------------------ filter */

typedef struct filter {
  vg_arena arena;
  uint8_t *pack;
  size_t packlen;
} filter;

static void diag_first(void *ud, const vg_sema_diag *d) {
  char *msg = ud;
  if (d->is_error && msg[0] == 0)
    snprintf(msg, 512, "%s", d->msg);
}

/* Field types for the back end, from the syscall extractors themselves so
 * that constants are converted to the type the extractor yields. */
static vigil_status resolve_field(void *ud, const char *source,
                                  const vg_node *f, vg_back_field *out,
                                  char *err, size_t errsz) {
  (void)ud;
  (void)source;
  char text[512];
  if (f->has_arg)
    snprintf(text, sizeof text, "%.*s[%.*s]", (int)f->str.len, f->str.ptr,
             (int)f->arg.len, f->arg.ptr);
  else
    snprintf(text, sizeof text, "%.*s", (int)f->str.len, f->str.ptr);
  vg_sysf_ref ref;
  size_t used;
  if (vg_sysf_parse(text, &ref, &used) != VIGIL_OK || text[used] != 0) {
    snprintf(err, errsz, "field '%s' is not available for captures", text);
    return VIGIL_E_NOTFOUND;
  }
  out->type = vg_sysf_type(&ref);
  out->is_list = false;
  out->flags = 0;
  return VIGIL_OK;
}

/* Compiles CONDITION for the syscall source into a one-rule pack. */
static int compile_filter(filter *f, const char *cond, char *err,
                          size_t errlen) {
  vg_node *root = NULL;
  vg_parse_error perr;
  memset(&perr, 0, sizeof perr);
  vg_arena_init(&f->arena);
  vigil_status st = vg_parse_condition(&f->arena, cond, strlen(cond), &root,
                                       &perr);
  if (st != VIGIL_OK) {
    snprintf(err, errlen, "filter: %s", st == VIGIL_E_SYNTAX
                                            ? perr.msg
                                            : vigil_status_str(st));
    return -1;
  }
  vg_sema_env *env = vg_sema_env_new(NULL, 0, NULL, 0, true);
  if (!env) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  char msg[512] = "";
  st = vg_sema_check(env, "syscall", &f->arena, root, diag_first, msg);
  vg_sema_env_free(env);
  if (st != VIGIL_OK) {
    snprintf(err, errlen, "filter: %s", msg[0] ? msg : vigil_status_str(st));
    return -1;
  }
  vg_back_opts o = {.resolve = resolve_field, .no_memo = true,
                    .no_debug = true};
  vg_back *b = vg_back_new(&o);
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  vg_back_rule r = {.name = "filter", .source = "syscall", .enabled = true};
  char berr[512] = "";
  st = vg_back_add_rule(b, &r, root, berr, sizeof berr);
  if (st == VIGIL_OK)
    st = vg_back_finish(b, &f->pack, &f->packlen);
  vg_back_free(b);
  if (st != VIGIL_OK) {
    snprintf(err, errlen, "filter: %s",
             berr[0] ? berr : vigil_status_str(st));
    return -1;
  }
  return 0;
}

static vigil_status bind_field(void *ud, const char *source, const char *name,
                               const char *arg, uint32_t type, uint32_t flags,
                               uint32_t *id, char *err, size_t errsz) {
  (void)source;
  (void)type;
  (void)flags;
  vg_sys_source *s = ud;
  char full[512];
  vigil_status st;
  if (arg) {
    snprintf(full, sizeof full, "%s[%s]", name, arg);
    st = vg_sys_source_bind(s, full, id);
    if (st != VIGIL_OK) {
      snprintf(full, sizeof full, "%s.%s", name, arg);
      st = vg_sys_source_bind(s, full, id);
    }
  } else {
    snprintf(full, sizeof full, "%s", name);
    st = vg_sys_source_bind(s, full, id);
  }
  if (st != VIGIL_OK)
    snprintf(err, errsz, "field '%s' is not available for captures", full);
  return st;
}

/* ------------------------------------------------------------ dump */

static int dump_file(const char *path, tok *toks, int ntok, int all,
                     const filter *flt, char *line, size_t linecap) {
  vg_sys_source *s = NULL;
  vigil_program *prog = NULL;
  vigil_vm *vm = NULL;
  char err[600];
  int rc = 0;
  vigil_status st = vg_sys_source_open(path, &s, err, sizeof err);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil dump: %s\n", err);
    return 2;
  }
  for (int i = 0; i < ntok; i++) {
    if (!toks[i].is_field)
      continue;
    char name[512];
    snprintf(name, sizeof name, "%.*s", (int)toks[i].len, toks[i].text);
    if (vg_sys_source_bind(s, name, &toks[i].id) != VIGIL_OK) {
      fprintf(stderr, "vigil dump: cannot bind field '%s'\n", name);
      rc = 2;
      goto out;
    }
  }
  if (flt) {
    st = vigil_program_load(flt->pack, flt->packlen, bind_field, s, &prog,
                            err, sizeof err);
    if (st == VIGIL_OK) {
      vm = vigil_vm_new(prog, NULL);
      if (!vm)
        st = VIGIL_E_NOMEM;
    }
    if (st != VIGIL_OK) {
      fprintf(stderr, "vigil dump: filter: %s\n",
              err[0] ? err : vigil_status_str(st));
      rc = 2;
      goto out;
    }
  }
  char val[8192];
  for (;;) {
    vigil_event *ev;
    st = vg_sys_source_next(s, &ev);
    if (st != VIGIL_OK) {
      fprintf(stderr, "vigil dump: %s: %s\n", path, vg_sys_source_error(s));
      rc = 2;
      break;
    }
    if (!ev)
      break;
    if (vm) {
      bool match = false;
      ev->source = 0;
      if (vigil_vm_eval_rule(vm, ev, 0, &match) != VIGIL_OK || !match)
        continue;
    }
    size_t o = 0;
    int skip = 0;
    for (int i = 0; i < ntok; i++) {
      const char *src;
      size_t l;
      if (toks[i].is_field) {
        if (vg_sys_source_render(s, toks[i].id, val, sizeof val)) {
          src = val;
        } else if (all) {
          src = "<NA>";
        } else {
          skip = 1;
          break;
        }
        l = strlen(src);
      } else {
        src = toks[i].text;
        l = toks[i].len;
      }
      size_t pad = 0;
      if (toks[i].width) {
        if (l > toks[i].width)
          l = toks[i].width;
        pad = toks[i].width - l;
      }
      if (o + l + pad >= linecap - 1)
        break;
      memcpy(line + o, src, l);
      o += l;
      memset(line + o, ' ', pad);
      o += pad;
    }
    if (skip)
      continue;
    line[o++] = '\n';
    fwrite(line, 1, o, stdout);
  }
out:
  vigil_vm_free(vm);
  vigil_program_free(prog);
  vg_sys_source_free(s);
  return rc;
}

/* Prints the events of every file; returns the exit status. */
static int dump_files(const char *fmt, const char *cond, const char **files,
                      size_t nfiles) {
  int all = 0;
  if (fmt[0] == '*') {
    all = 1;
    fmt++;
  }
  static tok toks[MAX_TOKENS];
  int ntok = 0;
  char err[600];
  if (parse_format(fmt, toks, &ntok, err, sizeof err) != 0) {
    fprintf(stderr, "vigil dump: %s\n", err);
    return 2;
  }
  filter flt;
  memset(&flt, 0, sizeof flt);
  if (cond && compile_filter(&flt, cond, err, sizeof err) != 0) {
    fprintf(stderr, "vigil dump: %s\n", err);
    vg_arena_fini(&flt.arena);
    return 2;
  }
  size_t linecap = 1 << 20;
  char *line = malloc(linecap);
  if (!line) {
    fprintf(stderr, "vigil dump: out of memory\n");
    vg_free(flt.pack);
    vg_arena_fini(&flt.arena);
    return 2;
  }
  int rc = 0;
  for (size_t i = 0; i < nfiles; i++) {
    int r = dump_file(files[i], toks, ntok, all, cond ? &flt : NULL, line,
                      linecap);
    if (r > rc)
      rc = r;
  }
  free(line);
  vg_free(flt.pack);
  if (cond)
    vg_arena_fini(&flt.arena);
  fflush(stdout);
  return rc;
}

int vg_cmd_dump(int argc, char **argv) {
  dump_opts d = {NULL, NULL};
  vg_cli cli;
  int rc = vg_cli_parse(&cli, &CMD, &d, argc, argv);
  if (rc == VG_CLI_GO) {
    rc = 2;
    if (!d.fmt)
      vg_cli_error(&CMD, "-p FORMAT is required");
    else if (!cli.nargs)
      vg_cli_error(&CMD, "no EVENTS file given");
    else
      rc = dump_files(d.fmt, d.cond, cli.args, cli.nargs);
  }
  vg_cli_fini(&cli);
  return rc;
}
