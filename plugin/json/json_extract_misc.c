/*
 * json_extract_misc.c - fields of the cloudtrail (0.17.1), okta (0.12.0),
 * github (0.10.1), gcpaudit (0.8.1) and json (0.7.4) plugins, following
 * each plugin's Go source: cloudtrail and gcpaudit render non-string values
 * as "" (fastjson GetStringBytes), okta reads its fixed record (the reader
 * normalises each event into it, see json_okta.h), github joins lists with
 * commas, and json.value walks an RFC 6901 pointer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json/json_extract.h"

#define R (x->ev->root)

/* Emits what fastjson's GetStringBytes gives for a found value: its text
 * for a string, "" otherwise. */
static void emit_sbytes(vg_jx *x, const json_t *v) {
  if (json_is_string(v))
    vg_jx_emit_jstr(x, v);
  else
    vg_jx_emit(x, "", 0);
}

static const char *sbytes(const json_t *v, size_t *n) {
  if (json_is_string(v)) {
    *n = json_string_length(v);
    return json_string_value(v);
  }
  *n = 0;
  return "";
}

static bool eq(const char *s, size_t n, const char *lit) {
  return s && n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static void put_str_b(vg_jbuf *b, const char *s) {
  vg_jbuf_put(b, s, strlen(s));
}

static void put_cstr(vg_jx *x, const char *s) {
  vg_jbuf_put(&x->sb, s, strlen(s));
}

static void put_u64(vg_jx *x, uint64_t u) {
  char tmp[24];
  snprintf(tmp, sizeof tmp, "%" PRIu64, u);
  put_cstr(x, tmp);
}

/* ---- cloudtrail ------------------------------------------------------------
 */

/* getUser: returns whether present, with the name. */
static bool ct_user(const json_t *root, const char **s, size_t *n) {
  size_t tn;
  const char *t = vg_jx_str(root, &tn, "userIdentity", "type", NULL);
  const json_t *v;
  if (!t)
    return false;
  if (eq(t, tn, "Root") || eq(t, tn, "IAMUser")) {
    v = vg_jx_path(root, "userIdentity", "userName", NULL);
  } else if (eq(t, tn, "AWSService")) {
    v = vg_jx_path(root, "userIdentity", "invokedBy", NULL);
  } else if (eq(t, tn, "AssumedRole")) {
    v = vg_jx_path(root, "userIdentity", "sessionContext", "sessionIssuer",
                   "userName", NULL);
    if (!v) {
      *s = "AssumedRole", *n = 11;
      return true;
    }
  } else if (eq(t, tn, "AWSAccount") || eq(t, tn, "FederatedUser")) {
    *s = t, *n = tn;
    return true;
  } else {
    return false;
  }
  if (!v)
    return false;
  *s = sbytes(v, n);
  return true;
}

/* The plain string fields: member path, then GetStringBytes. */
static const json_t *ct_plain(const json_t *root, int id) {
  switch (id) {
  case VG_JF_CT_ID:
    return vg_jx_get(root, "eventID");
  case VG_JF_CT_ERROR:
    return vg_jx_get(root, "errorCode");
  case VG_JF_CT_ERRORMESSAGE:
    return vg_jx_get(root, "errorMessage");
  case VG_JF_CT_TIME:
    return vg_jx_get(root, "eventTime");
  case VG_JF_CT_SRC:
    return vg_jx_get(root, "eventSource");
  case VG_JF_CT_NAME:
    return vg_jx_get(root, "eventName");
  case VG_JF_CT_USER_IDENTITYTYPE:
    return vg_jx_path(root, "userIdentity", "type", NULL);
  case VG_JF_CT_USER_PRINCIPALID:
    return vg_jx_path(root, "userIdentity", "principalId", NULL);
  case VG_JF_CT_USER_ARN:
    return vg_jx_path(root, "userIdentity", "arn", NULL);
  case VG_JF_CT_REGION:
    return vg_jx_get(root, "awsRegion");
  case VG_JF_CT_RESPONSE_SUBNETID:
    return vg_jx_path(root, "responseElements", "subnetId", NULL);
  case VG_JF_CT_RESPONSE_RESERVATIONID:
    return vg_jx_path(root, "responseElements", "reservationId", NULL);
#define RP(ID, K)                                                              \
  case ID:                                                                     \
    return vg_jx_path(root, "requestParameters", K, NULL)
    RP(VG_JF_CT_REQUEST_AVAILABILITYZONE, "availabilityZone");
    RP(VG_JF_CT_REQUEST_CLUSTER, "cluster");
    RP(VG_JF_CT_REQUEST_FUNCTIONNAME, "functionName");
    RP(VG_JF_CT_REQUEST_GROUPNAME, "groupName");
    RP(VG_JF_CT_REQUEST_HOST, "Host");
    RP(VG_JF_CT_REQUEST_NAME, "name");
    RP(VG_JF_CT_REQUEST_POLICY, "policy");
    RP(VG_JF_CT_REQUEST_REASON, "reason");
    RP(VG_JF_CT_REQUEST_TARGET, "target");
    RP(VG_JF_CT_REQUEST_SERIALNUMBER, "serialNumber");
    RP(VG_JF_CT_REQUEST_SERVICENAME, "serviceName");
    RP(VG_JF_CT_REQUEST_SUBNETID, "subnetId");
    RP(VG_JF_CT_REQUEST_TASKDEFINITION, "taskDefinition");
    RP(VG_JF_CT_REQUEST_USERNAME, "userName");
    RP(VG_JF_S3_BUCKET, "bucketName");
    RP(VG_JF_S3_KEY, "key");
    RP(VG_JF_ECR_REPOSITORY, "repositoryName");
    RP(VG_JF_ECR_IMAGETAG, "imageTag");
    RP(VG_JF_IAM_ROLE, "roleName");
    RP(VG_JF_IAM_POLICY, "policyName");
#undef RP
  case VG_JF_CT_SRCIP:
    return vg_jx_get(root, "sourceIPAddress");
  case VG_JF_CT_USERAGENT:
    return vg_jx_get(root, "userAgent");
  case VG_JF_CT_REQUESTID:
    return vg_jx_get(root, "requestID");
  case VG_JF_CT_EVENTTYPE:
    return vg_jx_get(root, "eventType");
  case VG_JF_CT_APIVERSION:
    return vg_jx_get(root, "apiVersion");
  case VG_JF_CT_RECIPIENTACCOUNTID:
    return vg_jx_get(root, "recipientAccountId");
  case VG_JF_CT_SERVICEEVENTDETAILS:
    return vg_jx_get(root, "serviceEventDetails");
  case VG_JF_CT_SHAREDEVENTID:
    return vg_jx_get(root, "sharedEventID");
  case VG_JF_CT_VPCENDPOINTID:
    return vg_jx_get(root, "vpcEndpointId");
  case VG_JF_CT_EVENTCATEGORY:
    return vg_jx_get(root, "eventCategory");
  case VG_JF_CT_ADDENDUM_REASON:
    return vg_jx_path(root, "addendum", "reason", NULL);
  case VG_JF_CT_ADDENDUM_UPDATEDFIELDS:
    return vg_jx_path(root, "addendum", "updatedFields", NULL);
  case VG_JF_CT_ADDENDUM_ORIGINALREQUESTID:
    return vg_jx_path(root, "addendum", "originalRequestID", NULL);
  case VG_JF_CT_ADDENDUM_ORIGINALEVENTID:
    return vg_jx_path(root, "addendum", "originalEventID", NULL);
  case VG_JF_CT_EDGEDEVICEDETAILS:
    return vg_jx_get(root, "edgeDeviceDetails");
  case VG_JF_CT_TLSDETAILS_TLSVERSION:
    return vg_jx_path(root, "tlsDetails", "tlsVersion", NULL);
  case VG_JF_CT_TLSDETAILS_CIPHERSUITE:
    return vg_jx_path(root, "tlsDetails", "cipherSuite", NULL);
  case VG_JF_CT_TLSDETAILS_CLIENTPROVIDEDHOSTHEADER:
    return vg_jx_path(root, "tlsDetails", "clientProvidedHostHeader", NULL);
  }
  return NULL;
}

static bool ct_is_plain(int id) {
  switch (id) {
  case VG_JF_CT_ID:
  case VG_JF_CT_ERROR:
  case VG_JF_CT_ERRORMESSAGE:
  case VG_JF_CT_TIME:
  case VG_JF_CT_SRC:
  case VG_JF_CT_NAME:
  case VG_JF_CT_USER_IDENTITYTYPE:
  case VG_JF_CT_USER_PRINCIPALID:
  case VG_JF_CT_USER_ARN:
  case VG_JF_CT_REGION:
  case VG_JF_CT_RESPONSE_SUBNETID:
  case VG_JF_CT_RESPONSE_RESERVATIONID:
  case VG_JF_CT_REQUEST_AVAILABILITYZONE:
  case VG_JF_CT_REQUEST_CLUSTER:
  case VG_JF_CT_REQUEST_FUNCTIONNAME:
  case VG_JF_CT_REQUEST_GROUPNAME:
  case VG_JF_CT_REQUEST_HOST:
  case VG_JF_CT_REQUEST_NAME:
  case VG_JF_CT_REQUEST_POLICY:
  case VG_JF_CT_REQUEST_REASON:
  case VG_JF_CT_REQUEST_TARGET:
  case VG_JF_CT_REQUEST_SERIALNUMBER:
  case VG_JF_CT_REQUEST_SERVICENAME:
  case VG_JF_CT_REQUEST_SUBNETID:
  case VG_JF_CT_REQUEST_TASKDEFINITION:
  case VG_JF_CT_REQUEST_USERNAME:
  case VG_JF_S3_BUCKET:
  case VG_JF_S3_KEY:
  case VG_JF_ECR_REPOSITORY:
  case VG_JF_ECR_IMAGETAG:
  case VG_JF_IAM_ROLE:
  case VG_JF_IAM_POLICY:
  case VG_JF_CT_SRCIP:
  case VG_JF_CT_USERAGENT:
  case VG_JF_CT_REQUESTID:
  case VG_JF_CT_EVENTTYPE:
  case VG_JF_CT_APIVERSION:
  case VG_JF_CT_RECIPIENTACCOUNTID:
  case VG_JF_CT_SERVICEEVENTDETAILS:
  case VG_JF_CT_SHAREDEVENTID:
  case VG_JF_CT_VPCENDPOINTID:
  case VG_JF_CT_EVENTCATEGORY:
  case VG_JF_CT_ADDENDUM_REASON:
  case VG_JF_CT_ADDENDUM_UPDATEDFIELDS:
  case VG_JF_CT_ADDENDUM_ORIGINALREQUESTID:
  case VG_JF_CT_ADDENDUM_ORIGINALEVENTID:
  case VG_JF_CT_EDGEDEVICEDETAILS:
  case VG_JF_CT_TLSDETAILS_TLSVERSION:
  case VG_JF_CT_TLSDETAILS_CIPHERSUITE:
  case VG_JF_CT_TLSDETAILS_CLIENTPROVIDEDHOSTHEADER:
    return true;
  }
  return false;
}

/* getvalueU64: Uint64(), else Float64() truncated, else 0. */
static uint64_t ct_u64(const json_t *v) {
  if (json_is_integer(v))
    return (uint64_t)json_integer_value(v); /* negative: Go's conversion */
  if (json_is_real(v)) {
    double d = json_real_value(v);
    /* out of range (and NaN) give what Go's conversion gives on amd64:
     * the "integer indefinite" 1 << 63 */
    if (!(d > -9223372036854775808.0 && d < 18446744073709551616.0))
      return UINT64_C(0x8000000000000000);
    return d < 0 ? (uint64_t)(int64_t)d : (uint64_t)d;
  }
  return 0;
}

static bool ct_readonly(const json_t *root, const char **s) {
  const json_t *v = vg_jx_get(root, "readOnly");
  if (!v)
    return false;
  /* Bool() is true only for JSON true; anything else reads "false" */
  *s = json_is_true(v) ? "true" : "false";
  return true;
}

static bool ct_s3_bytes(const json_t *root, uint64_t *tot) {
  const json_t *in =
      vg_jx_path(root, "additionalEventData", "bytesTransferredIn", NULL);
  const json_t *out =
      vg_jx_path(root, "additionalEventData", "bytesTransferredOut", NULL);
  *tot = (in ? ct_u64(in) : 0) + (out ? ct_u64(out) : 0);
  return in || out;
}

/* getImageIds with an optional index (idx < 0: none). */
static void ct_imageids(vg_jx *x, int64_t idx) {
  const json_t *set =
      vg_jx_path(R, "responseElements", "instancesSet", "items", NULL);
  if (set) {
    size_t n = json_array_size(set); /* 0 when not an array */
    if (idx < 0) {
      for (size_t i = 0; i < n; i++) {
        size_t l;
        const char *s = vg_jx_str(json_array_get(set, i), &l, "imageId", NULL);
        if (s && l > 0)
          vg_jx_emit(x, s, l);
      }
      return;
    }
    if ((uint64_t)idx >= n)
      return;
    const json_t *v = vg_jx_get(json_array_get(set, (size_t)idx), "imageId");
    if (v)
      emit_sbytes(x, v);
    return;
  }
  if (idx > 0)
    return;
  const json_t *v = vg_jx_path(R, "requestParameters", "imageId", NULL);
  if (!v)
    v = vg_jx_path(R, "requestParameters", "DescribeFastLaunchImagesRequest",
                   "ImageId", "content", NULL);
  if (!v)
    v = vg_jx_path(R, "requestParameters", "launchSpecification", "imageId",
                   NULL);
  if (v)
    emit_sbytes(x, v);
}

static void ct_info(vg_jx *x) {
  const char *user, *ip, *name, *ro = NULL, *bucket, *key;
  size_t un, ipn, nn, bn, kn;
  const json_t *v;
  uint64_t bytes;
  if (!ct_user(R, &user, &un)) {
    vg_jx_emit_cstr(x,
                    "<invalid cloudtrail event: userIdentity field missing>");
    return;
  }
  if (!(v = vg_jx_get(R, "sourceIPAddress"))) {
    vg_jx_emit_cstr(x, "<invalid cloudtrail event: eventSource field missing>");
    return;
  }
  ip = sbytes(v, &ipn);
  bool err = vg_jx_get(R, "errorCode") != NULL;
  const char *rw = "\xe2\x86\x90"; /* U+2190 leftwards arrow */
  if (ct_readonly(R, &ro) && strcmp(ro, "false") == 0)
    rw = "\xe2\x86\x92"; /* U+2192 rightwards arrow */
  if (!(v = vg_jx_get(R, "eventName"))) {
    vg_jx_emit_cstr(x, "<invalid cloudtrail event: eventName field missing>");
    return;
  }
  name = sbytes(v, &nn);
  size_t start = vg_jx_begin(x);
  vg_jbuf_put(&x->sb, user, un);
  if (!(un == ipn && memcmp(user, ip, un) == 0)) {
    put_cstr(x, " via ");
    vg_jbuf_put(&x->sb, ip, ipn);
  }
  vg_jbuf_putc(&x->sb, ' ');
  if (err)
    vg_jbuf_putc(&x->sb, '!');
  put_cstr(x, rw);
  vg_jbuf_putc(&x->sb, ' ');
  vg_jbuf_put(&x->sb, name, nn);
  if (eq(name, nn, "PutBucketPublicAccessBlock")) {
    /* upstream reads the four flags from the event root, not from the
     * configuration object, so they are false in practice */
    if (json_is_object(vg_jx_path(R, "requestParameters",
                                  "PublicAccessBlockConfiguration", NULL))) {
      static const char *const flags[] = {
          "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
          "RestrictPublicBuckets"};
      for (int i = 0; i < 4; i++) {
        vg_jbuf_putc(&x->sb, ' ');
        put_cstr(x, flags[i]);
        vg_jbuf_putc(&x->sb, '=');
        put_cstr(x, json_is_true(vg_jx_get(R, flags[i])) ? "true" : "false");
      }
      vg_jbuf_putc(&x->sb, ' ');
    }
    vg_jx_end(x, start);
    return;
  }
  if (ct_s3_bytes(R, &bytes)) {
    put_cstr(x, " Size=");
    put_u64(x, bytes);
  }
  bucket = vg_jx_str(R, &bn, "requestParameters", "bucketName", NULL);
  key = vg_jx_str(R, &kn, "requestParameters", "key", NULL);
  if (bucket && key) {
    put_cstr(x, " URI=s3://");
    vg_jbuf_put(&x->sb, bucket, bn);
    vg_jbuf_putc(&x->sb, '/');
    vg_jbuf_put(&x->sb, key, kn);
  } else if ((v = vg_jx_path(R, "requestParameters", "bucketName", NULL))) {
    put_cstr(x, " Bucket=");
    bucket = sbytes(v, &bn);
    vg_jbuf_put(&x->sb, bucket, bn);
  } else if ((v = vg_jx_path(R, "requestParameters", "key", NULL))) {
    put_cstr(x, " Key=");
    key = sbytes(v, &kn);
    vg_jbuf_put(&x->sb, key, kn);
  } else if ((v = vg_jx_path(R, "requestParameters", "Host", NULL))) {
    put_cstr(x, " Host=");
    key = sbytes(v, &kn);
    vg_jbuf_put(&x->sb, key, kn);
  }
  vg_jx_end(x, start);
}

/* The cloudtrail plugin's String(). */
static bool ct_string(const json_t *root, vg_jbuf *b) {
  size_t sn, rn, nn, un;
  const char *src = vg_jx_str(root, &sn, "eventSource", NULL);
  const char *region = vg_jx_str(root, &rn, "awsRegion", NULL);
  const char *name = vg_jx_str(root, &nn, "eventName", NULL);
  const char *user;
  if (!src || !region || !name)
    return false;
  if (sn > 14 && memcmp(src + sn - 14, ".amazonaws.com", 14) == 0)
    sn -= 14;
  vg_jbuf_put(b, region, rn);
  if (ct_user(root, &user, &un) && un > 0) {
    vg_jbuf_putc(b, ' ');
    vg_jbuf_put(b, user, un);
  }
  vg_jbuf_putc(b, ' ');
  vg_jbuf_put(b, src, sn);
  vg_jbuf_putc(b, ' ');
  vg_jbuf_put(b, name, nn);
  vg_jbuf_putc(b, ' ');
  /* the summary, as ct.info renders it */
  static const vg_json_arg none = {false, 0, NULL, 0};
  vg_value v;
  vg_json_out o = {&v, 1, 0, NULL, 0, 0};
  vg_json_event ev = {0};
  ev.root = (json_t *)root;
  ev.src = VG_JSRC_CLOUDTRAIL;
  vg_jx x = {&ev,
             vg_json_field_info_get(VG_JF_CT_INFO),
             &none,
             &o,
             {b->p, b->cap, b->len}};
  size_t start = x.sb.len;
  ct_info(&x);
  /* ct_info either built the text at start or emitted a static message */
  if (o.n == 1 && x.sb.len == start) {
    vg_jbuf_put(&x.sb, v.v.s.p, v.v.s.n);
  } else if (x.sb.len > start) {
    x.sb.len--; /* the NUL vg_jx_end appended */
  }
  b->len = x.sb.len;
  return true;
}

bool vg_json_plugininfo(const vg_json_event *ev, vg_jbuf *b) {
  const json_t *root = ev ? ev->root : NULL;
  size_t n;
  const char *s;
  if (!root)
    return false;
  switch (ev->src) {
  case VG_JSRC_CLOUDTRAIL:
    return ct_string(root, b);
  case VG_JSRC_GITHUB:
    vg_jbuf_put(b, "github ", 7);
    s = sbytes(vg_jx_get(root, "webhook_type"), &n);
    vg_jbuf_put(b, s, n);
    if ((s = vg_jx_str(root, &n, "sender", "login", NULL))) {
      put_str_b(b, " user:");
      vg_jbuf_put(b, s, n);
    }
    if ((s = vg_jx_str(root, &n, "repository", "html_url", NULL))) {
      put_str_b(b, " repo:");
      vg_jbuf_put(b, s, n);
    }
    if ((s = vg_jx_str(root, &n, "action", NULL))) {
      put_str_b(b, " action:");
      vg_jbuf_put(b, s, n);
    }
    return true;
  case VG_JSRC_K8S_AUDIT:
  case VG_JSRC_OKTA:
  case VG_JSRC_GCP:
    vg_json_render_compact(b, root);
    return true;
  default:
    return false;
  }
}

vigil_status vg_jx_cloudtrail(vg_jx *x, int id) {
  const json_t *v;
  const char *s;
  size_t n;
  uint64_t u;
  if (ct_is_plain(id)) {
    if ((v = ct_plain(R, id)))
      emit_sbytes(x, v);
    return VIGIL_OK;
  }
  switch (id) {
  case VG_JF_CT_SHORTSRC:
    if ((v = vg_jx_get(R, "eventSource"))) {
      s = sbytes(v, &n);
      if (n > 14 && memcmp(s + n - 14, ".amazonaws.com", 14) == 0)
        n -= 14;
      vg_jx_emit(x, s, n);
    }
    break;
  case VG_JF_CT_USER:
    if (ct_user(R, &s, &n))
      vg_jx_emit(x, s, n);
    break;
  case VG_JF_CT_ORIGINALUSER: {
    const char *t = vg_jx_str(R, &n, "userIdentity", "type", NULL);
    if (eq(t, n, "AssumedRole")) {
      /* getSessionNameFromAssumedRole */
      if ((v = vg_jx_path(R, "userIdentity", "arn", NULL))) {
        s = sbytes(v, &n);
        const char *a = memchr(s, '/', n);
        const char *b = a ? memchr(a + 1, '/', n - (size_t)(a + 1 - s)) : NULL;
        if (b && !memchr(b + 1, '/', n - (size_t)(b + 1 - s))) {
          vg_jx_emit(x, b + 1, n - (size_t)(b + 1 - s));
          break;
        }
      }
      if ((v = vg_jx_path(R, "userIdentity", "principalId", NULL))) {
        s = sbytes(v, &n);
        const char *a = memchr(s, ':', n);
        if (a && !memchr(a + 1, ':', n - (size_t)(a + 1 - s)))
          vg_jx_emit(x, a + 1, n - (size_t)(a + 1 - s));
      }
      break;
    }
    if ((v = vg_jx_path(R, "userIdentity", "userName", NULL)))
      emit_sbytes(x, v);
    break;
  }
  case VG_JF_CT_USER_ACCOUNTID:
    v = vg_jx_path(R, "userIdentity", "accountId", NULL);
    if (!v)
      v = vg_jx_get(R, "recipientAccountId");
    if (v)
      emit_sbytes(x, v);
    break;
  case VG_JF_CT_RESPONSE:
  case VG_JF_CT_REQUEST:
  case VG_JF_CT_ADDITIONALEVENTDATA: {
    const char *k = id == VG_JF_CT_RESPONSE  ? "responseElements"
                    : id == VG_JF_CT_REQUEST ? "requestParameters"
                                             : "additionalEventData";
    if ((v = vg_jx_get(R, k))) {
      size_t start = vg_jx_begin(x);
      vg_json_render_compact(&x->sb, v);
      vg_jx_end(x, start);
    }
    break;
  }
  case VG_JF_CT_REQUEST_DOCUMENTNAME:
    /* upstream's switch spells the case "ct.request.documentName", which no
     * field name matches: never a value */
    break;
  case VG_JF_CT_INFO:
    ct_info(x);
    break;
  case VG_JF_CT_MANAGEMENTEVENT:
  case VG_JF_CT_SESSIONCREDENTIALFROMCONSOLE:
    v = vg_jx_get(R, id == VG_JF_CT_MANAGEMENTEVENT
                         ? "managementEvent"
                         : "sessionCredentialFromConsole");
    if (v)
      vg_jx_emit_cstr(x, json_is_true(v) ? "true" : "false");
    break;
  case VG_JF_CT_READONLY:
    if (ct_readonly(R, &s))
      vg_jx_emit_cstr(x, s);
    break;
  case VG_JF_CT_RESOURCES: {
    v = vg_jx_get(R, "resources");
    size_t cnt = json_array_size(v);
    if (cnt == 0)
      break;
    size_t start = vg_jx_begin(x);
    for (size_t i = 0; i < cnt; i++) {
      if (i)
        vg_jbuf_putc(&x->sb, ',');
      vg_json_render_compact(&x->sb, json_array_get(v, i));
    }
    vg_jx_end(x, start);
    break;
  }
  case VG_JF_S3_URI: {
    size_t bn, kn;
    const char *b = vg_jx_str(R, &bn, "requestParameters", "bucketName", NULL);
    const char *k = vg_jx_str(R, &kn, "requestParameters", "key", NULL);
    if (b && k) {
      size_t start = vg_jx_begin(x);
      put_cstr(x, "s3://");
      vg_jbuf_put(&x->sb, b, bn);
      vg_jbuf_putc(&x->sb, '/');
      vg_jbuf_put(&x->sb, k, kn);
      vg_jx_end(x, start);
    }
    break;
  }
  case VG_JF_S3_BYTES:
    if (ct_s3_bytes(R, &u))
      vg_jx_emit_u64(x, u);
    break;
  case VG_JF_S3_BYTES_IN:
  case VG_JF_S3_BYTES_OUT:
    v = vg_jx_path(R, "additionalEventData",
                   id == VG_JF_S3_BYTES_IN ? "bytesTransferredIn"
                                           : "bytesTransferredOut",
                   NULL);
    if (v)
      vg_jx_emit_u64(x, ct_u64(v));
    break;
  case VG_JF_S3_CNT_GET:
  case VG_JF_S3_CNT_PUT:
  case VG_JF_S3_CNT_OTHER: {
    s = vg_jx_str(R, &n, "eventName", NULL);
    bool get = eq(s, n, "GetObject"), put = eq(s, n, "PutObject");
    if ((id == VG_JF_S3_CNT_GET && get) || (id == VG_JF_S3_CNT_PUT && put) ||
        (id == VG_JF_S3_CNT_OTHER && !get && !put))
      vg_jx_emit_u64(x, 1);
    break;
  }
  case VG_JF_EC2_NAME: {
    const json_t *items = vg_jx_path(R, "requestParameters",
                                     "tagSpecificationSet", "items", NULL);
    const char *name = NULL;
    size_t nl = 0;
    if (!json_is_array(items))
      break;
    for (size_t i = 0; i < json_array_size(items); i++) {
      const json_t *it = json_array_get(items, i);
      s = vg_jx_str(it, &n, "resourceType", NULL);
      if (!eq(s, n, "instance"))
        continue;
      const json_t *tags = vg_jx_get(it, "tags");
      for (size_t j = 0; j < json_array_size(tags); j++) {
        const json_t *tag = json_array_get(tags, j);
        s = vg_jx_str(tag, &n, "key", NULL);
        if (eq(s, n, "Name")) {
          name = sbytes(vg_jx_get(tag, "value"), &nl);
          break;
        }
      }
    }
    if (name && nl > 0)
      vg_jx_emit(x, name, nl);
    break;
  }
  case VG_JF_EC2_IMAGEID:
    ct_imageids(x, 0);
    break;
  case VG_JF_EC2_IMAGEIDS:
    ct_imageids(x, x->arg->present ? (x->arg->index > (uint64_t)INT64_MAX
                                          ? INT64_MAX
                                          : (int64_t)x->arg->index)
                                   : -1);
    break;
  default:
    return VIGIL_E_UNSUPPORTED;
  }
  return VIGIL_OK;
}

/* ---- okta -------------------------------------------------------------------
 */

/* A string member of the canonical record; "" when omitted (omitempty). */
static void okta_s(vg_jx *x, const char *k1, const char *k2, const char *k3,
                   const char *k4) {
  const json_t *v = vg_jx_path(R, k1, k2, k3, k4, NULL);
  emit_sbytes(x, v);
}

static void okta_target(vg_jx *x, const char *type, const char *what) {
  const json_t *t = vg_jx_get(R, "target"), *last = NULL;
  for (size_t i = 0; i < json_array_size(t); i++) {
    size_t n;
    const json_t *e = json_array_get(t, i);
    const char *s = vg_jx_str(e, &n, "type", NULL);
    if (eq(s, n, type))
      last = e;
  }
  if (last)
    emit_sbytes(x, vg_jx_get(last, what));
}

vigil_status vg_jx_okta(vg_jx *x, int id) {
  const char *D = "debugContext", *DD = "debugData", *C = "client";
  size_t n;
  const char *s;
  switch (id) {
  case VG_JF_OKTA_APP:
    s = vg_jx_str(R, &n, D, DD, "requestUri", NULL);
    if (s && n >= 5 && memcmp(s, "/app/", 5) == 0) {
      /* strings.Split(uri, "/")[2] */
      const char *p = s + 5, *e = memchr(p, '/', n - 5);
      vg_jx_emit(x, p, e ? (size_t)(e - p) : n - 5);
    }
    break;
  case VG_JF_OKTA_BEHAVIORS:
    okta_s(x, D, DD, "behaviors", NULL);
    break;
  case VG_JF_OKTA_ORG:
    vg_jx_emit_cstr(x, vg_jx_okta_org());
    break;
  case VG_JF_OKTA_EVT_TYPE:
    okta_s(x, "eventType", NULL, NULL, NULL);
    break;
  case VG_JF_OKTA_EVT_LEGACYTYPE:
    okta_s(x, "legacyEventType", NULL, NULL, NULL);
    break;
  case VG_JF_OKTA_SEVERITY:
    okta_s(x, "severity", NULL, NULL, NULL);
    break;
  case VG_JF_OKTA_MESSAGE:
    okta_s(x, "displayMessage", NULL, NULL, NULL);
    break;
  case VG_JF_OKTA_PUBLISHED:
    okta_s(x, "published", NULL, NULL, NULL);
    break;
  case VG_JF_OKTA_LOGONLYSECURITYDATA:
    okta_s(x, D, DD, "logOnlySecurityData", NULL);
    break;
  case VG_JF_OKTA_ACTOR_ID:
    okta_s(x, "actor", "id", NULL, NULL);
    break;
  case VG_JF_OKTA_ACTOR_TYPE:
    okta_s(x, "actor", "type", NULL, NULL);
    break;
  case VG_JF_OKTA_ACTOR_ALTERNATEID:
    okta_s(x, "actor", "alternateId", NULL, NULL);
    break;
  case VG_JF_OKTA_ACTOR_NAME:
    okta_s(x, "actor", "displayName", NULL, NULL);
    break;
  case VG_JF_OKTA_CLIENT_ZONE:
    okta_s(x, C, "zone", NULL, NULL);
    break;
  case VG_JF_OKTA_CLIENT_IP:
    okta_s(x, C, "ipAddress", NULL, NULL);
    break;
  case VG_JF_OKTA_CLIENT_DEVICE:
    okta_s(x, C, "device", NULL, NULL);
    break;
  case VG_JF_OKTA_CLIENT_ID:
    okta_s(x, C, "id", NULL, NULL);
    break;
  case VG_JF_OKTA_CLIENT_GEO_CITY:
    okta_s(x, C, "geographicalContext", "city", NULL);
    break;
  case VG_JF_OKTA_CLIENT_GEO_STATE:
    okta_s(x, C, "geographicalContext", "state", NULL);
    break;
  case VG_JF_OKTA_CLIENT_GEO_COUNTRY:
    okta_s(x, C, "geographicalContext", "country", NULL);
    break;
  case VG_JF_OKTA_CLIENT_GEO_POSTALCODE:
    okta_s(x, C, "geographicalContext", "postalCode", NULL);
    break;
  case VG_JF_OKTA_CLIENT_GEO_LAT:
  case VG_JF_OKTA_CLIENT_GEO_LON: {
    const json_t *v =
        vg_jx_path(R, C, "geographicalContext", "geolocation",
                   id == VG_JF_OKTA_CLIENT_GEO_LAT ? "lat" : "lonDe", NULL);
    size_t start = vg_jx_begin(x);
    vg_json_render_go_float(&x->sb,
                            json_is_number(v) ? json_number_value(v) : 0.0);
    vg_jx_end(x, start);
    break;
  }
  case VG_JF_OKTA_USERAGENT_OS:
    okta_s(x, C, "userAgent", "os", NULL);
    break;
  case VG_JF_OKTA_USERAGENT_BROWSER:
    okta_s(x, C, "userAgent", "browser", NULL);
    break;
  case VG_JF_OKTA_USERAGENT_RAW:
    okta_s(x, C, "userAgent", "rawUserAgent", NULL);
    break;
  case VG_JF_OKTA_RESULT:
    okta_s(x, "outcome", "result", NULL, NULL);
    break;
  case VG_JF_OKTA_REASON:
    okta_s(x, "outcome", "reason", NULL, NULL);
    break;
  case VG_JF_OKTA_TRANSACTION_ID:
    okta_s(x, "transaction", "id", NULL, NULL);
    break;
  case VG_JF_OKTA_TRANSACTION_TYPE:
    okta_s(x, "transaction", "type", NULL, NULL);
    break;
  case VG_JF_OKTA_REQUESTURI:
    okta_s(x, D, DD, "requestUri", NULL);
    break;
  case VG_JF_OKTA_PRINCIPAL_ID:
    okta_s(x, D, DD, "originalPrincipal", "id");
    break;
  case VG_JF_OKTA_PRINCIPAL_ALTERNATEID:
    okta_s(x, D, DD, "originalPrincipal", "alternateId");
    break;
  case VG_JF_OKTA_PRINCIPAL_TYPE:
    okta_s(x, D, DD, "originalPrincipal", "type");
    break;
  case VG_JF_OKTA_PRINCIPAL_NAME:
    okta_s(x, D, DD, "originalPrincipal", "displayName");
    break;
  case VG_JF_OKTA_AUTHENTICATION_STEP:
  case VG_JF_OKTA_SECURITY_ASNUMBER:
    /* the plugin hands a Go int to a string / uint64 field: the SDK's type
     * assertion fails and the extraction errors out */
    break;
  case VG_JF_OKTA_AUTHENTICATION_SESSIONID:
    okta_s(x, "authenticationContext", "externalSessionId", NULL, NULL);
    break;
  case VG_JF_OKTA_AUTHENTICATION_PROVIDER:
    okta_s(x, "authenticationContext", "authenticationProvider", NULL, NULL);
    break;
  case VG_JF_OKTA_AUTHENTICATION_CREDENTIALPROVIDER:
    okta_s(x, "authenticationContext", "credentialProvider", NULL, NULL);
    break;
  case VG_JF_OKTA_SECURITY_ASORG:
    okta_s(x, "securityContext", "asOrg", NULL, NULL);
    break;
  case VG_JF_OKTA_SECURITY_ISP:
    okta_s(x, "securityContext", "isp", NULL, NULL);
    break;
  case VG_JF_OKTA_SECURITY_DOMAIN:
    okta_s(x, "securityContext", "domain", NULL, NULL);
    break;
  case VG_JF_OKTA_SECURITY_ISPROXY:
    okta_s(x, "securityContext", "isProxy", NULL, NULL);
    break;
  case VG_JF_OKTA_TARGET_USER_ID:
    okta_target(x, "User", "id");
    break;
  case VG_JF_OKTA_TARGET_USER_ALTERNATEID:
    okta_target(x, "User", "alternateId");
    break;
  case VG_JF_OKTA_TARGET_USER_NAME:
    okta_target(x, "User", "displayName");
    break;
  case VG_JF_OKTA_TARGET_GROUP_ID:
    okta_target(x, "UserGroup", "id");
    break;
  case VG_JF_OKTA_TARGET_GROUP_ALTERNATEID:
    okta_target(x, "UserGroup", "alternateId");
    break;
  case VG_JF_OKTA_TARGET_GROUP_NAME:
    okta_target(x, "UserGroup", "displayName");
    break;
  case VG_JF_OKTA_TARGET_APP_ALTERNATEID:
    okta_target(x, "AppInstance", "alternateId");
    break;
  case VG_JF_OKTA_TARGETS_DISPLAYNAME: {
    const json_t *t = vg_jx_get(R, "target");
    size_t cnt = json_array_size(t);
    if (cnt == 0)
      break;
    if (x->arg->present) {
      if (x->arg->index < cnt)
        emit_sbytes(x, vg_jx_get(json_array_get(t, (size_t)x->arg->index),
                                 "displayName"));
      break;
    }
    size_t start = vg_jx_begin(x);
    vg_jbuf_putc(&x->sb, '(');
    for (size_t i = 0; i < cnt; i++) {
      if (i)
        vg_jbuf_putc(&x->sb, ',');
      s = sbytes(vg_jx_get(json_array_get(t, i), "displayName"), &n);
      vg_jbuf_put(&x->sb, s, n);
    }
    vg_jbuf_putc(&x->sb, ')');
    vg_jx_end(x, start);
    break;
  }
  case VG_JF_OKTA_MFA_FAILURE_COUNTLAST:
  case VG_JF_OKTA_MFA_DENY_COUNTLAST: {
    /* both fields share one implementation upstream */
    if (x->ev->mfa_n == 0)
      break;
    uint64_t oldest = x->ev->ts - x->arg->index * UINT64_C(1000000000);
    uint64_t count = 0;
    for (size_t i = 0; i < x->ev->mfa_n; i++)
      if (x->ev->mfa_ts[i] > oldest)
        count++;
    vg_jx_emit_u64(x, count);
    break;
  }
  default:
    return VIGIL_E_UNSUPPORTED;
  }
  return VIGIL_OK;
}

/* ---- github -----------------------------------------------------------------
 */

/* fastjson GetUint64: an unsigned integer, else 0 */
static uint64_t gh_u64(const json_t *v) {
  if (json_is_integer(v) && json_integer_value(v) >= 0)
    return (uint64_t)json_integer_value(v);
  return 0;
}

static void strip_comma(vg_jx *x, size_t start) {
  if (x->sb.len > start && vg_jbuf_ok(&x->sb) && x->sb.p[x->sb.len - 1] == ',')
    x->sb.len--;
}

enum gh_match { GH_DESC, GH_FILE, GH_LINE, GH_LINK };

/* getMatchField and the links loop: one entry per match, "," between the
 * matches of a file, nothing between files */
static void gh_matches(vg_jx *x, enum gh_match what) {
  const json_t *files = vg_jx_get(R, "files");
  size_t n;
  const char *s;
  if (!json_is_array(files)) {
    if (what == GH_LINK)
      vg_jx_emit(x, "", 0);
    return;
  }
  size_t start = vg_jx_begin(x);
  for (size_t i = 0; i < json_array_size(files); i++) {
    const json_t *f = json_array_get(files, i);
    const json_t *m = vg_jx_get(f, "matches");
    for (size_t j = 0; json_is_array(m) && j < json_array_size(m); j++) {
      const json_t *c = json_array_get(m, j);
      switch (what) {
      case GH_DESC:
        s = sbytes(vg_jx_get(c, "desc"), &n);
        vg_jbuf_put(&x->sb, s, n);
        break;
      case GH_FILE:
        s = sbytes(vg_jx_get(f, "name"), &n);
        vg_jbuf_put(&x->sb, s, n);
        break;
      case GH_LINE:
        put_u64(x, gh_u64(vg_jx_get(c, "line")));
        break;
      case GH_LINK:
        s = sbytes(vg_jx_path(R, "repository", "html_url", NULL), &n);
        vg_jbuf_put(&x->sb, s, n);
        put_cstr(x, "/blob/");
        s = sbytes(vg_jx_path(R, "head_commit", "id", NULL), &n);
        vg_jbuf_put(&x->sb, s, n);
        vg_jbuf_putc(&x->sb, '/');
        s = sbytes(vg_jx_get(f, "name"), &n);
        vg_jbuf_put(&x->sb, s, n);
        put_cstr(x, "/#L");
        put_u64(x, gh_u64(vg_jx_get(c, "line")));
        break;
      }
      vg_jbuf_putc(&x->sb, ',');
    }
    strip_comma(x, start);
  }
  vg_jx_end(x, start);
}

static void gh_commit_files(vg_jx *x, const char *sub) {
  const json_t *commits = vg_jx_get(R, "commits");
  size_t start = vg_jx_begin(x), n;
  for (size_t i = 0; json_is_array(commits) && i < json_array_size(commits);
       i++) {
    const json_t *l = vg_jx_get(json_array_get(commits, i), sub);
    for (size_t j = 0; json_is_array(l) && j < json_array_size(l); j++) {
      const char *s = sbytes(json_array_get(l, j), &n);
      vg_jbuf_put(&x->sb, s, n);
      vg_jbuf_putc(&x->sb, ',');
    }
    strip_comma(x, start);
  }
  vg_jx_end(x, start);
}

static void gh_s(vg_jx *x, const char *k1, const char *k2, const char *k3) {
  emit_sbytes(x, vg_jx_path(R, k1, k2, k3, NULL));
}

vigil_status vg_jx_github(vg_jx *x, int id) {
  const json_t *v;
  size_t n;
  const char *s;
  switch (id) {
  case VG_JF_GITHUB_TYPE:
    gh_s(x, "webhook_type", NULL, NULL);
    break;
  case VG_JF_GITHUB_ACTION:
    gh_s(x, "action", NULL, NULL);
    break;
  case VG_JF_GITHUB_USER:
    gh_s(x, "sender", "login", NULL);
    break;
  case VG_JF_GITHUB_REPO:
  case VG_JF_GITHUB_REPO_URL:
    gh_s(x, "repository", "html_url", NULL);
    break;
  case VG_JF_GITHUB_REPO_NAME:
    s = sbytes(vg_jx_path(R, "repository", "html_url", NULL), &n);
    if (n >= 19 && memcmp(s, "https://github.com/", 19) == 0)
      s += 19, n -= 19;
    vg_jx_emit(x, s, n);
    break;
  case VG_JF_GITHUB_REPO_DESCRIPTION:
    gh_s(x, "repository", "description", NULL);
    break;
  case VG_JF_GITHUB_ORG:
    gh_s(x, "organization", "login", NULL);
    break;
  case VG_JF_GITHUB_OWNER:
    gh_s(x, "repository", "owner", "login");
    break;
  case VG_JF_GITHUB_REPO_PUBLIC:
    v = vg_jx_path(R, "repository", "private", NULL);
    vg_jx_emit_cstr(x, json_is_true(v) ? "false" : "true");
    break;
  case VG_JF_GITHUB_COLLABORATOR_NAME:
    gh_s(x, "member", "login", NULL);
    break;
  case VG_JF_GITHUB_COLLABORATOR_ROLE:
    gh_s(x, "changes", "permission", "to");
    break;
  case VG_JF_GITHUB_WEBHOOK_ID: {
    size_t start = vg_jx_begin(x);
    put_u64(x, gh_u64(vg_jx_path(R, "hook", "id", NULL)));
    vg_jx_end(x, start);
    break;
  }
  case VG_JF_GITHUB_WEBHOOK_TYPE:
    gh_s(x, "hook", "type", NULL);
    break;
  case VG_JF_GITHUB_COMMIT_ADDED:
    gh_commit_files(x, "added");
    break;
  case VG_JF_GITHUB_COMMIT_MODIFIED:
    gh_commit_files(x, "modified");
    break;
  case VG_JF_GITHUB_COMMIT_REMOVED:
    gh_commit_files(x, "removed");
    break;
  case VG_JF_GITHUB_DIFF_HAS_SECRETS: {
    const json_t *files = vg_jx_get(R, "files");
    const char *res = "";
    if (json_is_array(files)) {
      res = "false";
      for (size_t i = 0; i < json_array_size(files); i++)
        if (json_array_size(vg_jx_get(json_array_get(files, i), "matches"))) {
          res = "true";
          break;
        }
    }
    vg_jx_emit_cstr(x, res);
    break;
  }
  case VG_JF_GITHUB_DIFF_COMMITTED_SECRETS_DESC:
    gh_matches(x, GH_DESC);
    break;
  case VG_JF_GITHUB_DIFF_COMMITTED_SECRETS_FILES:
    gh_matches(x, GH_FILE);
    break;
  case VG_JF_GITHUB_DIFF_COMMITTED_SECRETS_LINES:
    gh_matches(x, GH_LINE);
    break;
  case VG_JF_GITHUB_DIFF_COMMITTED_SECRETS_LINKS:
    gh_matches(x, GH_LINK);
    break;
  case VG_JF_GITHUB_WORKFLOW_HAS_MINERS:
    v = vg_jx_path(R, "workflow_miner_detections", "matches", NULL);
    if (json_is_array(v))
      vg_jx_emit_cstr(x, json_array_size(v) ? "true" : "false");
    break;
  case VG_JF_GITHUB_WORKFLOW_MINERS_TYPE: {
    /* distinct types; Go's map order is random, ours is first seen */
    v = vg_jx_path(R, "workflow_miner_detections", "matches", NULL);
    if (!json_is_array(v))
      break;
    size_t start = vg_jx_begin(x);
    for (size_t i = 0; i < json_array_size(v); i++) {
      s = sbytes(vg_jx_get(json_array_get(v, i), "type"), &n);
      bool seen = false;
      for (size_t j = 0; j < i && !seen; j++) {
        size_t m;
        const char *t = sbytes(vg_jx_get(json_array_get(v, j), "type"), &m);
        seen = m == n && memcmp(s, t, n) == 0;
      }
      if (seen)
        continue;
      if (x->sb.len > start)
        vg_jbuf_putc(&x->sb, ',');
      vg_jbuf_put(&x->sb, s, n);
    }
    vg_jx_end(x, start);
    break;
  }
  case VG_JF_GITHUB_WORKFLOW_FILENAME:
    gh_s(x, "workflow", "path", NULL);
    break;
  default:
    return VIGIL_E_UNSUPPORTED;
  }
  return VIGIL_OK;
}

/* ---- gcpaudit ---------------------------------------------------------------
 */

static void gcp_s(vg_jx *x, const char *k1, const char *k2, const char *k3) {
  const json_t *v = vg_jx_path(R, k1, k2, k3, NULL);
  if (v)
    emit_sbytes(x, v);
}

vigil_status vg_jx_gcp(vg_jx *x, int id) {
  const char *P = "protoPayload", *RS = "resource", *L = "labels";
  size_t n;
  const char *s;
  switch (id) {
  case VG_JF_GCP_USER:
    gcp_s(x, P, "authenticationInfo", "principalEmail");
    break;
  case VG_JF_GCP_CALLERIP:
    gcp_s(x, P, "requestMetadata", "callerIp");
    break;
  case VG_JF_GCP_USERAGENT:
    gcp_s(x, P, "requestMetadata", "callerSuppliedUserAgent");
    break;
  case VG_JF_GCP_AUTHORIZATIONINFO:
    gcp_s(x, P, "authorizationInfo", NULL);
    break;
  case VG_JF_GCP_SERVICENAME:
    gcp_s(x, P, "serviceName", NULL);
    break;
  case VG_JF_GCP_REQUEST:
    gcp_s(x, P, "request", NULL);
    break;
  case VG_JF_GCP_POLICYDELTA: {
    s = vg_jx_str(R, &n, RS, "type", NULL);
    const json_t *v = eq(s, n, "gcs_bucket")
                          ? vg_jx_path(R, P, "serviceData", "policyDelta",
                                       "bindingDeltas", NULL)
                          : vg_jx_path(R, P, "metadata", "datasetChange",
                                       "bindingDeltas", NULL);
    if (v)
      emit_sbytes(x, v);
    break;
  }
  case VG_JF_GCP_METHODNAME:
    gcp_s(x, P, "methodName", NULL);
    break;
  case VG_JF_GCP_CLOUDFUNCTIONS_FUNCTION:
    gcp_s(x, RS, L, "function_name");
    break;
  case VG_JF_GCP_CLOUDSQL_DATABASEID:
    gcp_s(x, RS, L, "database_id");
    break;
  case VG_JF_GCP_COMPUTE_INSTANCEID:
    gcp_s(x, RS, L, "instance_id");
    break;
  case VG_JF_GCP_COMPUTE_NETWORKID:
    gcp_s(x, RS, L, "network_id");
    break;
  case VG_JF_GCP_COMPUTE_SUBNETWORK:
    gcp_s(x, RS, L, "subnetwork_name");
    break;
  case VG_JF_GCP_COMPUTE_SUBNETWORKID:
    gcp_s(x, RS, L, "subnetwork_id");
    break;
  case VG_JF_GCP_DNS_ZONE:
    gcp_s(x, RS, L, "zone_name");
    break;
  case VG_JF_GCP_IAM_SERVICEACCOUNT:
    gcp_s(x, RS, L, "email_id");
    break;
  case VG_JF_GCP_IAM_SERVICEACCOUNTID:
    gcp_s(x, RS, L, "unique_id");
    break;
  case VG_JF_GCP_LOCATION: {
    const json_t *v = vg_jx_path(R, RS, L, "location", NULL);
    if (!v)
      v = vg_jx_path(R, RS, L, "region", NULL);
    if (v) {
      emit_sbytes(x, v);
      break;
    }
    s = vg_jx_str(R, &n, RS, L, "zone", NULL);
    if (s && n > 2)
      vg_jx_emit(x, s, n - 2);
    else if (s && n > 0)
      vg_jx_emit(x, s, n);
    break;
  }
  case VG_JF_GCP_LOGGING_SINK:
    s = vg_jx_str(R, &n, RS, "type", NULL);
    if (eq(s, n, "logging_sink"))
      gcp_s(x, RS, L, "name");
    break;
  case VG_JF_GCP_PROJECTID:
    gcp_s(x, RS, L, "project_id");
    break;
  case VG_JF_GCP_RESOURCENAME:
    gcp_s(x, P, "resourceName", NULL);
    break;
  case VG_JF_GCP_RESOURCETYPE:
    gcp_s(x, RS, "type", NULL);
    break;
  case VG_JF_GCP_RESOURCELABELS: {
    const json_t *v = vg_jx_path(R, RS, L, NULL);
    if (v) {
      size_t start = vg_jx_begin(x);
      vg_json_render_compact(&x->sb, v);
      vg_jx_end(x, start);
    }
    break;
  }
  case VG_JF_GCP_STORAGE_BUCKET:
    gcp_s(x, RS, L, "bucket_name");
    break;
  case VG_JF_GCP_TIME:
    gcp_s(x, "timestamp", NULL, NULL);
    break;
  default:
    return VIGIL_E_UNSUPPORTED;
  }
  return VIGIL_OK;
}

/* ---- json plugin
 * -------------------------------------------------------------- */

/* One pointer segment, unescaped (~1 -> '/', then ~0 -> '~') into scratch,
 * looked up with fastjson's Get. */
static const json_t *ptr_step(vg_jx *x, const json_t *v, const char *seg,
                              size_t n) {
  size_t start = vg_jx_begin(x), len;
  /* first pass: ~1 -> / */
  for (size_t i = 0; i < n; i++) {
    if (seg[i] == '~' && i + 1 < n && seg[i + 1] == '1') {
      vg_jbuf_putc(&x->sb, '/');
      i++;
    } else {
      vg_jbuf_putc(&x->sb, seg[i]);
    }
  }
  const char *t = vg_jx_text(x, start, &len);
  if (!t)
    return NULL;
  /* second pass in place: ~0 -> ~ */
  char *w = (char *)x->sb.p + start;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    if (w[i] == '~' && i + 1 < len && w[i + 1] == '0') {
      w[o++] = '~';
      i++;
    } else {
      w[o++] = w[i];
    }
  }
  x->sb.len = start + o;
  vg_jbuf_putc(&x->sb, '\0');
  if (!vg_jbuf_ok(&x->sb))
    return NULL;
  if (json_is_object(v))
    return json_object_getn(v, w, o);
  return vg_jx_get(v, w); /* arrays: Atoi on the segment */
}

vigil_status vg_jx_json(vg_jx *x, int id) {
  switch (id) {
  case VG_JF_JSON_VALUE:
  case VG_JF_JEVT_VALUE: {
    const json_t *v = R;
    const char *k = x->arg->key ? x->arg->key : "";
    size_t kn = x->arg->key ? x->arg->key_len : 0;
    if (kn > 0) {
      if (k[0] == '/')
        k++, kn--;
      /* strings.Split(arg, "/"): every segment, empty ones included */
      for (;;) {
        const char *sl = memchr(k, '/', kn);
        size_t sn = sl ? (size_t)(sl - k) : kn;
        v = ptr_step(x, v, k, sn);
        if (!v)
          return VIGIL_OK;
        if (!sl)
          break;
        kn -= sn + 1;
        k = sl + 1;
      }
    }
    vg_jx_emit_as_string(x, v);
    break;
  }
  case VG_JF_JSON_OBJ:
  case VG_JF_JEVT_OBJ: {
    size_t start = vg_jx_begin(x);
    vg_json_render_indent(&x->sb, R);
    vg_jx_end(x, start);
    break;
  }
  case VG_JF_JSON_RAWTIME:
  case VG_JF_JEVT_RAWTIME: {
    size_t start = vg_jx_begin(x);
    put_u64(x, x->ev->ts);
    vg_jx_end(x, start);
    break;
  }
  default:
    return VIGIL_E_UNSUPPORTED;
  }
  return VIGIL_OK;
}
