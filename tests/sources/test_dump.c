/*
 * test_dump.c - `vigil dump` end to end: format tokens, the '*' prefix,
 * width modifiers, --filter through the compiler and VM, and errors.
 * Skips when the conformance captures are absent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *capture(const char *name) {
  static char p[4096];
  snprintf(p, sizeof p, "%s/conformance/captures/%s", VIGIL_SHARED_DIR, name);
  return access(p, R_OK) == 0 ? p : NULL;
}

/* Runs vigil with the shell command tail; returns its exit status and
 * puts up to len bytes of its standard output in out. */
static int run(const char *args, char *out, size_t len) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", VIGIL_BINARY, args);
  FILE *f = popen(cmd, "r");
  cr_assert_not_null(f);
  size_t n = fread(out, 1, len - 1, f);
  out[n] = 0;
  int st = pclose(f);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(dump, filter_and_format) {
  const char *p = capture("cat_write.scap");
  if (!p)
    cr_skip_test("conformance captures not available");
  char args[8192], out[65536];
  snprintf(args, sizeof args,
           "dump -p '%%evt.num %%evt.type %%fd.name' --filter "
           "'evt.type=open and fd.name contains lib' %s", p);
  cr_assert_eq(run(args, out, sizeof out), 0);
  cr_assert_str_eq(out, "143 open /lib/x86_64-linux-gnu/libc.so.6\n"
                        "162 open /usr/lib/locale/locale-archive\n");
  snprintf(args, sizeof args,
           "dump -p '%%evt.num|%%5proc.name|%%fd.sport' --filter "
           "'evt.num in (131, 177)' %s", p);
  cr_assert_eq(run(args, out, sizeof out), 0);
  cr_assert_str_eq(out, "", "without '*' events lacking a value are "
                        "skipped");
  snprintf(args, sizeof args,
           "dump -p '*%%evt.num|%%5proc.name|%%fd.sport' --filter "
           "'evt.num in (131, 177)' %s", p);
  cr_assert_eq(run(args, out, sizeof out), 0);
  cr_assert_str_eq(out, "131|cat  |<NA>\n177|cat  |<NA>\n");
}

Test(dump, errors) {
  const char *p = capture("cat_write.scap");
  if (!p)
    cr_skip_test("conformance captures not available");
  char args[8192], out[4096];
  snprintf(args, sizeof args, "dump -p '%%proc.nosuch' %s", p);
  cr_assert_eq(run(args, out, sizeof out), 2);
  snprintf(args, sizeof args, "dump -p '%%evt.num' --filter 'evt.num =' %s",
           p);
  cr_assert_eq(run(args, out, sizeof out), 2);
  cr_assert_eq(run("dump -p '%evt.num' /nonexistent.scap", out, sizeof out),
               2);
  cr_assert_eq(run("dump", out, sizeof out), 2);
}
