/*
 * cmds.h - the vigil subcommands. Each takes the arguments after the
 * subcommand name (argv[0] is the subcommand) and returns the process exit
 * status of cli.md: 0 success, 1 findings, 2 usage or internal error.
 */
#ifndef VG_CLI_CMDS_H
#define VG_CLI_CMDS_H

int vg_cmd_lint(int argc, char **argv);
int vg_cmd_expr(int argc, char **argv);
int vg_cmd_describe(int argc, char **argv);
int vg_cmd_dump(int argc, char **argv);
int vg_cmd_compile(int argc, char **argv);
int vg_cmd_disasm(int argc, char **argv);
int vg_cmd_info(int argc, char **argv);
int vg_cmd_run(int argc, char **argv);

#endif
