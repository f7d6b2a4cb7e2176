/*
 * main.c - the vigil command-line tool: dispatches to the subcommands of
 * ../shared/spec/cli.md (lint, expr, describe, dump, ...).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmds.h"
#include "vigil/vigil.h"

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *help;
} command;

static const command commands[] = {
    {"lint", vg_cmd_lint, "validate rule files as falco -V does"},
    {"expr", vg_cmd_expr, "parse, check or evaluate one condition"},
    {"describe", vg_cmd_describe, "describe loaded rules as falco -L does"},
    {"dump", vg_cmd_dump, "print events of capture files, sysdig -p style"},
    {"run", vg_cmd_run, "evaluate rules over capture files and JSON events"},
    {"compile", vg_cmd_compile, "compile rule files to a bytecode pack"},
    {"disasm", vg_cmd_disasm, "print a pack's bytecode"},
    {"info", vg_cmd_info, "summarise a pack's sections and rules"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: vigil COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
  fprintf(f, "\nvigil %s (Falco engine %s); 'vigil COMMAND --help' for "
             "details\n",
          VIGIL_VERSION_STRING, VIGIL_ENGINE_VERSION_STRING);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("vigil %s\n", VIGIL_VERSION_STRING);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name))
      return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "vigil: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
