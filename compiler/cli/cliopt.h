/*
 * cliopt.h - the one option parser of every vigil subcommand: getopt_long
 * over a table each command declares, plus the options the rule-loading
 * commands share (cli.md "Inputs shared by lint, compile, describe, run,
 * check": --source, --plugin, --no-plugins, -o KEY=VALUE) and --format.
 * The help text is generated from the same tables.
 *
 * Argument order (cli.md leaves it free; this is vigil's rule): options may
 * come before, between or after the positional arguments, as with GNU
 * permutation, but the positional arguments reach the command in the order
 * given, interleaved with the options (getopt_long's "-" mode), so
 * `--rules A B C` can take the paths that follow it. `--` ends the options:
 * every argument after it is positional, even one starting with '-'.
 * POSIXLY_CORRECT does not change this. Long options may be written
 * `--name value` or `--name=value` and abbreviated to any unambiguous
 * prefix; short ones `-o value` or `-ovalue`.
 *
 * Errors (unknown or ambiguous option, missing or unexpected value, bad
 * shared value) print one line on standard error, naming the option and
 * pointing at `vigil NAME --help`; the command then exits 2 (cli.md usage
 * error). Owned by the cli helper.
 */
#ifndef VG_CLI_CLIOPT_H
#define VG_CLI_CLIOPT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/loadargs.h"

/* The key of a positional argument given to a handler: before `--`, and
 * after it. */
#define VG_CLI_ARG 1
#define VG_CLI_LITERAL 2

/* Keys of the shared options; commands number their long-only options
 * from VG_OPT_CMD. */
enum {
  VG_OPT_CONFIG = 'o', /* -o KEY=VALUE */
  VG_OPT_HELP = 'h',
  VG_OPT_SOURCE = 0x100,
  VG_OPT_PLUGIN,
  VG_OPT_NO_PLUGINS,
  VG_OPT_FORMAT,
  VG_OPT_CMD = 0x200
};

typedef struct vg_cliopt {
  const char *name; /* long name without the dashes, or NULL */
  int key;          /* the short letter, or a number >= 0x100 */
  bool has_arg;     /* takes a value */
  const char *arg;  /* the value's name in the help ("PATH") */
  const char *help; /* one line of help; NULL hides the option */
} vg_cliopt;

/* What a command takes from the shared part. */
enum {
  VG_CLI_LOADING = 1, /* --source, --plugin, --no-plugins, -o KEY=VALUE */
  VG_CLI_FORMAT = 2,  /* --format text|json, into vg_cli.json */
  VG_CLI_PATHS = 4,   /* positional arguments are rule PATHs */
  VG_CLI_NEED_PATHS = 12, /* ... and at least one is required */
  VG_CLI_ARGS = 16,       /* positional arguments go to vg_cli.args */
  VG_CLI_ONE_ARG = 48     /* ... and there is exactly one */
};

typedef struct vg_cli vg_cli;

/* Receives every option (key, value or NULL) and every positional
 * argument (VG_CLI_ARG / VG_CLI_LITERAL, the argument), in command-line
 * order. Returns 0 when done with it, VG_CLI_NEXT to leave a shared option
 * or a PATH to the shared part, or -1 after reporting a usage error with
 * vg_cli_error (or a file error with its own message). */
typedef int (*vg_cli_handler)(vg_cli *cli, int key, const char *arg);
#define VG_CLI_NEXT 1

typedef struct vg_cli_cmd {
  const char *name;     /* "lint" */
  const char *synopsis; /* what follows "usage: vigil NAME " */
  const char *about;    /* a paragraph for the help, or NULL */
  unsigned shared;      /* VG_CLI_* */
  const vg_cliopt *opts; /* the command's own, {NULL, 0, ...} ended; an
                            entry with a shared key replaces that one */
  vg_cli_handler fn;    /* NULL when every option is shared */
} vg_cli_cmd;

struct vg_cli {
  const vg_cli_cmd *cmd;
  void *ud;       /* the command's own state, for its handler */
  vg_loadargs la; /* VG_CLI_LOADING options and VG_CLI_PATHS paths */
  bool json;      /* --format json (VG_CLI_FORMAT) */
  size_t npaths;  /* PATH arguments given (VG_CLI_PATHS) */
  bool long_form; /* the option being handled was given as --name */
  const char **args; /* VG_CLI_ARGS: the positional arguments, in order */
  size_t nargs;
};

/*
 * Parses argv[1..argc) (argv[0] is the subcommand name) for cmd into cli,
 * which it initialises (ud is stored for the handler). Returns VG_CLI_GO
 * to go on, or the exit status: 0 when the help was printed on standard
 * output, 2 after a usage or file error was reported. vg_cli_fini releases
 * cli in every case.
 */
#define VG_CLI_GO (-1)
int vg_cli_parse(vg_cli *cli, const vg_cli_cmd *cmd, void *ud, int argc,
                 char **argv);
void vg_cli_fini(vg_cli *cli);

/* vg_cli_parse for a VG_CLI_ONE_ARG command whose options all go to its
 * handler's ud: *arg is that argument (borrowed from argv) when VG_CLI_GO
 * is returned. */
int vg_cli_parse_one(const vg_cli_cmd *cmd, void *ud, int argc, char **argv,
                     const char **arg);

/* Prints the generated help for cmd. */
void vg_cli_help(const vg_cli_cmd *cmd, FILE *f);

/* Prints "vigil NAME: MESSAGE; see 'vigil NAME --help'" on standard error
 * and returns -1 (a handler's usage-error return) */
int vg_cli_error(const vg_cli_cmd *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
