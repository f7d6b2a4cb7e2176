/*
 * test_sema.c - the compile check (rules-language.md 7.8, 7.9, 8.2, 8.3,
 * 8.7, 8.8) and the warning pass on hand-built trees: operator/type rules,
 * literal conversion, transformer typing and arity, field-to-field rules,
 * event-type names, regex syntax, and the warnings with Falco's texts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sema/sema.h"
#include "sema_test_util.h"

typedef struct collected {
  int nerr, nwarn;
  char err[1024];
  char warn[8][512];
  vg_warn_code wcode[8];
} collected;

static void collect(void *ud, const vg_sema_diag *d) {
  collected *c = ud;
  if (d->is_error) {
    if (c->nerr++ == 0)
      snprintf(c->err, sizeof c->err, "%s", d->msg);
  } else if (c->nwarn < 8) {
    snprintf(c->warn[c->nwarn], sizeof c->warn[0], "%s", d->msg);
    c->wcode[c->nwarn++] = d->warn;
  }
}

static vg_sema_env *env;

static void setup(void) { env = vg_sema_env_new(NULL, 0, NULL, 0, true); }
static void teardown(void) { vg_sema_env_free(env); }

static collected check_src(const char *src, vg_node *n) {
  collected c;
  memset(&c, 0, sizeof c);
  vigil_status st = vg_sema_check(env, src, ta(), n, collect, &c);
  cr_assert(st == VIGIL_OK || st == VIGIL_E_COMPILE, "status %d", st);
  cr_assert_eq(st == VIGIL_OK, c.nerr == 0);
  return c;
}

static collected check(vg_node *n) { return check_src("syscall", n); }

#define OK(n)                                                                  \
  do {                                                                         \
    collected c_ = check(n);                                                   \
    cr_assert_eq(c_.nerr, 0, "unexpected error: %s", c_.err);                  \
  } while (0)

#define ERR(n, text)                                                           \
  do {                                                                         \
    collected c_ = check(n);                                                   \
    cr_assert_eq(c_.nerr, 1, "expected error %s", text);                       \
    cr_assert_str_eq(c_.err, text);                                            \
  } while (0)

TestSuite(sema, .init = setup, .fini = teardown);

Test(sema, operators_per_type) {
  OK(BIN(FLD("evt.rawtime"), VG_OP_LT, VAL("1")));
  ERR(BIN(FLD("evt.rawtime"), VG_OP_CONTAINS, VAL("1")),
      "filter error: 'contains' operator not supported for numeric filters");
  ERR(BIN(FLD("evt.is_io"), VG_OP_LT, VAL("true")),
      "filter error: '<' operator not supported for numeric filters");
  OK(BIN(FLD("evt.is_io"), VG_OP_INTERSECTS, LIST(1, "true")));
  ERR(BIN(FLD("evt.buffer"), VG_OP_ICONTAINS, VAL("x")),
      "filter error: 'icontains' operator not supported for buffer filters");
  OK(BIN(FLD("evt.buffer"), VG_OP_BCONTAINS, VAL("303000")));
  ERR(BIN(FLD("fd.name"), VG_OP_BCONTAINS, VAL("303000")),
      "filter error: 'bcontains' operator not supported for string filters");
  ERR(BIN(FLD("fd.ip"), VG_OP_GE, VAL("127")),
      "filter error: '>=' operator not supported for ip address and network "
      "filters");
  ERR(BINM(FLD("fd.ip"), VG_OP_REGEX, VG_MOD_ALLOF, LIST(1, ".*")),
      "filter error: 'regex' with modifier not supported for ip address and "
      "network filters");
  OK(BINM(FLD("fd.net"), VG_OP_EQEQ, VG_MOD_ANYOF, LIST(1, "127.0.0.1/32")));
  OK(BIN(FLD("fd.name"), VG_OP_GT, VAL("1")));
  ERR(BIN(FLD("fd.types"), VG_OP_EQ, VAL("file")),
      "filter error: '=' operator not supported list filters");
  OK(BIN(FLD("fd.types"), VG_OP_INTERSECTS, LIST(1, "file")));
  OK(EXISTS(FLD("evt.buffer")));
  /* '==' is printed as '=' */
  ERR(BIN(FLD("evt.cpu"), VG_OP_GLOB, VAL("1")),
      "filter error: 'glob' operator not supported for numeric filters");
}

Test(sema, literal_conversion) {
  ERR(BIN(FLD("thread.cpu"), VG_OP_EQ, VAL("1.0")),
      "1.0 is not a valid number");
  ERR(BIN(FLD("evt.is_io"), VG_OP_EQ, VAL("yes")),
      "filter error: unrecognized boolean value yes");
  ERR(BIN(FLD("proc.name"), VG_OP_EQ, VALN("a\0b", 3)),
      "filter error: filter value cannot contain a NUL byte (\\x00)");
  OK(BIN(FLD("evt.buffer"), VG_OP_EQ, VALN("\0", 1)));
  ERR(BIN(FLD("evt.buffer"), VG_OP_BSTARTSWITH, VAL("2g")),
      "filter error: bcontains and bstartswith operator support hex strings "
      "only");
  ERR(BIN(FLD("evt.buffer"), VG_OP_BSTARTSWITH, VAL("2")),
      "filter error: bcontains and bstartswith operator support hex strings "
      "only");
  ERR(BIN(FLD("fd.net"), VG_OP_EQ, VAL("127.0.0.1")),
      "unrecognized IP network 127.0.0.1");
  ERR(BIN(FLD("fd.net"), VG_OP_EQ, VAL("127.0.0.1/33")),
      "invalid netmask 33");
  OK(BIN(FLD("fd.ip"), VG_OP_EQ, VAL("::1")));
  ERR(BIN(FLD("fd.ip"), VG_OP_EQ, VAL("1.2.3")),
      "unrecognized IPv4 address 1.2.3");
  OK(BIN(FLD("fd.port"), VG_OP_EQ, VAL("ssh")));
  ERR(BIN(FLD("fd.port"), VG_OP_EQ, VAL("nosuchservicezz")),
      "unrecognized protocol nosuchservicezz");
  OK(BIN(FLD("fd.num"), VG_OP_EQ, VAL("-1")));
  ERR(BIN(FLD("fd.num"), VG_OP_EQ, VAL("0x10")), "0x10 is not a valid number");
}

Test(sema, event_types_and_around) {
  OK(BIN(FLD("evt.type"), VG_OP_EQ, VAL("openat")));
  OK(BINM(FLD("evt.type"), VG_OP_EQEQ, VG_MOD_ONEOF, LIST(2, "getcwd",
                                                          "openat")));
  ERR(BIN(FLD("evt.type"), VG_OP_IN, LIST(2, "open", "nosuch")),
      "unknown event type nosuch");
  OK(BIN(FLD("syscall.type"), VG_OP_EQ, VAL("nosuch")));
  ERR(BIN(FLDA("evt.around", "1404996934793590564"), VG_OP_GT, VAL("1")),
      "evt.around supports only '=' comparison operator");
}

Test(sema, transformers) {
  ERR(BIN(TRA(TR(VG_TR_TOUPPER, 1, FLD("fd.name")), "x"), VG_OP_EQ,
          VAL("foo")),
      "filter error: transformer 'toupper' does not support field arguments");
  ERR(BIN(FLD("fd.name"), VG_OP_EQ, TRA(TR(VG_TR_VAL, 1, FLD("proc.name")),
                                        "x")),
      "filter error: transformer 'val' does not support field arguments");
  ERR(BIN(TR(VG_TR_TOUPPER, 1, FLD("evt.rawres")), VG_OP_EQ, VAL("-1")),
      "can't add field transformer: type 'INT64' is not supported by "
      "'toupper' transformer applied on field 'evt.rawres'");
  ERR(BIN(TR(VG_TR_TOLOWER, 1, FLD("evt.rawarg.res")), VG_OP_EQ, VAL("-1")),
      "field 'evt.rawarg' does not support transformers");
  OK(BIN(TR(VG_TR_LEN, 1, FLD("fd.types")), VG_OP_GT, VAL("1")));
  OK(BINM(TR(VG_TR_TOUPPER, 1, FLD("proc.name")), VG_OP_EQEQ, VG_MOD_ONEOF,
          LIST(2, "INIT", "BASH")));
  ERR(BIN(TR(VG_TR_JOIN, 1, FLD("fd.types")), VG_OP_EQ, VAL("x")),
      "unknown field transfomer 'join'");
  ERR(BIN(TR(VG_TR_TOUPPER, 2, FLD("fd.name"), FLD("proc.name")), VG_OP_EQ,
          VAL("x")),
      "unknown multivalue transformer");
  ERR(BIN(TR(VG_TR_JOIN, 2, VAL(","), FLD("proc.name")), VG_OP_EQ, VAL("x")),
      "join() second argument must be a list");
  OK(BIN(TR(VG_TR_JOIN, 2, VAL(","),
            TLIST(2, FLD("fd.name"), FLD("fd.directory"))),
         VG_OP_EQ, VAL("x")));
  ERR(BIN(TR(VG_TR_CONCAT, 2, FLD("proc.name"), FLD("proc.pid")), VG_OP_EQ,
          VAL("x")),
      "concat() arguments must be strings");
  ERR(BIN(TRA(TR(VG_TR_GETOPT, 2, TLIST(1, FLD("proc.name")), VAL("ab:")),
              "ab"),
          VG_OP_EQ, VAL("x")),
      "getopt() field argument must be a single option character");
  ERR(BIN(TR(VG_TR_GETOPT, 2, FLD("proc.name"), VAL("ab:")), VG_OP_EQ,
          VAL("x")),
      "getopt() first argument must be a list");
}

Test(sema, field_to_field) {
  OK(BIN(FLD("fd.name"), VG_OP_EQ, TR(VG_TR_VAL, 1, FLD("proc.name"))));
  ERR(BIN(FLD("evt.plugininfo"), VG_OP_REGEX,
          TR(VG_TR_VAL, 1, FLD("evt.source"))),
      "operator 'REGEX' doesn't support right-hand side fields");
  ERR(BIN(FLD("fd.name"), VG_OP_EQ, TR(VG_TR_VAL, 1, FLD("proc.pid"))),
      "field 'fd.name' has type 'CHARBUF' while the right-hand side field "
      "'proc.pid' has incompatible type 'INT64'");
  ERR(BIN(FLD("fd.net"), VG_OP_EQ, TR(VG_TR_VAL, 1, FLD("fd.net"))),
      "field type 'IPNET' doesn't support right-hand side fields");
  ERR(BIN(FLD("proc.aname"), VG_OP_EQ, TR(VG_TR_VAL, 1, FLD("proc.name"))),
      "field 'proc.aname' doesn't support right-hand side fields");
  ERR(BIN(FLD("proc.name"), VG_OP_EQ, TR(VG_TR_VAL, 1, FLD("proc.aname"))),
      "field 'proc.aname' can't be used as a right-hand side field");
  ERR(BIN(FLD("evt.buflen.in"), VG_OP_EQ,
          TR(VG_TR_VAL, 1, FLDA("evt.around", "1404996934793590564"))),
      "field 'evt.around' can't be used as a right-hand side field");
}

Test(sema, regex_patterns) {
  OK(BIN(FLD("fd.name"), VG_OP_REGEX, VAL("/home/.*/dev")));
  OK(BIN(FLD("fd.name"), VG_OP_REGEX, VAL("a[[:digit:]]+b{1,3}")));
  ERR(BIN(FLD("fd.name"), VG_OP_REGEX, VAL("\\d+")),
      "invalid regex pattern: invalid escape sequence: \\d");
  ERR(BIN(FLD("fd.name"), VG_OP_REGEX, VAL("(?i)abc")),
      "invalid regex pattern: no argument for repetition operator: ?");
  ERR(BIN(FLD("fd.name"), VG_OP_REGEX, VAL("(abc")),
      "invalid regex pattern: missing ): (abc");
  ERR(BIN(FLD("fd.name"), VG_OP_REGEX, VAL("[abc")),
      "invalid regex pattern: missing ]: [abc");
}

Test(sema, identifiers_and_unknown_fields) {
  ERR(AND(2, BIN(FLD("proc.name"), VG_OP_EQ, VAL("x")), IDENT("my_macro")),
      "filter error: unexpected identifier 'my_macro'");
  ERR(BIN(FLD("proc.nmae"), VG_OP_EQ, VAL("x")),
      "filter_check called with nonexistent field proc.nmae");
  collected c = check_src("k8s_audit",
                          BIN(FLD("proc.name"), VG_OP_EQ, VAL("x")));
  cr_assert_str_eq(c.err,
                   "filter_check called with nonexistent field proc.name");
  c = check_src("k8s_audit", BIN(FLD("ka.verb"), VG_OP_IN,
                                 LIST(2, "create", "update")));
  cr_assert_eq(c.nerr, 0, "%s", c.err);
}

Test(sema, compile_warnings) {
  collected c = check(BIN(FLD("evt.source"), VG_OP_REGEX, VAL("^syscall$")));
  cr_assert_eq(c.nwarn, 1);
  cr_assert_eq(c.wcode[0], VG_LOAD_COMPILE_CONDITION);
  cr_assert_str_eq(c.warn[0], "regex check with '^syscall$' may be optimized "
                              "with simpler operators such as '=', "
                              "'contains', 'startswith', 'endswith'");
  c = check(BIN(FLD("evt.source"), VG_OP_REGEX, VAL("s.*l")));
  cr_assert_eq(c.nwarn, 0);
  c = check(BIN(FLD("evt.source"), VG_OP_REGEX, VAL("syscall.{1}")));
  cr_assert_eq(c.nwarn, 0);
  c = check(BIN(FLD("proc.name"), VG_OP_EQ, VAL("proc.pname")));
  cr_assert_eq(c.nwarn, 1);
  cr_assert_str_eq(c.warn[0], "'proc.pname' may be a valid field misused as "
                              "a const string value");
  c = check(BIN(FLD("proc.name"), VG_OP_EQ, VAL("toupper( proc.pname)")));
  cr_assert_eq(c.nwarn, 1);
  cr_assert_str_eq(c.warn[0], "'toupper( proc.pname)' may be a valid field "
                              "transformer misused as a const string value");
}

static collected warn_pass(vg_node *n) {
  collected c;
  memset(&c, 0, sizeof c);
  cr_assert_eq(vg_sema_warn_pass(env, "syscall", ta(), n, collect, &c),
               VIGIL_OK);
  return c;
}

Test(sema, warning_pass) {
  cr_assert_eq(warn_pass(BIN(FLD("ka.field"), VG_OP_EQ, VAL("<NA>"))).nwarn,
               1);
  cr_assert_eq(warn_pass(BIN(FLD("some.field"), VG_OP_EQ, VAL("<NA>"))).nwarn,
               0);
  cr_assert_eq(warn_pass(EXISTS(FLD("ka.field"))).nwarn, 0);
  cr_assert_eq(
      warn_pass(BIN(FLD("jevt.f"), VG_OP_IN, LIST(2, "a", "<NA>"))).nwarn, 1);
  cr_assert_eq(
      warn_pass(BIN(TR(VG_TR_TOUPPER, 1, FLD("ka.f")), VG_OP_NE, VAL("<NA>")))
          .nwarn,
      1);
  collected c = warn_pass(BIN(FLD("evt.dir"), VG_OP_EQ, VAL("<")));
  cr_assert_eq(c.nwarn, 1);
  cr_assert_eq(c.wcode[0], VG_LOAD_DEPRECATED_ITEM);
  c = warn_pass(AND(2, BIN(FLD("evt.latency"), VG_OP_GT, VAL("1")),
                    BIN(FLD("ka.x"), VG_OP_EQ, VAL("<NA>"))));
  cr_assert_eq(c.nwarn, 2);
  cr_assert_eq(c.wcode[0], VG_LOAD_UNSAFE_NA_CHECK);
  cr_assert_eq(c.wcode[1], VG_LOAD_DEPRECATED_ITEM);
}

Test(sema, output_operands) {
  const char *msg = NULL;
  cr_assert_eq(vg_sema_check_operand(env, "syscall", ta(), FLD("proc.name"),
                                     true, &msg),
               VIGIL_OK);
  cr_assert_eq(vg_sema_check_operand(env, "syscall", ta(), FLD("fd.ip"), true,
                                     &msg),
               VIGIL_E_COMPILE);
  cr_assert_str_eq(msg, "fd.ip is filter only and cannot be used as a "
                        "display field");
  cr_assert_eq(vg_sema_check_operand(env, "syscall", ta(), FLD("fd.ip"),
                                     false, &msg),
               VIGIL_OK);
  cr_assert_eq(vg_sema_check_operand(env, "syscall", ta(),
                                     TR(VG_TR_TOUPPER, 1, FLD("proc.nmae")),
                                     true, &msg),
               VIGIL_E_COMPILE);
  cr_assert_str_eq(msg,
                   "filter_check called with nonexistent field proc.nmae");
}

#include "util/alloc.h"

/* Every allocation failure surfaces as VIGIL_E_NOMEM, never a crash. */
Test(sema, oom_torture) {
  vg_node *n =
      AND(3, BIN(FLD("evt.source"), VG_OP_REGEX, VAL("^syscall$")),
          BIN(TR(VG_TR_JOIN, 2, VAL(","),
                 TLIST(2, FLD("fd.name"), FLD("fd.directory"))),
              VG_OP_EQ, VAL("proc.name")),
          BIN(FLD("proc.name"), VG_OP_EQ, TR(VG_TR_VAL, 1, FLD("fd.name"))));
  bool saw_ok = false;
  for (long i = 0; i < 200 && !saw_ok; i++) {
    vg_arena a;
    vg_arena_init(&a);
    collected c;
    memset(&c, 0, sizeof c);
    vg_alloc_fail_after(i);
    vigil_status st = vg_sema_check(env, "syscall", &a, n, collect, &c);
    vg_alloc_fail_after(-1);
    cr_assert(st == VIGIL_OK || st == VIGIL_E_NOMEM, "step %ld: %d", i, st);
    if (st == VIGIL_OK) {
      saw_ok = true;
      cr_assert_eq(c.nwarn, 2);
    }
    vg_arena_fini(&a);
  }
  cr_assert(saw_ok);
}
