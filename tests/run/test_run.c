/*
 * test_run.c - `vigil run` and its host glue (plugin/run): helpers
 * (wildcards, priorities, JSON strings), the host over a capture compiled
 * in process (rule_matching first vs all, selection), and the command line
 * driven through the built binary (option errors, filters, the JSON alert
 * shape, standard input). Cases needing corpus captures skip when
 * VIGIL_SHARED_DIR/conformance is absent.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "back/pack_rules.h"
#include "run/run_host.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/program.h"

#define CAPTURE VIGIL_SHARED_DIR "/conformance/captures/cat_write.scap"
#define K8S_EVENT \
  VIGIL_SHARED_DIR "/conformance/events/create_nginx_pod_privileged.json"

static bool have(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* ---- helpers ------------------------------------------------------------ */

Test(run, wildcard) {
  cr_assert(vg_run_wildcard("open_from_cat", "open_from_cat"));
  cr_assert(!vg_run_wildcard("open_from", "open_from_cat"));
  cr_assert(vg_run_wildcard("open_*", "open_from_cat"));
  cr_assert(vg_run_wildcard("*cat", "open_from_cat"));
  cr_assert(vg_run_wildcard("*from*", "open_from_cat"));
  cr_assert(vg_run_wildcard("*", ""));
  cr_assert(!vg_run_wildcard("*x*", "open_from_cat"));
  cr_assert(vg_run_wildcard("a*b*c", "aXbYbZc"));
  cr_assert(!vg_run_wildcard("a*b*c", "aXbYbZ"));
}

Test(run, priorities) {
  cr_assert_eq(vg_run_priority_parse("WARNING"), 4);
  cr_assert_eq(vg_run_priority_parse("info"), 6);
  cr_assert_eq(vg_run_priority_parse("Informational"), 6);
  cr_assert_eq(vg_run_priority_parse("emergency"), 0);
  cr_assert_eq(vg_run_priority_parse("warn"), -1);
  cr_assert_eq(vg_run_priority_parse("err"), -1);
  cr_assert_str_eq(vg_run_priority_name(6), "Informational");
  cr_assert_str_eq(vg_run_priority_name(4), "Warning");
}

Test(run, json_string) {
  vg_run_buf b = {0};
  cr_assert(vg_run_buf_json_str(&b, "a\"b\\c\n\x01/", 8));
  cr_assert_str_eq(b.p, "\"a\\\"b\\\\c\\n\\u0001/\"");
  b.len = 0;
  /* invalid UTF-8 becomes U+FFFD, valid multibyte text stays */
  cr_assert(vg_run_buf_json_str(&b, "\xff\xc3\xa9", 3));
  cr_assert_str_eq(b.p, "\"\xef\xbf\xbd\xc3\xa9\"");
  b.len = 0;
  /* a truncated sequence and an overlong form */
  cr_assert(vg_run_buf_json_str(&b, "\xe2\x82", 2));
  cr_assert_str_eq(b.p, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  b.len = 0;
  cr_assert(vg_run_buf_json_str(&b, "\xc0\xaf", 2));
  cr_assert_str_eq(b.p, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  vg_run_buf_fini(&b);
}

/* ---- the host over a capture -------------------------------------------- */

static const char RULES[] =
    "- rule: open_any\n"
    "  desc: d\n"
    "  condition: evt.type=open\n"
    "  output: open %fd.name by %proc.name cport=%fd.cport w=%5proc.name|\n"
    "  priority: WARNING\n"
    "  tags: [files, b]\n"
    "- rule: open_cat\n"
    "  desc: d\n"
    "  condition: evt.type=open and proc.name=cat\n"
    "  output: cat opens %fd.name\n"
    "  priority: ERROR\n"
    "  tags: [a]\n";

typedef struct counts {
  size_t events, alerts, per_rule[2];
} counts;

static vg_run_host *host_for(const char *rules, vigil_program **pp) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  cr_assert_eq(vigil_compiler_load_buffer(c, "t.yaml", rules, strlen(rules)),
               VIGIL_OK);
  vigil_compiler_finish(c);
  uint8_t *bytes;
  size_t len, n;
  char err[512];
  cr_assert_eq(vg_pack_rules(c, true, &bytes, &len, &n, err, sizeof err),
               VIGIL_OK, "%s", err);
  vigil_compiler_free(c);
  vg_run_host *h = vg_run_host_new();
  cr_assert(h);
  cr_assert_eq(vigil_program_load(bytes, len, vg_run_host_binder, h, pp, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  vg_free(bytes);
  cr_assert_eq(vg_run_host_attach(h, *pp, NULL, err, sizeof err), VIGIL_OK);
  return h;
}

static counts replay(vg_run_host *h, const char *path) {
  counts k;
  memset(&k, 0, sizeof k);
  char err[512];
  cr_assert_eq(vg_run_host_open(h, path, NULL, err, sizeof err), VIGIL_OK,
               "%s", err);
  for (;;) {
    vg_run_result r;
    cr_assert_eq(vg_run_host_next(h, &r), VIGIL_OK);
    if (r.eof)
      break;
    k.events++;
    for (size_t i = 0; i < r.nhits; i++) {
      k.alerts++;
      k.per_rule[r.hits[i]]++;
    }
  }
  vg_run_host_close(h);
  return k;
}

Test(run_host, first_vs_all) {
  if (!have(CAPTURE))
    cr_skip_test("conformance captures not available");
  vigil_program *p1 = NULL, *p2 = NULL;
  vg_run_host *h1 = host_for(RULES, &p1);
  cr_assert_eq(vg_run_host_prepare(h1, true), VIGIL_OK);
  counts first = replay(h1, CAPTURE);
  vg_run_host *h2 = host_for(RULES, &p2);
  cr_assert_eq(vg_run_host_prepare(h2, false), VIGIL_OK);
  counts all = replay(h2, CAPTURE);
  cr_assert_gt(first.events, 0);
  cr_assert_eq(first.events, all.events);
  /* every open by cat matches both rules: first keeps the earlier one */
  cr_assert_gt(first.per_rule[0], 0);
  cr_assert_eq(first.per_rule[1], 0);
  cr_assert_eq(all.per_rule[0], first.per_rule[0]);
  cr_assert_gt(all.per_rule[1], 0);
  cr_assert_eq(all.alerts, first.alerts + all.per_rule[1]);
  vg_run_host_free(h1);
  vg_run_host_free(h2);
  vigil_program_free(p1);
  vigil_program_free(p2);
}

Test(run_host, selection_and_render) {
  if (!have(CAPTURE))
    cr_skip_test("conformance captures not available");
  vigil_program *p = NULL;
  vg_run_host *h = host_for(RULES, &p);
  vg_run_host_select(h, 0, false);
  cr_assert_eq(vg_run_host_prepare(h, true), VIGIL_OK);
  cr_assert_eq(vg_run_host_nselected(h), 1);
  char err[512];
  cr_assert_eq(vg_run_host_open(h, CAPTURE, NULL, err, sizeof err),
               VIGIL_OK);
  bool seen = false;
  for (;;) {
    vg_run_result r;
    cr_assert_eq(vg_run_host_next(h, &r), VIGIL_OK);
    if (r.eof)
      break;
    for (size_t i = 0; i < r.nhits; i++) {
      cr_assert_eq(r.hits[i], 1);
      cr_assert_gt(r.ts, 0);
      const char *text, *fields;
      cr_assert_eq(vg_run_host_render(h, 0, &text, &fields), VIGIL_OK);
      /* width 5 truncates or pads; a missing value renders <NA>/null */
      cr_assert(strstr(text, "w=cat  |"), "%s", text);
      cr_assert(strstr(text, "cport=<NA>"), "%s", text);
      json_error_t je;
      json_t *o = json_loads(fields, 0, &je);
      cr_assert(o, "%s", fields);
      cr_assert(json_is_null(json_object_get(o, "fd.cport")));
      cr_assert_str_eq(json_string_value(json_object_get(o, "proc.name")),
                       "cat");
      json_decref(o);
      seen = true;
    }
  }
  cr_assert(seen);
  vg_run_host_free(h);
  vigil_program_free(p);
}

/* ---- the command line --------------------------------------------------- */

static char tmpdir[] = "/tmp/vigil-test-run-XXXXXX";
static char rules_path[300];

static void setup_cli(void) {
  cr_assert(mkdtemp(tmpdir));
  snprintf(rules_path, sizeof rules_path, "%s/r.yaml", tmpdir);
  FILE *f = fopen(rules_path, "w");
  cr_assert(f);
  fputs(RULES, f);
  fclose(f);
}

static void teardown_cli(void) {
  unlink(rules_path);
  rmdir(tmpdir);
}

/* Runs the binary through the shell; returns the exit status, stdout in
 * *out (malloc'd). */
static int vigil(const char *args, char **out) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", VIGIL_BINARY, args);
  FILE *p = popen(cmd, "r");
  cr_assert(p);
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  cr_assert(b);
  size_t r;
  while ((r = fread(b + n, 1, cap - n - 1, p)) > 0) {
    n += r;
    if (n + 1 == cap) {
      cap *= 2;
      b = realloc(b, cap);
      cr_assert(b);
    }
  }
  b[n] = 0;
  int st = pclose(p);
  if (out)
    *out = b;
  else
    free(b);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static size_t count_lines(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *l = s; *l;) {
    const char *e = strchr(l, '\n');
    size_t len = e ? (size_t)(e - l) : strlen(l);
    char line[8192];
    if (len < sizeof line) {
      memcpy(line, l, len);
      line[len] = 0;
      if (!needle || strstr(line, needle))
        n++;
    }
    l += len + (e ? 1 : 0);
  }
  return n;
}

TestSuite(run_cli, .init = setup_cli, .fini = teardown_cli);

Test(run_cli, usage_errors) {
  char a[1024];
  cr_assert_eq(vigil("run", NULL), 2);
  snprintf(a, sizeof a, "run --rules %s", rules_path);
  cr_assert_eq(vigil(a, NULL), 2); /* no events */
  snprintf(a, sizeof a, "run --bogus --rules %s -- x.scap", rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  snprintf(a, sizeof a, "run -o nosuchkey=1 --rules %s -- x.scap",
           rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  snprintf(a, sizeof a, "run -o rule_matching=some --rules %s -- x.scap",
           rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  snprintf(a, sizeof a, "run --min-priority warn --rules %s -- x.scap",
           rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  snprintf(a, sizeof a, "run --format xml --rules %s -- x.scap", rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  snprintf(a, sizeof a, "run --pack x.vpk --rules %s -- x.scap", rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  snprintf(a, sizeof a, "run --rules %s -- /nonexistent.scap", rules_path);
  cr_assert_eq(vigil(a, NULL), 2);
  cr_assert_eq(vigil("run --help", NULL), 0);
}

Test(run_cli, rule_errors_exit_1) {
  char bad[300], a[1024];
  snprintf(bad, sizeof bad, "%s/bad.yaml", tmpdir);
  FILE *f = fopen(bad, "w");
  cr_assert(f);
  fputs("- rule: x\n  desc: d\n  condition: proc.nmae=x\n  output: o\n"
        "  priority: INFO\n", f);
  fclose(f);
  snprintf(a, sizeof a, "run --rules %s -- %s", bad, CAPTURE);
  cr_assert_eq(vigil(a, NULL), 1);
  unlink(bad);
}

Test(run_cli, json_shape) {
  if (!have(CAPTURE))
    cr_skip_test("conformance captures not available");
  char a[1024], *out;
  snprintf(a, sizeof a, "run --format json --rules %s -- %s", rules_path,
           CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  char *nl = strchr(out, '\n');
  cr_assert(nl, "no alert");
  *nl = 0;
  json_error_t je;
  json_t *o = json_loads(out, 0, &je);
  cr_assert(o, "%s", out);
  const char *keys[] = {"hostname", "output", "output_fields", "priority",
                        "rule", "source", "tags", "time"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    cr_assert(json_object_get(o, keys[i]), "missing %s", keys[i]);
  cr_assert_str_eq(json_string_value(json_object_get(o, "rule")),
                   "open_any");
  cr_assert_str_eq(json_string_value(json_object_get(o, "priority")),
                   "Warning");
  cr_assert_str_eq(json_string_value(json_object_get(o, "source")),
                   "syscall");
  json_t *tags = json_object_get(o, "tags");
  cr_assert(json_is_array(tags));
  cr_assert_eq(json_array_size(tags), 2);
  const char *t = json_string_value(json_object_get(o, "time"));
  cr_assert(t && strlen(t) == 30 && t[10] == 'T' && t[29] == 'Z', "%s", t);
  const char *output = json_string_value(json_object_get(o, "output"));
  cr_assert(strstr(output, ": Warning open "), "%s", output);
  /* the prefix's time joins output_fields as the raw timestamp */
  json_t *of = json_object_get(o, "output_fields");
  cr_assert(json_is_integer(json_object_get(of, "evt.time")));
  cr_assert(json_is_null(json_object_get(of, "fd.cport")));
  cr_assert_str_eq(json_string_value(json_object_get(of, "proc.name")),
                   "cat");
  json_decref(o);
  free(out);
  /* the include properties drop their keys */
  snprintf(a, sizeof a,
           "run --format json -o json_include_output_property=false "
           "-o json_include_tags_property=false --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  nl = strchr(out, '\n');
  cr_assert(nl);
  *nl = 0;
  o = json_loads(out, 0, &je);
  cr_assert(o);
  cr_assert_null(json_object_get(o, "output"));
  cr_assert_null(json_object_get(o, "tags"));
  cr_assert(json_object_get(o, "output_fields"));
  json_decref(o);
  free(out);
}

Test(run_cli, text_line_and_iso_time) {
  if (!have(CAPTURE))
    cr_skip_test("conformance captures not available");
  char a[1024], *out, tf[300];
  /* time fields the host computes render as libsinsp renders them */
  snprintf(tf, sizeof tf, "%s/t.yaml", tmpdir);
  FILE *f = fopen(tf, "w");
  cr_assert(f);
  fputs("- rule: t\n  desc: d\n  condition: evt.type=open\n"
        "  output: iso=%evt.time.iso8601 s=%evt.rawtime.s src=%evt.source\n"
        "  priority: INFO\n", f);
  fclose(f);
  snprintf(a, sizeof a, "run --rules %s -- %s", tf, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert(strstr(out, "iso=2016-08-04T16:17:57."), "%s", out);
  cr_assert(strstr(out, "+0000 s=1470327477 src=syscall"), "%s", out);
  free(out);
  unlink(tf);
  snprintf(a, sizeof a, "run -o time_format_iso_8601=true --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert(strncmp(out, "2016-08-04T16:17:57.", 20) == 0, "%s", out);
  cr_assert(strstr(out, "+0000: Warning open "), "%s", out);
  free(out);
}

Test(run_cli, rule_matching_and_filters) {
  if (!have(CAPTURE))
    cr_skip_test("conformance captures not available");
  char a[1024], *out;
  snprintf(a, sizeof a, "run --rules %s -- %s", rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  size_t first_any = count_lines(out, "Warning open ");
  size_t first_cat = count_lines(out, "Error cat opens");
  free(out);
  cr_assert_gt(first_any, 0);
  cr_assert_eq(first_cat, 0);
  snprintf(a, sizeof a, "run -o rule_matching=all --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, "Warning open "), first_any);
  size_t all_cat = count_lines(out, "Error cat opens");
  cr_assert_gt(all_cat, 0);
  free(out);
  /* disabling the first rule lets the second one alert */
  snprintf(a, sizeof a, "run --disable-rule 'open_a*' --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, "Warning open "), 0);
  cr_assert_eq(count_lines(out, "Error cat opens"), all_cat);
  free(out);
  /* an exact name that is only a prefix disables nothing */
  snprintf(a, sizeof a, "run --disable-rule open_a --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, "Warning open "), first_any);
  free(out);
  snprintf(a, sizeof a, "run --enable-tag a --rules %s -- %s", rules_path,
           CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, "Warning open "), 0);
  cr_assert_eq(count_lines(out, "Error cat opens"), all_cat);
  free(out);
  snprintf(a, sizeof a, "run --disable-tag files --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, "Warning open "), 0);
  free(out);
  snprintf(a, sizeof a, "run --min-priority error --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, "Warning open "), 0);
  cr_assert_eq(count_lines(out, "Error cat opens"), all_cat);
  free(out);
  snprintf(a, sizeof a, "run -o priority=critical --rules %s -- %s",
           rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert_eq(count_lines(out, NULL), 0);
  free(out);
}

Test(run_cli, pack_and_stdin) {
  if (!have(CAPTURE) || !have(K8S_EVENT))
    cr_skip_test("conformance data not available");
  char a[2048], pack[300], *out, *out2;
  snprintf(pack, sizeof pack, "%s/r.vpk", tmpdir);
  snprintf(a, sizeof a, "compile -o %s %s", pack, rules_path);
  cr_assert_eq(vigil(a, NULL), 0);
  snprintf(a, sizeof a, "run --rules %s -- %s", rules_path, CAPTURE);
  cr_assert_eq(vigil(a, &out), 0);
  snprintf(a, sizeof a, "run --pack %s - < %s", pack, CAPTURE);
  cr_assert_eq(vigil(a, &out2), 0);
  cr_assert_str_eq(out, out2);
  free(out);
  free(out2);
  unlink(pack);
  /* a JSON event on standard input: the source comes from the content */
  char k8s[300];
  snprintf(k8s, sizeof k8s, "%s/k.yaml", tmpdir);
  FILE *f = fopen(k8s, "w");
  cr_assert(f);
  fputs("- rule: k8s_any\n  desc: d\n  condition: ka.verb=create\n"
        "  output: verb=%ka.verb n=%evt.num\n  priority: NOTICE\n"
        "  source: k8s_audit\n", f);
  fclose(f);
  snprintf(a, sizeof a, "run --format json --rules %s - < %s", k8s,
           K8S_EVENT);
  cr_assert_eq(vigil(a, &out), 0);
  cr_assert(strstr(out, "\"rule\":\"k8s_any\""), "%s", out);
  cr_assert(strstr(out, "\"source\":\"k8s_audit\""), "%s", out);
  cr_assert(strstr(out, "\"ka.verb\":\"create\""), "%s", out);
  cr_assert(strstr(out, "\"evt.num\":1"), "%s", out);
  free(out);
  unlink(k8s);
}
