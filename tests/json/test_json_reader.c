/*
 * test_json_reader.c - the JSON event readers: layouts (single documents,
 * EventList, Records, arrays, JSON lines, concatenated documents) give the
 * same events; malformed input (every truncation of a document, deep
 * nesting, wrong types, garbage) gives located errors, never a crash or a
 * hang; upstream acceptance rules; streams larger than the read chunk.
 */
#include <unistd.h>

#include "jtest.h"

/* Reads every event of data; returns the count, collecting auditID /
 * eventID / "id" values joined with ',' into ids, and the status of the
 * first error in *first_err (VIGIL_OK if none). Errors are skipped over
 * (JSON lines go on); at most 10000 calls, so a hang fails the test. */
static size_t read_all(const char *data, size_t n, vg_json_src force, char *ids,
                       size_t idsz, vigil_status *first_err, char *errmsg,
                       size_t errsz) {
  vg_json_reader *r;
  vg_json_reader_opts o = {force, 0, 0};
  size_t count = 0;
  if (ids)
    ids[0] = '\0';
  *first_err = VIGIL_OK;
  if (errmsg)
    errmsg[0] = '\0';
  cr_assert(vg_json_reader_open_mem(data, n, "mem", &o, &r) == VIGIL_OK);
  for (int calls = 0;; calls++) {
    cr_assert_lt(calls, 10000, "reader does not terminate");
    vg_json_event *ev;
    vigil_status st = vg_json_reader_next(r, &ev);
    if (st != VIGIL_OK) {
      cr_assert_null(ev);
      if (*first_err == VIGIL_OK) {
        *first_err = st;
        if (errmsg)
          snprintf(errmsg, errsz, "%s", vg_json_reader_error(r));
      }
      continue;
    }
    if (!ev)
      break;
    cr_assert(json_is_object(ev->root));
    count++;
    if (ids) {
      const char *id = json_string_value(json_object_get(ev->root, "auditID"));
      if (!id)
        id = json_string_value(json_object_get(ev->root, "eventID"));
      if (!id)
        id = json_string_value(json_object_get(ev->root, "id"));
      size_t l = strlen(ids);
      snprintf(ids + l, idsz - l, "%s%s", l ? "," : "", id ? id : "?");
    }
  }
  vg_json_reader_free(r);
  return count;
}

#define EV(id)                                                                 \
  "{\"kind\":\"Event\",\"auditID\":\"" id "\",\"stageTimestamp\":"             \
  "\"2020-01-01T00:00:0" id "Z\",\"verb\":\"get\"}"

Test(reader, k8s_layouts_give_the_same_events) {
  static const char *const docs[] = {
      EV("1") "\n" EV("2") "\n" EV("3") "\n",
      EV("1") EV("2") EV("3"),
      "{\"kind\":\"EventList\",\"items\":[" EV("1") "," EV("2") "," EV(
          "3") "]}",
      "{\n  \"kind\": \"EventList\",\n  \"items\": [\n" EV("1") ",\n" EV(
          "2") "\n]}\n" EV("3"),
      "[" EV("1") ",[" EV("2") "," EV("3") "]]",
      "\xef\xbb\xbf" EV("1") "\r\n" EV("2") "\r\n\r\n" EV("3"),
  };
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    char ids[256];
    vigil_status st;
    size_t n = read_all(docs[i], strlen(docs[i]), VG_JSRC_NONE, ids, sizeof ids,
                        &st, NULL, 0);
    cr_expect_eq(n, 3, "layout %zu: %zu events", i, n);
    cr_expect_str_eq(ids, "1,2,3", "layout %zu", i);
    cr_expect_eq(st, VIGIL_OK, "layout %zu", i);
  }
}

Test(reader, k8s_acceptance) {
  /* no stageTimestamp, a bad one, a non-object item: skipped, counted */
  const char *doc = "{\"kind\":\"EventList\",\"items\":[" EV(
      "1") ",{\"kind\":\"Event\","
           "\"auditID\":\"2\"},{\"auditID\":\"3\",\"stageTimestamp\":"
           "\"yesterday\"},"
           "5," EV("4") "]}\n";
  vg_json_reader *r;
  vg_json_event *ev;
  cr_assert(vg_json_reader_open_mem(doc, strlen(doc), "m", NULL, &r) ==
            VIGIL_OK);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && ev);
  cr_assert_eq(ev->num, 1);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && ev);
  cr_assert_str_eq(json_string_value(json_object_get(ev->root, "auditID")),
                   "4");
  cr_assert_eq(ev->num, 2);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && !ev);
  cr_assert_eq(vg_json_reader_skipped(r), 3);
  vg_json_reader_free(r);

  /* one unrecognised element fails the whole document, as upstream */
  char ids[64];
  vigil_status st;
  const char *bad = "[" EV("1") ",{\"kind\":\"Pod\"}]\n" EV("2") "\n";
  cr_expect_eq(read_all(bad, strlen(bad), VG_JSRC_K8S_AUDIT, ids, sizeof ids,
                        &st, NULL, 0),
               1);
  cr_expect_str_eq(ids, "2");
}

Test(reader, k8s_max_event_size) {
  size_t big = 300000;
  char *doc = malloc(big + 200);
  int n = snprintf(doc, 200,
                   "{\"kind\":\"Event\",\"auditID\":\"b\",\"stageTimestamp\":"
                   "\"2020-01-01T00:00:00Z\",\"x\":\"");
  memset(doc + n, 'a', big);
  snprintf(doc + n + big, 100, "\"}\n" EV("2"));
  char ids[64];
  vigil_status st;
  cr_expect_eq(
      read_all(doc, strlen(doc), VG_JSRC_NONE, ids, sizeof ids, &st, NULL, 0),
      1);
  cr_expect_str_eq(ids, "2");
  /* a newline (which makes fastjson Go-quote the string) and 50000 raw
   * U+0085 (2 bytes each, 100 KB): quoted as \u0085 the event is 300 KB,
   * over the limit */
  n = snprintf(doc, 200,
               "{\"kind\":\"Event\",\"auditID\":\"c\",\"stageTimestamp\":"
               "\"2020-01-01T00:00:00Z\",\"x\":\"\\n");
  for (int i = 0; i < 50000; i++) {
    doc[n++] = (char)0xc2;
    doc[n++] = (char)0x85;
  }
  snprintf(doc + n, 100, "\"}\n" EV("3"));
  cr_expect_eq(
      read_all(doc, strlen(doc), VG_JSRC_NONE, ids, sizeof ids, &st, NULL, 0),
      1);
  cr_expect_str_eq(ids, "3");
  free(doc);
}

#define CT(id, t)                                                              \
  "{\"eventID\":\"" id "\",\"eventTime\":\"2021-01-01T00:00:00Z\","            \
  "\"eventType\":\"" t "\",\"eventSource\":\"s\",\"eventName\":\"n\"}"

Test(reader, cloudtrail_layouts) {
  static const char *const docs[] = {
      "{\"Records\":[" CT("a", "AwsApiCall") ",\n " CT("b", "AwsApiCall") "]}",
      CT("a", "AwsApiCall") "\n" CT("b", "AwsApiCall") "\n",
      "[" CT("a", "AwsApiCall") "," CT("b", "AwsApiCall") "]",
      "{\"Records\":[" CT("a", "AwsApiCall") "]}{\"Records\":[" CT(
          "x", "AwsCloudTrailInsight") "," CT("b", "AwsApiCall") "]}",
  };
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    char ids[256];
    vigil_status st;
    size_t n = read_all(docs[i], strlen(docs[i]), VG_JSRC_NONE, ids, sizeof ids,
                        &st, NULL, 0);
    cr_expect_eq(n, 2, "layout %zu", i);
    cr_expect_str_eq(ids, "a,b", "layout %zu", i);
  }
  /* records without eventTime or eventType are dropped */
  const char *d = "{\"Records\":[{\"eventID\":\"a\",\"eventType\":\"x\"},"
                  "{\"eventID\":\"b\",\"eventTime\":\"2021-01-01T00:00:00Z\"}"
                  "]}";
  char ids[64];
  vigil_status st;
  cr_expect_eq(
      read_all(d, strlen(d), VG_JSRC_NONE, ids, sizeof ids, &st, NULL, 0), 0);
}

Test(reader, corpus_cloudtrail_pretty_and_lines) {
  char path[1024];
  size_t n;
  snprintf(path, sizeof path, "%s/alice_start_instances_bigevent.json",
           JT_EVENTS_DIR);
  char *doc = jt_slurp(path, &n);
  if (!doc)
    cr_skip_test("conformance events not available");
  vg_json_reader *r;
  vg_json_event *ev;
  cr_assert(vg_json_reader_open_mem(doc, n, path, NULL, &r) == VIGIL_OK);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && ev);
  cr_assert_eq(ev->src, VG_JSRC_CLOUDTRAIL);
  cr_assert(!vg_json_reader_lines_mode(r));
  /* the record as JSON lines: same event */
  vg_jbuf b = {NULL, 0, 0};
  vg_json_render_compact(&b, ev->root);
  char *line = malloc(b.len + 2);
  b = (vg_jbuf){(uint8_t *)line, b.len, 0};
  vg_json_render_compact(&b, ev->root);
  line[b.len] = '\n';
  line[b.len + 1] = '\0';
  jt *t = jt_open(line, VG_JSRC_NONE);
  cr_assert(vg_json_reader_lines_mode(t->r));
  cr_assert(json_equal(t->ev->root, ev->root));
  cr_assert_eq(t->ev->ts, ev->ts);
  jt_close(t);
  free(line);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && !ev);
  vg_json_reader_free(r);
  free(doc);
}

Test(reader, corpus_eventlist_equals_lines) {
  /* every single-event k8s corpus file: as JSON lines, as an EventList and
   * as concatenated documents, the same events in the same order */
  static const char *const files[] = {"create_nginx_pod_privileged.json",
                                      "create_configmap.json",
                                      "exec_pod.json",
                                      "attach_cluster_admin_role.json",
                                      "create_cluster_role_wildcard_verbs.json",
                                      "delete_namespace_foo.json",
                                      "create_configmap_sensitive_values.json"};
  size_t cap = 1 << 20, nl = 0, nel = 0;
  char *lines = malloc(cap), *list = malloc(cap);
  nel = (size_t)snprintf(list, cap, "{\"kind\":\"EventList\",\"items\":[");
  int seen = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[1024];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", JT_EVENTS_DIR, files[i]);
    char *doc = jt_slurp(path, &n);
    if (!doc)
      cr_skip_test("conformance events not available");
    /* each non-empty line is one Event */
    for (char *p = doc, *e; *p; p = e + (*e != '\0')) {
      e = strchr(p, '\n');
      if (!e)
        e = p + strlen(p);
      if (e == p)
        continue;
      cr_assert_lt(nl + (size_t)(e - p) + 2, cap);
      memcpy(lines + nl, p, (size_t)(e - p));
      nl += (size_t)(e - p);
      lines[nl++] = '\n';
      if (seen++)
        list[nel++] = ',';
      memcpy(list + nel, p, (size_t)(e - p));
      nel += (size_t)(e - p);
    }
    free(doc);
  }
  memcpy(list + nel, "]}", 3);
  nel += 2;
  lines[nl] = '\0';
  char ids1[4096], ids2[4096];
  vigil_status st1, st2;
  size_t c1 =
      read_all(lines, nl, VG_JSRC_NONE, ids1, sizeof ids1, &st1, NULL, 0);
  size_t c2 =
      read_all(list, nel, VG_JSRC_NONE, ids2, sizeof ids2, &st2, NULL, 0);
  cr_expect_eq(c1, (size_t)seen);
  cr_expect_eq(c1, c2);
  cr_expect_str_eq(ids1, ids2);
  cr_expect_eq(st1, VIGIL_OK);
  cr_expect_eq(st2, VIGIL_OK);
  free(lines);
  free(list);
}

Test(reader, every_truncation_is_an_error) {
  const char *doc = "{\"kind\":\"EventList\",\"items\":[" EV(
      "1") ",{\"kind\":\"Event\","
           "\"auditID\":\"2\",\"stageTimestamp\":\"2020-01-01T00:00:00Z\","
           "\"n\":[1.5,-2e3,true,false,null],\"s\":\"\\u00e9\\\"\"}]}";
  size_t len = strlen(doc);
  for (size_t cut = 1; cut < len; cut++) {
    char msg[600];
    vigil_status st;
    size_t n = read_all(doc, cut, VG_JSRC_NONE, NULL, 0, &st, msg, sizeof msg);
    cr_expect_eq(n, 0, "cut %zu: %zu events", cut, n);
    cr_expect_eq(st, VIGIL_E_SYNTAX, "cut %zu: %s", cut, vigil_status_str(st));
    cr_expect(strncmp(msg, "mem:1:", 6) == 0, "cut %zu: message '%s'", cut,
              msg);
  }
  vigil_status st;
  cr_expect_eq(read_all(doc, len, VG_JSRC_NONE, NULL, 0, &st, NULL, 0), 2);
  cr_expect_eq(st, VIGIL_OK);
}

Test(reader, json_lines_truncated_and_resumed) {
  const char *doc = EV("1") "\n" EV("2") "\n" EV("3") "\n";
  size_t len = strlen(doc), l1 = strlen(EV("1")) + 1;
  /* cutting inside line 2: line 1 is delivered, then an error on line 2 */
  for (size_t cut = l1 + 1; cut < 2 * l1 - 1; cut++) {
    vigil_status st;
    char ids[64], msg[600];
    cr_expect_eq(
        read_all(doc, cut, VG_JSRC_NONE, ids, sizeof ids, &st, msg, sizeof msg),
        1);
    cr_expect_str_eq(ids, "1");
    cr_expect_eq(st, VIGIL_E_SYNTAX);
    cr_expect(strncmp(msg, "mem:2:", 6) == 0, "cut %zu: '%s'", cut, msg);
  }
  /* a bad line in the middle: reported with its line, reading goes on */
  const char *bad = EV("1") "\n{\"auditID\": oops}\n\n" EV("3") "\n[1,\n";
  char ids[64], msg[600];
  vigil_status st;
  cr_expect_eq(read_all(bad, strlen(bad), VG_JSRC_NONE, ids, sizeof ids, &st,
                        msg, sizeof msg),
               2);
  cr_expect_str_eq(ids, "1,3");
  cr_expect_eq(st, VIGIL_E_SYNTAX);
  cr_expect(strncmp(msg, "mem:2:", 6) == 0, "'%s'", msg);
  (void)len;
}

Test(reader, garbage_after_a_document_ends_the_stream) {
  const char *doc =
      "{\n\"kind\":\"EventList\",\"items\":[" EV("1") "]\n}\n"
                                                      "not json\n" EV("2");
  char ids[64], msg[600];
  vigil_status st;
  cr_expect_eq(read_all(doc, strlen(doc), VG_JSRC_NONE, ids, sizeof ids, &st,
                        msg, sizeof msg),
               1);
  cr_expect_eq(st, VIGIL_E_SYNTAX);
  cr_expect(strncmp(msg, "mem:4:", 6) == 0, "'%s'", msg);
}

Test(reader, deep_nesting_is_an_error) {
  size_t depth = 100000;
  char *doc = malloc(depth + 1);
  memset(doc, '[', depth);
  doc[depth] = '\0';
  vigil_status st;
  cr_expect_eq(read_all(doc, depth, VG_JSRC_NONE, NULL, 0, &st, NULL, 0), 0);
  cr_expect_eq(st, VIGIL_E_SYNTAX);
  /* nested objects, complete */
  size_t d = 5000, k = 0;
  char *obj = malloc(d * 6 + 16);
  for (size_t i = 0; i < d; i++)
    k += (size_t)snprintf(obj + k, 16, "{\"a\":");
  k += (size_t)snprintf(obj + k, 16, "1");
  for (size_t i = 0; i < d; i++)
    obj[k++] = '}';
  obj[k] = '\0';
  cr_expect_eq(read_all(obj, k, VG_JSRC_NONE, NULL, 0, &st, NULL, 0), 0);
  cr_expect_eq(st, VIGIL_E_SYNTAX);
  free(doc);
  free(obj);
}

Test(reader, deep_but_allowed_nesting_extracts) {
  /* 1000 levels: parsed, and json.obj / json.value walk it */
  size_t d = 1000, k = 0;
  static vg_value v[1];
  static uint8_t big[4 << 20];
  vg_json_out o = {v, 1, 0, big, sizeof big, 0};
  char *obj = malloc(d * 6 + 32);
  k += (size_t)snprintf(obj + k, 16, "{\"x\":");
  for (size_t i = 0; i < d; i++)
    k += (size_t)snprintf(obj + k, 16, "[");
  for (size_t i = 0; i < d; i++)
    obj[k++] = ']';
  obj[k++] = '}';
  obj[k] = '\0';
  jt *t = jt_open(obj, VG_JSRC_JSON);
  cr_expect_eq(strlen(jt_f(t, "json.value[/x]")), 2 * d);
  /* indentation grows with depth: about depth^2 spaces */
  cr_expect_eq(
      vg_json_extract(t->ev, vg_json_field_find("json.obj", 8), NULL, &o),
      VIGIL_OK);
  cr_expect_gt(v[0].v.s.n, d * d);
  jt_close(t);
  free(obj);
}

Test(reader, wrong_inputs) {
  static const char *const bad[] = {
      "5", "\"str\"", "nul",       "{\"a\":1,}", "{'a':1}", "{\"a\":\"\xff\"}",
      "}", "[1 2]",   "{\"a\" 1}", "\x01",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    vigil_status st;
    cr_expect_eq(
        read_all(bad[i], strlen(bad[i]), VG_JSRC_NONE, NULL, 0, &st, NULL, 0),
        0, "input %zu", i);
    cr_expect_eq(st, VIGIL_E_SYNTAX, "input %zu", i);
  }
  /* empty and blank input: no events, no error */
  vigil_status st;
  cr_expect_eq(read_all("", 0, VG_JSRC_NONE, NULL, 0, &st, NULL, 0), 0);
  cr_expect_eq(st, VIGIL_OK);
  cr_expect_eq(read_all(" \n\t\r\n", 5, VG_JSRC_NONE, NULL, 0, &st, NULL, 0),
               0);
  cr_expect_eq(st, VIGIL_OK);
  /* arrays of non-objects: nothing to deliver, each one noted */
  cr_expect_eq(
      read_all("[1,\"a\",null]", 12, VG_JSRC_JSON, NULL, 0, &st, NULL, 0), 0);
  cr_expect_eq(st, VIGIL_OK);
}

Test(reader, odd_values_are_accepted) {
  /* integers beyond int64 (fastjson accepts them) and NUL in strings */
  const char *doc = "{\"auditID\":\"a\",\"kind\":\"Event\",\"stageTimestamp\":"
                    "\"2020-01-01T00:00:00Z\",\"n\":123456789012345678901234,"
                    "\"z\":\"a\\u0000b\"}";
  jt *t = jt_open(doc, VG_JSRC_NONE);
  JT_EQ(t, "ka.auditid", "a");
  cr_expect_eq(json_string_length(json_object_get(t->ev->root, "z")), 3);
  /* libsinsp reads plugin strings as C strings: the value ends at the NUL */
  JT_EQ(t, "jevt.value[/z]", "a");
  /* read as a double; fastjson would reprint the source digits (a known
   * deviation) */
  cr_expect(strncmp(jt_f(t, "jevt.value[/n]"), "1.23456789012345", 16) == 0,
            "%s", jt_f(t, "jevt.value[/n]"));
  jt_close(t);
}

Test(reader, source_recognition) {
  static const struct {
    const char *doc;
    vg_json_src src;
  } cases[] = {
      {EV("1"), VG_JSRC_K8S_AUDIT},
      {"{\"kind\":\"EventList\",\"items\":[]}", VG_JSRC_K8S_AUDIT},
      {"{\"Records\":[]}", VG_JSRC_CLOUDTRAIL},
      {"{\"eventSource\":\"a\",\"eventName\":\"b\"}", VG_JSRC_CLOUDTRAIL},
      {"{\"protoPayload\":{}}", VG_JSRC_GCP},
      {"{\"logName\":\"l\",\"resource\":{}}", VG_JSRC_GCP},
      {"{\"eventType\":\"x\",\"published\":\"p\"}", VG_JSRC_OKTA},
      {"{\"webhook_type\":\"push\"}", VG_JSRC_GITHUB},
      {"{\"sender\":{},\"repository\":{}}", VG_JSRC_GITHUB},
      {"{\"kind\":0}", VG_JSRC_JSON},
      {"[[{\"auditID\":\"x\"}]]", VG_JSRC_K8S_AUDIT},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *j = json_loads(cases[i].doc, 0, NULL);
    cr_assert(j != NULL);
    cr_expect_eq(vg_json_detect(j), cases[i].src, "case %zu", i);
    json_decref(j);
  }
  cr_expect_str_eq(vg_json_src_name(VG_JSRC_GCP), "gcp_auditlog");
  cr_expect_eq(vg_json_src_from_name("aws_cloudtrail"), VG_JSRC_CLOUDTRAIL);
  cr_expect_eq(vg_json_src_from_name("syscall"), VG_JSRC_NONE);
  /* forcing a source: k8s content read as generic JSON */
  jt *t = jt_open(EV("1"), VG_JSRC_JSON);
  cr_expect_eq(t->ev->src, VG_JSRC_JSON);
  cr_expect_eq(vg_json_reader_source(t->r), VG_JSRC_JSON);
  JT_EQ(t, "ka.verb", "<NA>");
  JT_EQ(t, "json.value[/verb]", "get");
  jt_close(t);
}

/* Writes data to a temporary file and returns its path (static buffer). */
static const char *tmpfile_with(const char *data, size_t n) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/vigil_jsonsrc_XXXXXX");
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  cr_assert_eq(write(fd, data, n), (ssize_t)n);
  close(fd);
  return path;
}

Test(reader, large_streams_from_files) {
  /* an EventList of 5000 events (~500 KB) through a FILE: read in chunks,
   * the document buffer grows */
  size_t cap = 8 << 20, k = 0;
  char *doc = malloc(cap);
  k += (size_t)snprintf(doc, cap, "{\"kind\":\"EventList\",\"items\":[");
  for (int i = 0; i < 5000; i++)
    k += (size_t)snprintf(doc + k, cap - k,
                          "%s{\"kind\":\"Event\",\"auditID\":\"%d\","
                          "\"stageTimestamp\":\"2020-01-01T00:00:00Z\","
                          "\"pad\":\"%080d\"}",
                          i ? "," : "", i, i);
  k += (size_t)snprintf(doc + k, cap - k, "]}");
  const char *path = tmpfile_with(doc, k);
  vg_json_reader *r;
  char err[256];
  cr_assert(vg_json_reader_open_file(path, NULL, &r, err, sizeof err) ==
            VIGIL_OK);
  vg_json_event *ev;
  int n = 0;
  while (vg_json_reader_next(r, &ev) == VIGIL_OK && ev) {
    cr_assert_eq(ev->num, (uint64_t)n + 1);
    n++;
  }
  cr_expect_eq(n, 5000);
  cr_expect_str_eq(vg_json_reader_error(r), "");
  vg_json_reader_free(r);
  unlink(path);

  /* JSON lines, one line longer than the read chunk */
  k = 0;
  for (int i = 0; i < 3; i++) {
    k += (size_t)snprintf(doc + k, cap - k,
                          "{\"kind\":\"Event\",\"auditID\":\"%d\","
                          "\"stageTimestamp\":\"2020-01-01T00:00:00Z\","
                          "\"pad\":\"",
                          i);
    size_t pad = i == 1 ? 200000 : 10;
    memset(doc + k, 'p', pad);
    k += pad;
    k += (size_t)snprintf(doc + k, cap - k, "\"}\n");
  }
  path = tmpfile_with(doc, k);
  cr_assert(vg_json_reader_open_file(path, NULL, &r, err, sizeof err) ==
            VIGIL_OK);
  n = 0;
  while (vg_json_reader_next(r, &ev) == VIGIL_OK && ev)
    n++;
  cr_expect_eq(n, 3);
  cr_expect(vg_json_reader_lines_mode(r));
  vg_json_reader_free(r);

  /* a document limit */
  vg_json_reader_opts o = {VG_JSRC_NONE, 1000, 0};
  cr_assert(vg_json_reader_open_file(path, &o, &r, err, sizeof err) ==
            VIGIL_OK);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && ev);
  cr_expect_eq(vg_json_reader_next(r, &ev), VIGIL_E_LIMIT);
  cr_expect(strstr(vg_json_reader_error(r), ":2:1: line longer than") != NULL,
            "%s", vg_json_reader_error(r));
  vg_json_reader_free(r);
  unlink(path);
  free(doc);
}

Test(reader, sniff) {
  cr_expect(vg_json_sniff("  \n{\"a\"", 6));
  cr_expect(vg_json_sniff("\xef\xbb\xbf[", 4));
  cr_expect(!vg_json_sniff("\x0a\x0d\x0d\x0a", 4)); /* pcapng magic */
  cr_expect(!vg_json_sniff("\x1f\x8b", 2));         /* gzip */
  cr_expect(!vg_json_sniff("", 0));
}

Test(reader, missing_file) {
  vg_json_reader *r = NULL;
  char err[256];
  cr_expect_eq(vg_json_reader_open_file("/nonexistent/x.json", NULL, &r, err,
                                        sizeof err),
               VIGIL_E_IO);
  cr_expect_null(r);
  cr_expect(strstr(err, "/nonexistent/x.json") != NULL);
}

Test(reader, dump_fields) {
  const char *doc = EV("1") "\n" EV("2") "\n{oops\n";
  const char *path = tmpfile_with(doc, strlen(doc));
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  const char *const fields[] = {"ka.auditid", "ka.user.groups",
                                "jevt.value[/verb]"};
  int rc = vg_json_dump_fields(out, path, NULL, fields, 3);
  fclose(out);
  cr_expect_eq(rc, 1);
  cr_expect(strstr(buf,
                   "#1 k8s_audit ka.auditid=1 ka.user.groups=<NA> "
                   "jevt.value[/verb]=get\n#2 k8s_audit ka.auditid=2") == buf,
            "%s", buf);
  cr_expect(strstr(buf, "error: ") != NULL && strstr(buf, ":3:") != NULL, "%s",
            buf);
  free(buf);
  const char *const badf[] = {"ka.nope"};
  out = open_memstream(&buf, &len);
  cr_expect_eq(vg_json_dump_fields(out, path, "k8s_audit", badf, 1), 2);
  fclose(out);
  free(buf);
  unlink(path);
}

#include <zlib.h>

Test(reader, gzip_files) {
  const char *doc =
      "{\"Records\":[" CT("a", "AwsApiCall") "," CT("b", "AwsApiCall") "]}";
  char path[64];
  snprintf(path, sizeof path, "/tmp/vigil_jsonsrc_gz_XXXXXX");
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  gzFile gz = gzdopen(fd, "wb");
  cr_assert(gz != NULL);
  cr_assert_eq(gzwrite(gz, doc, (unsigned)strlen(doc)), (int)strlen(doc));
  gzclose(gz);
  vg_json_reader *r;
  char err[256];
  cr_assert(vg_json_reader_open_file(path, NULL, &r, err, sizeof err) ==
            VIGIL_OK);
  vg_json_event *ev;
  int n = 0;
  while (vg_json_reader_next(r, &ev) == VIGIL_OK && ev)
    n++;
  cr_expect_eq(n, 2);
  cr_expect_eq(vg_json_reader_source(r), VG_JSRC_CLOUDTRAIL);
  vg_json_reader_free(r);
  /* a truncated gzip stream: the events decoded before are delivered, then
   * an error, no hang */
  FILE *f = fopen(path, "r+b");
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  cr_assert_eq(ftruncate(fileno(f), len / 2), 0);
  fclose(f);
  cr_assert(vg_json_reader_open_file(path, NULL, &r, err, sizeof err) ==
            VIGIL_OK);
  vigil_status st;
  for (int calls = 0; calls < 100; calls++) {
    st = vg_json_reader_next(r, &ev);
    if (st != VIGIL_OK || !ev)
      break;
  }
  cr_expect_neq(st, VIGIL_OK);
  vg_json_reader_free(r);
  unlink(path);
}
