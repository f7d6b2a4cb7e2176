/*
 * test_json_robust.c - robustness of the JSON sources: every field (with no
 * argument, an index and a key) on every event of every conformance event
 * file, and a few thousand deterministic mutations of small documents of
 * each source pushed through reader and extractors. Nothing may crash,
 * hang, leak (under ASan) or return anything but OK / a reader error.
 */
#include <dirent.h>

#include "jtest.h"

static vg_value vals[4096];
static uint8_t scratch[8 << 20];

/* Extracts every field applicable to ev with three argument shapes. */
static void all_fields(const vg_json_event *ev) {
  static const char *const keys[] = {"0", "1", "command", "/", "/kind", ""};
  for (size_t id = 0; id < vg_json_field_count(); id++) {
    const vg_json_field_info *f = vg_json_field_info_get((int)id);
    for (size_t k = 0; k <= sizeof keys / sizeof keys[0]; k++) {
      vg_json_arg a = {false, 0, NULL, 0};
      if (k < sizeof keys / sizeof keys[0]) {
        if (f->arg == VG_JARG_NONE)
          continue;
        a.present = true;
        a.key = keys[k];
        a.key_len = strlen(keys[k]);
        a.index = keys[k][0] >= '0' && keys[k][0] <= '9'
                      ? (uint64_t)(keys[k][0] - '0')
                      : UINT64_MAX;
      }
      vg_json_out o = {
          vals, sizeof vals / sizeof vals[0], 0, scratch, sizeof scratch, 0};
      vigil_status st = vg_json_extract(ev, (int)id, &a, &o);
      cr_assert(st == VIGIL_OK, "%s: %s", f->name, vigil_status_str(st));
      for (size_t i = 0; i < o.n; i++)
        if (vals[i].type == VG_FT_CHARBUF && vals[i].v.s.n)
          cr_assert(vals[i].v.s.p != NULL);
    }
  }
}

/* Reads all of data, extracting every field of every event; returns the
 * number of events. */
static size_t drain(const char *data, size_t n, vg_json_src force) {
  vg_json_reader *r;
  vg_json_reader_opts o = {force, 0, 0};
  size_t events = 0;
  cr_assert(vg_json_reader_open_mem(data, n, "m", &o, &r) == VIGIL_OK);
  for (int calls = 0;; calls++) {
    cr_assert_lt(calls, 100000, "reader does not terminate");
    vg_json_event *ev;
    vigil_status st = vg_json_reader_next(r, &ev);
    if (st != VIGIL_OK) {
      cr_assert(st == VIGIL_E_SYNTAX || st == VIGIL_E_LIMIT,
                "unexpected status %s", vigil_status_str(st));
      cr_assert(vg_json_reader_error(r)[0] != '\0');
      continue;
    }
    if (!ev)
      break;
    events++;
    all_fields(ev);
  }
  vg_json_reader_free(r);
  return events;
}

Test(robust, every_field_on_every_corpus_event) {
  DIR *d = opendir(JT_EVENTS_DIR);
  if (!d)
    cr_skip_test("conformance events not available");
  struct dirent *e;
  size_t files = 0, events = 0;
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name), n = 0;
    if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", JT_EVENTS_DIR, e->d_name);
    char *doc = jt_slurp(path, &n);
    cr_assert(doc != NULL);
    events += drain(doc, n, VG_JSRC_NONE);
    /* the same bytes read as every other source */
    for (vg_json_src s = VG_JSRC_K8S_AUDIT; s < VG_JSRC__COUNT; s++)
      drain(doc, n, s);
    free(doc);
    files++;
  }
  closedir(d);
  cr_expect_eq(files, 49);
  /* 46 one-event k8s files, one with six, fal_01_003 as generic JSON, two
   * CloudTrail files of one record each */
  cr_expect_eq(events, 46 + 6 + 1 + 2 - 1, "%zu events", events);
}

/* xorshift, for reproducible mutations */
static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static const char *const SEEDS[] = {
    "{\"kind\":\"EventList\",\"items\":[{\"kind\":\"Event\",\"auditID\":\"a\","
    "\"stageTimestamp\":\"2020-01-01T00:00:00Z\",\"requestURI\":\"/a?b=c%20d\","
    "\"objectRef\":{\"resource\":\"pods\"},\"requestObject\":{\"subjects\":[{"
    "\"kind\":\"ServiceAccount\",\"name\":\"n\",\"namespace\":\"s\"}],"
    "\"rules\":[{\"verbs\":[\"*\"],\"sourceIPs\":[1]}],\"spec\":{"
    "\"containers\":[{\"name\":\"c\",\"image\":\"i:1@x\",\"command\":[\"a\"],"
    "\"ports\":[{\"hostPort\":1}],\"securityContext\":{\"privileged\":true}}],"
    "\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/\"}}]}}}]}",
    "{\"Records\":[{\"eventTime\":\"2021-01-01T00:00:00Z\",\"eventType\":"
    "\"AwsApiCall\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
    "\"PutBucketPublicAccessBlock\",\"userIdentity\":{\"type\":"
    "\"AssumedRole\",\"arn\":\"a/b/c\",\"principalId\":\"x:y\"},"
    "\"sourceIPAddress\":\"ip\",\"requestParameters\":{\"bucketName\":\"b\","
    "\"key\":\"k\",\"PublicAccessBlockConfiguration\":{}},"
    "\"additionalEventData\":{\"bytesTransferredIn\":-1.5e300},"
    "\"responseElements\":{\"instancesSet\":{\"items\":[{\"imageId\":\"m\"}]}"
    "},\"resources\":[1,{}]}]}",
    "[{\"eventType\":\"user.mfa.okta_verify.deny_push\",\"published\":"
    "\"2022-01-01T00:00:00Z\",\"actor\":{\"id\":\"a\"},\"target\":[{\"type\":"
    "\"User\",\"displayName\":\"d\"},null,5],\"client\":{"
    "\"geographicalContext\":{\"geolocation\":{\"lat\":1e-7,\"lonDe\":"
    "123456789.5}}},\"debugContext\":{\"debugData\":{\"requestUri\":"
    "\"/app/\"}}}]",
    "{\"webhook_type\":\"push\",\"commits\":[{\"added\":[\"a\",1]}],\"files\":"
    "[{\"name\":\"f\",\"matches\":[{\"desc\":\"d\",\"line\":2}]}],"
    "\"workflow_miner_detections\":{\"matches\":[{\"type\":1}]},\"hook\":{"
    "\"id\":1.5}}",
    "{\"protoPayload\":{\"serviceName\":\"s\"},\"resource\":{\"type\":"
    "\"gcs_bucket\",\"labels\":{\"zone\":\"a\"}},\"timestamp\":"
    "\"2020-02-29T23:59:59.999999999+01:00\"}",
};

Test(robust, mutations) {
  char buf[4096];
  for (size_t s = 0; s < sizeof SEEDS / sizeof SEEDS[0]; s++) {
    size_t base = strlen(SEEDS[s]);
    cr_assert_geq(drain(SEEDS[s], base, VG_JSRC_NONE), 1, "seed %zu", s);
    for (int m = 0; m < 2000; m++) {
      size_t n = base;
      memcpy(buf, SEEDS[s], n);
      int edits = 1 + (int)(next_rand() % 4);
      for (int e = 0; e < edits && n > 1; e++) {
        size_t at = (size_t)(next_rand() % n);
        static const char pool[] = "{}[]\":,0-9e.\\ntruefalsenull~/ \x80\xff";
        char c = pool[next_rand() % (sizeof pool - 1)];
        switch (next_rand() % 3) {
        case 0:
          buf[at] = c;
          break; /* replace */
        case 1:  /* delete */
          memmove(buf + at, buf + at + 1, n - at - 1);
          n--;
          break;
        default: /* insert */
          if (n + 1 < sizeof buf) {
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = c;
            n++;
          }
        }
      }
      drain(buf, n, VG_JSRC_NONE);
      drain(buf, n, (vg_json_src)(1 + s));
    }
  }
}
