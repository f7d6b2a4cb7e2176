/*
 * test_catalog.c - field catalogs and libsinsp-exact field resolution
 * (rules-language.md 7.7): prefix search per class, argument rules and
 * Falco's messages, per-source field sets, event-name lookups.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sema/catalog.h"

static vg_fieldset fs_for(const char *src) {
  vg_fieldset fs;
  cr_assert(vg_fieldset_for_source(&fs, src, NULL, NULL), "source %s", src);
  return fs;
}

static vigil_status res(const char *src, const char *name, const char *arg,
                        vg_field_ref *r, char *msg) {
  vg_fieldset fs = fs_for(src);
  return vg_field_resolve(&fs, name, strlen(name), arg, arg ? strlen(arg) : 0,
                          arg != NULL, r, msg, 512);
}

#define EXPECT_OK(src, name, arg, ty)                                          \
  do {                                                                         \
    vg_field_ref r_;                                                           \
    char m_[512];                                                              \
    cr_assert_eq(res(src, name, arg, &r_, m_), VIGIL_OK, "%s: %s", name, m_); \
    cr_assert_eq(r_.type, ty, "%s type %d", name, (int)r_.type);               \
  } while (0)

#define EXPECT_ERR(src, name, arg, st, text)                                   \
  do {                                                                         \
    vg_field_ref r_;                                                           \
    char m_[512];                                                              \
    cr_assert_eq(res(src, name, arg, &r_, m_), st, "%s", name);                \
    cr_assert_str_eq(m_, text);                                                \
  } while (0)

Test(catalog, plain_fields) {
  EXPECT_OK("syscall", "proc.name", NULL, VG_FT_CHARBUF);
  EXPECT_OK("syscall", "fd.num", NULL, VG_FT_INT64);
  EXPECT_OK("syscall", "evt.num", NULL, VG_FT_UINT64);
  EXPECT_OK("syscall", "fd.net", NULL, VG_FT_IPNET);
  EXPECT_OK("syscall", "container.id", NULL, VG_FT_CHARBUF);
}

Test(catalog, unknown_fields) {
  EXPECT_ERR("syscall", "proc.nmae", NULL, VIGIL_E_NOTFOUND,
             "filter_check called with nonexistent field proc.nmae");
  /* a longer name with a known prefix is not that field */
  EXPECT_ERR("syscall", "proc.namex", NULL, VIGIL_E_NOTFOUND,
             "filter_check called with nonexistent field proc.namex");
  EXPECT_ERR("syscall", "proc.name", "1", VIGIL_E_NOTFOUND,
             "filter_check called with nonexistent field proc.name[1]");
  EXPECT_ERR("syscall", "ka.user.name", NULL, VIGIL_E_NOTFOUND,
             "filter_check called with nonexistent field ka.user.name");
}

Test(catalog, dotted_and_index_args) {
  vg_field_ref r;
  char m[512];
  cr_assert_eq(res("syscall", "evt.arg.fd", NULL, &r, m), VIGIL_OK, "%s", m);
  cr_assert(r.has_arg && r.arg_dotted);
  cr_assert_eq(r.arg_len, 2);
  EXPECT_OK("syscall", "evt.arg", "0", VG_FT_CHARBUF);
  EXPECT_OK("syscall", "evt.rawarg.res", NULL, VG_FT_ERRNO);
  cr_assert_eq(res("syscall", "proc.aname", "2", &r, m), VIGIL_OK);
  cr_assert(r.has_index);
  cr_assert_eq(r.index, 2);
  EXPECT_OK("syscall", "proc.aname", NULL, VG_FT_CHARBUF);
  EXPECT_OK("syscall", "proc.env", "HOME", VG_FT_CHARBUF);
  EXPECT_OK("syscall", "thread.cgroup.cpuacct", NULL, VG_FT_CHARBUF);
  EXPECT_OK("syscall", "evt.type.is.open", NULL, VG_FT_UINT32);
  EXPECT_OK("syscall", "container.mount.dest", "/var/run/docker.sock",
            VG_FT_CHARBUF);
}

Test(catalog, argument_errors) {
  EXPECT_ERR("syscall", "proc.aname", "x", VIGIL_E_NOTFOUND,
             "filter_check called with nonexistent field proc.aname[x]");
  EXPECT_ERR("syscall", "evt.arg", "x", VIGIL_E_SYNTAX,
             "x is not a valid number");
  EXPECT_ERR("syscall", "evt.rawarg", "0", VIGIL_E_SYNTAX,
             "evt.arg fields must be expressed explicitly");
  EXPECT_ERR("syscall", "evt.arg.nosuchparamzzz", NULL, VIGIL_E_SYNTAX,
             "unknown event argument nosuchparamzzz");
  EXPECT_ERR("syscall", "thread.cgroup", NULL, VIGIL_E_SYNTAX,
             "filter syntax error: thread.cgroup");
  EXPECT_ERR("syscall", "fd.types", "abc", VIGIL_E_SYNTAX,
             "abc is not a valid number");
  EXPECT_ERR("syscall", "container.label", NULL, VIGIL_E_SYNTAX,
             "filter 'container.label': container.label requires an argument "
             "but none provided");
  EXPECT_ERR("syscall", "container.id", "x", VIGIL_E_SYNTAX,
             "filter 'container.id[x]': container.id does not allow nor "
             "require an argument but one is provided: x");
  EXPECT_ERR("k8s_audit", "ka.uri.param", NULL, VIGIL_E_SYNTAX,
             "filter 'ka.uri.param': ka.uri.param requires an argument but "
             "none provided");
}

static bool only_container(void *ud, const char *p) {
  (void)ud;
  return !strcmp(p, "container");
}

static bool no_plugins(void *ud, const char *p) {
  (void)ud;
  (void)p;
  return false;
}

Test(catalog, fieldsets_follow_loaded_plugins) {
  vg_fieldset fs;
  vg_field_ref r;
  char m[512];
  cr_assert(vg_fieldset_for_source(&fs, "syscall", no_plugins, NULL));
  cr_assert_eq(vg_field_resolve(&fs, "container.id", 12, NULL, 0, false, &r,
                                m, sizeof m),
               VIGIL_E_NOTFOUND);
  cr_assert(vg_fieldset_for_source(&fs, "syscall", only_container, NULL));
  cr_assert_eq(vg_field_resolve(&fs, "container.id", 12, NULL, 0, false, &r,
                                m, sizeof m),
               VIGIL_OK);
  /* plugin source: generic evt fields + plugin + json when loaded */
  cr_assert(vg_fieldset_for_source(&fs, "k8s_audit", NULL, NULL));
  cr_assert_eq(vg_field_resolve(&fs, "evt.num", 7, NULL, 0, false, &r, m,
                                sizeof m),
               VIGIL_OK);
  cr_assert_eq(vg_field_resolve(&fs, "proc.name", 9, NULL, 0, false, &r, m,
                                sizeof m),
               VIGIL_E_NOTFOUND);
  cr_assert_eq(vg_field_resolve(&fs, "jevt.value", 10, "/a", 2, true, &r, m,
                                sizeof m),
               VIGIL_OK);
  cr_assert(vg_fieldset_for_source(&fs, "k8s_audit", only_container, NULL));
  cr_assert_eq(vg_field_resolve(&fs, "jevt.value", 10, "/a", 2, true, &r, m,
                                sizeof m),
               VIGIL_E_NOTFOUND);
  cr_assert(!vg_fieldset_for_source(&fs, "nosuchsource", NULL, NULL));
}

Test(catalog, plugins_and_events) {
  cr_assert_str_eq(vg_plugin_find("k8saudit")->version, "0.18.0");
  cr_assert_str_eq(vg_plugin_find("container")->version, "0.7.1");
  cr_assert_str_eq(vg_plugin_for_source("aws_cloudtrail")->name,
                   "cloudtrail");
  cr_assert(vg_event_name_known("openat", 6));
  cr_assert(vg_event_name_known("getcwd", 6));
  cr_assert(!vg_event_name_known("nosuchevent", 11));
  cr_assert_eq(vg_event_code("PPME_GENERIC_E"), 0);
  cr_assert(vg_nevents > 400);
}
