/*
 * test_json_render.c - the Go-compatible text helpers of the JSON sources:
 * fastjson-style compact JSON (string escaping), Go's json.Indent layout,
 * Go's %v of a float64, encoding/json reals, RFC 3339 parsing.
 */
#include "jtest.h"

static const char *compact(const char *doc) {
  static char out[4096];
  json_error_t e;
  json_t *j = json_loads(doc, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  cr_assert(j != NULL, "%s", e.text);
  vg_jbuf b = {(uint8_t *)out, sizeof out - 1, 0};
  vg_json_render_compact(&b, j);
  cr_assert(vg_jbuf_ok(&b));
  out[b.len] = '\0';
  json_decref(j);
  return out;
}

static const char *gofloat(double d) {
  static char out[64];
  vg_jbuf b = {(uint8_t *)out, sizeof out - 1, 0};
  vg_json_render_go_float(&b, d);
  out[b.len] = '\0';
  return out;
}

Test(render, compact_json) {
  cr_expect_str_eq(compact("{ \"a\" : [ 1 , 2 ] , \"b\" : { } }"),
                   "{\"a\":[1,2],\"b\":{}}");
  cr_expect_str_eq(compact("[true,false,null,-5,0]"), "[true,false,null,-5,0]");
  /* plain strings are written as they are, non-ASCII included */
  cr_expect_str_eq(compact("[\"caf\\u00e9 <&>\"]"), "[\"caf\xc3\xa9 <&>\"]");
  /* special strings are Go-quoted (strconv.Quote) */
  cr_expect_str_eq(compact("[\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"]"),
                   "[\"a\\\"b\\\\c\\n\\t\\x01\\x7f\"]");
  cr_expect_str_eq(compact("[\"\\n\\u0085\\u2028\"]"),
                   "[\"\\n\\u0085\\u2028\"]");
  cr_expect_str_eq(compact("{\"k\\n\":1}"), "{\"k\\n\":1}");
}

Test(render, reals_as_go_encoding_json) {
  cr_expect_str_eq(compact("[1.5,0.25,-2.0,100.0]"), "[1.5,0.25,-2,100]");
  cr_expect_str_eq(compact("[1e-7,1e-6,1e21,1e20,123456789.5]"),
                   "[1e-7,0.000001,1e+21,100000000000000000000,123456789.5]");
  cr_expect_str_eq(compact("[0.1,0.30000000000000004]"),
                   "[0.1,0.30000000000000004]");
}

Test(render, go_percent_v) {
  cr_expect_str_eq(gofloat(0), "0");
  cr_expect_str_eq(gofloat(48.8566), "48.8566");
  cr_expect_str_eq(gofloat(-122.4194), "-122.4194");
  cr_expect_str_eq(gofloat(123456), "123456");
  /* %v switches to the exponent form at 1e6 and below 1e-4 */
  cr_expect_str_eq(gofloat(1234567), "1.234567e+06");
  cr_expect_str_eq(gofloat(1e6), "1e+06");
  cr_expect_str_eq(gofloat(0.0001), "0.0001");
  cr_expect_str_eq(gofloat(0.00001), "1e-05");
  cr_expect_str_eq(gofloat(1e100), "1e+100");
}

Test(render, indent_layout) {
  json_t *j = json_loads("{\"a\":[],\"b\":[{},{\"c\":[1]}]}", 0, NULL);
  char out[512];
  vg_jbuf b = {(uint8_t *)out, sizeof out - 1, 0};
  vg_json_render_indent(&b, j);
  out[b.len] = '\0';
  cr_expect_str_eq(out, "{\n"
                        "  \"a\": [],\n"
                        "  \"b\": [\n"
                        "    {},\n"
                        "    {\n"
                        "      \"c\": [\n"
                        "        1\n"
                        "      ]\n"
                        "    }\n"
                        "  ]\n"
                        "}");
  /* a bounded buffer counts what it could not store */
  vg_jbuf small = {(uint8_t *)out, 4, 0};
  vg_json_render_indent(&small, j);
  cr_expect_eq(small.len, b.len);
  cr_expect(!vg_jbuf_ok(&small));
  json_decref(j);
}

Test(render, rfc3339) {
  int64_t ns;
  static const struct {
    const char *s;
    bool ok;
    int64_t ns;
  } cases[] = {
      {"1970-01-01T00:00:00Z", true, 0},
      {"2018-10-25T14:09:12.581541Z", true, INT64_C(1540476552581541000)},
      {"2018-10-25T16:09:12.5+02:00", true, INT64_C(1540476552500000000)},
      {"2018-10-25T14:09:12.1234567891Z", true, INT64_C(1540476552123456789)},
      {"2020-02-29T00:00:00Z", true, INT64_C(1582934400000000000)},
      {"2019-02-29T00:00:00Z", false, 0},
      {"2018-10-25 14:09:12Z", false, 0},
      {"2018-10-25T14:09:12", false, 0},
      {"2018-10-25T14:09:12.Z", false, 0},
      {"2018-13-25T14:09:12Z", false, 0},
      {"2018-10-25T24:00:00Z", false, 0},
      {"2018-10-25T14:09:12Zjunk", false, 0},
      {"", false, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bool ok = vg_json_parse_rfc3339(cases[i].s, strlen(cases[i].s), &ns);
    cr_expect_eq(ok, cases[i].ok, "%s", cases[i].s);
    if (ok && cases[i].ok)
      cr_expect_eq(ns, cases[i].ns, "%s: %lld", cases[i].s, (long long)ns);
  }
}
