/*
 * test_bad_inputs.c - the bad-input matrix: one table row per hostile
 * input, across every entry point that reads untrusted bytes: the CLI
 * subcommands (run as VIGIL_BINARY on files written to a temporary
 * directory), the pack loader API (vigil_program_load) and, when the
 * Falco plugin module was built next to the binary, its plugin_init and
 * plugin_extract_fields (dlopen; rows skip cleanly without it). Each row
 * asserts the exit code or status, a message that names the location
 * (file, line/column, byte offset, section or PC) and the limit or defect,
 * and that no sanitizer report appears (the ctest run under ASan + UBSan
 * builds the binary with them). Owned by harden.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "back/pack_rules.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "vigil/compiler.h"
#include "vigil/program.h"

/* ---- hostile file generators ------------------------------------------ */

/* A generator appends the file's bytes to b. */
typedef void (*gen_fn)(vg_buf *b);

static const char GOOD_RULE[] =
    "- rule: r\n  desc: d\n  condition: evt.type = open and proc.name = sh\n"
    "  output: o %proc.name\n  priority: INFO\n";

static void g_yaml_unclosed(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: [unclosed\n  condition: x\n");
}
static void g_yaml_scalar(vg_buf *b) { vg_buf_puts(b, "just a scalar\n"); }
static void g_yaml_map(vg_buf *b) { vg_buf_puts(b, "rule: r\ndesc: d\n"); }
static void g_yaml_tab(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n\tdesc: d\n");
}
static void g_no_condition(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n");
}
static void g_cond_syntax(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open and "
                 "(proc.name = sh\n  output: o\n  priority: INFO\n");
}
static void g_cond_deep(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: ");
  for (int i = 0; i < 3000; i++)
    vg_buf_putc(b, '(');
  vg_buf_puts(b, "proc.name = sh");
  for (int i = 0; i < 3000; i++)
    vg_buf_putc(b, ')');
  vg_buf_puts(b, "\n  output: o\n  priority: INFO\n");
}
static void g_cond_not_chain(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: ");
  for (int i = 0; i < 5000; i++)
    vg_buf_puts(b, "not ");
  vg_buf_puts(b, "proc.name = sh\n  output: o\n  priority: INFO\n");
}
static void g_unknown_field(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open and "
                 "proc.nmae = sh\n  output: o\n  priority: INFO\n");
}
static void g_macro_loop(vg_buf *b) {
  vg_buf_puts(b, "- macro: a\n  condition: b\n- macro: b\n  condition: a\n"
                 "- rule: r\n  desc: d\n  condition: evt.type = open and a\n"
                 "  output: o\n  priority: INFO\n");
}
static void g_macro_bomb(vg_buf *b) {
  vg_buf_puts(b, "- macro: m0\n  condition: proc.name = a\n");
  for (int i = 1; i < 40; i++)
    vg_buf_printf(b, "- macro: m%d\n  condition: m%d or m%d\n", i, i - 1,
                  i - 1);
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open and "
                 "m39\n  output: o\n  priority: INFO\n");
}
static void g_list_bomb(vg_buf *b) {
  vg_buf_puts(b, "- list: big\n  items: [");
  for (int i = 0; i < 20000; i++)
    vg_buf_printf(b, "%sitem%06d", i ? "," : "", i);
  vg_buf_puts(b, "]\n- rule: r\n  desc: d\n  condition: evt.type = open "
                 "and (");
  for (int i = 0; i < 400; i++)
    vg_buf_puts(b, i ? " or proc.name in (big)" : "proc.name in (big)");
  vg_buf_puts(b, ")\n  output: o\n  priority: INFO\n");
}
static void g_list_refs(vg_buf *b) {
  /* 60000 references: once quadratic (minutes), now linear */
  vg_buf_puts(b, "- list: a\n  items: [x]\n- rule: r\n  desc: d\n"
                 "  condition: evt.type = open and proc.name in (");
  for (int i = 0; i < 60000; i++)
    vg_buf_puts(b, i ? ",a" : "a");
  vg_buf_puts(b, ")\n  output: o\n  priority: INFO\n");
}
static void g_alias_bomb(vg_buf *b) {
  vg_buf_puts(b, "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
  for (int i = 1; i < 12; i++) {
    vg_buf_printf(b, "a%d: &a%d [", i, i);
    for (int k = 0; k < 10; k++)
      vg_buf_printf(b, "%s*a%d", k ? "," : "", i - 1);
    vg_buf_puts(b, "]\n");
  }
}
static void g_yaml_deep(vg_buf *b) {
  for (int i = 0; i < 5000; i++)
    vg_buf_putc(b, '[');
  for (int i = 0; i < 5000; i++)
    vg_buf_putc(b, ']');
  vg_buf_putc(b, '\n');
}
static void g_alias_bomb_items(vg_buf *b) {
  vg_buf_puts(b, "- list: l0\n  items: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
  for (int i = 1; i < 12; i++) {
    vg_buf_printf(b, "- list: l%d\n  items: &a%d [", i, i);
    for (int k = 0; k < 10; k++)
      vg_buf_printf(b, "%s*a%d", k ? "," : "", i - 1);
    vg_buf_puts(b, "]\n");
  }
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: proc.name in (l11)\n"
                 "  output: o\n  priority: INFO\n");
}
static void g_yaml_deeper(vg_buf *b) {
  for (int i = 0; i < 20000; i++)
    vg_buf_puts(b, "- ");
  vg_buf_puts(b, "x\n");
}
static void g_yaml_alias_cycle(vg_buf *b) {
  vg_buf_puts(b, "- &a [*a]\n");
}
static void g_huge_file(vg_buf *b) {
  vg_buf_puts(b, "# ");
  for (int i = 0; i < (17 << 20) / 64; i++)
    vg_buf_puts(b, "0123456789012345678901234567890123456789012345678901234567"
                   "89012\n#");
  vg_buf_putc(b, '\n');
}
static void g_binary(vg_buf *b) {
  uint32_t x = 12345;
  for (int i = 0; i < 4096; i++) {
    x = x * 1103515245u + 12345u;
    vg_buf_putc(b, (char)(x >> 16));
  }
}
static void g_bad_utf8(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: \xff\xfe\xc3\n  condition: evt.type = "
                 "open\n  output: o\n  priority: INFO\n");
}
static void g_nul_in_cond(vg_buf *b) {
  static const char t[] = "- rule: r\n  desc: d\n  condition: \"evt.type = "
                          "open and proc.name = \\0sh\"\n  output: o\n"
                          "  priority: INFO\n";
  vg_buf_append(b, t, sizeof t - 1);
}
static void g_raw_nul(vg_buf *b) {
  static const char t[] = "- rule: r\n  desc: d\0\n  condition: evt.type = "
                          "open\n  output: o\n  priority: INFO\n";
  vg_buf_append(b, t, sizeof t - 1);
}
static void g_bad_regex(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open and "
                 "proc.name regex '(unclosed'\n  output: o\n"
                 "  priority: INFO\n");
}
static void g_big_number(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open and "
                 "proc.pid > 999999999999999999999999999999\n  output: o\n"
                 "  priority: INFO\n");
}
static void g_exc_mismatch(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open\n"
                 "  output: o\n  priority: INFO\n  exceptions:\n"
                 "  - name: e\n    fields: [proc.name, fd.name]\n"
                 "    comps: [=]\n");
}
static void g_unterminated_str(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: 'evt.type = open and "
                 "proc.name = \"sh'\n  output: o\n  priority: INFO\n");
}
static void g_bad_priority(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open\n"
                 "  output: o\n  priority: LOUDEST\n");
}
static void g_output_bad(vg_buf *b) {
  vg_buf_puts(b, "- rule: r\n  desc: d\n  condition: evt.type = open\n"
                 "  output: o %proc.nmae %\n  priority: INFO\n");
}
static void g_many_rules_same(vg_buf *b) {
  for (int i = 0; i < 2000; i++)
    vg_buf_printf(b, "- rule: r\n  desc: d\n  condition: evt.type = open "
                     "and proc.name = s%d\n  output: o\n  priority: INFO\n"
                     "  append: true\n", i);
}
static void g_empty(vg_buf *b) { (void)b; }
static void g_good(vg_buf *b) { vg_buf_puts(b, GOOD_RULE); }

/* packs: the good rule compiled, then damaged */
static uint8_t *good_pack(size_t *len) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c = NULL;
  cr_assert(vigil_compiler_new(&o, &c) == VIGIL_OK);
  vigil_compiler_load_buffer(c, "good.yaml", GOOD_RULE, strlen(GOOD_RULE));
  vigil_compiler_finish(c);
  uint8_t *bytes = NULL;
  size_t nrules;
  char err[256];
  cr_assert(vg_pack_rules(c, true, &bytes, len, &nrules, err, sizeof err) ==
            VIGIL_OK, "%s", err);
  vigil_compiler_free(c);
  return bytes;
}
static void fix_crc(uint8_t *p, size_t n) {
  uint32_t crc = vigil_crc32(0, p + 24, n - 24);
  for (int i = 0; i < 4; i++)
    p[20 + i] = (uint8_t)(crc >> (8 * i));
}
static void put_pack(vg_buf *b, size_t cut, int flip, int major, int fix) {
  size_t n;
  uint8_t *p = good_pack(&n);
  if (flip >= 0 && (size_t)flip < n)
    p[flip] ^= 0x5a;
  if (major >= 0) {
    p[8] = (uint8_t)major;
    p[9] = 0;
  }
  if (fix)
    fix_crc(p, n);
  vg_buf_append(b, p, cut && cut < n ? cut : n);
  vg_free(p);
}
static void g_pack_trunc(vg_buf *b) { put_pack(b, 100, -1, -1, 0); }
static void g_pack_crc(vg_buf *b) { put_pack(b, 0, 200, -1, 0); }
static void g_pack_major(vg_buf *b) { put_pack(b, 0, -1, 9, 1); }
static void g_pack_section(vg_buf *b) { put_pack(b, 0, 30, -1, 1); }
static void g_pack_header_only(vg_buf *b) { put_pack(b, 28, -1, -1, 0); }

/* captures: a valid start (section header) then damage */
static void put_le32(vg_buf *b, uint32_t v) {
  for (int i = 0; i < 4; i++)
    vg_buf_putc(b, (char)(v >> (8 * i)));
}
static void put_shb(vg_buf *b) {
  put_le32(b, 0x0A0D0D0A);
  put_le32(b, 28);
  put_le32(b, 0x1A2B3C4D);
  put_le32(b, 1);      /* major 1, minor 0 */
  put_le32(b, ~0u);    /* section length -1 */
  put_le32(b, ~0u);
  put_le32(b, 28);
}
static void g_scap_bigblock(vg_buf *b) {
  put_shb(b);
  put_le32(b, 0x205);
  put_le32(b, 0x7fffffff);
}
static void g_scap_shortblock(vg_buf *b) {
  put_shb(b);
  put_le32(b, 0x205);
  put_le32(b, 4);
}
static void g_scap_truncated(vg_buf *b) {
  put_shb(b);
  put_le32(b, 0x205);
  put_le32(b, 400);
  vg_buf_puts(b, "short");
}
static void g_scap_evt_params(vg_buf *b) {
  /* an EVF (0x208) event block whose nparams is absurd */
  put_shb(b);
  put_le32(b, 0x208);
  put_le32(b, 12 + 30 + 4 + 8);
  vg_buf_append(b, "\x00\x00", 2); /* cpu */
  for (int i = 0; i < 8; i++)      /* ts */
    vg_buf_putc(b, 1);
  for (int i = 0; i < 8; i++) /* tid */
    vg_buf_putc(b, 2);
  put_le32(b, 30 + 4 + 8);    /* len */
  vg_buf_append(b, "\x03\x00", 2); /* type */
  put_le32(b, 100000);             /* nparams */
  put_le32(b, 0);                  /* flags */
  for (int i = 0; i < 8; i++)
    vg_buf_putc(b, 0);
  put_le32(b, 12 + 30 + 4 + 8);
}
static void g_scap_badmagic(vg_buf *b) {
  put_le32(b, 0x0A0D0D0A);
  put_le32(b, 28);
  put_le32(b, 0xdeadbeef);
  for (int i = 0; i < 16; i++)
    vg_buf_putc(b, 0);
}
static void g_gzip_garbage(vg_buf *b) {
  vg_buf_append(b, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbagegarbage",
                24);
}

/* JSON events */
static void g_json_deep(vg_buf *b) {
  vg_buf_puts(b, "{\"kind\":\"Event\",\"a\":");
  for (int i = 0; i < 5000; i++)
    vg_buf_putc(b, '[');
  for (int i = 0; i < 5000; i++)
    vg_buf_putc(b, ']');
  vg_buf_puts(b, "}\n");
}
static void g_json_lines_bad(vg_buf *b) {
  vg_buf_puts(b, "{\"a\":1}\n{\"a\":\n{\"b\":2}\n");
}
static void g_json_truncated(vg_buf *b) {
  vg_buf_puts(b, "{\"kind\":\"EventList\",\"items\":[{\"kind\":\"Event\",");
}

/* ---- the matrix ---------------------------------------------------------- */

/* rc: the exit code; -1: 1 or 2 (rows whose code another slice still
 * settles); -2: any orderly exit (0-2), for inputs Falco accepts too.
 * argv entries: "{F}" the hostile file, "{P}" a good pack, "{R}" a good
 * rules file, "{C}" the condition text of the hostile file. expect: every
 * '|'-separated part must appear in the output; "{F}" stands for the
 * file's path. */
typedef struct cli_row {
  const char *name;
  const char *ext;
  gen_fn gen;
  const char *argv[8];
  int rc;
  const char *expect;
} cli_row;

#define LINT "lint"
static const cli_row CLI[] = {
    {"yaml unclosed flow", ".yaml", g_yaml_unclosed, {LINT, "{F}"}, 1,
     "{F}:3:12:|error"},
    {"yaml top-level scalar", ".yaml", g_yaml_scalar, {LINT, "{F}"}, 1,
     "{F}|not yaml"},
    {"yaml top-level map", ".yaml", g_yaml_map, {LINT, "{F}"}, 1,
     "{F}|array"},
    {"yaml tab indent", ".yaml", g_yaml_tab, {LINT, "{F}"}, 1, "{F}:2:"},
    {"rule without condition", ".yaml", g_no_condition, {LINT, "{F}"}, 1,
     "{F}:1:|condition"},
    {"condition syntax error", ".yaml", g_cond_syntax, {LINT, "{F}"}, 1,
     "{F}:3:"},
    {"condition nesting 3000", ".yaml", g_cond_deep, {LINT, "{F}"}, 1,
     "{F}:3:|depth limit"},
    /* accepted, as by Falco: no recursion limit applies to 'not' chains,
     * and the later passes must not overflow the stack either */
    {"condition 5000 nots", ".yaml", g_cond_not_chain,
     {"compile", "-o", "{F}.vpk", "{F}"}, 0, ""},
    {"unknown field", ".yaml", g_unknown_field, {LINT, "{F}"}, 1,
     "{F}:3:|proc.nmae"},
    {"macro reference loop", ".yaml", g_macro_loop, {LINT, "{F}"}, 1,
     "{F}:2:14:|Undefined macro 'b'"},
    {"macro expansion bomb", ".yaml", g_macro_bomb, {LINT, "{F}"}, 1,
     "{F}:34:21:|is too large"},
    {"list expansion bomb", ".yaml", g_list_bomb, {LINT, "{F}"}, 1,
     "{F}:|list expansion limit"},
    {"60000 list references", ".yaml", g_list_refs, {LINT, "{F}"}, 0, ""},
    /* aliases share their node: no blow-up in the YAML reader, and the
     * rules reader rejects the shape before walking it */
    {"yaml alias bomb", ".yaml", g_alias_bomb, {LINT, "{F}"}, 1,
     "{F}:1:|not yaml array"},
    {"yaml alias bomb in list items", ".yaml", g_alias_bomb_items,
     {LINT, "{F}"}, 1, "{F}:"},
    {"yaml nesting 5000", ".yaml", g_yaml_deep, {LINT, "{F}"}, 1,
     "{F}:1:1001:|YAML depth limit: 1000"},
    {"yaml nesting 20000", ".yaml", g_yaml_deeper, {LINT, "{F}"}, 1,
     "{F}:1:|nesting depth"},
    {"yaml alias cycle", ".yaml", g_yaml_alias_cycle, {LINT, "{F}"}, 1,
     "{F}:1:"},
    {"rules file over 16 MiB", ".yaml", g_huge_file, {LINT, "{F}"}, 1,
     "{F}|size limit"},
    {"random bytes as rules", ".yaml", g_binary, {LINT, "{F}"}, 1,
     "{F}:"},
    {"invalid utf-8", ".yaml", g_bad_utf8, {LINT, "{F}"}, 1, "{F}:"},
    {"escaped NUL in condition", ".yaml", g_nul_in_cond, {LINT, "{F}"}, 1,
     "{F}:3:"},
    {"raw NUL byte", ".yaml", g_raw_nul, {LINT, "{F}"}, 1, "{F}:"},
    {"bad regex", ".yaml", g_bad_regex, {LINT, "{F}"}, 1, "{F}:3:"},
    {"number out of range", ".yaml", g_big_number, {LINT, "{F}"}, -2, ""},
    {"exception fields/comps mismatch", ".yaml", g_exc_mismatch,
     {LINT, "{F}"}, 1, "{F}:"},
    {"unterminated string", ".yaml", g_unterminated_str, {LINT, "{F}"}, 1,
     "{F}:3:"},
    {"bad priority", ".yaml", g_bad_priority, {LINT, "{F}"}, 1,
     "{F}:|priority"},
    {"bad output format", ".yaml", g_output_bad, {LINT, "{F}"}, 1,
     "{F}:4:"},
    {"2000 appends", ".yaml", g_many_rules_same, {LINT, "{F}"}, 1, "{F}:"},
    {"lint json of random bytes", ".yaml", g_binary,
     {LINT, "--format", "json", "{F}"}, 1, "falco_load_results|line"},
    {"missing file", ".yaml", NULL, {LINT, "{F}.missing"}, 2, "{F}.missing"},
    {"empty rules file", ".yaml", g_empty, {LINT, "{F}"}, 0, ""},
    {"compile rules with errors", ".yaml", g_cond_syntax,
     {"compile", "-o", "{F}.vpk", "{F}"}, 1, "{F}:3:|no pack written"},
    {"compile macro bomb", ".yaml", g_macro_bomb,
     {"compile", "-o", "{F}.vpk", "{F}"}, 1, "{F}:34:21:|is too large"},
    {"compile to unwritable path", ".yaml", g_good,
     {"compile", "-o", "/nonexistent/dir/x.vpk", "{F}"}, 2,
     "/nonexistent/dir/x.vpk"},
    {"describe alias bomb", ".yaml", g_alias_bomb_items, {"describe", "{F}"},
     1, "{F}:"},
    {"expr deep nesting", ".txt", NULL,
     {"expr", "--parse-only", "{DEEP}"}, 1, "depth limit"},
    {"expr bad fields json", ".txt", NULL,
     {"expr", "--fields", "{\"proc.name\":", "proc.name = sh"}, 1,
     "--fields|end of file"},
    {"disasm truncated pack", ".vpk", g_pack_trunc, {"disasm", "{F}"}, 1,
     "{F}|size mismatch"},
    {"disasm bad checksum", ".vpk", g_pack_crc, {"disasm", "{F}"}, 1,
     "{F}|checksum"},
    {"disasm future major", ".vpk", g_pack_major, {"disasm", "{F}"}, 1,
     "{F}|version 9"},
    {"disasm damaged body", ".vpk", g_pack_section, {"disasm", "{F}"}, 1,
     "{F}: "},
    {"disasm header only", ".vpk", g_pack_header_only, {"disasm", "{F}"}, 1,
     "{F}"},
    {"info random bytes", ".vpk", g_binary, {"info", "{F}"}, 1,
     "{F}|magic"},
    {"info empty file", ".vpk", g_empty, {"info", "{F}"}, 1, "{F}|magic"},
    {"dump huge block", ".scap", g_scap_bigblock, {"dump", "-p", "*%evt.num",
     "{F}"}, 2, "{F}|offset 28|block size limit"},
    {"dump short block", ".scap", g_scap_shortblock,
     {"dump", "-p", "*%evt.num", "{F}"}, 2, "{F}|offset 28|block length"},
    {"dump truncated block", ".scap", g_scap_truncated,
     {"dump", "-p", "*%evt.num", "{F}"}, 2, "{F}|offset 28|truncated"},
    {"dump absurd parameter count", ".scap", g_scap_evt_params,
     {"dump", "-p", "*%evt.num %evt.args", "{F}"}, 2, "{F}|offset 28"},
    {"dump bad byte order magic", ".scap", g_scap_badmagic,
     {"dump", "-p", "*%evt.num", "{F}"}, 2, "{F}|offset 0"},
    {"dump gzip garbage", ".scap", g_gzip_garbage,
     {"dump", "-p", "*%evt.num", "{F}"}, 2, "{F}"},
    {"dump random bytes", ".scap", g_binary,
     {"dump", "-p", "*%evt.num", "{F}"}, 2, "{F}|offset 0"},
    {"run deep json", ".json", g_json_deep, {"run", "--rules", "{R}", "{F}"},
     -1, "{F}:1:|depth"},
    {"run bad json line", ".json", g_json_lines_bad,
     {"run", "--rules", "{R}", "{F}"}, -1, "{F}:2:"},
    {"run truncated json", ".json", g_json_truncated,
     {"run", "--rules", "{R}", "{F}"}, -1, "{F}:1:"},
    {"run garbage pack", ".vpk", g_binary,
     {"run", "--pack", "{F}", "{R}"}, 2, "{F}|magic"},
    {"run damaged capture", ".scap", g_scap_bigblock,
     {"run", "--rules", "{R}", "{F}"}, -1, "{F}|offset 28"},
};
#define NCLI (sizeof CLI / sizeof CLI[0])

static char tmpdir[256];
static char rules_path[300];

static void setup_dir(void) {
  if (tmpdir[0])
    return;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/vigil-bad-XXXXXX");
  cr_assert(mkdtemp(tmpdir) != NULL);
  snprintf(rules_path, sizeof rules_path, "%s/good.yaml", tmpdir);
  FILE *f = fopen(rules_path, "w");
  cr_assert(f);
  fputs(GOOD_RULE, f);
  fclose(f);
}

static void write_file(const char *path, gen_fn gen) {
  vg_buf b;
  vg_buf_init(&b);
  gen(&b);
  cr_assert(!vg_buf_failed(&b));
  FILE *f = fopen(path, "wb");
  cr_assert(f, "%s: %s", path, strerror(errno));
  if (b.len)
    cr_assert(fwrite(b.ptr, 1, b.len, f) == b.len);
  fclose(f);
  vg_buf_fini(&b);
}

static char *subst(const char *s, const char *file) {
  vg_buf b;
  vg_buf_init(&b);
  for (const char *p = s; *p;) {
    if (!strncmp(p, "{F}", 3)) {
      vg_buf_puts(&b, file);
      p += 3;
    } else if (!strncmp(p, "{R}", 3)) {
      vg_buf_puts(&b, rules_path);
      p += 3;
    } else if (!strncmp(p, "{DEEP}", 6)) {
      for (int i = 0; i < 4000; i++)
        vg_buf_putc(&b, '(');
      vg_buf_puts(&b, "a = b");
      for (int i = 0; i < 4000; i++)
        vg_buf_putc(&b, ')');
      p += 6;
    } else {
      vg_buf_putc(&b, *p++);
    }
  }
  char *r = vg_buf_take(&b, NULL);
  return r ? r : strdup("");
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return strdup("");
  vg_buf b;
  vg_buf_init(&b);
  char tmp[4096];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
    vg_buf_append(&b, tmp, n);
  fclose(f);
  char *r = vg_buf_take(&b, NULL);
  return r ? r : strdup("");
}

static bool run_available(void) {
  static int known = -1;
  if (known < 0) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s run --help 2>&1 | grep -q 'not available'",
             VIGIL_BINARY);
    known = system(cmd) != 0;
  }
  return known;
}

/* Runs one row; the child gets 120 s of CPU at most (a hang fails). */
static void run_cli(const cli_row *r) {
  setup_dir();
  if (!strcmp(r->argv[0], "run") && !run_available())
    cr_skip_test("vigil run is not in this build");
  char file[400], out[420];
  snprintf(file, sizeof file, "%s/in%zu%s", tmpdir, (size_t)(r - CLI),
           r->ext);
  snprintf(out, sizeof out, "%s.out", file);
  if (r->gen)
    write_file(file, r->gen);
  char *argv[10];
  int argc = 0;
  argv[argc++] = (char *)VIGIL_BINARY;
  for (int i = 0; i < 8 && r->argv[i]; i++)
    argv[argc++] = subst(r->argv[i], file);
  argv[argc] = NULL;
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
      _exit(126);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    alarm(120);
    execv(argv[0], argv);
    _exit(127);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  char *text = slurp(out);
  cr_assert(WIFEXITED(st), "%s: killed by signal %d\n%s", r->name,
            WIFSIGNALED(st) ? WTERMSIG(st) : 0, text);
  static const char *const SAN[] = {"AddressSanitizer", "LeakSanitizer",
                                    "runtime error:",
                                    "UndefinedBehaviorSanitizer"};
  for (size_t i = 0; i < sizeof SAN / sizeof SAN[0]; i++)
    cr_assert(strstr(text, SAN[i]) == NULL, "%s: sanitizer report\n%s",
              r->name, text);
  if (r->rc == -2) /* any orderly exit */
    cr_expect(WEXITSTATUS(st) <= 2, "%s: exit %d\n%.2000s", r->name,
              WEXITSTATUS(st), text);
  else if (r->rc >= 0)
    cr_expect_eq(WEXITSTATUS(st), r->rc, "%s: exit %d, expected %d\n%.2000s",
                 r->name, WEXITSTATUS(st), r->rc, text);
  else
    cr_expect(WEXITSTATUS(st) == 1 || WEXITSTATUS(st) == 2,
              "%s: exit %d, expected 1 or 2\n%.2000s", r->name,
              WEXITSTATUS(st), text);
  /* every '|' part of expect must appear */
  char *want = subst(r->expect, file);
  for (char *part = want; part && *part;) {
    char *bar = strchr(part, '|');
    if (bar)
      *bar = 0;
    cr_expect(strstr(text, part) != NULL, "%s: '%s' not in output\n%.2000s",
              r->name, part, text);
    part = bar ? bar + 1 : NULL;
  }
  free(want);
  free(text);
  for (int i = 1; i < argc; i++)
    free(argv[i]);
  /* each row runs in its own process with its own directory */
  char vpk[420];
  snprintf(vpk, sizeof vpk, "%s.vpk", file);
  unlink(file);
  unlink(out);
  unlink(vpk);
  unlink(rules_path);
  rmdir(tmpdir);
}

ParameterizedTestParameters(bad_inputs, cli) {
  static size_t idx[NCLI];
  for (size_t i = 0; i < NCLI; i++)
    idx[i] = i;
  return cr_make_param_array(size_t, idx, NCLI);
}

ParameterizedTest(size_t *i, bad_inputs, cli, .timeout = 300) {
  run_cli(&CLI[*i]);
}

/* ---- pack loader API ----------------------------------------------------- */

typedef struct api_row {
  const char *name;
  gen_fn gen;
  vigil_status st; /* expected status */
  const char *expect;
} api_row;

static void g_pack_many_sections(vg_buf *b) {
  size_t n;
  uint8_t *p = good_pack(&n);
  /* bytes [24, 28): the section count, or with deflate the image size:
   * claim 2^32-1 */
  memset(p + 24, 0xff, 4);
  fix_crc(p, n);
  vg_buf_append(b, p, n);
  vg_free(p);
}
static void g_pack_code_garbage(vg_buf *b) {
  size_t n;
  uint8_t *p = good_pack(&n);
  /* overwrite the second half with 0xff (bad opcodes / indices) */
  memset(p + n / 2, 0xff, n - n / 2);
  fix_crc(p, n);
  vg_buf_append(b, p, n);
  vg_free(p);
}

static const api_row API[] = {
    {"empty buffer", g_empty, VIGIL_E_FORMAT, "magic"},
    {"random bytes", g_binary, VIGIL_E_FORMAT, "magic"},
    {"truncated", g_pack_trunc, VIGIL_E_FORMAT, "size"},
    {"bad checksum", g_pack_crc, VIGIL_E_FORMAT, "checksum"},
    {"future major", g_pack_major, VIGIL_E_VERSION, "version"},
    {"huge image size", g_pack_many_sections, VIGIL_E_FORMAT, "size"},
    {"garbage code", g_pack_code_garbage, VIGIL_E_FORMAT, ""},
};

Test(bad_inputs, pack_loader_api) {
  for (size_t i = 0; i < sizeof API / sizeof API[0]; i++) {
    vg_buf b;
    vg_buf_init(&b);
    API[i].gen(&b);
    /* exact-size copy, so a read past the end is a sanitizer report */
    uint8_t *copy = malloc(b.len ? b.len : 1);
    cr_assert(copy);
    if (b.len)
      memcpy(copy, b.ptr, b.len);
    vigil_program *p = NULL;
    char err[256] = "";
    vigil_status st =
        vigil_program_load(copy, b.len, NULL, NULL, &p, err, sizeof err);
    cr_expect(st != VIGIL_OK && p == NULL, "%s: loaded", API[i].name);
    if (API[i].st != VIGIL_E_FORMAT || st == VIGIL_E_VERSION)
      cr_expect_eq(st, API[i].st, "%s: status %d", API[i].name, st);
    cr_expect(err[0] != 0, "%s: no message", API[i].name);
    cr_expect(strstr(err, API[i].expect) != NULL, "%s: '%s' not in '%s'",
              API[i].name, API[i].expect, err);
    vigil_program_free(p);
    free(copy);
    vg_buf_fini(&b);
  }
}

/* Every truncation and every single-byte flip of a good pack (CRC fixed
 * so the section decoders and the verifier see it) is rejected cleanly or
 * loads; never a crash (the sanitizer build checks reads). */
Test(bad_inputs, pack_every_truncation_and_flip) {
  size_t n;
  uint8_t *good = good_pack(&n);
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *c = malloc(cut ? cut : 1);
    memcpy(c, good, cut);
    vigil_program *p = NULL;
    char err[256] = "";
    cr_expect(vigil_program_load(c, cut, NULL, NULL, &p, err, sizeof err) !=
                  VIGIL_OK,
              "truncated at %zu loaded", cut);
    cr_expect(err[0] != 0);
    vigil_program_free(p);
    free(c);
  }
  for (size_t at = 24; at < n; at++) {
    uint8_t *c = malloc(n);
    memcpy(c, good, n);
    c[at] ^= 0xff;
    fix_crc(c, n);
    vigil_program *p = NULL;
    char err[256] = "";
    if (vigil_program_load(c, n, NULL, NULL, &p, err, sizeof err) !=
        VIGIL_OK)
      cr_expect(err[0] != 0, "flip at %zu: no message", at);
    vigil_program_free(p);
    free(c);
  }
  vg_free(good);
}

Test(bad_inputs, matrix_size) {
  /* the issue asks for at least 40 hostile inputs */
  cr_assert_geq(NCLI + sizeof API / sizeof API[0], 40);
}

/* ---- the Falco plugin (when built) --------------------------------------- */

static void g_good_pack(vg_buf *b) { put_pack(b, 0, -1, -1, 0); }

static char *subst_pack(const char *s, const char *file) {
  vg_buf b;
  vg_buf_init(&b);
  for (const char *p = s; *p;) {
    if (!strncmp(p, "{PACK}", 6)) {
      vg_buf_puts(&b, file);
      p += 6;
    } else {
      vg_buf_putc(&b, *p++);
    }
  }
  char *r = vg_buf_take(&b, NULL);
  return r ? r : strdup("");
}

typedef void ss_plugin_t;
typedef int32_t ss_plugin_rc;
typedef struct plugin_init_input {
  const char *config;
  void *owner;
  const char *(*get_owner_last_error)(void *o);
  const void *tables;
  const void *get_extension;
  void *log_fn;
} plugin_init_input;

static void *plugin_module(void) {
  static void *h;
  static int tried;
  if (!tried) {
    tried = 1;
    char dir[512];
    snprintf(dir, sizeof dir, "%s", VIGIL_BINARY);
    char path[600];
    snprintf(path, sizeof path, "%s/libvigil.so", dirname(dir));
    if (access(path, R_OK) == 0)
      h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  }
  return h;
}

typedef struct plugin_row {
  const char *name;
  const char *config; /* "{PACK}" stands for the path of a file from gen */
  gen_fn gen;
  bool ok;            /* init must succeed */
  const char *expect; /* in the last error when init fails */
} plugin_row;

static const plugin_row PLUGIN[] = {
    {"empty config", "", NULL, false, "pack"},
    {"truncated JSON", "{", NULL, false, "not valid JSON"},
    {"not JSON", "not json at all", NULL, false, "not valid JSON"},
    {"JSON array", "[1,2,3]", NULL, false, "JSON object"},
    {"missing pack", "{\"pack\":\"/nonexistent/rules.vpk\"}", NULL, false,
     "/nonexistent/rules.vpk"},
    {"pack not a string", "{\"pack\":12}", NULL, false, "string"},
    {"unknown key", "{\"unknown_key\":true}", NULL, false, "unknown_key"},
    {"lone surrogate", "\"\\ud800\"", NULL, false, "JSON"},
    {"deep JSON", NULL, NULL, false, "JSON"},
    {"garbage pack", "{\"pack\":\"{PACK}\"}", g_binary, false, "{PACK}"},
    {"truncated pack", "{\"pack\":\"{PACK}\"}", g_pack_trunc, false,
     "{PACK}"},
    {"bad checksum pack", "{\"pack\":\"{PACK}\"}", g_pack_crc, false,
     "{PACK}"},
    {"future pack", "{\"pack\":\"{PACK}\"}", g_pack_major, false,
     "{PACK}"},
    {"empty pack", "{\"pack\":\"{PACK}\"}", g_empty, false, "{PACK}"},
    {"directory as pack", "{\"pack\":\"/tmp\"}", NULL, false, "/tmp"},
    {"good pack", "{\"pack\":\"{PACK}\"}", g_good_pack, true, ""},
};

Test(bad_inputs, plugin_init_configs) {
  void *h = plugin_module();
  if (!h)
    cr_skip_test("libvigil.so is not in this build");
  /* POSIX's way around ISO C's object/function pointer split */
  ss_plugin_t *(*init)(const plugin_init_input *, ss_plugin_rc *);
  void (*destroy)(ss_plugin_t *);
  const char *(*last)(ss_plugin_t *);
  *(void **)&init = dlsym(h, "plugin_init");
  *(void **)&destroy = dlsym(h, "plugin_destroy");
  *(void **)&last = dlsym(h, "plugin_get_last_error");
  cr_assert(init && destroy && last);
  setup_dir();
  char *deep = malloc(20003);
  cr_assert(deep);
  memset(deep, '[', 10000);
  memset(deep + 10000, ']', 10000);
  deep[20000] = 0;
  for (size_t i = 0; i < sizeof PLUGIN / sizeof PLUGIN[0]; i++) {
    const plugin_row *r = &PLUGIN[i];
    char file[400];
    snprintf(file, sizeof file, "%s/plugin%zu.vpk", tmpdir, i);
    if (r->gen)
      write_file(file, r->gen);
    char *cfg = r->config ? subst_pack(r->config, file) : NULL;
    plugin_init_input in;
    memset(&in, 0, sizeof in);
    in.config = cfg ? cfg : deep;
    ss_plugin_rc rc = -1;
    ss_plugin_t *s = init(&in, &rc);
    if (r->ok) {
      cr_expect(rc == 0 && s, "%s: init failed: %s", r->name,
                s ? last(s) : "(no state)");
    } else {
      cr_expect(rc != 0, "%s: init succeeded", r->name);
      const char *e = s ? last(s) : NULL;
      cr_expect(s == NULL || (e && e[0]), "%s: no error text", r->name);
      char *want = subst_pack(r->expect, file);
      if (e)
        cr_expect(strstr(e, want) != NULL, "%s: '%s' not in '%s'", r->name,
                  want, e);
      free(want);
    }
    if (s)
      destroy(s);
    free(cfg);
    unlink(file);
  }
  free(deep);
  unlink(rules_path);
  rmdir(tmpdir);
}
