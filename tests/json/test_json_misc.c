/*
 * test_json_misc.c - okta (0.12.0), github (0.10.1), gcpaudit (0.8.1) and
 * json (0.7.4) plugin fields, expected values derived from each plugin's Go
 * source. Also checks that every catalog field has an extractor and the
 * output-buffer contract (VIGIL_E_LIMIT, then retry).
 */
#include "jtest.h"

/* ---- okta
 * -------------------------------------------------------------------- */

static const char *OKTA =
    "{\"uuid\":\"u1\",\"published\":\"2022-05-06T07:08:09.000Z\","
    "\"eventType\":\"user.authentication.auth_via_mfa\",\"version\":\"0\","
    "\"severity\":\"WARN\",\"displayMessage\":\"Authentication via MFA\","
    "\"actor\":{\"id\":\"00u1\",\"type\":\"User\",\"alternateId\":"
    "\"alice@example.com\",\"displayName\":\"Alice\"},"
    "\"client\":{\"userAgent\":{\"rawUserAgent\":\"Mozilla\",\"os\":"
    "\"Mac OS X\",\"browser\":\"CHROME\"},\"zone\":\"null\",\"device\":"
    "\"Computer\",\"id\":\"cid\",\"ipAddress\":\"1.2.3.4\","
    "\"geographicalContext\":{\"city\":\"Paris\",\"state\":\"IDF\","
    "\"country\":\"France\",\"postalCode\":\"75001\",\"geolocation\":{"
    "\"lat\":48.8566,\"lon\":2.3522}}},"
    "\"outcome\":{\"result\":\"FAILURE\",\"reason\":\"INVALID_CREDENTIALS\"},"
    "\"target\":[{\"id\":\"t1\",\"type\":\"User\",\"alternateId\":\"bob@x\","
    "\"displayName\":\"Bob\"},{\"id\":\"t2\",\"type\":\"UserGroup\","
    "\"displayName\":\"Admins\"},{\"id\":\"t3\",\"type\":\"User\","
    "\"displayName\":\"Carol\"},{\"id\":\"t4\",\"type\":\"AppInstance\","
    "\"alternateId\":\"app1\",\"displayName\":\"App\"}],"
    "\"transaction\":{\"type\":\"WEB\",\"id\":\"tx1\"},"
    "\"debugContext\":{\"debugData\":{\"requestUri\":\"/app/myapp/abc/sso\","
    "\"behaviors\":\"{New Geo-Location=NEGATIVE}\",\"logOnlySecurityData\":"
    "\"{}\",\"originalPrincipal\":{\"id\":\"op\",\"type\":\"User\","
    "\"alternateId\":\"op@x\",\"displayName\":\"OP\"}}},"
    "\"authenticationContext\":{\"authenticationStep\":0,"
    "\"externalSessionId\":\"sess\",\"authenticationProvider\":\"OKTA\","
    "\"credentialProvider\":\"CRED\"},"
    "\"securityContext\":{\"asNumber\":1234,\"asOrg\":\"org\",\"isp\":\"isp\","
    "\"domain\":\"example.com\",\"isProxy\":false},\"extra\":1}";

Test(okta, record_fields) {
  jt *t = jt_open(OKTA, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_OKTA);
  cr_assert_eq(t->ev->ts, UINT64_C(1651820889000000000));
  /* "/app/myapp/abc/sso" split on '/': element 2 */
  JT_EQ(t, "okta.app", "myapp");
  JT_EQ(t, "okta.behaviors", "{New Geo-Location=NEGATIVE}");
  JT_EQ(t, "okta.org", "");
  JT_EQ(t, "okta.evt.type", "user.authentication.auth_via_mfa");
  /* omitted: the record's zero value */
  JT_EQ(t, "okta.evt.legacytype", "");
  JT_EQ(t, "okta.severity", "WARN");
  JT_EQ(t, "okta.message", "Authentication via MFA");
  JT_EQ(t, "okta.published", "2022-05-06T07:08:09.000Z");
  JT_EQ(t, "okta.logonlysecuritydata", "{}");
  JT_EQ(t, "okta.actor.id", "00u1");
  JT_EQ(t, "okta.actor.Type", "User");
  JT_EQ(t, "okta.actor.alternateid", "alice@example.com");
  JT_EQ(t, "okta.actor.name", "Alice");
  JT_EQ(t, "okta.client.zone", "null");
  JT_EQ(t, "okta.client.ip", "1.2.3.4");
  JT_EQ(t, "okta.client.device", "Computer");
  JT_EQ(t, "okta.client.id", "cid");
  JT_EQ(t, "okta.client.geo.city", "Paris");
  JT_EQ(t, "okta.client.geo.state", "IDF");
  JT_EQ(t, "okta.client.geo.country", "France");
  JT_EQ(t, "okta.client.geo.postalcode", "75001");
  JT_EQ(t, "okta.client.geo.lat", "48.8566");
  /* the record reads longitude from "lonDe": "lon" is ignored, 0 prints
   * as Go's %v of 0.0 */
  JT_EQ(t, "okta.client.geo.lon", "0");
  JT_EQ(t, "okta.useragent.os", "Mac OS X");
  JT_EQ(t, "okta.useragent.browser", "CHROME");
  JT_EQ(t, "okta.useragent.raw", "Mozilla");
  JT_EQ(t, "okta.result", "FAILURE");
  JT_EQ(t, "okta.reason", "INVALID_CREDENTIALS");
  JT_EQ(t, "okta.transaction.id", "tx1");
  JT_EQ(t, "okta.transaction.type", "WEB");
  JT_EQ(t, "okta.requesturi", "/app/myapp/abc/sso");
  JT_EQ(t, "okta.principal.id", "op");
  JT_EQ(t, "okta.principal.alternateid", "op@x");
  JT_EQ(t, "okta.principal.type", "User");
  JT_EQ(t, "okta.principal.name", "OP");
  /* Go ints handed to string/uint64 fields: the SDK rejects them */
  JT_EQ(t, "okta.authentication.step", "<NA>");
  JT_EQ(t, "okta.security.asnumber", "<NA>");
  JT_EQ(t, "okta.authentication.sessionid", "sess");
  JT_EQ(t, "okta.authentication.provider", "OKTA");
  JT_EQ(t, "okta.authentication.credentialprovider", "CRED");
  JT_EQ(t, "okta.security.asorg", "org");
  JT_EQ(t, "okta.security.isp", "isp");
  JT_EQ(t, "okta.security.domain", "example.com");
  /* isProxy is a string in the record: a JSON boolean does not decode */
  JT_EQ(t, "okta.security.isproxy", "");
  jt_close(t);
}

Test(okta, targets) {
  jt *t = jt_open(OKTA, VG_JSRC_NONE);
  /* the last target of the type wins; missing members read "" */
  JT_EQ(t, "okta.target.user.id", "t3");
  JT_EQ(t, "okta.target.user.alternateid", "");
  JT_EQ(t, "okta.target.user.name", "Carol");
  JT_EQ(t, "okta.target.group.id", "t2");
  JT_EQ(t, "okta.target.group.alternateid", "");
  JT_EQ(t, "okta.target.group.name", "Admins");
  JT_EQ(t, "okta.target.app.alternateid", "app1");
  JT_EQ(t, "okta.targets.displayName", "(Bob,Admins,Carol,App)");
  JT_EQ(t, "okta.targets.displayName[1]", "Admins");
  JT_EQ(t, "okta.targets.displayName[4]", "<NA>");
  jt_close(t);
  t = jt_open("{\"eventType\":\"x\",\"published\":\"2022-05-06T07:08:09Z\"}",
              VG_JSRC_NONE);
  JT_EQ(t, "okta.targets.displayName", "<NA>");
  JT_EQ(t, "okta.target.user.name", "<NA>");
  JT_EQ(t, "okta.app", "<NA>");
  JT_EQ(t, "okta.client.geo.lat", "0");
  jt_close(t);
}

Test(okta, reserialised_payload) {
  jt *t = jt_open(OKTA, VG_JSRC_NONE);
  /* json.* see the plugin's re-encoding: lonDe omitted (zero), unknown
   * members gone, members in the record's order */
  JT_EQ(t, "json.value[/client/geographicalContext/geolocation]",
        "{\"lat\":48.8566}");
  JT_EQ(t, "json.value[/extra]", "<NA>");
  JT_EQ(t, "json.value[/legacyEventType]", "<NA>");
  JT_EQ(t, "json.value[/actor]",
        "{\"id\":\"00u1\",\"type\":\"User\",\"alternateId\":"
        "\"alice@example.com\",\"displayName\":\"Alice\"}");
  jt_close(t);
  /* keys match case-insensitively, as Go's decoder does */
  t = jt_open("{\"EVENTTYPE\":\"t\",\"Actor\":{\"DisplayName\":\"A\"}}",
              VG_JSRC_OKTA);
  JT_EQ(t, "okta.evt.type", "t");
  JT_EQ(t, "okta.actor.name", "A");
  jt_close(t);
}

Test(okta, mfa_counters) {
  /* three failed MFA events of one actor, 60 s apart, and one of another
   * actor; the counters see this and earlier events of the same key */
  char doc[4096];
  snprintf(doc, sizeof doc, "%s",
           "{\"eventType\":\"user.authentication.auth_via_mfa\",\"published\":"
           "\"2022-05-06T07:00:00Z\",\"actor\":{\"id\":\"a\"},\"outcome\":{"
           "\"result\":\"FAILURE\"}}\n"
           "{\"eventType\":\"user.authentication.auth_via_mfa\",\"published\":"
           "\"2022-05-06T07:01:00Z\",\"actor\":{\"id\":\"a\"},\"outcome\":{"
           "\"result\":\"FAILURE\"}}\n"
           "{\"eventType\":\"user.authentication.auth_via_mfa\",\"published\":"
           "\"2022-05-06T07:01:00Z\",\"actor\":{\"id\":\"b\"},\"outcome\":{"
           "\"result\":\"FAILURE\"}}\n"
           "{\"eventType\":\"user.authentication.auth_via_mfa\",\"published\":"
           "\"2022-05-06T07:02:00Z\",\"actor\":{\"id\":\"a\"},\"outcome\":{"
           "\"result\":\"SUCCESS\"}}\n"
           "{\"eventType\":\"user.mfa.okta_verify.deny_push\",\"published\":"
           "\"2022-05-06T07:02:00Z\",\"actor\":{\"id\":\"a\"}}\n"
           "{\"eventType\":\"user.authentication.auth_via_mfa\",\"published\":"
           "\"2022-05-06T07:02:00Z\",\"actor\":{\"id\":\"a\"},\"outcome\":{"
           "\"result\":\"FAILURE\"}}\n");
  jt *t = jt_open(doc, VG_JSRC_NONE);
  JT_EQ(t, "okta.mfa.failure.countlast[300]", "1");
  jt_next(t);
  JT_EQ(t, "okta.mfa.failure.countlast[300]", "2");
  /* strictly newer than ts - 60 s: the first event is not counted */
  JT_EQ(t, "okta.mfa.deny.countlast[60]", "1");
  jt_next(t);
  JT_EQ(t, "okta.mfa.failure.countlast[300]", "1");
  jt_next(t);
  /* a successful MFA event is not counted and yields nothing */
  JT_EQ(t, "okta.mfa.failure.countlast[300]", "<NA>");
  jt_next(t);
  /* deny_push events have their own key */
  JT_EQ(t, "okta.mfa.deny.countlast[300]", "1");
  jt_next(t);
  JT_EQ(t, "okta.mfa.failure.countlast[300]", "3");
  JT_EQ(t, "okta.mfa.failure.countlast[90]", "2");
  jt_close(t);
}

/* ---- github
 * ------------------------------------------------------------------ */

static const char *GH =
    "{\"webhook_type\":\"push\",\"action\":\"created\",\"sender\":{\"login\":"
    "\"octo\"},\"repository\":{\"html_url\":\"https://github.com/o/r\","
    "\"description\":\"desc\",\"private\":true,\"owner\":{\"login\":\"o\"}},"
    "\"organization\":{\"login\":\"org\"},\"member\":{\"login\":\"m\"},"
    "\"changes\":{\"permission\":{\"to\":\"admin\"}},\"hook\":{\"id\":123,"
    "\"type\":\"Repository\"},"
    "\"commits\":[{\"added\":[\"a.txt\",\"b.txt\"],\"modified\":[\"m.txt\"],"
    "\"removed\":[]},{\"added\":[\"c.txt\"],\"modified\":[]}],"
    "\"head_commit\":{\"id\":\"abc\"},"
    "\"files\":[{\"name\":\"f1\",\"matches\":[{\"desc\":\"AWS key\",\"line\":"
    "3},{\"desc\":\"token\",\"line\":7}]},{\"name\":\"f2\",\"matches\":[]},"
    "{\"name\":\"f3\",\"matches\":[{\"desc\":\"pw\",\"line\":1}]}],"
    "\"workflow_miner_detections\":{\"matches\":[{\"type\":\"xmrig\"},"
    "{\"type\":\"stratum\"},{\"type\":\"xmrig\"}]},"
    "\"workflow\":{\"path\":\".github/workflows/ci.yml\"}}";

Test(github, fields) {
  jt *t = jt_open(GH, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_GITHUB);
  cr_assert(!t->ev->has_ts);
  JT_EQ(t, "github.type", "push");
  JT_EQ(t, "github.action", "created");
  JT_EQ(t, "github.user", "octo");
  JT_EQ(t, "github.repo", "https://github.com/o/r");
  JT_EQ(t, "github.repo.url", "https://github.com/o/r");
  JT_EQ(t, "github.repo.name", "o/r");
  JT_EQ(t, "github.repo.description", "desc");
  JT_EQ(t, "github.org", "org");
  JT_EQ(t, "github.owner", "o");
  JT_EQ(t, "github.repo.public", "false");
  JT_EQ(t, "github.collaborator.name", "m");
  JT_EQ(t, "github.collaborator.role", "admin");
  JT_EQ(t, "github.webhook.id", "123");
  JT_EQ(t, "github.webhook.type", "Repository");
  /* "," within a commit, nothing between commits */
  JT_EQ(t, "github.commit.added", "a.txt,b.txtc.txt");
  JT_EQ(t, "github.commit.modified", "m.txt");
  JT_EQ(t, "github.commit.removed", "");
  JT_EQ(t, "github.diff.has_secrets", "true");
  /* "," within a file, nothing between files */
  JT_EQ(t, "github.diff.committed_secrets.desc", "AWS key,tokenpw");
  JT_EQ(t, "github.diff.committed_secrets.files", "f1,f1f3");
  JT_EQ(t, "github.diff.committed_secrets.lines", "3,71");
  JT_EQ(t, "github.diff.committed_secrets.links",
        "https://github.com/o/r/blob/abc/f1/#L3,"
        "https://github.com/o/r/blob/abc/f1/#L7"
        "https://github.com/o/r/blob/abc/f3/#L1");
  JT_EQ(t, "github.workflow.has_miners", "true");
  /* distinct types; upstream's order is Go map order, ours first seen */
  JT_EQ(t, "github.workflow.miners.type", "xmrig,stratum");
  JT_EQ(t, "github.workflow.filename", ".github/workflows/ci.yml");
  JT_EQ(t, "json.rawtime", "0");
  jt_close(t);
}

Test(github, missing_members) {
  jt *t =
      jt_open("{\"webhook_type\":\"star\",\"hook\":{\"id\":-4}}", VG_JSRC_NONE);
  JT_EQ(t, "github.action", "");
  JT_EQ(t, "github.repo.name", "");
  JT_EQ(t, "github.repo.public", "true");
  /* GetUint64 of a negative number is 0 */
  JT_EQ(t, "github.webhook.id", "0");
  JT_EQ(t, "github.commit.added", "");
  JT_EQ(t, "github.diff.has_secrets", "");
  JT_EQ(t, "github.diff.committed_secrets.desc", "<NA>");
  JT_EQ(t, "github.diff.committed_secrets.files", "<NA>");
  JT_EQ(t, "github.diff.committed_secrets.lines", "<NA>");
  JT_EQ(t, "github.diff.committed_secrets.links", "");
  JT_EQ(t, "github.workflow.has_miners", "<NA>");
  JT_EQ(t, "github.workflow.miners.type", "<NA>");
  jt_close(t);
  t = jt_open("{\"webhook_type\":\"x\",\"files\":[{\"name\":\"a\"}],"
              "\"workflow_miner_detections\":{\"matches\":[]}}",
              VG_JSRC_NONE);
  JT_EQ(t, "github.diff.has_secrets", "false");
  JT_EQ(t, "github.diff.committed_secrets.desc", "");
  JT_EQ(t, "github.workflow.has_miners", "false");
  JT_EQ(t, "github.workflow.miners.type", "");
  jt_close(t);
}

/* ---- gcpaudit
 * ---------------------------------------------------------------- */

static const char *GCP =
    "{\"protoPayload\":{\"authenticationInfo\":{\"principalEmail\":"
    "\"a@b.c\"},\"requestMetadata\":{\"callerIp\":\"1.1.1.1\","
    "\"callerSuppliedUserAgent\":\"gcloud\"},\"authorizationInfo\":[{"
    "\"permission\":\"p\"}],\"serviceName\":\"storage.googleapis.com\","
    "\"methodName\":\"storage.setIamPermissions\",\"resourceName\":"
    "\"projects/_/buckets/b\",\"request\":{\"x\":1},\"serviceData\":{"
    "\"policyDelta\":{\"bindingDeltas\":\"deltas\"}}},"
    "\"resource\":{\"type\":\"gcs_bucket\",\"labels\":{\"bucket_name\":\"b\","
    "\"project_id\":\"proj\",\"location\":\"us\",\"zone\":\"us-central1-a\","
    "\"function_name\":\"f\",\"database_id\":\"d\",\"instance_id\":\"i\","
    "\"network_id\":\"n\",\"subnetwork_name\":\"sn\",\"subnetwork_id\":"
    "\"sid\",\"zone_name\":\"z\",\"email_id\":\"e\",\"unique_id\":\"u\"}},"
    "\"timestamp\":\"2023-01-01T00:00:00.5Z\",\"logName\":\"x\"}";

Test(gcp, fields) {
  jt *t = jt_open(GCP, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_GCP);
  cr_assert_eq(t->ev->ts, UINT64_C(1672531200500000000));
  JT_EQ(t, "gcp.user", "a@b.c");
  JT_EQ(t, "gcp.callerIP", "1.1.1.1");
  JT_EQ(t, "gcp.userAgent", "gcloud");
  /* arrays and objects give "" */
  JT_EQ(t, "gcp.authorizationInfo", "");
  JT_EQ(t, "gcp.request", "");
  JT_EQ(t, "gcp.serviceName", "storage.googleapis.com");
  /* gcs_bucket: serviceData.policyDelta.bindingDeltas */
  JT_EQ(t, "gcp.policyDelta", "deltas");
  JT_EQ(t, "gcp.methodName", "storage.setIamPermissions");
  JT_EQ(t, "gcp.cloudfunctions.function", "f");
  JT_EQ(t, "gcp.cloudsql.databaseId", "d");
  JT_EQ(t, "gcp.compute.instanceId", "i");
  JT_EQ(t, "gcp.compute.networkId", "n");
  JT_EQ(t, "gcp.compute.subnetwork", "sn");
  JT_EQ(t, "gcp.compute.subnetworkId", "sid");
  JT_EQ(t, "gcp.dns.zone", "z");
  JT_EQ(t, "gcp.iam.serviceAccount", "e");
  JT_EQ(t, "gcp.iam.serviceAccountId", "u");
  JT_EQ(t, "gcp.location", "us");
  JT_EQ(t, "gcp.logging.sink", "<NA>");
  JT_EQ(t, "gcp.projectId", "proj");
  JT_EQ(t, "gcp.resourceName", "projects/_/buckets/b");
  JT_EQ(t, "gcp.resourceType", "gcs_bucket");
  JT_EQ(t, "gcp.storage.bucket", "b");
  JT_EQ(t, "gcp.time", "2023-01-01T00:00:00.5Z");
  cr_expect(strncmp(jt_f(t, "gcp.resourceLabels"),
                    "{\"bucket_name\":\"b\",\"project_id\":\"proj\",",
                    37) == 0);
  JT_EQ(t, "json.rawtime", "1672531200500000000");
  jt_close(t);
}

Test(gcp, location_and_sink) {
  jt *t = jt_open("{\"resource\":{\"type\":"
                  "\"logging_sink\",\"labels\":{\"zone\":\"us-central1-a\","
                  "\"name\":\"sink1\"}},\"protoPayload\":{\"metadata\":{"
                  "\"datasetChange\":{\"bindingDeltas\":[1]}}}}",
                  VG_JSRC_NONE);
  /* no location or region: the zone without its last two characters */
  JT_EQ(t, "gcp.location", "us-central1");
  JT_EQ(t, "gcp.logging.sink", "sink1");
  /* not a gcs_bucket: metadata.datasetChange.bindingDeltas, an array */
  JT_EQ(t, "gcp.policyDelta", "");
  JT_EQ(t, "gcp.user", "<NA>");
  jt_close(t);
  t = jt_open("{\"protoPayload\":{},\"resource\":{\"labels\":{\"zone\":"
              "\"ab\",\"region\":5}}}",
              VG_JSRC_NONE);
  /* a region of the wrong type is still found: "" */
  JT_EQ(t, "gcp.location", "");
  jt_close(t);
  t = jt_open("{\"protoPayload\":{},\"resource\":{\"labels\":{\"zone\":"
              "\"ab\"}}}",
              VG_JSRC_NONE);
  JT_EQ(t, "gcp.location", "ab");
  jt_close(t);
}

/* ---- json plugin
 * ------------------------------------------------------------- */

static const char *DOC =
    "{\"a\":[{\"b\":\"x\"},2],\"x/y\":1,\"m~n\":2,\"num\":1.5,\"t\":true,"
    "\"nul\":null,\"obj\":{\"k\":[1,\"s\"]},\"\":\"empty\",\"q\":\"say "
    "\\\"hi\\\"\\n\",\"e\":{},\"f\":[]}";

Test(json, value_pointer) {
  jt *t = jt_open(DOC, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_JSON);
  JT_EQ(t, "json.value[/a/0/b]", "x");
  /* the leading '/' is optional */
  JT_EQ(t, "json.value[a/1]", "2");
  JT_EQ(t, "json.value[/a/+1]", "2"); /* strconv.Atoi accepts a sign */
  JT_EQ(t, "json.value[/a/-1]", "<NA>");
  JT_EQ(t, "json.value[/a/2]", "<NA>");
  JT_EQ(t, "json.value[/x~1y]", "1");
  JT_EQ(t, "json.value[/m~0n]", "2");
  JT_EQ(t, "json.value[/num]", "1.5");
  JT_EQ(t, "json.value[/t]", "true");
  JT_EQ(t, "json.value[/nul]", "null");
  JT_EQ(t, "json.value[/obj]", "{\"k\":[1,\"s\"]}");
  /* "/" is one empty segment: the member named "" */
  JT_EQ(t, "json.value[/]", "empty");
  JT_EQ(t, "json.value[/obj/k/1]", "s");
  JT_EQ(t, "json.value[/nope]", "<NA>");
  /* strings are raw; inside JSON text they are re-escaped like fastjson */
  JT_EQ(t, "json.value[/q]", "say \"hi\"\n");
  JT_EQ(t, "jevt.value[/t]", "true");
  jt_close(t);
  /* an empty argument: the whole document */
  t = jt_open("{\"a\":[1,{\"b\":null}],\"s\":\"\\u00e9\\t\"}", VG_JSRC_JSON);
  JT_EQ(t, "json.value[]", "{\"a\":[1,{\"b\":null}],\"s\":\"\xc3\xa9\\t\"}");
  jt_close(t);
}

Test(json, obj_indent) {
  jt *t = jt_open("{\"a\":1,\"b\":[1,{\"c\":\"d\"}],\"e\":{},\"f\":[]}",
                  VG_JSRC_NONE);
  const char *want = "{\n"
                     "  \"a\": 1,\n"
                     "  \"b\": [\n"
                     "    1,\n"
                     "    {\n"
                     "      \"c\": \"d\"\n"
                     "    }\n"
                     "  ],\n"
                     "  \"e\": {},\n"
                     "  \"f\": []\n"
                     "}";
  JT_EQ(t, "json.obj", want);
  JT_EQ(t, "jevt.obj", want);
  JT_EQ(t, "json.rawtime", "0");
  JT_EQ(t, "jevt.rawtime", "0");
  jt_close(t);
}

/* ---- every field, buffers -------------------------------------------------
 */

static const char *POD_GROUPS =
    "{\"kind\":\"Event\",\"auditID\":\"x\",\"stageTimestamp\":"
    "\"2020-01-01T00:00:00Z\",\"user\":{\"groups\":[\"a\",\"bb\",\"cc\"]}}";

static const char *sample_for(vg_json_src s) {
  switch (s) {
  case VG_JSRC_K8S_AUDIT:
    return "{\"kind\":\"Event\",\"auditID\":\"x\",\"stageTimestamp\":"
           "\"2020-01-01T00:00:00Z\",\"requestObject\":{\"spec\":{"
           "\"containers\":[{\"name\":\"a\"}]}}}";
  case VG_JSRC_CLOUDTRAIL:
    return "{\"Records\":[]}";
  case VG_JSRC_OKTA:
    return OKTA;
  case VG_JSRC_GITHUB:
    return GH;
  case VG_JSRC_GCP:
    return GCP;
  default:
    return DOC;
  }
}

Test(fields, every_field_has_an_extractor) {
  size_t n = vg_json_field_count();
  cr_assert_gt(n, 280);
  for (vg_json_src s = VG_JSRC_K8S_AUDIT; s < VG_JSRC__COUNT; s++) {
    const char *doc = s == VG_JSRC_CLOUDTRAIL
                          ? "{\"eventSource\":\"a\",\"eventName\":\"b\","
                            "\"eventTime\":\"2020-01-01T00:00:00Z\","
                            "\"eventType\":\"c\"}"
                          : sample_for(s);
    jt *t = jt_open(doc, s);
    for (size_t i = 0; i < n; i++) {
      const vg_json_field_info *f = vg_json_field_info_get((int)i);
      if (f->src != s && f->src != VG_JSRC_JSON)
        continue;
      static vg_value vals[64];
      static uint8_t buf[1 << 16];
      vg_json_out o = {vals, 64, 0, buf, sizeof buf, 0};
      vg_json_arg a = {f->arg != VG_JARG_NONE, 0, "0", 1};
      vigil_status st = vg_json_extract(t->ev, (int)i, &a, &o);
      cr_expect(st == VIGIL_OK, "%s: %s", f->name, vigil_status_str(st));
    }
    jt_close(t);
  }
  /* catalog sizes */
  size_t count[VG_JSRC__COUNT] = {0};
  for (size_t i = 0; i < n; i++)
    count[vg_json_field_info_get((int)i)->src]++;
  cr_expect_eq(count[VG_JSRC_K8S_AUDIT], 100);
  cr_expect_eq(count[VG_JSRC_CLOUDTRAIL], 73);
  cr_expect_eq(count[VG_JSRC_OKTA], 54);
  cr_expect_eq(count[VG_JSRC_GITHUB], 25);
  cr_expect_eq(count[VG_JSRC_GCP], 25);
  cr_expect_eq(count[VG_JSRC_JSON], 6);
}

Test(fields, parse_references) {
  int id;
  vg_json_arg a;
  char err[128];
  cr_assert(vg_json_field_parse("ka.req.pod.containers.name[12]", &id, &a, err,
                                sizeof err) == VIGIL_OK);
  cr_assert(a.present);
  cr_assert_eq(a.index, 12);
  cr_assert(vg_json_field_parse("json.value[/a/b]", &id, &a, err, sizeof err) ==
            VIGIL_OK);
  cr_assert_eq(a.key_len, 4);
  cr_assert(strncmp(a.key, "/a/b", 4) == 0);
  cr_assert(vg_json_field_parse("json.value", &id, &a, err, sizeof err) ==
            VIGIL_E_SYNTAX);
  cr_assert(vg_json_field_parse("ka.verb[1]", &id, &a, err, sizeof err) ==
            VIGIL_E_SYNTAX);
  cr_assert(vg_json_field_parse("ka.req.pod.containers.name[x]", &id, &a, err,
                                sizeof err) == VIGIL_E_SYNTAX);
  cr_assert(vg_json_field_parse("ka.nope", &id, &a, err, sizeof err) ==
            VIGIL_E_NOTFOUND);
  cr_assert(vg_json_field_parse("json.value[/a", &id, &a, err, sizeof err) ==
            VIGIL_E_SYNTAX);
  cr_assert(vg_json_field_parse("json.value[/a]x]", &id, &a, err, sizeof err) ==
            VIGIL_E_SYNTAX);
  /* libsinsp: no leading zero, 64-bit range */
  cr_assert(vg_json_field_parse("ka.req.pod.containers.name[01]", &id, &a, err,
                                sizeof err) == VIGIL_E_SYNTAX);
  cr_assert(vg_json_field_parse("ka.req.pod.containers.name[0]", &id, &a, err,
                                sizeof err) == VIGIL_OK);
  cr_assert(vg_json_field_parse("ka.req.pod.containers.name"
                                "[18446744073709551616]",
                                &id, &a, err, sizeof err) == VIGIL_E_SYNTAX);
  cr_assert(vg_json_field_parse("ka.uri.param[cmd]", &id, &a, err,
                                sizeof err) == VIGIL_OK);
  cr_assert_eq(a.index, UINT64_MAX);
  cr_assert_eq(vg_json_field_find("ka.verb", 7),
               vg_json_field_find("ka.verb.x", 7));
  cr_assert(
      vg_json_field_applies(vg_json_field_find("json.obj", 8), VG_JSRC_OKTA));
  cr_assert(
      !vg_json_field_applies(vg_json_field_find("ka.verb", 7), VG_JSRC_OKTA));
}

Test(fields, output_limits_and_retry) {
  jt *t = jt_open(DOC, VG_JSRC_NONE);
  int id = vg_json_field_find("json.obj", 8);
  vg_value v[1];
  uint8_t small[8];
  vg_json_out o = {v, 1, 0, small, sizeof small, 0};
  cr_assert_eq(vg_json_extract(t->ev, id, NULL, &o), VIGIL_E_LIMIT);
  size_t need = o.used;
  cr_assert_gt(need, sizeof small);
  uint8_t *big = malloc(need);
  o.buf = big;
  o.bufcap = need;
  cr_assert_eq(vg_json_extract(t->ev, id, NULL, &o), VIGIL_OK);
  cr_assert_eq(o.n, 1);
  cr_assert_eq(v[0].v.s.p[0], '{');
  free(big);
  jt_close(t);
  /* too few value slots */
  t = jt_open(POD_GROUPS, VG_JSRC_NONE);
  id = vg_json_field_find("ka.user.groups", 14);
  o = (vg_json_out){v, 1, 0, NULL, 0, 0};
  cr_assert_eq(vg_json_extract(t->ev, id, NULL, &o), VIGIL_E_LIMIT);
  cr_assert_eq(o.n, 3);
  /* strings pointing into the event need no scratch at all */
  vg_value three[3];
  o = (vg_json_out){three, 3, 0, NULL, 0, 0};
  cr_assert_eq(vg_json_extract(t->ev, id, NULL, &o), VIGIL_OK);
  cr_assert_eq(o.used, 0);
  cr_assert_eq(three[2].v.s.n, 2);
  jt_close(t);
}

/* ---- host glue ------------------------------------------------------------
 */

#include "json/json_host.h"

Test(host, bind_extract_and_keep_values_per_event) {
  vg_json_host *h = vg_json_host_new();
  uint32_t verb, groups, obj, bad;
  char err[128];
  cr_assert(vg_json_host_bind(h, "ka.verb", &verb, err, sizeof err) ==
            VIGIL_OK);
  cr_assert(vg_json_host_bind(h, "ka.user.groups", &groups, err, sizeof err) ==
            VIGIL_OK);
  cr_assert(vg_json_host_bind(h, "json.obj", &obj, err, sizeof err) ==
            VIGIL_OK);
  cr_assert_eq(vg_json_host_bind(h, "ka.nope", &bad, err, sizeof err),
               VIGIL_E_NOTFOUND);
  cr_assert_eq(verb, 0);
  cr_assert_eq(obj, 2);
  /* a big event: json.obj needs more than one storage block */
  size_t pad = 200000;
  char *doc = malloc(pad + 512);
  int k = snprintf(doc, 512,
                   "{\"kind\":\"Event\",\"auditID\":\"x\",\"stageTimestamp\":"
                   "\"2020-01-01T00:00:00Z\",\"verb\":\"get\",\"user\":{"
                   "\"groups\":[\"a\",\"b\"]},\"pad\":\"");
  memset(doc + k, 'z', pad);
  snprintf(doc + k + pad, 512,
           "\"}\n{\"kind\":\"Event\",\"auditID\":\"y\","
           "\"stageTimestamp\":\"2020-01-01T00:00:00Z\","
           "\"verb\":\"list\"}\n");
  vg_json_reader *r;
  vg_json_event *ev;
  cr_assert(vg_json_reader_open_mem(doc, strlen(doc), "m", NULL, &r) ==
            VIGIL_OK);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && ev);
  vg_json_host_set_event(h, ev);
  const vg_value *v1, *v2, *v3;
  size_t n1, n2, n3;
  cr_assert(vg_json_host_extract(h, verb, &v1, &n1) == VIGIL_OK);
  cr_assert(vg_json_host_extract(h, groups, &v2, &n2) == VIGIL_OK);
  cr_assert(vg_json_host_extract(h, obj, &v3, &n3) == VIGIL_OK);
  /* all three still valid together */
  cr_assert_eq(n1, 1);
  cr_assert_eq(v1[0].v.s.n, 3);
  cr_assert(memcmp(v1[0].v.s.p, "get", 3) == 0);
  cr_assert_eq(n2, 2);
  cr_assert(memcmp(v2[1].v.s.p, "b", 1) == 0);
  cr_assert_eq(n3, 1);
  cr_assert_gt(v3[0].v.s.n, pad);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK && ev);
  vg_json_host_set_event(h, ev);
  cr_assert(vg_json_host_extract(h, verb, &v1, &n1) == VIGIL_OK);
  cr_assert(memcmp(v1[0].v.s.p, "list", 4) == 0);
  cr_assert(vg_json_host_extract(h, groups, &v2, &n2) == VIGIL_OK);
  cr_assert_eq(n2, 0);
  cr_assert_eq(vg_json_host_extract(h, 99, &v2, &n2), VIGIL_E_INVAL);
  vg_json_reader_free(r);
  vg_json_host_free(h);
  free(doc);
}
