/*
 * test_json_cloudtrail.c - ct.*, s3.*, ec2.*, ecr.*, iam.* fields
 * (cloudtrail plugin 0.17.1). Expected values follow
 * plugins/cloudtrail/pkg/cloudtrail/extract.go: plain fields give
 * GetStringBytes of the member ("" for non-strings, nothing when absent).
 */
#include "jtest.h"

static const char *S3GET =
    "{\"Records\":[{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":"
    "\"AssumedRole\",\"principalId\":\"AROA:session-x\",\"arn\":"
    "\"arn:aws:sts::1:assumed-role/Role/sess\",\"accountId\":\"111\","
    "\"sessionContext\":{\"sessionIssuer\":{\"userName\":\"RoleName\"}}},"
    "\"eventTime\":\"2021-01-01T00:00:00Z\",\"eventSource\":"
    "\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":"
    "\"us-east-1\",\"sourceIPAddress\":\"1.2.3.4\",\"userAgent\":\"aws-cli\","
    "\"requestParameters\":{\"bucketName\":\"bkt\",\"key\":\"a/b.txt\","
    "\"Host\":\"bkt.s3.amazonaws.com\",\"documentName\":\"doc\","
    "\"availabilityZone\":\"az\",\"cluster\":\"cl\",\"functionName\":\"fn\","
    "\"groupName\":\"gn\",\"name\":\"nm\",\"policy\":\"po\",\"reason\":\"re\","
    "\"target\":\"ta\",\"serialNumber\":\"sn\",\"serviceName\":\"sv\","
    "\"subnetId\":\"sub\",\"taskDefinition\":\"td\",\"userName\":\"un\","
    "\"repositoryName\":\"repo\",\"imageTag\":\"tag\",\"roleName\":\"role\","
    "\"policyName\":\"pol\"},"
    "\"responseElements\":null,"
    "\"additionalEventData\":{\"bytesTransferredIn\":10.7,"
    "\"bytesTransferredOut\":5},"
    "\"requestID\":\"R1\",\"eventID\":\"E1\",\"readOnly\":true,"
    "\"eventType\":\"AwsApiCall\",\"apiVersion\":\"v1\",\"managementEvent\":"
    "false,\"recipientAccountId\":\"222\",\"eventCategory\":\"Data\","
    "\"sharedEventID\":\"sh\",\"vpcEndpointId\":\"vpce\","
    "\"serviceEventDetails\":{\"a\":1},\"edgeDeviceDetails\":\"edge\","
    "\"addendum\":{\"reason\":\"r\",\"updatedFields\":\"u\","
    "\"originalRequestID\":\"or\",\"originalEventID\":\"oe\"},"
    "\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":"
    "\"arn:aws:s3:::bkt/a/b.txt\"},{\"accountId\":\"1\"}],"
    "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.2\",\"cipherSuite\":\"ECDHE\","
    "\"clientProvidedHostHeader\":\"h\"},\"errorCode\":5,"
    "\"sessionCredentialFromConsole\":\"true\"}]}";

Test(cloudtrail, s3_get_object) {
  jt *t = jt_open(S3GET, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_CLOUDTRAIL);
  cr_assert_eq(t->ev->ts, UINT64_C(1609459200000000000));
  /* AssumedRole: the session issuer's user name */
  JT_EQ(t, "ct.user", "RoleName");
  /* AssumedRole: last part of an arn with exactly three '/' parts */
  JT_EQ(t, "ct.originaluser", "sess");
  JT_EQ(t, "ct.user.accountid", "111");
  JT_EQ(t, "ct.user.identitytype", "AssumedRole");
  JT_EQ(t, "ct.user.principalid", "AROA:session-x");
  JT_EQ(t, "ct.user.arn", "arn:aws:sts::1:assumed-role/Role/sess");
  JT_EQ(t, "ct.id", "E1");
  /* errorCode is a number: present, but GetStringBytes gives "" */
  JT_EQ(t, "ct.error", "");
  JT_EQ(t, "ct.errormessage", "<NA>");
  JT_EQ(t, "ct.time", "2021-01-01T00:00:00Z");
  JT_EQ(t, "ct.src", "s3.amazonaws.com");
  JT_EQ(t, "ct.shortsrc", "s3");
  JT_EQ(t, "ct.name", "GetObject");
  JT_EQ(t, "ct.region", "us-east-1");
  JT_EQ(t, "ct.srcip", "1.2.3.4");
  JT_EQ(t, "ct.useragent", "aws-cli");
  JT_EQ(t, "ct.requestid", "R1");
  JT_EQ(t, "ct.eventtype", "AwsApiCall");
  JT_EQ(t, "ct.apiversion", "v1");
  JT_EQ(t, "ct.recipientaccountid", "222");
  /* an object: "" */
  JT_EQ(t, "ct.serviceeventdetails", "");
  JT_EQ(t, "ct.sharedeventid", "sh");
  JT_EQ(t, "ct.vpcendpointid", "vpce");
  JT_EQ(t, "ct.eventcategory", "Data");
  JT_EQ(t, "ct.addendum.reason", "r");
  JT_EQ(t, "ct.addendum.updatedfields", "u");
  JT_EQ(t, "ct.addendum.originalrequestid", "or");
  JT_EQ(t, "ct.addendum.originaleventid", "oe");
  JT_EQ(t, "ct.edgedevicedetails", "edge");
  JT_EQ(t, "ct.tlsdetails.tlsversion", "TLSv1.2");
  JT_EQ(t, "ct.tlsdetails.ciphersuite", "ECDHE");
  JT_EQ(t, "ct.tlsdetails.clientprovidedhostheader", "h");
  JT_EQ(t, "ct.readonly", "true");
  JT_EQ(t, "ct.managementevent", "false");
  /* the string "true" is not a JSON boolean: Bool() fails, "false" */
  JT_EQ(t, "ct.sessioncredentialfromconsole", "false");
  /* responseElements is null: present, rendered as JSON */
  JT_EQ(t, "ct.response", "null");
  JT_EQ(t, "ct.additionaleventdata",
        "{\"bytesTransferredIn\":10.7,\"bytesTransferredOut\":5}");
  JT_EQ(t, "ct.resources",
        "{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::bkt/a/b.txt\"},"
        "{\"accountId\":\"1\"}");
  JT_EQ(t, "ct.response.subnetid", "<NA>");
  JT_EQ(t, "ct.response.reservationid", "<NA>");
  jt_close(t);
}

Test(cloudtrail, request_parameters) {
  jt *t = jt_open(S3GET, VG_JSRC_NONE);
  JT_EQ(t, "ct.request.availabilityzone", "az");
  JT_EQ(t, "ct.request.cluster", "cl");
  JT_EQ(t, "ct.request.functionname", "fn");
  JT_EQ(t, "ct.request.groupname", "gn");
  JT_EQ(t, "ct.request.host", "bkt.s3.amazonaws.com");
  JT_EQ(t, "ct.request.name", "nm");
  JT_EQ(t, "ct.request.policy", "po");
  JT_EQ(t, "ct.request.reason", "re");
  JT_EQ(t, "ct.request.target", "ta");
  /* upstream matches "ct.request.documentName" in its switch: never */
  JT_EQ(t, "ct.request.documentname", "<NA>");
  JT_EQ(t, "ct.request.serialnumber", "sn");
  JT_EQ(t, "ct.request.servicename", "sv");
  JT_EQ(t, "ct.request.subnetid", "sub");
  JT_EQ(t, "ct.request.taskdefinition", "td");
  JT_EQ(t, "ct.request.username", "un");
  JT_EQ(t, "ecr.repository", "repo");
  JT_EQ(t, "ecr.imagetag", "tag");
  JT_EQ(t, "iam.role", "role");
  JT_EQ(t, "iam.policy", "pol");
  cr_expect(strncmp(jt_f(t, "ct.request"), "{\"bucketName\":\"bkt\",", 20) ==
            0);
  jt_close(t);
}

Test(cloudtrail, s3_fields_and_info) {
  jt *t = jt_open(S3GET, VG_JSRC_NONE);
  JT_EQ(t, "s3.bucket", "bkt");
  JT_EQ(t, "s3.key", "a/b.txt");
  JT_EQ(t, "s3.uri", "s3://bkt/a/b.txt");
  /* 10.7 is not a uint64: Float64 truncated to 10; plus 5 */
  JT_EQ(t, "s3.bytes", "15");
  JT_EQ(t, "s3.bytes.in", "10");
  JT_EQ(t, "s3.bytes.out", "5");
  JT_EQ(t, "s3.cnt.get", "1");
  JT_EQ(t, "s3.cnt.put", "<NA>");
  JT_EQ(t, "s3.cnt.other", "<NA>");
  /* user via ip, "!" for the errorCode, leftwards arrow for readOnly true,
   * then Size and the URI (which ends the summary) */
  JT_EQ(t, "ct.info",
        "RoleName via 1.2.3.4 !\xe2\x86\x90 GetObject Size=15 "
        "URI=s3://bkt/a/b.txt");
  JT_EQ(t, "ec2.name", "<NA>");
  JT_EQ(t, "ec2.imageid", "<NA>");
  JT_EQ(t, "ec2.imageids", "<NA>");
  jt_close(t);
}

static const char *RUN =
    "{\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\","
    "\"principalId\":\"P\",\"arn\":\"arn:aws:iam::1:user/bob\"},"
    "\"eventTime\":\"2021-01-01T00:00:01Z\",\"eventSource\":"
    "\"ec2.amazonaws.com\",\"eventName\":\"RunInstances\",\"awsRegion\":"
    "\"eu-west-1\",\"sourceIPAddress\":\"ec2.amazonaws.com\",\"readOnly\":"
    "false,\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"333\","
    "\"requestParameters\":{\"tagSpecificationSet\":{\"items\":["
    "{\"resourceType\":\"instance\",\"tags\":[{\"key\":\"Name\",\"value\":"
    "\"web\"}]},{\"resourceType\":\"volume\",\"tags\":[{\"key\":\"Name\","
    "\"value\":\"vol\"}]}]},\"imageId\":\"ami-req\"},"
    "\"responseElements\":{\"instancesSet\":{\"items\":[{\"imageId\":"
    "\"ami-1\"},{\"instanceId\":\"i\"},{\"imageId\":\"ami-3\"}]}}}";

Test(cloudtrail, ec2_run_instances) {
  /* a bare record (JSON lines style) */
  jt *t = jt_open(RUN, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_CLOUDTRAIL);
  JT_EQ(t, "ct.user", "bob");
  JT_EQ(t, "ct.originaluser", "bob");
  /* no userIdentity.accountId: recipientAccountId */
  JT_EQ(t, "ct.user.accountid", "333");
  JT_EQ(t, "ct.readonly", "false");
  JT_EQ(t, "ct.info", "bob via ec2.amazonaws.com \xe2\x86\x92 RunInstances");
  JT_EQ(t, "ec2.name", "web");
  /* instancesSet items win over requestParameters.imageId; items without
   * an imageId are left out of the list */
  JT_EQ(t, "ec2.imageids", "ami-1|ami-3");
  JT_EQ(t, "ec2.imageids[1]", "<NA>");
  JT_EQ(t, "ec2.imageids[2]", "ami-3");
  JT_EQ(t, "ec2.imageid", "ami-1");
  JT_EQ(t, "s3.cnt.other", "1");
  JT_EQ(t, "s3.bytes", "<NA>");
  JT_EQ(t, "s3.uri", "<NA>");
  jt_close(t);
}

Test(cloudtrail, image_id_fallbacks) {
  jt *t = jt_open("{\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":"
                  "\"X\",\"eventTime\":\"2021-01-01T00:00:00Z\","
                  "\"eventType\":\"AwsApiCall\",\"requestParameters\":{"
                  "\"launchSpecification\":{\"imageId\":\"ami-ls\"}}}",
                  VG_JSRC_NONE);
  JT_EQ(t, "ec2.imageids", "ami-ls");
  JT_EQ(t, "ec2.imageids[0]", "ami-ls");
  /* scalar fallbacks answer index 0 only */
  JT_EQ(t, "ec2.imageids[1]", "<NA>");
  JT_EQ(t, "ec2.imageid", "ami-ls");
  jt_close(t);
}

Test(cloudtrail, user_types) {
  static const struct {
    const char *identity, *user, *info_prefix;
  } cases[] = {
      {"{\"type\":\"Root\",\"userName\":\"root\"}", "root", "root via"},
      {"{\"type\":\"AWSService\",\"invokedBy\":\"svc\"}", "svc", "svc via"},
      {"{\"type\":\"AssumedRole\"}", "AssumedRole", "AssumedRole via"},
      {"{\"type\":\"AWSAccount\"}", "AWSAccount", "AWSAccount via"},
      {"{\"type\":\"FederatedUser\"}", "FederatedUser", "FederatedUser via"},
      {"{\"type\":\"Unknown\"}", "<NA>",
       "<invalid cloudtrail event: userIdentity field missing>"},
      {"{\"type\":\"IAMUser\"}", "<NA>",
       "<invalid cloudtrail event: userIdentity field missing>"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char doc[512];
    snprintf(doc, sizeof doc,
             "{\"userIdentity\":%s,\"eventSource\":\"s\",\"eventName\":\"N\","
             "\"eventTime\":\"2021-01-01T00:00:00Z\",\"eventType\":\"t\","
             "\"sourceIPAddress\":\"ip\"}",
             cases[i].identity);
    jt *t = jt_open(doc, VG_JSRC_NONE);
    JT_EQ(t, "ct.user", cases[i].user);
    const char *info = jt_f(t, "ct.info");
    cr_expect(
        strncmp(info, cases[i].info_prefix, strlen(cases[i].info_prefix)) == 0,
        "%s: ct.info '%s'", cases[i].identity, info);
    jt_close(t);
  }
}

Test(cloudtrail, assumed_role_session_from_principal) {
  /* the arn does not have three '/' parts: the principal id's second ':'
   * part */
  jt *t = jt_open("{\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":"
                  "\"arn:x/y\",\"principalId\":\"AROA:me\"},\"eventSource\":"
                  "\"s\",\"eventName\":\"N\",\"eventTime\":"
                  "\"2021-01-01T00:00:00Z\",\"eventType\":\"t\"}",
                  VG_JSRC_NONE);
  JT_EQ(t, "ct.originaluser", "me");
  JT_EQ(t, "ct.info", "<invalid cloudtrail event: eventSource field missing>");
  JT_EQ(t, "ct.readonly", "<NA>");
  JT_EQ(t, "ct.resources", "<NA>");
  jt_close(t);
}

Test(cloudtrail, put_bucket_public_access_block) {
  /* the four flags are read from the event root (an upstream slip), so
   * they print false; a trailing space ends the summary */
  jt *t = jt_open(
      "{\"userIdentity\":{\"type\":\"Root\",\"userName\":\"r\"},"
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":"
      "\"PutBucketPublicAccessBlock\",\"eventTime\":\"2021-01-01T00:00:00Z\","
      "\"eventType\":\"AwsApiCall\",\"sourceIPAddress\":\"r\","
      "\"requestParameters\":{\"bucketName\":\"b\",\""
      "PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true}}}",
      VG_JSRC_NONE);
  JT_EQ(t, "ct.info",
        "r \xe2\x86\x90 PutBucketPublicAccessBlock BlockPublicAcls=false "
        "BlockPublicPolicy=false IgnorePublicAcls=false "
        "RestrictPublicBuckets=false ");
  jt_close(t);
}

Test(cloudtrail, corpus_alice) {
  char path[1024];
  snprintf(path, sizeof path, "%s/alice_start_instances.json", JT_EVENTS_DIR);
  char *doc = jt_slurp(path, NULL);
  if (!doc)
    cr_skip_test("conformance events not available");
  jt *t = jt_open(doc, VG_JSRC_NONE);
  free(doc);
  JT_EQ(t, "ct.user", "Alice");
  JT_EQ(t, "ct.name", "StartInstances");
  JT_EQ(t, "ct.src", "ec2.amazonaws.com");
  JT_EQ(t, "ct.user.identitytype", "IAMUser");
  JT_EQ(t, "ct.region", "us-east-2");
  JT_EQ(t, "ct.info", "Alice via 205.251.233.176 \xe2\x86\x90 StartInstances");
  JT_EQ(t, "json.value[/requestParameters/instancesSet/items/0/instanceId]",
        "i-ebeaf9e2");
  jt_close(t);
}

static const char *info(const vg_json_event *ev) {
  static char out[1024];
  vg_jbuf b = {(uint8_t *)out, sizeof out - 1, 0};
  if (!vg_json_plugininfo(ev, &b))
    return "<none>";
  cr_assert(vg_jbuf_ok(&b));
  out[b.len] = '\0';
  return out;
}

Test(cloudtrail, plugininfo) {
  /* String(): region, " user" when non-empty, short source, name, ct.info */
  jt *t = jt_open(RUN, VG_JSRC_NONE);
  cr_expect_str_eq(info(t->ev), "eu-west-1 bob ec2 RunInstances bob via "
                                "ec2.amazonaws.com \xe2\x86\x92 RunInstances");
  jt_close(t);
  t = jt_open(S3GET, VG_JSRC_NONE);
  cr_expect_str_eq(info(t->ev),
                   "us-east-1 RoleName s3 GetObject RoleName via 1.2.3.4 "
                   "!\xe2\x86\x90 GetObject Size=15 URI=s3://bkt/a/b.txt");
  jt_close(t);
  /* no awsRegion: String() fails */
  t = jt_open("{\"eventSource\":\"s\",\"eventName\":\"N\",\"eventTime\":"
              "\"2021-01-01T00:00:00Z\",\"eventType\":\"t\"}",
              VG_JSRC_NONE);
  cr_expect_str_eq(info(t->ev), "<none>");
  jt_close(t);
  t = jt_open("{\"userIdentity\":{\"type\":\"Weird\"},\"eventSource\":\"s\","
              "\"eventName\":\"N\",\"awsRegion\":\"r\",\"eventTime\":"
              "\"2021-01-01T00:00:00Z\",\"eventType\":\"t\"}",
              VG_JSRC_NONE);
  cr_expect_str_eq(info(t->ev),
                   "r s N <invalid cloudtrail event: userIdentity field "
                   "missing>");
  jt_close(t);
  t = jt_open("{\"webhook_type\":\"star\",\"sender\":{\"login\":\"u\"},"
              "\"action\":\"created\"}",
              VG_JSRC_NONE);
  cr_expect_str_eq(info(t->ev), "github star user:u action:created");
  jt_close(t);
  t = jt_open("{\"kind\":\"Event\",\"auditID\":\"x\",\"stageTimestamp\":"
              "\"2020-01-01T00:00:00Z\"}",
              VG_JSRC_NONE);
  cr_expect_str_eq(info(t->ev), "{\"kind\":\"Event\",\"auditID\":\"x\","
                                "\"stageTimestamp\":\"2020-01-01T00:00:00Z\"}");
  jt_close(t);
  t = jt_open("{\"a\":1}", VG_JSRC_JSON);
  cr_expect_str_eq(info(t->ev), "<none>");
  jt_close(t);
}
