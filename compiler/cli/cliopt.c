/*
 * cliopt.c - getopt_long glue shared by every subcommand (see cliopt.h):
 * merges a command's option table with the shared ones, runs getopt_long
 * in return-in-order mode, hands each option and argument to the command,
 * handles the shared options itself, and turns getopt's failures into one
 * line that names the option.
 */
#include "cli/cliopt.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const vg_cliopt LOADING_OPTS[] = {
    {"source", VG_OPT_SOURCE, true, "S",
     "an event source the engine knows (repeatable)"},
    {"plugin", VG_OPT_PLUGIN, true, "NAME[@VER]",
     "a plugin counted as loaded (repeatable)"},
    {"no-plugins", VG_OPT_NO_PLUGINS, false, NULL,
     "only the plugins named with --plugin count as loaded"},
    {NULL, VG_OPT_CONFIG, true, "KEY=VALUE",
     "a Falco configuration key (repeatable);\n"
     "append_output[...] changes rule outputs"},
    {NULL, 0, false, NULL, NULL}};

static const vg_cliopt FORMAT_OPTS[] = {
    {"format", VG_OPT_FORMAT, true, "text|json", "output format"},
    {NULL, 0, false, NULL, NULL}};

static const vg_cliopt HELP_OPTS[] = {
    {"help", VG_OPT_HELP, false, NULL, "print this help and exit"},
    {NULL, 0, false, NULL, NULL}};

/* The options a command accepts, in help order: its own, then --format,
 * the loading options and --help; a shared entry whose key the command
 * declares itself is left out. */
typedef struct merged {
  const vg_cliopt *v[64];
  size_t n;
} merged;

static bool has_key(const merged *m, int key) {
  for (size_t i = 0; i < m->n; i++)
    if (m->v[i]->key == key)
      return true;
  return false;
}

static void add_opts(merged *m, const vg_cliopt *t) {
  for (; t && (t->name || t->key); t++)
    if (!has_key(m, t->key) && m->n < sizeof m->v / sizeof m->v[0])
      m->v[m->n++] = t;
}

static void merge(const vg_cli_cmd *cmd, merged *m) {
  m->n = 0;
  add_opts(m, cmd->opts);
  if (cmd->shared & VG_CLI_FORMAT)
    add_opts(m, FORMAT_OPTS);
  if (cmd->shared & VG_CLI_LOADING)
    add_opts(m, LOADING_OPTS);
  add_opts(m, HELP_OPTS);
}

static bool is_short(int key) { return key > ' ' && key < 0x7f; }

static const vg_cliopt *find_key(const merged *m, int key) {
  for (size_t i = 0; i < m->n; i++)
    if (m->v[i]->key == key)
      return m->v[i];
  return NULL;
}

int vg_cli_error(const vg_cli_cmd *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "vigil %s: ", cmd->name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "; see 'vigil %s --help'\n", cmd->name);
  return -1;
}

void vg_cli_help(const vg_cli_cmd *cmd, FILE *f) {
  merged m;
  merge(cmd, &m);
  fprintf(f, "usage: vigil %s %s\n", cmd->name, cmd->synopsis);
  if (cmd->about)
    fprintf(f, "%s\n", cmd->about);
  fprintf(f, "\noptions:\n");
  for (size_t i = 0; i < m.n; i++) {
    const vg_cliopt *o = m.v[i];
    if (!o->help)
      continue;
    /* "-o, --output PACK", "-o KEY=VALUE" or "    --format text|json" */
    char left[64], sh[8] = "    ";
    if (is_short(o->key))
      snprintf(sh, sizeof sh, "-%c%s", (char)o->key, o->name ? ", " : "");
    snprintf(left, sizeof left, "%s%s%s%s%s", sh, o->name ? "--" : "",
             o->name ? o->name : "", o->has_arg ? " " : "",
             o->has_arg && o->arg ? o->arg : "");
    if (strlen(left) <= 24)
      fprintf(f, "  %-24s ", left);
    else
      fprintf(f, "  %s\n  %-24s ", left, "");
    /* continuation lines of the help line up under its first */
    for (const char *h = o->help; *h; h++)
      if (*h == '\n')
        fprintf(f, "\n  %-24s ", "");
      else
        fputc(*h, f);
    fputc('\n', f);
  }
  fprintf(f, "Options may also follow the arguments; '--' ends them.\n");
}

/* 1 for json, 0 for text, -1 for anything else */
static int format_json(const char *v) {
  if (!strcmp(v, "json"))
    return 1;
  if (!strcmp(v, "text"))
    return 0;
  return -1;
}

/* The shared part of one option or argument. */
static int shared_opt(vg_cli *cli, int key, const char *arg) {
  const vg_cli_cmd *cmd = cli->cmd;
  int j;
  switch (key) {
  case VG_CLI_ARG:
  case VG_CLI_LITERAL:
    if (cmd->shared & VG_CLI_ARGS) {
      const char **nv =
          realloc((void *)cli->args, (cli->nargs + 1) * sizeof *nv);
      if (!nv)
        break;
      nv[cli->nargs++] = arg;
      cli->args = nv;
      return 0;
    }
    if (!(cmd->shared & VG_CLI_PATHS))
      return vg_cli_error(cmd, "unexpected argument '%s'", arg);
    cli->npaths++;
    return vg_loadargs_path(&cli->la, cmd->name, arg) < 0 ? -1 : 0;
  case VG_OPT_SOURCE:
    if (vg_loadargs_source(&cli->la, arg) < 0)
      break;
    return 0;
  case VG_OPT_PLUGIN:
    if (vg_loadargs_plugin(&cli->la, arg) < 0)
      break;
    return 0;
  case VG_OPT_NO_PLUGINS:
    cli->la.no_plugins = true;
    return 0;
  case VG_OPT_CONFIG:
    if (!vg_loadargs_config_known(arg))
      return vg_cli_error(cmd, "unknown configuration key in -o '%s'", arg);
    return vg_loadargs_config(&cli->la, cmd->name, arg) < 0 ? -1 : 0;
  case VG_OPT_FORMAT:
    j = format_json(arg);
    if (j < 0)
      return vg_cli_error(cmd, "--format must be text or json, not '%s'",
                          arg);
    cli->json = j == 1;
    return 0;
  default:
    /* a command's own option it passed on: a bug of that command */
    fprintf(stderr, "vigil %s: internal error: option %d not handled\n",
            cmd->name, key);
    return -1;
  }
  fprintf(stderr, "vigil %s: out of memory\n", cmd->name);
  return -1;
}

/* getopt_long reports a failure; say which option and what is wrong. */
static void report(const vg_cli_cmd *cmd, const merged *m, int rc,
                   const char *elem) {
  if (elem && elem[0] == '-' && elem[1] == '-') {
    const char *name = elem + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const vg_cliopt *exact = NULL, *pre = NULL;
    size_t npre = 0;
    for (size_t i = 0; i < m->n && len; i++) {
      const char *ln = m->v[i]->name;
      if (!ln || strncmp(ln, name, len))
        continue;
      if (strlen(ln) == len)
        exact = m->v[i];
      npre++;
      pre = m->v[i];
    }
    const vg_cliopt *o = exact ? exact : npre == 1 ? pre : NULL;
    if (rc == ':' && o)
      vg_cli_error(cmd, "option '--%s' needs a value (%s)", o->name,
                   o->arg ? o->arg : "");
    else if (o && eq && !o->has_arg)
      vg_cli_error(cmd, "option '--%s' takes no value", o->name);
    else if (npre > 1) {
      fprintf(stderr, "vigil %s: ambiguous option '--%.*s' (could be",
              cmd->name, (int)len, name);
      size_t k = 0;
      for (size_t i = 0; i < m->n; i++)
        if (m->v[i]->name && !strncmp(m->v[i]->name, name, len))
          fprintf(stderr, "%s --%s", k++ ? "," : "", m->v[i]->name);
      fprintf(stderr, "); see 'vigil %s --help'\n", cmd->name);
    } else
      vg_cli_error(cmd, "unknown option '--%.*s'", (int)len, name);
    return;
  }
  int c = optopt;
  const vg_cliopt *o = is_short(c) ? find_key(m, c) : NULL;
  if (rc == ':' && o)
    vg_cli_error(cmd, "option '-%c' needs a value (%s)", c,
                 o->arg ? o->arg : "");
  else if (is_short(c))
    vg_cli_error(cmd, "unknown option '-%c'", c);
  else
    vg_cli_error(cmd, "unknown option '%s'", elem ? elem : "?");
}

/* The command sees everything first; what it passes on is shared. */
static int dispatch(vg_cli *cli, int key, const char *arg) {
  int r = cli->cmd->fn ? cli->cmd->fn(cli, key, arg) : VG_CLI_NEXT;
  if (r == VG_CLI_NEXT)
    r = shared_opt(cli, key, arg);
  return r < 0 ? -1 : 0;
}

int vg_cli_parse(vg_cli *cli, const vg_cli_cmd *cmd, void *ud, int argc,
                 char **argv) {
  memset(cli, 0, sizeof *cli);
  cli->cmd = cmd;
  cli->ud = ud;
  merged m;
  merge(cmd, &m);
  struct option lopts[sizeof m.v / sizeof m.v[0] + 1];
  /* "-": arguments come back in order as key 1; ":": a missing value is
   * told apart from an unknown option */
  char sopts[3 + 2 * (sizeof m.v / sizeof m.v[0]) + 1];
  size_t nl = 0, ns = 0;
  sopts[ns++] = '-';
  sopts[ns++] = ':';
  for (size_t i = 0; i < m.n; i++) {
    const vg_cliopt *o = m.v[i];
    if (o->name)
      lopts[nl++] = (struct option){o->name,
                                    o->has_arg ? required_argument
                                               : no_argument,
                                    NULL, o->key};
    if (is_short(o->key)) {
      sopts[ns++] = (char)o->key;
      if (o->has_arg)
        sopts[ns++] = ':';
    }
  }
  lopts[nl] = (struct option){NULL, 0, NULL, 0};
  sopts[ns] = 0;

  opterr = 0;
  optind = 0; /* glibc: start over, reading the "-" mode again */
  for (;;) {
    int at = optind ? optind : 1;
    const char *elem = at < argc ? argv[at] : NULL;
    int li = -1;
    int c = getopt_long(argc, argv, sopts, lopts, &li);
    cli->long_form = li >= 0;
    if (c == -1)
      break;
    if (c == '?' || c == ':') {
      report(cmd, &m, c, elem);
      return 2;
    }
    if (c == VG_OPT_HELP) {
      vg_cli_help(cmd, stdout);
      return 0;
    }
    if (dispatch(cli, c, optarg) < 0)
      return 2;
  }
  for (int i = optind; i < argc; i++)
    if (dispatch(cli, VG_CLI_LITERAL, argv[i]) < 0)
      return 2;
  if ((cmd->shared & VG_CLI_NEED_PATHS) == VG_CLI_NEED_PATHS &&
      !cli->npaths) {
    vg_cli_error(cmd, "no rule file PATH given");
    return 2;
  }
  if ((cmd->shared & VG_CLI_ONE_ARG) == VG_CLI_ONE_ARG && cli->nargs != 1) {
    const char *what = strrchr(cmd->synopsis, ' ');
    vg_cli_error(cmd, "expected one %s argument, got %zu",
                 what ? what + 1 : cmd->synopsis, cli->nargs);
    return 2;
  }
  return VG_CLI_GO;
}

void vg_cli_fini(vg_cli *cli) {
  vg_loadargs_free(&cli->la);
  free((void *)cli->args);
  cli->args = NULL;
  cli->nargs = 0;
}

int vg_cli_parse_one(const vg_cli_cmd *cmd, void *ud, int argc, char **argv,
                     const char **arg) {
  vg_cli cli;
  int rc = vg_cli_parse(&cli, cmd, ud, argc, argv);
  if (rc == VG_CLI_GO)
    *arg = cli.args[0];
  vg_cli_fini(&cli);
  return rc;
}
