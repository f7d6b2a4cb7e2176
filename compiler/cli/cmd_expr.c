/*
 * cmd_expr.c - `vigil expr`: parse one condition, check it against the
 * field catalog of an event source and print Falco's canonical form, or
 * print the event types it can match (cli.md). No rules file is involved,
 * so macros and lists are undefined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/eval_expr.h"
#include "cli/cliopt.h"
#include "cli/cmds.h"
#include "front/parser.h"
#include "sema/sema.h"
#include "util/alloc.h"
#include "util/buf.h"

static const vg_cliopt OPTS[] = {
    {"source", 's', true, "S",
     "the event source of the fields (default syscall)"},
    {"parse-only", 'p', false, NULL,
     "grammar only; field names are not checked"},
    {"evttypes", 'e', false, NULL,
     "print the event types the condition can match"},
    {"fields", 'f', true, "JSON",
     "evaluate on an event whose fields have these values"},
    {NULL, 0, false, NULL, NULL}};

typedef struct expr_opts {
  const char *source, *fields;
  bool parse_only, evttypes;
} expr_opts;

static int on_opt(vg_cli *cli, int key, const char *arg) {
  expr_opts *eo = cli->ud;
  switch (key) {
  case 's':
    eo->source = arg;
    return 0;
  case 'p':
    eo->parse_only = true;
    return 0;
  case 'e':
    eo->evttypes = true;
    return 0;
  case 'f':
    eo->fields = arg;
    return 0;
  default:
    return VG_CLI_NEXT;
  }
}

static const vg_cli_cmd CMD = {
    "expr", "[OPTIONS] CONDITION|-",
    "Parses, checks or evaluates one condition ('-': read from standard "
    "input;\na condition starting with '-' goes after '--').",
    VG_CLI_ONE_ARG, OPTS, on_opt};

static char *read_stdin(size_t *len) {
  vg_buf b;
  vg_buf_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    vg_buf_append(&b, chunk, n);
  if (ferror(stdin) || vg_buf_failed(&b)) {
    vg_buf_fini(&b);
    return NULL;
  }
  if (b.len == 0)
    vg_buf_append(&b, "", 0);
  return vg_buf_take(&b, len);
}

/* Falco resolves macros before compiling: with none defined, the first
 * identifier is an undefined macro (LOAD_ERR_VALIDATE in a rules file). */
static const vg_node *first_ident(const vg_node *n) {
  if (!n)
    return NULL;
  if (n->kind == VG_N_IDENT)
    return n;
  if (n->kind == VG_N_AND || n->kind == VG_N_OR || n->kind == VG_N_NOT)
    for (uint32_t i = 0; i < n->nkids; i++) {
      const vg_node *r = first_ident(n->kids[i]);
      if (r)
        return r;
    }
  return NULL;
}

typedef struct diag_sink {
  const vg_sema_diag *first_error;
  vg_sema_diag err;
  bool have_error;
} diag_sink;

static void on_diag(void *ud, const vg_sema_diag *d) {
  diag_sink *s = ud;
  if (d->is_error) {
    if (!s->have_error) {
      s->err = *d;
      s->have_error = true;
    }
    return;
  }
  if (d->warn == VG_LOAD_COMPILE_CONDITION ||
      d->warn == VG_LOAD_UNSAFE_NA_CHECK || d->warn == VG_LOAD_DEPRECATED_ITEM)
    fprintf(stderr, "warning: %s: %s\n", vg_warn_code_name(d->warn),
            d->msg && *d->msg ? d->msg : vg_warn_code_short(d->warn));
}

static void print_error(const char *msg, vg_pos pos, bool at_root) {
  if (at_root)
    fprintf(stderr, "error: %s\n", msg);
  else
    fprintf(stderr, "error: %u:%u: %s\n", pos.line, pos.col, msg);
}

/* A checking step failed: reports it and returns the exit status (1 for
 * an error in the condition). */
static int sema_failed(vigil_status st, const diag_sink *sink) {
  if (st == VIGIL_E_COMPILE) {
    print_error(sink->err.msg, sink->err.pos, sink->err.at_root);
    return 1;
  }
  fprintf(stderr, "vigil expr: %s\n", vigil_status_str(st));
  return 2;
}

int vg_cmd_expr(int argc, char **argv) {
  expr_opts eo = {"syscall", NULL, false, false};
  const char *arg;
  int rc = vg_cli_parse_one(&CMD, &eo, argc, argv, &arg);
  if (rc != VG_CLI_GO)
    return rc;
  const char *source = eo.source, *fields = eo.fields;
  bool parse_only = eo.parse_only, evttypes = eo.evttypes;
  if (fields && (parse_only || evttypes)) {
    fprintf(stderr, "vigil expr: --fields cannot be combined with "
                    "--parse-only or --evttypes\n");
    return 2;
  }

  char *owned = NULL;
  size_t len;
  const char *text;
  if (!strcmp(arg, "-")) {
    owned = read_stdin(&len);
    if (!owned) {
      fprintf(stderr, "vigil expr: cannot read standard input\n");
      return 2;
    }
    text = owned;
  } else {
    text = arg;
    len = strlen(arg);
  }

  rc = 2;
  vg_arena a;
  vg_arena_init(&a);
  vg_sema_env *env = NULL;
  vg_buf out;
  vg_buf_init(&out);

  vg_node *root = NULL;
  vg_parse_error perr;
  memset(&perr, 0, sizeof perr);
  vigil_status st = vg_parse_condition(&a, text, len, &root, &perr);
  if (st == VIGIL_E_SYNTAX || st == VIGIL_E_LIMIT) {
    print_error(perr.msg, perr.pos, false);
    rc = 1;
    goto done;
  }
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil expr: %s\n", vigil_status_str(st));
    goto done;
  }

  env = vg_sema_env_new(NULL, 0, NULL, 0, true);
  if (!env) {
    fprintf(stderr, "vigil expr: out of memory\n");
    goto done;
  }
  if (!vg_sema_env_has_source(env, source)) {
    fprintf(stderr, "vigil expr: unknown event source '%s'\n", source);
    goto done;
  }

  diag_sink sink;
  memset(&sink, 0, sizeof sink);
  if (!parse_only && !evttypes) {
    const vg_node *id = first_ident(root);
    if (id) {
      char msg[600];
      snprintf(msg, sizeof msg, "Undefined macro '%.*s' used in filter.",
               (int)id->str.len, id->str.ptr);
      print_error(msg, id->pos, false);
      rc = 1;
      goto done;
    }
    st = vg_sema_warn_pass(env, source, &a, root, on_diag, &sink);
    if (st == VIGIL_OK)
      st = vg_sema_check(env, source, &a, root, on_diag, &sink);
    if (st != VIGIL_OK) {
      rc = sema_failed(st, &sink);
      goto done;
    }
  }

  if (evttypes) {
    vg_evtset set;
    st = vg_sema_evttypes(env, root, &set, on_diag, &sink);
    if (st != VIGIL_OK) {
      rc = sema_failed(st, &sink);
      goto done;
    }
    size_t count = vg_evtset_count(&set);
    if (count == vg_nevents) {
      puts("all");
    } else if (count == 0) {
      puts("none");
    } else {
      const char **names = NULL;
      size_t n = vg_evtset_names(&set, &a, &names);
      for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "," : "", names[i]);
      putchar('\n');
    }
    rc = 0;
    goto done;
  }

  if (fields) {
    bool result = false;
    char err[1024] = "";
    st = vg_eval_expr(root, source, fields, NULL, NULL, &result, err,
                      sizeof err);
    if (st == VIGIL_E_SYNTAX || st == VIGIL_E_COMPILE) {
      fprintf(stderr, "error: %s\n", err[0] ? err : vigil_status_str(st));
      rc = 1;
      goto done;
    }
    if (st != VIGIL_OK) {
      fprintf(stderr, "vigil expr: %s%s%s\n", vigil_status_str(st),
              err[0] ? ": " : "", err);
      goto done;
    }
    puts(result ? "true" : "false");
    rc = 0;
    goto done;
  }

  vg_ast_print(&out, root);
  if (vg_buf_failed(&out)) {
    fprintf(stderr, "vigil expr: out of memory\n");
    goto done;
  }
  fwrite(vg_buf_str(&out), 1, out.len, stdout);
  putchar('\n');
  rc = 0;

done:
  vg_buf_fini(&out);
  vg_sema_env_free(env);
  vg_arena_fini(&a);
  vg_free(owned);
  return rc;
}
