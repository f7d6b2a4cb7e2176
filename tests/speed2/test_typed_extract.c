/*
 * test_typed_extract.c - the typed fast path of vg_sysf_extract gives the
 * same values as the text path (render, then parse back) for every
 * syscall field of the catalog (spec/fields/syscall.tsv, with arguments
 * for those that need one) on every event of every conformance capture.
 * Skipped when /work/shared is absent. VG_TYPED_EXTRA is a further
 * capture to check (e.g. a large vigil-capgen one). Owned by the speed
 * work.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields/syscall_fields.h"
#include "sources/scap.h"
#include "sources/sysstate.h"

#define MAXF 600
#define NV 64
#define CAP 8192

static char names[MAXF][96];
static vg_sysf_ref refs[MAXF];
static size_t nnames;

static void add_name(const char *nm) {
  vg_sysf_ref r;
  size_t used;
  if (nnames >= MAXF || strlen(nm) >= sizeof names[0])
    return;
  /* thread.cpu* keep state across extractions: not comparable twice */
  if (!strncmp(nm, "thread.cpu", 10))
    return;
  if (vg_sysf_parse(nm, &r, &used) != VIGIL_OK || used != strlen(nm))
    return;
  snprintf(names[nnames], sizeof names[0], "%s", nm);
  refs[nnames++] = r;
}

static int load_names(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/spec/fields/syscall.tsv",
           VIGIL_SHARED_DIR);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  char line[4096];
  static const char *const extra[] = {
      "evt.type.is.open",   "evt.type.is.3",        "evt.arg.fd",
      "evt.arg.flags",      "evt.arg[0]",           "evt.arg[1]",
      "evt.rawarg.fd",      "evt.rawarg.flags",     "evt.rawarg.res",
      "evt.around[1]",      "thread.cgroup.cpuacct", "proc.aname[2]",
      "proc.aname[0]",      "proc.aexe[1]",         "proc.aexepath[2]",
      "proc.args[0]",       "proc.env[HOME]",       "proc.aenv[PATH]",
      "proc.aenv[1]",       "proc.apid[1]",         "proc.acmdline[1]",
      "proc.aargs[1]",      "fd.types[0]",          "evt.abspath.src",
      "evt.abspath.dst"};
  for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
    add_name(extra[i]);
  while (fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    if (!tab || !strncmp(line, "field\t", 6))
      continue;
    *tab = 0;
    if (!strncmp(line, "k8s.", 4))
      continue;
    add_name(line);
  }
  fclose(f);
  return 1;
}

static int same(const vg_value *a, const vg_value *b) {
  if (a->type != b->type)
    return 0;
  switch (a->type) {
  case VG_FT_CHARBUF:
  case VG_FT_BYTEBUF:
  case VG_FT_FSPATH:
    return a->v.s.n == b->v.s.n &&
           (a->v.s.n == 0 || !memcmp(a->v.s.p, b->v.s.p, a->v.s.n));
  case VG_FT_BOOL:
    return a->v.b == b->v.b;
  case VG_FT_DOUBLE:
    return a->v.d == b->v.d || (a->v.d != a->v.d && b->v.d != b->v.d);
  case VG_FT_IPADDR:
  case VG_FT_IPNET:
    return !memcmp(&a->v.ip, &b->v.ip, sizeof a->v.ip);
  default:
    return a->v.u == b->v.u;
  }
}

static vg_value va[NV], vb[NV];
static uint8_t sa[CAP], sb[CAP];

static unsigned long check_capture(const char *path) {
  vg_scap *r = NULL;
  vg_sysstate *st = NULL;
  char err[512];
  if (vg_scap_open(path, &r, err, sizeof err) != VIGIL_OK)
    return 0;
  cr_assert_eq(vg_sys_new(&st), VIGIL_OK);
  vg_sys_accessor acc;
  vg_sys_accessor_for_state(&acc, st);
  uint64_t num = 0;
  unsigned long checked = 0;
  for (;;) {
    vg_scap_item it;
    if (vg_scap_next(r, &it) != VIGIL_OK || it.kind == VG_SCAP_EOF)
      break;
    if (it.kind != VG_SCAP_EVENT) {
      vg_sys_item(st, &it);
      continue;
    }
    int shown = 0;
    if (vg_sys_event(st, it.u.evt, ++num, &shown) != VIGIL_OK)
      break;
    if (!shown)
      continue;
    for (size_t i = 0; i < nnames; i++) {
      size_t na = 0, nb = 0, ua = 0, ub = 0;
      vigil_status x = vg_sysf_extract(&acc, &refs[i], va, NV, &na, sa, CAP,
                                       &ua);
      vigil_status y = vg_sysf_extract_text(&acc, &refs[i], vb, NV, &nb, sb,
                                            CAP, &ub);
      cr_assert_eq(x, y, "%s: %s status, event %llu", path, names[i],
                   (unsigned long long)num);
      cr_assert_eq(na, nb, "%s: %s: %zu vs %zu values, event %llu", path,
                   names[i], na, nb, (unsigned long long)num);
      for (size_t k = 0; k < na; k++)
        cr_assert(same(&va[k], &vb[k]), "%s: %s value %zu, event %llu", path,
                  names[i], k, (unsigned long long)num);
      checked++;
    }
  }
  vg_sys_free(st);
  vg_scap_close(r);
  return checked;
}

Test(typed_extract, same_as_text_path, .timeout = 600) {
  if (!load_names())
    cr_skip("no %s/spec", VIGIL_SHARED_DIR);
  cr_assert_gt(nnames, 250, "%zu fields", nnames);
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/conformance/captures", VIGIL_SHARED_DIR);
  DIR *d = opendir(dir);
  if (!d)
    cr_skip("no %s", dir);
  unsigned long total = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 5, ".scap"))
      continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    total += check_capture(path);
  }
  closedir(d);
  const char *extra = getenv("VG_TYPED_EXTRA");
  if (extra && *extra)
    total += check_capture(extra);
  cr_assert_gt(total, 10000);
}
