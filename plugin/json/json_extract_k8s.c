/*
 * json_extract_k8s.c - the k8saudit plugin's ka.* fields (k8saudit 0.18.0,
 * pkg/k8saudit/extract.go). Rendering: strings as their text, any other
 * JSON value as compact JSON. Nothing is extracted from a payload without a
 * top-level auditID. An upstream extraction error (wrong JSON type where a
 * list or string is required) yields no value.
 *
 * The central helper is walk(), the plugin's getValuesRecursive: it follows
 * a key path and, at every array met before a key, either takes the element
 * chosen by the [N] argument or fans out over all elements (a branch that
 * finds nothing contributes a "nil" the callers skip or default).
 */
#include <stdlib.h>
#include <string.h>

#include "json/json_extract.h"

#define NO_INDEX (-1)

typedef struct wctx wctx;
typedef void (*walk_cb)(vg_jx *x, const json_t *v, wctx *c);

struct wctx {
  walk_cb cb;
  bool err;         /* an upstream error: the field yields nothing */
  size_t count;     /* values produced */
  bool any_true;    /* ka.req.container.privileged */
  const char *dflt; /* eff_run_as_*: pod-level default */
  size_t dflt_n;
  bool cut_repo;   /* image.repository: cut at ':' then '@' */
  const char *key; /* ka.req.volume.hostpath argument */
  size_t key_n;
  bool match;
};

/* Returns false when the path is not available (ErrExtractNotAvailable). */
static bool walk(vg_jx *x, const json_t *v, int64_t idx,
                 const char *const *keys, size_t nk, wctx *c) {
  for (size_t i = 0; i < nk; i++) {
    if (json_is_array(v)) {
      if (idx == NO_INDEX) {
        for (size_t j = 0; j < json_array_size(v); j++)
          if (!walk(x, json_array_get(v, j), idx, keys + i, nk - i, c))
            c->cb(x, NULL, c);
        return true;
      }
      if ((uint64_t)idx >= json_array_size(v))
        return false;
      v = json_array_get(v, (size_t)idx);
    }
    if (keys[i][0])
      v = vg_jx_get(v, keys[i]);
    if (!v)
      return false;
  }
  c->cb(x, v, c);
  return true;
}

/* argIndexFilter: int(req.ArgIndex()); a key argument's (uint64_t)-1
 * becomes -1, i.e. no filter */
static int64_t arg_index(const vg_jx *x) {
  if (!x->arg->present || x->arg->index == UINT64_MAX)
    return NO_INDEX;
  if (x->arg->index > (uint64_t)INT64_MAX)
    return INT64_MAX; /* never a valid element */
  return (int64_t)x->arg->index;
}

/* extractFromKeys: one value, or for list fields every element of the
 * array found. */
static void from_keys(vg_jx *x, const char *const *keys, size_t nk) {
  const json_t *v = x->ev->root;
  for (size_t i = 0; i < nk && v; i++)
    v = vg_jx_get(v, keys[i]);
  if (!v)
    return;
  if (x->info->is_list) {
    if (!json_is_array(v))
      return; /* ErrExtractWrongType */
    for (size_t i = 0; i < json_array_size(v); i++)
      vg_jx_emit_as_string(x, json_array_get(v, i));
    return;
  }
  vg_jx_emit_as_string(x, v);
}

#define KEYS(...) ((const char *const[]){__VA_ARGS__})
#define NKEYS(...) (sizeof(KEYS(__VA_ARGS__)) / sizeof(const char *))
#define FROM_KEYS(x, ...) from_keys(x, KEYS(__VA_ARGS__), NKEYS(__VA_ARGS__))

/* ---- callbacks ------------------------------------------------------------
 */

/* arrayAsStringsSkipNil */
static void cb_skipnil(vg_jx *x, const json_t *v, wctx *c) {
  if (v) {
    vg_jx_emit_as_string(x, v);
    c->count++;
  }
}

/* image.repository: strings.Split(strings.Split(image, ":")[0], "@")[0] */
static void emit_repo(vg_jx *x, const char *s, size_t n) {
  const char *p = memchr(s, ':', n);
  if (p)
    n = (size_t)(p - s);
  p = memchr(s, '@', n);
  if (p)
    n = (size_t)(p - s);
  vg_jx_emit(x, s, n);
}

/* arrayAsStrings: a nil is an error (names, images) */
static void cb_strict(vg_jx *x, const json_t *v, wctx *c) {
  if (!v) {
    c->err = true;
    return;
  }
  if (c->cut_repo) {
    size_t n;
    const char *s = vg_jx_as_string(x, v, &n);
    emit_repo(x, s ? s : "", n);
  } else {
    vg_jx_emit_as_string(x, v);
  }
  c->count++;
}

/* readContainerCommands/Args: nil skipped, each must be an array of
 * strings, joined with spaces */
static void cb_words(vg_jx *x, const json_t *v, wctx *c) {
  if (!v)
    return;
  if (!json_is_array(v)) {
    c->err = true;
    return;
  }
  size_t start = vg_jx_begin(x);
  for (size_t i = 0; i < json_array_size(v); i++) {
    const json_t *w = json_array_get(v, i);
    if (!json_is_string(w)) {
      c->err = true;
      return;
    }
    if (i)
      vg_jbuf_putc(&x->sb, ' ');
    vg_jbuf_put(&x->sb, json_string_value(w), json_string_length(w));
  }
  vg_jx_end(x, start);
  c->count++;
}

/* readContainerHostPorts: hostPort, else containerPort, of each port */
static void cb_ports(vg_jx *x, const json_t *v, wctx *c) {
  if (!v)
    return;
  if (!json_is_array(v)) {
    c->err = true;
    return;
  }
  for (size_t i = 0; i < json_array_size(v); i++) {
    const json_t *port = json_array_get(v, i);
    const json_t *p = vg_jx_get(port, "hostPort");
    if (!p)
      p = vg_jx_get(port, "containerPort");
    if (p) {
      vg_jx_emit_as_string(x, p);
      c->count++;
    }
  }
}

/* readFromContainerEffectively: the container's value or the pod's */
static void cb_eff(vg_jx *x, const json_t *v, wctx *c) {
  if (v)
    vg_jx_emit_as_string(x, v);
  else
    vg_jx_emit(x, c->dflt, c->dflt_n);
  c->count++;
}

/* extractRulesField: elements of every array found */
static void cb_flatten(vg_jx *x, const json_t *v, wctx *c) {
  if (!json_is_array(v))
    return;
  for (size_t i = 0; i < json_array_size(v); i++) {
    vg_jx_emit_as_string(x, json_array_get(v, i));
    c->count++;
  }
}

/* ka.req.pod.volumes.volume_type: member names other than "name" */
static void cb_keys(vg_jx *x, const json_t *v, wctx *c) {
  const char *k;
  json_t *m;
  if (!json_is_object(v))
    return;
  json_object_foreach((json_t *)v, k, m) {
    if (strcmp(k, "name") != 0) {
      vg_jx_emit_cstr(x, k);
      c->count++;
    }
  }
}

/* ka.req.container.privileged */
static void cb_any_true(vg_jx *x, const json_t *v, wctx *c) {
  (void)x;
  if (json_is_true(v))
    c->any_true = true;
}

/* ka.req.volume.hostpath: equality, or prefix when the key ends in '*' */
static void cb_hostpath(vg_jx *x, const json_t *v, wctx *c) {
  if (!v || c->match)
    return;
  size_t save = x->sb.len, n;
  const char *s = vg_jx_as_string(x, v, &n);
  if (s) {
    bool prefix = c->key[c->key_n - 1] == '*';
    if ((prefix && n >= c->key_n - 1 && memcmp(s, c->key, c->key_n - 1) == 0) ||
        (n == c->key_n && memcmp(s, c->key, n) == 0))
      c->match = true;
  }
  x->sb.len = save; /* the rendering was only for the comparison */
}

/* ---- field groups
 * ------------------------------------------------------------ */

static bool run(vg_jx *x, int64_t idx, const char *const *keys, size_t nk,
                wctx *c) {
  bool ok = walk(x, x->ev->root, idx, keys, nk, c);
  if (c->err)
    vg_jx_reset(x);
  return ok && !c->err;
}

enum csub {
  C_ARGS,
  C_COMMAND,
  C_NAME,
  C_IMAGE,
  C_REPO,
  C_HOST_PORT,
  C_PRIV,
  C_APE,
  C_ROFS,
  C_RUN_USER,
  C_EFF_USER,
  C_RUN_GROUP,
  C_EFF_GROUP,
  C_PROC_MOUNT,
  C_ADD_CAPS
};

static void container_field(vg_jx *x, const char *list, enum csub what) {
  wctx c = {0};
  int64_t idx = arg_index(x);
  const char *sc = "securityContext";
  const char *const *keys = NULL;
  const char *k[6] = {"requestObject", "spec", list, NULL, NULL, NULL};
  size_t nk = 4;
  switch (what) {
  case C_ARGS:
    k[3] = "args";
    c.cb = cb_words;
    break;
  case C_COMMAND:
    k[3] = "command";
    c.cb = cb_words;
    break;
  case C_NAME:
    k[3] = "name";
    c.cb = cb_strict;
    break;
  case C_IMAGE:
    k[3] = "image";
    c.cb = cb_strict;
    break;
  case C_REPO:
    k[3] = "image";
    c.cb = cb_strict;
    c.cut_repo = true;
    break;
  case C_HOST_PORT:
    k[3] = "ports";
    c.cb = cb_ports;
    break;
  case C_PRIV:
    k[3] = sc;
    k[4] = "privileged";
    nk = 5;
    break;
  case C_APE:
    k[3] = sc;
    k[4] = "allowPrivilegeEscalation";
    nk = 5;
    break;
  case C_ROFS:
    k[3] = sc;
    k[4] = "readOnlyRootFilesystem";
    nk = 5;
    break;
  case C_RUN_USER:
    k[3] = sc;
    k[4] = "runAsUser";
    nk = 5;
    break;
  case C_RUN_GROUP:
    k[3] = sc;
    k[4] = "runAsGroup";
    nk = 5;
    break;
  case C_PROC_MOUNT:
    k[3] = sc;
    k[4] = "procMount";
    nk = 5;
    break;
  case C_ADD_CAPS:
    k[3] = sc, k[4] = "capabilities", k[5] = "add", nk = 6;
    break;
  case C_EFF_USER:
  case C_EFF_GROUP: {
    const char *key = what == C_EFF_USER ? "runAsUser" : "runAsGroup";
    const json_t *pod =
        vg_jx_path(x->ev->root, "requestObject", "spec", key, NULL);
    c.dflt = "0";
    c.dflt_n = 1;
    if (pod) {
      c.dflt = vg_jx_as_string(x, pod, &c.dflt_n);
      if (!c.dflt)
        c.dflt = "";
    }
    k[3] = key;
    c.cb = cb_eff;
    break;
  }
  }
  if (!c.cb)
    c.cb = cb_skipnil;
  keys = k;
  run(x, idx, keys, nk, &c);
}

static void rules_field(vg_jx *x, const char *key) {
  wctx c = {0};
  c.cb = cb_flatten;
  run(x, arg_index(x), KEYS("requestObject", "rules", key), 3, &c);
}

static void subjects_by_kind(vg_jx *x, const char *kind, bool with_ns) {
  const json_t *subs =
      vg_jx_path(x->ev->root, "requestObject", "subjects", NULL);
  if (!json_is_array(subs))
    return; /* missing: empty list; not an array: ErrExtractWrongType */
  for (size_t i = 0; i < json_array_size(subs); i++) {
    const json_t *s = json_array_get(subs, i);
    const json_t *k = vg_jx_get(s, "kind"), *nm = vg_jx_get(s, "name");
    if (!k || !nm || !json_is_string(k) || strcmp(json_string_value(k), kind))
      continue;
    if (!with_ns) {
      vg_jx_emit_as_string(x, nm);
      continue;
    }
    const json_t *ns = vg_jx_get(s, "namespace");
    if (!ns)
      continue;
    size_t start = vg_jx_begin(x);
    if (json_is_string(ns))
      vg_jbuf_put(&x->sb, json_string_value(ns), json_string_length(ns));
    else
      vg_json_render_compact(&x->sb, ns);
    vg_jbuf_putc(&x->sb, ':');
    if (json_is_string(nm))
      vg_jbuf_put(&x->sb, json_string_value(nm), json_string_length(nm));
    else
      vg_json_render_compact(&x->sb, nm);
    vg_jx_end(x, start);
  }
}

/* ---- ka.uri.param: Go's url.Parse + url.ParseQuery, first value ---------- */

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Checks %XX escapes in s[0..n). */
static bool escapes_ok(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == '%' &&
        (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0))
      return false;
  return true;
}

/* QueryUnescape of s[0..n) into scratch ('+' is a space). */
static void put_unescaped(vg_jx *x, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+') {
      vg_jbuf_putc(&x->sb, ' ');
    } else if (s[i] == '%') {
      vg_jbuf_putc(&x->sb, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else {
      vg_jbuf_putc(&x->sb, s[i]);
    }
  }
}

/* Whether the unescaped s[0..n) equals key[0..kn). */
static bool unescaped_eq(const char *s, size_t n, const char *key, size_t kn) {
  size_t j = 0;
  for (size_t i = 0; i < n; i++, j++) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    }
    if (j >= kn || key[j] != c)
      return false;
  }
  return j == kn;
}

static void uri_param(vg_jx *x) {
  const json_t *u = vg_jx_get(x->ev->root, "requestURI");
  size_t n;
  if (!u)
    return;
  const char *s = vg_jx_as_string(x, u, &n);
  if (!s)
    return;
  /* url.Parse: control characters are rejected; the fragment goes; the
   * query is what follows the first '?'; the path's escapes must be
   * valid. */
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return;
  const char *hash = memchr(s, '#', n);
  if (hash) {
    if (!escapes_ok(hash + 1, n - (size_t)(hash + 1 - s)))
      return;
    n = (size_t)(hash - s);
  }
  const char *q = memchr(s, '?', n);
  size_t plen = q ? (size_t)(q - s) : n;
  if (!escapes_ok(s, plen))
    return;
  if (!q)
    return;
  const char *qs = q + 1, *end = s + n;
  const char *found = NULL;
  size_t found_n = 0;
  /* ParseQuery: '&'-separated; a ';' is an error; every pair's escapes
   * must be valid, else the whole extraction fails */
  while (qs < end) {
    const char *amp = memchr(qs, '&', (size_t)(end - qs));
    const char *pe = amp ? amp : end;
    size_t pl = (size_t)(pe - qs);
    if (memchr(qs, ';', pl))
      return;
    if (pl > 0) {
      const char *eq = memchr(qs, '=', pl);
      size_t kl = eq ? (size_t)(eq - qs) : pl;
      if (!escapes_ok(qs, pl))
        return;
      if (!found && unescaped_eq(qs, kl, x->arg->key, x->arg->key_len)) {
        found = eq ? eq + 1 : pe;
        found_n = eq ? (size_t)(pe - eq - 1) : 0;
      }
    }
    qs = amp ? amp + 1 : end;
  }
  if (found) {
    size_t start = vg_jx_begin(x);
    put_unescaped(x, found, found_n);
    vg_jx_end(x, start);
  }
}

/* ---- dispatch
 * ----------------------------------------------------------------- */

static bool container_route(vg_jx *x, int id) {
  static const struct {
    int id;
    const char *list;
    enum csub what;
  } map[] = {
#define R(L, LN, N, W) {VG_JF_KA_REQ_POD_##L##_##N, LN, W}
#define ALL(L, LN)                                                             \
  R(L, LN, ARGS, C_ARGS), R(L, LN, COMMAND, C_COMMAND),                        \
      R(L, LN, NAME, C_NAME), R(L, LN, IMAGE, C_IMAGE),                        \
      R(L, LN, IMAGE_REPOSITORY, C_REPO), R(L, LN, PRIVILEGED, C_PRIV),        \
      R(L, LN, ALLOW_PRIVILEGE_ESCALATION, C_APE),                             \
      R(L, LN, READ_ONLY_FS, C_ROFS), R(L, LN, RUN_AS_USER, C_RUN_USER),       \
      R(L, LN, EFF_RUN_AS_USER, C_EFF_USER),                                   \
      R(L, LN, RUN_AS_GROUP, C_RUN_GROUP),                                     \
      R(L, LN, EFF_RUN_AS_GROUP, C_EFF_GROUP),                                 \
      R(L, LN, PROC_MOUNT, C_PROC_MOUNT),                                      \
      R(L, LN, ADD_CAPABILITIES, C_ADD_CAPS)
      ALL(CONTAINERS, "containers"),
      ALL(INITCONTAINERS, "initContainers"),
      ALL(EPHEMERALCONTAINERS, "ephemeralContainers"),
      /* the catalog has no ephemeralContainers.host_port */
      R(CONTAINERS, "containers", HOST_PORT, C_HOST_PORT),
      R(INITCONTAINERS, "initContainers", HOST_PORT, C_HOST_PORT),
#undef ALL
#undef R
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (map[i].id == id) {
      container_field(x, map[i].list, map[i].what);
      return true;
    }
  return false;
}

vigil_status vg_jx_k8s(vg_jx *x, int id) {
  const json_t *root = x->ev->root;
  /* discard unrelated JSON: k8saudit needs a top-level auditID */
  if (!vg_jx_get(root, "auditID"))
    return VIGIL_OK;
  if (container_route(x, id))
    return VIGIL_OK;
  switch (id) {
  case VG_JF_KA_AUDITID:
    FROM_KEYS(x, "auditID");
    break;
  case VG_JF_KA_STAGE:
    FROM_KEYS(x, "stage");
    break;
  case VG_JF_KA_AUTH_DECISION:
    FROM_KEYS(x, "annotations", "authorization.k8s.io/decision");
    break;
  case VG_JF_KA_AUTH_REASON:
    FROM_KEYS(x, "annotations", "authorization.k8s.io/reason");
    break;
  case VG_JF_KA_AUTH_OPENSHIFT_DECISION:
    FROM_KEYS(x, "annotations", "authentication.openshift.io/decision");
    break;
  case VG_JF_KA_AUTH_OPENSHIFT_USERNAME:
    FROM_KEYS(x, "annotations", "authentication.openshift.io/username");
    break;
  case VG_JF_KA_VALIDATIONS_ADMISSION_POLICY_FAILURE:
    FROM_KEYS(x, "annotations",
              "validation.policy.admission.k8s.io/validation_failure");
    break;
  case VG_JF_KA_SECURITY_POD_VIOLATIONS:
    FROM_KEYS(x, "annotations", "pod-security.kubernetes.io/audit-violations");
    break;
  case VG_JF_KA_USER_NAME:
    FROM_KEYS(x, "user", "username");
    break;
  case VG_JF_KA_USER_GROUPS:
    FROM_KEYS(x, "user", "groups");
    break;
  case VG_JF_KA_IMPUSER_NAME:
    FROM_KEYS(x, "impersonatedUser", "username");
    break;
  case VG_JF_KA_VERB:
    FROM_KEYS(x, "verb");
    break;
  case VG_JF_KA_URI:
    FROM_KEYS(x, "requestURI");
    break;
  case VG_JF_KA_URI_PARAM:
    uri_param(x);
    break;
  case VG_JF_KA_TARGET_NAME:
    FROM_KEYS(x, "objectRef", "name");
    break;
  case VG_JF_KA_TARGET_NAMESPACE:
    FROM_KEYS(x, "objectRef", "namespace");
    break;
  case VG_JF_KA_TARGET_RESOURCE:
    FROM_KEYS(x, "objectRef", "resource");
    break;
  case VG_JF_KA_TARGET_SUBRESOURCE:
    FROM_KEYS(x, "objectRef", "subresource");
    break;
  case VG_JF_KA_TARGET_POD_NAME: {
    size_t n = 0, m = 0;
    const char *res = vg_jx_str(root, &n, "objectRef", "resource", NULL);
    const char *sub = vg_jx_str(root, &m, "objectRef", "subresource", NULL);
    if (res && n == 4 && memcmp(res, "pods", 4) == 0 && (!sub || m == 0))
      FROM_KEYS(x, "responseObject", "metadata", "name");
    break;
  }
  case VG_JF_KA_REQ_BINDING_SUBJECTS:
    FROM_KEYS(x, "requestObject", "subjects");
    break;
  case VG_JF_KA_REQ_BINDING_SUBJECTS_USER_NAMES:
    subjects_by_kind(x, "User", false);
    break;
  case VG_JF_KA_REQ_BINDING_SUBJECTS_SERVICEACCOUNT_NAMES:
    subjects_by_kind(x, "ServiceAccount", false);
    break;
  case VG_JF_KA_REQ_BINDING_SUBJECTS_SERVICEACCOUNT_NS_NAMES:
    subjects_by_kind(x, "ServiceAccount", true);
    break;
  case VG_JF_KA_REQ_BINDING_SUBJECTS_GROUP_NAMES:
    subjects_by_kind(x, "Group", false);
    break;
  case VG_JF_KA_REQ_BINDING_ROLE:
    FROM_KEYS(x, "requestObject", "roleRef", "name");
    break;
  case VG_JF_KA_REQ_BINDING_SUBJECT_HAS_NAME:
    /* documented as N/A upstream, but it has always answered true */
    vg_jx_emit_cstr(x, "true");
    break;
  case VG_JF_KA_REQ_CONFIGMAP_NAME:
    FROM_KEYS(x, "objectRef", "name");
    break;
  case VG_JF_KA_REQ_CONFIGMAP_OBJ:
    FROM_KEYS(x, "requestObject", "data");
    break;
  case VG_JF_KA_REQ_CONTAINER_IMAGE:
  case VG_JF_KA_REQ_CONTAINER_IMAGE_REPOSITORY: {
    /* readContainerImages(jsonValue, "containers", 0), first value */
    wctx c = {0};
    c.cb = cb_strict;
    c.cut_repo = id == VG_JF_KA_REQ_CONTAINER_IMAGE_REPOSITORY;
    if (run(x, 0, KEYS("requestObject", "spec", "containers", "image"), 4,
            &c) &&
        x->out->n > 1)
      x->out->n = 1;
    break;
  }
  case VG_JF_KA_REQ_POD_HOST_IPC:
    FROM_KEYS(x, "requestObject", "spec", "hostIPC");
    break;
  case VG_JF_KA_REQ_POD_HOST_NETWORK:
  case VG_JF_KA_REQ_CONTAINER_HOST_NETWORK:
    FROM_KEYS(x, "requestObject", "spec", "hostNetwork");
    break;
  case VG_JF_KA_REQ_POD_HOST_PID:
    FROM_KEYS(x, "requestObject", "spec", "hostPID");
    break;
  case VG_JF_KA_REQ_CONTAINER_PRIVILEGED: {
    wctx c = {0};
    c.cb = cb_any_true;
    if (run(x, NO_INDEX,
            KEYS("requestObject", "spec", "containers", "securityContext",
                 "privileged"),
            5, &c))
      vg_jx_emit_cstr(x, c.any_true ? "true" : "false");
    break;
  }
  case VG_JF_KA_REQ_POD_RUN_AS_USER:
    FROM_KEYS(x, "requestObject", "spec", "securityContext", "runAsUser");
    break;
  case VG_JF_KA_REQ_POD_RUN_AS_GROUP:
    FROM_KEYS(x, "requestObject", "spec", "securityContext", "runAsGroup");
    break;
  case VG_JF_KA_REQ_ROLE_RULES:
    FROM_KEYS(x, "requestObject", "rules");
    break;
  case VG_JF_KA_REQ_ROLE_RULES_APIGROUPS:
    rules_field(x, "apiGroups");
    break;
  case VG_JF_KA_REQ_ROLE_RULES_NONRESOURCEURLS:
    rules_field(x, "nonResourceURLs");
    break;
  case VG_JF_KA_REQ_ROLE_RULES_VERBS:
    rules_field(x, "verbs");
    break;
  case VG_JF_KA_REQ_ROLE_RULES_RESOURCES:
    rules_field(x, "resources");
    break;
  case VG_JF_KA_REQ_POD_FS_GROUP:
    FROM_KEYS(x, "requestObject", "spec", "securityContext", "fsGroup");
    break;
  case VG_JF_KA_REQ_POD_SUPPLEMENTAL_GROUPS:
    FROM_KEYS(x, "requestObject", "spec", "securityContext",
              "supplementalGroups");
    break;
  case VG_JF_KA_REQ_SERVICE_TYPE:
    FROM_KEYS(x, "requestObject", "spec", "type");
    break;
  case VG_JF_KA_REQ_SERVICE_PORTS: {
    /* the walk ends on "ports" itself, so the whole array is one value,
     * with or without an index */
    wctx c = {0};
    c.cb = cb_skipnil;
    run(x, arg_index(x), KEYS("requestObject", "spec", "ports"), 3, &c);
    break;
  }
  case VG_JF_KA_REQ_VOLUME_HOSTPATH: {
    wctx c = {0};
    c.cb = cb_hostpath;
    c.key = x->arg->key;
    c.key_n = x->arg->key_len;
    /* the key argument's index is (uint64_t)-1: every volume is checked */
    if (!c.key || c.key_n == 0)
      break; /* arg[:len(arg)-1] panics upstream */
    if (run(x, arg_index(x),
            KEYS("requestObject", "spec", "volumes", "hostPath", "path"), 5,
            &c))
      vg_jx_emit_cstr(x, c.match ? "true" : "false");
    break;
  }
  case VG_JF_KA_REQ_POD_VOLUMES_HOSTPATH:
  case VG_JF_KA_REQ_POD_VOLUMES_FLEXVOLUME_DRIVER: {
    wctx c = {0};
    c.cb = cb_skipnil;
    if (id == VG_JF_KA_REQ_POD_VOLUMES_HOSTPATH)
      run(x, arg_index(x),
          KEYS("requestObject", "spec", "volumes", "hostPath", "path"), 5, &c);
    else
      run(x, arg_index(x),
          KEYS("requestObject", "spec", "volumes", "flexVolume", "driver"), 5,
          &c);
    break;
  }
  case VG_JF_KA_REQ_POD_VOLUMES_VOLUME_TYPE: {
    wctx c = {0};
    c.cb = cb_keys;
    run(x, arg_index(x), KEYS("requestObject", "spec", "volumes", ""), 4, &c);
    break;
  }
  case VG_JF_KA_RESP_NAME:
    FROM_KEYS(x, "responseObject", "metadata", "name");
    break;
  case VG_JF_KA_RESPONSE_CODE:
    FROM_KEYS(x, "responseStatus", "code");
    break;
  case VG_JF_KA_RESPONSE_REASON:
    FROM_KEYS(x, "responseStatus", "reason");
    break;
  case VG_JF_KA_USERAGENT:
    FROM_KEYS(x, "userAgent");
    break;
  case VG_JF_KA_SOURCEIPS:
    rules_field(x, "sourceIPs");
    break;
  case VG_JF_KA_CLUSTER_NAME:
    FROM_KEYS(x, "annotations", "cluster_name");
    break;
  default:
    return VIGIL_E_UNSUPPORTED;
  }
  return VIGIL_OK;
}
