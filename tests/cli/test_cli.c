/*
 * test_cli.c - the option forms every subcommand accepts (cli/cliopt.h),
 * checked on the built binary (VIGIL_BINARY): --long value and
 * --long=value, unambiguous abbreviations, short options, repeated and
 * multi-path --rules, `--`, options after positional arguments, unknown or
 * ambiguous options and missing values (one line on stderr, exit 2, never
 * a crash) and the generated help. Self-contained: rule and event files
 * are written to a temporary folder, which is the working directory of
 * every call.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/vigil-test-cli-XXXXXX";

static const char RULE_A[] = "- rule: rule_a\n"
                             "  desc: a\n"
                             "  condition: ka.verb=create\n"
                             "  output: a verb=%ka.verb\n"
                             "  priority: WARNING\n"
                             "  source: k8s_audit\n";

static const char RULE_B[] = "- rule: rule_b\n"
                             "  desc: b\n"
                             "  condition: ka.verb=create\n"
                             "  output: b user=%ka.user.name\n"
                             "  priority: ERROR\n"
                             "  source: k8s_audit\n"
                             "  tags: [tb]\n";

/* a syscall rule, for the commands that load without events */
static const char RULE_S[] = "- rule: rule_s\n"
                             "  desc: s\n"
                             "  condition: evt.type=open and proc.name=cat\n"
                             "  output: s %proc.name\n"
                             "  priority: NOTICE\n";

/* one Kubernetes audit event both rules match */
static const char EVENT[] =
    "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":"
    "\"Request\",\"auditID\":\"x\",\"stage\":\"ResponseComplete\",\"verb\":"
    "\"create\",\"user\":{\"username\":\"alice\"},\"objectRef\":{"
    "\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"p\"},"
    "\"requestReceivedTimestamp\":\"2024-01-01T00:00:00.000000Z\","
    "\"stageTimestamp\":\"2024-01-01T00:00:00.000000Z\"}\n";

static void put(const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  cr_assert(f, "%s", p);
  fputs(text, f);
  fclose(f);
}

static void setup(void) {
  cr_assert(mkdtemp(dir));
  put("a.yaml", RULE_A);
  put("b.yaml", RULE_B);
  put("s.yaml", RULE_S);
  put("t.yaml", RULE_S);
  put("-odd.yaml", RULE_S);
  put("ev.json", EVENT);
  char p[512];
  snprintf(p, sizeof p, "%s/rules.d", dir);
  cr_assert_eq(mkdir(p, 0700), 0);
  put("rules.d/1.yaml", RULE_A);
  put("rules.d/2.yaml", RULE_B);
}

static void teardown(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert(f, "%s", path);
  size_t cap = 1 << 16, n = 0, r;
  char *b = malloc(cap);
  cr_assert(b);
  while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (n + 1 == cap) {
      cap *= 2;
      b = realloc(b, cap);
      cr_assert(b);
    }
  }
  b[n] = 0;
  fclose(f);
  return b;
}

typedef struct result {
  int rc; /* exit status; a signal fails the test */
  char *out, *err;
} result;

/* Runs `vigil ARGS` (shell words) in the temporary folder. */
static result vigil(const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cd '%s' && %s %s >.out 2>.err </dev/null", dir,
           VIGIL_BINARY, args);
  int st = system(cmd);
  cr_assert(st != -1);
  cr_assert(WIFEXITED(st), "'vigil %s' did not exit normally", args);
  char p[512];
  result r = {WEXITSTATUS(st), NULL, NULL};
  snprintf(p, sizeof p, "%s/.out", dir);
  r.out = slurp(p);
  snprintf(p, sizeof p, "%s/.err", dir);
  r.err = slurp(p);
  return r;
}

static void result_free(result *r) {
  free(r->out);
  free(r->err);
}

static size_t count(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

/* A usage error: exit 2, nothing on stdout, one line on stderr that
 * contains want and points at the help. */
static void usage_error(const char *args, const char *want) {
  result r = vigil(args);
  cr_expect_eq(r.rc, 2, "vigil %s: exit %d", args, r.rc);
  cr_expect_str_empty(r.out, "vigil %s", args);
  cr_expect_eq(count(r.err, "\n"), 1, "vigil %s: stderr:\n%s", args, r.err);
  cr_expect(strstr(r.err, want), "vigil %s: '%s' not in: %s", args, want,
            r.err);
  cr_expect(strstr(r.err, "--help"), "vigil %s: %s", args, r.err);
  result_free(&r);
}

/* Alerts printed by `vigil run ARGS` (rc 0 expected). */
static size_t alerts(const char *args, const char *rule) {
  result r = vigil(args);
  cr_expect_eq(r.rc, 0, "vigil %s: exit %d\n%s", args, r.rc, r.err);
  char want[64];
  snprintf(want, sizeof want, "\"rule\":\"%s\"", rule);
  size_t n = count(r.out, want);
  result_free(&r);
  return n;
}

TestSuite(cli, .init = setup, .fini = teardown);

static const char *const COMMANDS[] = {"lint",   "describe", "compile",
                                       "run",    "dump",     "expr",
                                       "disasm", "info"};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

Test(cli, help) {
  for (size_t i = 0; i < NCOMMANDS; i++) {
    char a[64], want[64];
    snprintf(a, sizeof a, "%s --help", COMMANDS[i]);
    snprintf(want, sizeof want, "usage: vigil %s ", COMMANDS[i]);
    result r = vigil(a);
    cr_expect_eq(r.rc, 0, "%s", a);
    cr_expect(!strncmp(r.out, want, strlen(want)), "%s: %s", a, r.out);
    cr_expect(strstr(r.out, "-h, --help"), "%s", a);
    cr_expect_str_empty(r.err, "%s", a);
    snprintf(a, sizeof a, "%s -h", COMMANDS[i]);
    result s = vigil(a);
    cr_expect_eq(s.rc, 0, "%s", a);
    cr_expect_str_eq(s.out, r.out, "%s", a);
    result_free(&r);
    result_free(&s);
  }
  /* the loading commands list the shared options, the others do not */
  result r = vigil("lint --help");
  const char *shared[] = {"--format text|json", "--source S",
                          "--plugin NAME[@VER]", "--no-plugins",
                          "-o KEY=VALUE", "--werror", "--all-errors"};
  for (size_t i = 0; i < sizeof shared / sizeof *shared; i++)
    cr_expect(strstr(r.out, shared[i]), "lint help lacks %s", shared[i]);
  result_free(&r);
  r = vigil("dump --help");
  cr_expect(strstr(r.out, "-p, --print FORMAT"));
  cr_expect(!strstr(r.out, "--no-plugins"));
  result_free(&r);
  r = vigil("run --help");
  cr_expect(strstr(r.out, "--rules PATH..."));
  cr_expect(strstr(r.out, "-A, --all-events"));
  result_free(&r);
  /* help wins wherever it stands, even after an argument */
  r = vigil("lint s.yaml --help");
  cr_expect_eq(r.rc, 0);
  cr_expect(!strncmp(r.out, "usage: vigil lint ", 18));
  result_free(&r);
  r = vigil("--help");
  cr_expect_eq(r.rc, 0);
  for (size_t i = 0; i < NCOMMANDS; i++)
    cr_expect(strstr(r.out, COMMANDS[i]), "%s", COMMANDS[i]);
  result_free(&r);
  r = vigil("");
  cr_expect_eq(r.rc, 2);
  result_free(&r);
}

Test(cli, long_option_forms) {
  /* --opt value, --opt=value, an abbreviation, and after the path */
  const char *forms[] = {"lint --format json s.yaml",
                         "lint --format=json s.yaml",
                         "lint --form=json s.yaml",
                         "lint s.yaml --format json",
                         "lint --format text --format json s.yaml"};
  result first = vigil(forms[0]);
  cr_assert_eq(first.rc, 0, "%s", first.err);
  cr_assert(strstr(first.out, "\"falco_load_results\""), "%s", first.out);
  for (size_t i = 1; i < sizeof forms / sizeof *forms; i++) {
    result r = vigil(forms[i]);
    cr_expect_eq(r.rc, 0, "%s", forms[i]);
    cr_expect_str_eq(r.out, first.out, "%s", forms[i]);
    result_free(&r);
  }
  result_free(&first);
  result r = vigil("describe s.yaml --format=json --source=syscall");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  cr_expect(strstr(r.out, "\"rule_s\""), "%s", r.out);
  result_free(&r);
  r = vigil("lint --no-plugins --plugin k8saudit --plugin=json s.yaml");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  result_free(&r);
  r = vigil("lint -o priority=debug -orule_matching=all s.yaml");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  result_free(&r);
}

Test(cli, short_option_forms) {
  const char *forms[] = {"compile -o p1.vpk s.yaml", "compile -op2.vpk s.yaml",
                         "compile --output p3.vpk s.yaml",
                         "compile --output=p4.vpk s.yaml",
                         "compile s.yaml -o p5.vpk"};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    result r = vigil(forms[i]);
    cr_expect_eq(r.rc, 0, "%s: %s", forms[i], r.err);
    result_free(&r);
    char a[64];
    snprintf(a, sizeof a, "info p%zu.vpk", i + 1);
    r = vigil(a);
    cr_expect_eq(r.rc, 0, "%s: %s", a, r.err);
    cr_expect(strstr(r.out, "rule_s"), "%s: %s", a, r.out);
    result_free(&r);
  }
  /* -o KEY=VALUE stays a configuration key in compile; --output never is */
  result r = vigil("compile -o priority=debug -o p6.vpk s.yaml");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  result_free(&r);
  r = vigil("compile -o nosuchkey=1 s.yaml");
  cr_expect_eq(r.rc, 2);
  result_free(&r);
  r = vigil("disasm -- p6.vpk");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  result_free(&r);
  /* expr's short options, clustered too */
  r = vigil("expr -e -s syscall 'evt.type=open'");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  cr_expect_str_eq(r.out, "open\n");
  result_free(&r);
  r = vigil("expr -pe 'evt.type=open'");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  result_free(&r);
  cr_expect_eq(alerts("run -A --format json --rules a.yaml -- ev.json",
                      "rule_a"),
               1);
}

Test(cli, repeated_rules) {
  const char *base = "run --format json -o rule_matching=all";
  char a[512];
  snprintf(a, sizeof a, "%s --rules a.yaml b.yaml -- ev.json", base);
  cr_expect_eq(alerts(a, "rule_a"), 1, "%s", a);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
  /* without `--`, the paths after --rules that are rule files */
  snprintf(a, sizeof a, "%s --rules a.yaml b.yaml ev.json", base);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
  snprintf(a, sizeof a, "%s --rules=a.yaml b.yaml ev.json", base);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
  snprintf(a, sizeof a, "%s --rules a.yaml --rules=b.yaml ev.json", base);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
  snprintf(a, sizeof a, "%s --rules rules.d ev.json", base);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
  /* options and events before --rules */
  snprintf(a, sizeof a, "run ev.json --rules a.yaml b.yaml %s", base + 4);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
  /* another option ends the rule paths: b.yaml is then an event file */
  snprintf(a, sizeof a, "%s --rules a.yaml -A b.yaml ev.json", base);
  result r = vigil(a);
  cr_expect_eq(r.rc, 2, "%s", a);
  cr_expect(strstr(r.err, "b.yaml"), "%s", r.err);
  result_free(&r);
  /* only one rule file: only its rule */
  snprintf(a, sizeof a, "%s --rules a.yaml ev.json", base);
  cr_expect_eq(alerts(a, "rule_b"), 0, "%s", a);
  cr_expect_eq(alerts(a, "rule_a"), 1, "%s", a);
  /* run's own options among them */
  snprintf(a, sizeof a,
           "%s --disable-tag tb --rules a.yaml b.yaml -- ev.json", base);
  cr_expect_eq(alerts(a, "rule_b"), 0, "%s", a);
  snprintf(a, sizeof a,
           "%s --rules a.yaml b.yaml --min-priority=error -- ev.json", base);
  cr_expect_eq(alerts(a, "rule_a"), 0, "%s", a);
  cr_expect_eq(alerts(a, "rule_b"), 1, "%s", a);
}

Test(cli, double_dash) {
  /* a path starting with '-' after `--` */
  result r = vigil("lint --format json -- -odd.yaml");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  cr_expect(strstr(r.out, "-odd.yaml"), "%s", r.out);
  result_free(&r);
  /* without it, it is -o with the value "dd.yaml" */
  usage_error("lint -odd.yaml", "-o");
  /* `--` also ends the options of the other commands */
  r = vigil("expr -e -- 'evt.type=open'");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  result_free(&r);
  r = vigil("expr -- --evttypes");
  cr_expect_eq(r.rc, 1, "a condition, not an option: %s", r.err);
  result_free(&r);
  r = vigil("info -- --help");
  cr_expect_eq(r.rc, 2, "a file named --help: %s", r.err);
  cr_expect(strstr(r.err, "--help"), "%s", r.err);
  result_free(&r);
}

Test(cli, option_after_positional) {
  result r = vigil("expr 'evt.type=open' --evttypes");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  cr_expect_str_eq(r.out, "open\n");
  result_free(&r);
  r = vigil("lint s.yaml --werror --format=json t.yaml");
  cr_expect_eq(r.rc, 0, "%s", r.err);
  cr_expect_eq(count(r.out, "\"name\":"), 2, "%s", r.out);
  result_free(&r);
  r = vigil("compile s.yaml --condition 'evt.type=open'");
  cr_expect_eq(r.rc, 2, "--condition takes no PATH");
  result_free(&r);
}

Test(cli, unknown_option) {
  for (size_t i = 0; i < NCOMMANDS; i++) {
    char a[128];
    snprintf(a, sizeof a, "%s --bogus s.yaml", COMMANDS[i]);
    usage_error(a, "unknown option '--bogus'");
    snprintf(a, sizeof a, "%s --bogus=1 s.yaml", COMMANDS[i]);
    usage_error(a, "unknown option '--bogus'");
    snprintf(a, sizeof a, "%s -Z s.yaml", COMMANDS[i]);
    usage_error(a, "unknown option '-Z'");
  }
  usage_error("run -AZ --rules a.yaml ev.json", "'-Z'");
  usage_error("run --dis x --rules a.yaml ev.json",
              "ambiguous option '--dis'");
  usage_error("lint --no-plugins=yes s.yaml", "'--no-plugins' takes no value");
  usage_error("lint --format xml s.yaml", "'xml'");
  usage_error("lint -o nosuchkey=1 s.yaml", "nosuchkey");
  usage_error("run -o rule_matching=some --rules a.yaml ev.json",
              "rule_matching");
  usage_error("run --min-priority warn --rules a.yaml ev.json", "warn");
}

Test(cli, missing_argument) {
  usage_error("lint --format", "'--format' needs a value");
  usage_error("lint s.yaml -o", "'-o' needs a value");
  usage_error("describe s.yaml --source", "'--source' needs a value");
  usage_error("lint s.yaml --plug", "'--plugin' needs a value");
  usage_error("compile s.yaml -o", "'-o' needs a value");
  usage_error("compile s.yaml --falco-rules", "'--falco-rules' needs");
  usage_error("run --rules", "'--rules' needs a value");
  usage_error("run --rules a.yaml ev.json --pack", "'--pack' needs a value");
  usage_error("dump -p", "'-p' needs a value");
  usage_error("dump --filter", "'--filter' needs a value");
  usage_error("expr --fields", "'--fields' needs a value");
  usage_error("expr -s", "'-s' needs a value");
  /* arguments a command needs */
  usage_error("lint", "PATH");
  usage_error("describe --format json", "PATH");
  usage_error("compile", "PATH");
  usage_error("run --rules a.yaml", "EVENTS");
  usage_error("run ev.json", "--rules");
  usage_error("dump ev.json", "-p FORMAT");
  usage_error("dump -p '%evt.num'", "EVENTS");
  usage_error("expr", "CONDITION");
  usage_error("expr a b", "CONDITION");
  usage_error("disasm", "PACK");
  usage_error("info a b", "PACK");
}

Test(cli, odd_arguments_never_crash) {
  const char *odd[] = {"lint ---",          "lint --=x",
                       "lint -",            "lint ''",
                       "lint --format=",    "run --rules= ev.json",
                       "run --rules -- ev.json", "run --",
                       "expr --",           "expr -- -",
                       "dump -p '' --",     "compile --condition ''",
                       "lint -o =",         "run -o = --rules a.yaml ev.json",
                       "info -",            "describe --source= s.yaml"};
  for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
    result r = vigil(odd[i]); /* asserts a normal exit */
    cr_expect(r.rc == 0 || r.rc == 1 || r.rc == 2, "%s: %d", odd[i], r.rc);
    result_free(&r);
  }
}
