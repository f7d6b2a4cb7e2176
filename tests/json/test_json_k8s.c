/*
 * test_json_k8s.c - the ka.* fields (k8saudit plugin 0.18.0) on inline
 * audit events and on the conformance corpus events. Expected values come
 * from reading plugins/k8saudit/pkg/k8saudit/extract.go; comments give the
 * reasoning where the result is not obvious.
 */
#include "jtest.h"

static const char *POD =
    "{\"kind\":\"Event\",\"auditID\":\"a1\",\"stage\":\"ResponseComplete\","
    "\"stageTimestamp\":\"2020-01-02T03:04:05.123456789Z\","
    "\"verb\":\"create\",\"sourceIPs\":[\"1.2.3.4\"],"
    "\"requestURI\":\"/api/v1/namespaces/ns/pods/p/"
    "exec?command=ls&command=-l&container=c%2B1&x=a+b\","
    "\"user\":{\"username\":\"alice\",\"groups\":[\"g1\",\"g2\"]},"
    "\"impersonatedUser\":{\"username\":\"bob\"},\"userAgent\":\"kubectl\","
    "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
    "\"authorization.k8s.io/reason\":\"RBAC\",\"cluster_name\":\"c1\","
    "\"authentication.openshift.io/decision\":\"od\","
    "\"authentication.openshift.io/username\":\"ou\","
    "\"validation.policy.admission.k8s.io/validation_failure\":\"vf\","
    "\"pod-security.kubernetes.io/audit-violations\":\"pv\"},"
    "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns\",\"name\":\"p\"},"
    "\"responseStatus\":{\"code\":201,\"reason\":\"Created\"},"
    "\"responseObject\":{\"metadata\":{\"name\":\"p-resp\"}},"
    "\"requestObject\":{\"spec\":{"
    "\"hostIPC\":true,\"hostNetwork\":false,\"hostPID\":{\"x\":1},"
    "\"runAsUser\":1000,"
    "\"securityContext\":{\"runAsUser\":7,\"runAsGroup\":8,\"fsGroup\":9,"
    "\"supplementalGroups\":[1,2]},"
    "\"containers\":["
    "{\"name\":\"a\",\"image\":\"docker.io/nginx:1.2@sha256:abc\","
    "\"args\":[\"-x\",\"y\"],\"command\":[\"sh\",\"-c\"],"
    "\"ports\":[{\"containerPort\":80},{\"hostPort\":8080,"
    "\"containerPort\":81}],"
    "\"securityContext\":{\"privileged\":true,"
    "\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true,"
    "\"runAsUser\":5,\"runAsGroup\":6,\"procMount\":\"Default\","
    "\"capabilities\":{\"add\":[\"NET_ADMIN\",\"SYS_TIME\"]}},"
    "\"runAsUser\":33},"
    "{\"name\":\"b\",\"image\":\"busybox@sha256:def\"}],"
    "\"initContainers\":[{\"name\":\"i\",\"image\":\"alpine:3\","
    "\"command\":[\"init\"],\"ports\":[{\"hostPort\":53}],"
    "\"securityContext\":{\"privileged\":false}}],"
    "\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox\","
    "\"args\":[\"sleep\",\"1\"],\"runAsGroup\":4}],"
    "\"volumes\":[{\"name\":\"v1\",\"hostPath\":{\"path\":\"/etc\"}},"
    "{\"name\":\"v2\",\"flexVolume\":{\"driver\":\"d1\"}},"
    "{\"name\":\"v3\",\"emptyDir\":{},\"configMap\":{\"name\":\"x\"}}],"
    "\"type\":\"NodePort\",\"ports\":[{\"port\":80},{\"port\":443}]}}}";

Test(k8s, simple_members) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  cr_assert_eq(t->ev->src, VG_JSRC_K8S_AUDIT);
  cr_assert(t->ev->has_ts);
  cr_assert_eq(t->ev->ts, UINT64_C(1577934245123456789));
  JT_EQ(t, "ka.auditid", "a1");
  JT_EQ(t, "ka.stage", "ResponseComplete");
  JT_EQ(t, "ka.auth.decision", "allow");
  JT_EQ(t, "ka.auth.reason", "RBAC");
  JT_EQ(t, "ka.auth.openshift.decision", "od");
  JT_EQ(t, "ka.auth.openshift.username", "ou");
  JT_EQ(t, "ka.validations.admission.policy.failure", "vf");
  JT_EQ(t, "ka.security.pod.violations", "pv");
  JT_EQ(t, "ka.user.name", "alice");
  JT_EQ(t, "ka.user.groups", "g1|g2");
  JT_EQ(t, "ka.impuser.name", "bob");
  JT_EQ(t, "ka.verb", "create");
  JT_EQ(t, "ka.target.name", "p");
  JT_EQ(t, "ka.target.namespace", "ns");
  JT_EQ(t, "ka.target.resource", "pods");
  /* no subresource member: not available */
  JT_EQ(t, "ka.target.subresource", "<NA>");
  /* resource is pods and no subresource: the response object's name */
  JT_EQ(t, "ka.target.pod.name", "p-resp");
  JT_EQ(t, "ka.resp.name", "p-resp");
  /* numbers render as their JSON text */
  JT_EQ(t, "ka.response.code", "201");
  JT_EQ(t, "ka.response.reason", "Created");
  JT_EQ(t, "ka.useragent", "kubectl");
  JT_EQ(t, "ka.cluster.name", "c1");
  JT_EQ(t, "ka.req.configmap.name", "p");
  JT_EQ(t, "ka.req.configmap.obj", "<NA>");
  /* always true, whatever the key */
  JT_EQ(t, "ka.req.binding.subject.has_name[anything]", "true");
  jt_close(t);
}

Test(k8s, non_string_rendering) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  /* booleans and objects are rendered as compact JSON text */
  JT_EQ(t, "ka.req.pod.host_ipc", "true");
  JT_EQ(t, "ka.req.pod.host_network", "false");
  JT_EQ(t, "ka.req.container.host_network", "false");
  JT_EQ(t, "ka.req.pod.host_pid", "{\"x\":1}");
  JT_EQ(t, "ka.req.pod.run_as_user", "7");
  JT_EQ(t, "ka.req.pod.run_as_group", "8");
  JT_EQ(t, "ka.req.pod.fs_group", "9");
  JT_EQ(t, "ka.req.pod.supplemental_groups", "1|2");
  JT_EQ(t, "ka.req.service.type", "NodePort");
  /* getValuesRecursive stops on "ports" itself, so the whole array is one
   * value, and an index argument is never applied to it */
  JT_EQ(t, "ka.req.service.ports", "[{\"port\":80},{\"port\":443}]");
  JT_EQ(t, "ka.req.service.ports[1]", "[{\"port\":80},{\"port\":443}]");
  jt_close(t);
}

Test(k8s, uri_param) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  JT_EQ(t, "ka.uri",
        "/api/v1/namespaces/ns/pods/p/"
        "exec?command=ls&command=-l&container=c%2B1&x=a+b");
  /* url.ParseQuery: first value, %XX and '+' decoded */
  JT_EQ(t, "ka.uri.param[command]", "ls");
  JT_EQ(t, "ka.uri.param[container]", "c+1");
  JT_EQ(t, "ka.uri.param[x]", "a b");
  JT_EQ(t, "ka.uri.param[nope]", "<NA>");
  jt_close(t);
  /* a ';' or a bad escape anywhere in the query makes ParseQuery fail */
  t = jt_open("{\"auditID\":\"x\",\"kind\":\"Event\",\"stageTimestamp\":"
              "\"2020-01-01T00:00:00Z\",\"requestURI\":\"/a?x=1;y=2\"}",
              VG_JSRC_NONE);
  JT_EQ(t, "ka.uri.param[x]", "<NA>");
  jt_close(t);
  t = jt_open("{\"auditID\":\"x\",\"kind\":\"Event\",\"stageTimestamp\":"
              "\"2020-01-01T00:00:00Z\",\"requestURI\":\"/a?x=1&y=%zz\"}",
              VG_JSRC_NONE);
  JT_EQ(t, "ka.uri.param[x]", "<NA>");
  jt_close(t);
  /* the fragment is not part of the query */
  t = jt_open("{\"auditID\":\"x\",\"kind\":\"Event\",\"stageTimestamp\":"
              "\"2020-01-01T00:00:00Z\",\"requestURI\":\"/a?x=1#y=2\"}",
              VG_JSRC_NONE);
  JT_EQ(t, "ka.uri.param[x]", "1");
  JT_EQ(t, "ka.uri.param[y]", "<NA>");
  jt_close(t);
}

Test(k8s, containers) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  JT_EQ(t, "ka.req.pod.containers.name", "a|b");
  JT_EQ(t, "ka.req.pod.containers.name[1]", "b");
  JT_EQ(t, "ka.req.pod.containers.name[5]", "<NA>");
  JT_EQ(t, "ka.req.pod.containers.image",
        "docker.io/nginx:1.2@sha256:abc|busybox@sha256:def");
  /* cut at the first ':' then at the first '@': "busybox@sha256:def" ->
   * "busybox@sha256" -> "busybox" */
  JT_EQ(t, "ka.req.pod.containers.image.repository", "docker.io/nginx|busybox");
  JT_EQ(t, "ka.req.container.image", "docker.io/nginx:1.2@sha256:abc");
  JT_EQ(t, "ka.req.container.image.repository", "docker.io/nginx");
  /* container b has no args/command: skipped */
  JT_EQ(t, "ka.req.pod.containers.args", "-x y");
  JT_EQ(t, "ka.req.pod.containers.command", "sh -c");
  JT_EQ(t, "ka.req.pod.containers.command[1]", "<NA>");
  /* hostPort, else containerPort, per port */
  JT_EQ(t, "ka.req.pod.containers.host_port", "80|8080");
  JT_EQ(t, "ka.req.pod.containers.privileged", "true");
  JT_EQ(t, "ka.req.container.privileged", "true");
  JT_EQ(t, "ka.req.pod.containers.allow_privilege_escalation", "false");
  JT_EQ(t, "ka.req.pod.containers.read_only_fs", "true");
  JT_EQ(t, "ka.req.pod.containers.run_as_user", "5");
  JT_EQ(t, "ka.req.pod.containers.run_as_group", "6");
  JT_EQ(t, "ka.req.pod.containers.proc_mount", "Default");
  JT_EQ(t, "ka.req.pod.containers.add_capabilities",
        "[\"NET_ADMIN\",\"SYS_TIME\"]");
  /* eff_run_as_user reads runAsUser directly on the container (33 on a),
   * defaulting to spec.runAsUser (1000), not to securityContext */
  JT_EQ(t, "ka.req.pod.containers.eff_run_as_user", "33|1000");
  /* with an index the walk does not fan out: a missing value is
   * ErrExtractNotAvailable, not the pod default */
  JT_EQ(t, "ka.req.pod.containers.eff_run_as_user[1]", "<NA>");
  JT_EQ(t, "ka.req.pod.containers.eff_run_as_user[0]", "33");
  /* no spec.runAsGroup: default "0" */
  JT_EQ(t, "ka.req.pod.containers.eff_run_as_group", "0|0");
  jt_close(t);
}

Test(k8s, init_and_ephemeral_containers) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  JT_EQ(t, "ka.req.pod.initContainers.name", "i");
  JT_EQ(t, "ka.req.pod.initContainers.image", "alpine:3");
  JT_EQ(t, "ka.req.pod.initContainers.image.repository", "alpine");
  JT_EQ(t, "ka.req.pod.initContainers.command", "init");
  /* no container has args: nothing collected is "not available" */
  JT_EQ(t, "ka.req.pod.initContainers.args", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.privileged", "false");
  JT_EQ(t, "ka.req.pod.initContainers.allow_privilege_escalation", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.read_only_fs", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.run_as_user", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.run_as_group", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.eff_run_as_user", "1000");
  JT_EQ(t, "ka.req.pod.initContainers.eff_run_as_group", "0");
  JT_EQ(t, "ka.req.pod.initContainers.proc_mount", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.add_capabilities", "<NA>");
  JT_EQ(t, "ka.req.pod.initContainers.host_port", "53");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.name", "dbg");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.image", "busybox");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.image.repository", "busybox");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.args", "sleep 1");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.command", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.privileged", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.allow_privilege_escalation", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.read_only_fs", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.run_as_user", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.run_as_group", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.eff_run_as_user", "1000");
  /* runAsGroup directly on the container counts for eff_ */
  JT_EQ(t, "ka.req.pod.ephemeralContainers.eff_run_as_group", "4");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.proc_mount", "<NA>");
  JT_EQ(t, "ka.req.pod.ephemeralContainers.add_capabilities", "<NA>");
  jt_close(t);
}

Test(k8s, volumes) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  JT_EQ(t, "ka.req.pod.volumes.hostpath", "/etc");
  JT_EQ(t, "ka.req.pod.volumes.hostpath[1]", "<NA>");
  JT_EQ(t, "ka.req.pod.volumes.flexvolume_driver", "d1");
  /* member names other than "name", in document order */
  JT_EQ(t, "ka.req.pod.volumes.volume_type",
        "hostPath|flexVolume|emptyDir|configMap");
  JT_EQ(t, "ka.req.pod.volumes.volume_type[2]", "emptyDir|configMap");
  /* libsinsp hands a key argument with index (uint64_t)-1, which the
   * plugin's int() turns into "no index filter": every volume counts */
  JT_EQ(t, "ka.req.volume.hostpath[/etc]", "true");
  JT_EQ(t, "ka.req.volume.hostpath[/e*]", "true");
  JT_EQ(t, "ka.req.volume.hostpath[/var]", "false");
  jt_close(t);
  t = jt_open("{\"auditID\":\"x\",\"kind\":\"Event\",\"stageTimestamp\":"
              "\"2020-01-01T00:00:00Z\",\"requestObject\":{\"spec\":{"
              "\"volumes\":[{\"name\":\"a\"},{\"hostPath\":{\"path\":\"/etc\"}}"
              "]}}}",
              VG_JSRC_NONE);
  JT_EQ(t, "ka.req.volume.hostpath[/etc]", "true");
  JT_EQ(t, "ka.req.volume.hostpath[/et]", "false");
  JT_EQ(t, "ka.req.pod.volumes.hostpath", "/etc");
  jt_close(t);
}

static const char *BINDING =
    "{\"kind\":\"Event\",\"auditID\":\"b\",\"stageTimestamp\":"
    "\"2020-01-02T03:04:05Z\",\"objectRef\":{\"resource\":\"pods\","
    "\"name\":\"crb\",\"subresource\":\"exec\"},"
    "\"requestObject\":{\"roleRef\":{\"name\":\"admin\"},"
    "\"subjects\":[{\"kind\":\"User\",\"name\":\"u1\"},"
    "{\"kind\":\"ServiceAccount\",\"name\":\"sa1\",\"namespace\":\"ns1\"},"
    "{\"kind\":\"ServiceAccount\",\"name\":\"sa2\"},"
    "{\"kind\":\"Group\",\"name\":\"grp\"},{\"kind\":\"User\"}],"
    "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"secrets\"],"
    "\"verbs\":[\"get\",\"*\"],\"sourceIPs\":[\"10.0.0.1\"]},"
    "{\"nonResourceURLs\":[\"/healthz\"],\"verbs\":[\"get\"]}],"
    "\"data\":{\"k\":\"v\"}}}";

Test(k8s, bindings_and_rules) {
  jt *t = jt_open(BINDING, VG_JSRC_NONE);
  /* a subject needs both kind and name */
  JT_EQ(t, "ka.req.binding.subjects.user_names", "u1");
  JT_EQ(t, "ka.req.binding.subjects.serviceaccount_names", "sa1|sa2");
  /* sa2 has no namespace: skipped */
  JT_EQ(t, "ka.req.binding.subjects.serviceaccount_ns_names", "ns1:sa1");
  JT_EQ(t, "ka.req.binding.subjects.group_names", "grp");
  JT_EQ(t, "ka.req.binding.role", "admin");
  JT_EQ(t, "ka.req.binding.subjects",
        "{\"kind\":\"User\",\"name\":\"u1\"}|"
        "{\"kind\":\"ServiceAccount\",\"name\":\"sa1\",\"namespace\":\"ns1\"}|"
        "{\"kind\":\"ServiceAccount\",\"name\":\"sa2\"}|"
        "{\"kind\":\"Group\",\"name\":\"grp\"}|{\"kind\":\"User\"}");
  JT_EQ(t, "ka.req.role.rules",
        "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"secrets\"],"
        "\"verbs\":[\"get\",\"*\"],\"sourceIPs\":[\"10.0.0.1\"]}|"
        "{\"nonResourceURLs\":[\"/healthz\"],\"verbs\":[\"get\"]}");
  JT_EQ(t, "ka.req.role.rules.verbs", "get|*|get");
  JT_EQ(t, "ka.req.role.rules.verbs[1]", "get");
  JT_EQ(t, "ka.req.role.rules.resources", "pods|secrets");
  JT_EQ(t, "ka.req.role.rules.apiGroups", "");
  JT_EQ(t, "ka.req.role.rules.nonResourceURLs", "/healthz");
  /* sourceIPs are read under requestObject.rules, not at the top level */
  JT_EQ(t, "ka.sourceips", "10.0.0.1");
  JT_EQ(t, "ka.req.configmap.obj", "{\"k\":\"v\"}");
  /* pods with a subresource: no pod name */
  JT_EQ(t, "ka.target.pod.name", "<NA>");
  JT_EQ(t, "ka.target.subresource", "exec");
  jt_close(t);

  t = jt_open(POD, VG_JSRC_NONE);
  /* no subjects: an empty list, i.e. no value */
  JT_EQ(t, "ka.req.binding.subjects.user_names", "<NA>");
  JT_EQ(t, "ka.req.binding.subjects", "<NA>");
  /* top-level sourceIPs are not what ka.sourceips reads */
  JT_EQ(t, "ka.sourceips", "<NA>");
  jt_close(t);
}

Test(k8s, wrong_types_yield_nothing) {
  jt *t = jt_open(
      "{\"kind\":\"Event\",\"auditID\":\"w\",\"stageTimestamp\":"
      "\"2020-01-02T03:04:05Z\",\"user\":{\"groups\":\"notalist\"},"
      "\"requestObject\":{\"subjects\":{\"kind\":\"User\"},\"spec\":{"
      "\"containers\":[{\"image\":\"x\",\"command\":\"ls\",\"args\":[1],"
      "\"ports\":5,\"securityContext\":{\"privileged\":\"yes\"}}]}}}",
      VG_JSRC_NONE);
  /* a list field whose value is not an array: ErrExtractWrongType */
  JT_EQ(t, "ka.user.groups", "<NA>");
  /* subjects not an array: ErrExtractWrongType */
  JT_EQ(t, "ka.req.binding.subjects.user_names", "<NA>");
  /* the container has no name: arrayAsStrings fails on the nil */
  JT_EQ(t, "ka.req.pod.containers.name", "<NA>");
  JT_EQ(t, "ka.req.pod.containers.image", "x");
  JT_EQ(t, "ka.req.pod.containers.command", "<NA>");
  JT_EQ(t, "ka.req.pod.containers.args", "<NA>");
  JT_EQ(t, "ka.req.pod.containers.host_port", "<NA>");
  /* only JSON true counts for the deprecated any-privileged field */
  JT_EQ(t, "ka.req.container.privileged", "false");
  JT_EQ(t, "ka.req.pod.containers.privileged", "yes");
  jt_close(t);
}

Test(k8s, needs_audit_id) {
  jt *t = jt_open("{\"kind\":\"Event\",\"stageTimestamp\":"
                  "\"2020-01-02T03:04:05Z\",\"verb\":\"get\"}",
                  VG_JSRC_K8S_AUDIT);
  JT_EQ(t, "ka.verb", "<NA>");
  JT_EQ(t, "ka.req.binding.subject.has_name[x]", "<NA>");
  /* the json plugin does not care */
  JT_EQ(t, "jevt.value[/verb]", "get");
  jt_close(t);
}

Test(k8s, fields_of_other_sources_do_not_apply) {
  jt *t = jt_open(POD, VG_JSRC_NONE);
  JT_EQ(t, "ct.name", "<NA>");
  JT_EQ(t, "okta.evt.type", "<NA>");
  JT_EQ(t, "github.type", "<NA>");
  JT_EQ(t, "gcp.user", "<NA>");
  jt_close(t);
}

/* ---- conformance corpus ---------------------------------------------------
 */

static jt *corpus(const char *file) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", JT_EVENTS_DIR, file);
  char *doc = jt_slurp(path, NULL);
  if (!doc)
    return NULL;
  jt *t = jt_open(doc, VG_JSRC_NONE);
  free(doc);
  return t;
}

#define CORPUS(t, file)                                                        \
  jt *t = corpus(file);                                                        \
  if (!t)                                                                      \
    cr_skip_test("conformance events not available");

Test(k8s_corpus, privileged_pod) {
  CORPUS(t, "create_nginx_pod_privileged.json");
  JT_EQ(t, "ka.auditid", "a362d22b-db3c-4590-9505-23782f12925f");
  JT_EQ(t, "ka.verb", "create");
  JT_EQ(t, "ka.target.resource", "pods");
  JT_EQ(t, "ka.req.pod.containers.privileged", "true");
  JT_EQ(t, "ka.req.container.privileged", "true");
  JT_EQ(t, "ka.req.pod.containers.image", "nginx");
  JT_EQ(t, "ka.req.pod.containers.image.repository", "nginx");
  JT_EQ(t, "ka.response.code", "201");
  JT_EQ(t, "ka.user.name",
        "system:serviceaccount:kube-system:replicaset-controller");
  JT_EQ(t, "jevt.value[/annotations/authorization.k8s.io~1decision]", "allow");
  JT_EQ(t, "jevt.value[/a~1~0b]", "<NA>");
  jt_close(t);
}

Test(k8s_corpus, sensitive_mount) {
  CORPUS(t, "create_nginx_pod_sensitive_mount.json");
  JT_EQ(t, "ka.req.pod.volumes.hostpath", "/etc");
  jt_close(t);
}

Test(k8s_corpus, exec_and_configmaps) {
  CORPUS(t, "exec_pod.json");
  JT_EQ(t, "ka.target.subresource", "exec");
  JT_EQ(t, "ka.uri.param[command]", "bash");
  jt_close(t);
  CORPUS(u, "create_configmap_sensitive_values.json");
  int n = 0;
  do {
    n++;
    cr_expect(strstr(jt_f(u, "ka.req.configmap.obj"), "MY-ID") != NULL);
    JT_EQ(u, "ka.target.resource", "configmaps");
    vg_json_reader_next(u->r, &u->ev);
  } while (u->ev);
  cr_expect_eq(n, 6);
  jt_close(u);
}

Test(k8s_corpus, cluster_roles) {
  CORPUS(t, "create_cluster_role_wildcard_verbs.json");
  cr_expect(strstr(jt_f(t, "ka.req.role.rules.verbs"), "*") != NULL);
  jt_close(t);
  CORPUS(u, "attach_cluster_admin_role.json");
  JT_EQ(u, "ka.req.binding.role", "cluster-admin");
  jt_close(u);
}

Test(k8s_corpus, not_an_audit_event) {
  char path[1024];
  snprintf(path, sizeof path, "%s/fal_01_003.json", JT_EVENTS_DIR);
  char *doc = jt_slurp(path, NULL);
  if (!doc)
    cr_skip_test("conformance events not available");
  /* {"kind": 0} as k8s_audit: not recognised, no event */
  vg_json_reader *r;
  vg_json_event *ev;
  vg_json_reader_opts o = {VG_JSRC_K8S_AUDIT, 0, 0};
  cr_assert(vg_json_reader_open_mem(doc, strlen(doc), "f", &o, &r) == VIGIL_OK);
  cr_assert(vg_json_reader_next(r, &ev) == VIGIL_OK);
  cr_assert_null(ev);
  cr_assert_eq(vg_json_reader_skipped(r), 1);
  cr_assert(strstr(vg_json_reader_note(r), "not recognized") != NULL);
  vg_json_reader_free(r);
  free(doc);
}
