/*
 * test_scap.c - capture reader tests: block parsing on a synthetic capture,
 * gzip and plain input, old-event conversion, and robustness (truncation at
 * every offset and byte corruption give an error or a clean end, never a
 * crash or a hang). Conformance captures are used when available.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fields/syscall_fields.h"
#include "fields/syscall_source.h"
#include "sources/scap.h"
#include "sources/sysstate.h"
#include "vg_tables.h"

/* ------------------------------------------------------------ builder */

typedef struct wbuf {
  uint8_t d[8192];
  size_t n;
} wbuf;

static void w8(wbuf *b, uint8_t v) { b->d[b->n++] = v; }
static void w16(wbuf *b, uint16_t v) {
  w8(b, (uint8_t)v);
  w8(b, (uint8_t)(v >> 8));
}
static void w32(wbuf *b, uint32_t v) {
  w16(b, (uint16_t)v);
  w16(b, (uint16_t)(v >> 16));
}
static void w64(wbuf *b, uint64_t v) {
  w32(b, (uint32_t)v);
  w32(b, (uint32_t)(v >> 32));
}
static void wstrn(wbuf *b, const char *s, size_t n) {
  w16(b, (uint16_t)n);
  memcpy(b->d + b->n, s, n);
  b->n += n;
}
static void wstr(wbuf *b, const char *s) { wstrn(b, s, strlen(s)); }

/* Appends a block with the given body. */
static void block(wbuf *b, uint32_t type, const wbuf *body) {
  uint32_t len = (uint32_t)(12 + body->n);
  uint32_t pad = (4 - len % 4) % 4;
  w32(b, type);
  w32(b, len + pad);
  memcpy(b->d + b->n, body->d, body->n);
  b->n += body->n;
  for (uint32_t i = 0; i < pad; i++)
    w8(b, 0);
  w32(b, len + pad);
}

/* An EV_V2 event block with string/u64 params given as (ptr,len) pairs. */
static void event(wbuf *b, uint16_t type, int64_t tid, uint32_t np,
                  const void *const *p, const uint32_t *pl) {
  wbuf body = {.n = 0};
  uint32_t total = 0;
  for (uint32_t i = 0; i < np; i++)
    total += pl[i];
  w16(&body, 0); /* cpu */
  w64(&body, 1000);
  w64(&body, (uint64_t)tid);
  w32(&body, 26 + 2 * np + total);
  w16(&body, type);
  w32(&body, np);
  for (uint32_t i = 0; i < np; i++)
    w16(&body, (uint16_t)pl[i]);
  for (uint32_t i = 0; i < np; i++) {
    memcpy(body.d + body.n, p[i], pl[i]);
    body.n += pl[i];
  }
  block(b, 0x216, &body);
}

static void build_capture(wbuf *b) {
  wbuf body;
  b->n = 0;
  /* SHB */
  body.n = 0;
  w32(&body, 0x1A2B3C4D);
  w16(&body, 1);
  w16(&body, 2);
  w64(&body, ~0ull);
  block(b, 0x0A0D0D0A, &body);
  /* MI */
  body.n = 0;
  w32(&body, 2);
  w64(&body, 1 << 30);
  w64(&body, 32768);
  char host[128] = "testhost";
  memcpy(body.d + body.n, host, 128);
  body.n += 128;
  for (int i = 0; i < 4; i++)
    w64(&body, 0);
  block(b, 0x201, &body);
  /* PL v9 with one process, 29 trailing bytes (pre-0.10 layout) */
  body.n = 0;
  wbuf e = {.n = 0};
  w64(&e, 100);
  w64(&e, 100);
  w64(&e, 1);
  w64(&e, 100);
  w64(&e, 100);
  wstr(&e, "bash");
  wstr(&e, "/bin/bash");
  wstr(&e, "/bin/bash");
  wstrn(&e, "-c\0true", 7);
  wstr(&e, "/home/u");
  w64(&e, 1024);
  w32(&e, 0);
  w32(&e, 1000);
  w32(&e, 1000);
  w32(&e, 0);
  w32(&e, 0);
  w32(&e, 0);
  w64(&e, 0);
  w64(&e, 0);
  wstr(&e, "");
  w64(&e, 100);
  w64(&e, 100);
  wstr(&e, "");
  wstr(&e, "/");
  w32(&e, 1000); /* loginuid */
  w8(&e, 0);
  w64(&e, 0);
  w64(&e, 0);
  w64(&e, 0);
  w32(&body, (uint32_t)(e.n + 4));
  memcpy(body.d + body.n, e.d, e.n);
  body.n += e.n;
  block(b, 0x215, &body);
  /* FDL v2: fd 3 = /etc/passwd */
  body.n = 0;
  w64(&body, 100);
  wbuf f = {.n = 0};
  w64(&f, 3);
  w64(&f, 77);
  w8(&f, 1);
  wstr(&f, "/etc/passwd");
  w32(&body, (uint32_t)(f.n + 4));
  memcpy(body.d + body.n, f.d, f.n);
  body.n += f.n;
  block(b, 0x218, &body);
  /* UL v2: user 1000 */
  body.n = 0;
  wbuf u = {.n = 0};
  w8(&u, 0);
  w32(&u, 1000);
  w32(&u, 1000);
  wstr(&u, "alice");
  wstr(&u, "/home/alice");
  wstr(&u, "/bin/sh");
  w32(&body, (uint32_t)(u.n + 4));
  memcpy(body.d + body.n, u.d, u.n);
  body.n += u.n;
  block(b, 0x220, &body);
  /* old-style read enter (stored) + read exit with 2 params (converted) */
  int64_t fd = 3;
  uint32_t size = 10;
  const void *pe[] = {&fd, &size};
  const uint32_t le[] = {8, 4};
  event(b, VG_PPME_SYSCALL_READ_E, 100, 2, pe, le);
  int64_t res = 5;
  const void *px[] = {&res, "hello"};
  const uint32_t lx[] = {8, 5};
  event(b, VG_PPME_SYSCALL_READ_X, 100, 2, px, lx);
  /* close exit with its new layout */
  int64_t zero = 0;
  const void *pc[] = {&zero, &fd};
  const uint32_t lc[] = {8, 8};
  event(b, VG_PPME_SYSCALL_CLOSE_X, 100, 2, pc, lc);
}

typedef struct counts {
  int sections, procs, fds, users, events;
  vigil_status st;
} counts;

static counts read_all(vg_scap *r) {
  counts c = {0};
  for (int guard = 0; guard < 10000000; guard++) {
    vg_scap_item it;
    c.st = vg_scap_next(r, &it);
    if (c.st != VIGIL_OK || it.kind == VG_SCAP_EOF)
      break;
    switch (it.kind) {
    case VG_SCAP_SECTION: c.sections++; break;
    case VG_SCAP_PROC: c.procs++; break;
    case VG_SCAP_FD: c.fds++; break;
    case VG_SCAP_USER: c.users++; break;
    case VG_SCAP_EVENT: c.events++; break;
    default: break;
    }
  }
  return c;
}

Test(scap, synthetic_blocks) {
  wbuf b;
  build_capture(&b);
  vg_scap *r;
  char err[256];
  cr_assert_eq(vg_scap_open_mem(b.d, b.n, &r, err, sizeof err), VIGIL_OK);
  counts c = read_all(r);
  cr_assert_eq(c.st, VIGIL_OK, "%s", vg_scap_error(r));
  cr_assert_eq(c.sections, 1);
  cr_assert_eq(c.procs, 1);
  cr_assert_eq(c.fds, 1);
  cr_assert_eq(c.users, 1);
  /* the read enter event is consumed by the converter */
  cr_assert_eq(c.events, 2);
  vg_scap_close(r);
}

Test(scap, converter_and_fields) {
  wbuf b;
  build_capture(&b);
  vg_scap *r;
  vg_sysstate *s;
  char err[256];
  cr_assert_eq(vg_scap_open_mem(b.d, b.n, &r, err, sizeof err), VIGIL_OK);
  cr_assert_eq(vg_sys_new(&s), VIGIL_OK);
  vg_sys_accessor a;
  vg_sys_accessor_for_state(&a, s);
  vg_scap_item it;
  uint64_t num = 0;
  int seen_read = 0;
  while (vg_scap_next(r, &it) == VIGIL_OK && it.kind != VG_SCAP_EOF) {
    if (it.kind != VG_SCAP_EVENT) {
      cr_assert_eq(vg_sys_item(s, &it), VIGIL_OK);
      continue;
    }
    int shown;
    cr_assert_eq(vg_sys_event(s, it.u.evt, ++num, &shown), VIGIL_OK);
    if (it.u.evt->type != VG_PPME_SYSCALL_READ_X)
      continue;
    seen_read = 1;
    cr_assert_eq(it.u.evt->nparams, 4);
    char buf[256];
    const char *names[] = {"fd.name", "proc.name", "proc.cmdline",
                           "user.name", "fd.num", "evt.type", "proc.cwd",
                           "fd.filename", "fd.directory", "evt.category",
                           "evt.arg.fd", "evt.arg[3]", "evt.res",
                           "evt.args", "proc.args[1]", "evt.buffer",
                           "fd.typechar", "evt.rawres", "user.homedir"};
    const char *want[] = {"/etc/passwd", "bash", "bash -c true", "alice",
                          "3", "read", "/home/u/", "passwd", "/etc",
                          "file", "<f>/etc/passwd", "10", "SUCCESS",
                          "res=5 data=hello fd=3(<f>/etc/passwd) size=10",
                          "true", "hello", "f", "5", "/home/alice"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      vg_sysf_ref ref;
      size_t used;
      cr_assert_eq(vg_sysf_parse(names[i], &ref, &used), VIGIL_OK);
      cr_assert_eq(used, strlen(names[i]));
      cr_assert_eq(vg_sysf_render(&a, &ref, buf, sizeof buf), 1);
      cr_expect_str_eq(buf, want[i], "%s", names[i]);
    }
    /* typed extraction */
    vg_sysf_ref ref;
    size_t used, n;
    vg_value vals[8];
    uint8_t scratch[512];
    cr_assert_eq(vg_sysf_parse("proc.pid", &ref, &used), VIGIL_OK);
    cr_assert_eq(vg_sysf_extract(&a, &ref, vals, 8, &n, scratch,
                                  sizeof scratch, &used), VIGIL_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(vals[0].type, VG_FT_INT64);
    cr_assert_eq(vals[0].v.i, 100);
    cr_assert_eq(vg_sysf_parse("evt.buffer", &ref, &used), VIGIL_OK);
    cr_assert_eq(vg_sysf_extract(&a, &ref, vals, 8, &n, scratch,
                                  sizeof scratch, &used), VIGIL_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(vals[0].v.s.n, 5);
    cr_assert(memcmp(vals[0].v.s.p, "hello", 5) == 0);
    cr_assert_eq(vg_sysf_parse("fd.ip", &ref, &used), VIGIL_OK);
    cr_assert_eq(vg_sysf_extract(&a, &ref, vals, 8, &n, scratch,
                                  sizeof scratch, &used), VIGIL_OK);
    cr_assert_eq(n, 0, "a file has no endpoints");
    cr_assert_eq(vg_sysf_parse("proc.name", &ref, &used), VIGIL_OK);
    cr_assert_eq(vg_sysf_extract(&a, &ref, vals, 8, &n, scratch,
                                  sizeof scratch, &used), VIGIL_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(vals[0].v.s.n, 4);
  }
  cr_assert(seen_read);
  vg_sys_free(s);
  vg_scap_close(r);
}

/* Every truncation of the synthetic capture: an error or a clean end. */
Test(scap, truncation_every_offset) {
  wbuf b;
  build_capture(&b);
  for (size_t cut = 0; cut < b.n; cut++) {
    vg_scap *r;
    char err[256];
    cr_assert_eq(vg_scap_open_mem(b.d, cut, &r, err, sizeof err), VIGIL_OK);
    counts c = read_all(r);
    /* a cut exactly at a block boundary is a valid shorter capture */
    if (c.st != VIGIL_OK)
      cr_assert(strstr(vg_scap_error(r), "offset") != NULL);
    vg_scap_close(r);
  }
}

/* Each byte replaced by a few values: never a crash or hang. */
Test(scap, corruption_every_byte) {
  wbuf b;
  build_capture(&b);
  static const uint8_t vals[] = {0x00, 0xFF, 0x7F, 0x80};
  for (size_t i = 0; i < b.n; i++) {
    for (size_t k = 0; k < sizeof vals; k++) {
      wbuf c = b;
      c.d[i] = vals[k];
      vg_scap *r;
      vg_sysstate *s;
      char err[256];
      cr_assert_eq(vg_scap_open_mem(c.d, c.n, &r, err, sizeof err),
                   VIGIL_OK);
      cr_assert_eq(vg_sys_new(&s), VIGIL_OK);
      vg_scap_item it;
      uint64_t num = 0;
      while (vg_scap_next(r, &it) == VIGIL_OK && it.kind != VG_SCAP_EOF) {
        int shown;
        if (it.kind == VG_SCAP_EVENT)
          vg_sys_event(s, it.u.evt, ++num, &shown);
        else
          vg_sys_item(s, &it);
      }
      vg_sys_free(s);
      vg_scap_close(r);
    }
  }
}

/* Two captures back to back read as two sections. */
Test(scap, concatenated_sections) {
  wbuf b, two;
  build_capture(&b);
  memcpy(two.d, b.d, b.n);
  memcpy(two.d + b.n, b.d, b.n);
  two.n = 2 * b.n;
  vg_scap *r;
  char err[256];
  cr_assert_eq(vg_scap_open_mem(two.d, two.n, &r, err, sizeof err),
               VIGIL_OK);
  counts c = read_all(r);
  cr_assert_eq(c.st, VIGIL_OK, "%s", vg_scap_error(r));
  cr_assert_eq(c.sections, 2);
  cr_assert_eq(c.events, 4);
  vg_scap_close(r);
}

/* A metadata block after the events is an error naming the block. */
Test(scap, unexpected_block_after_events) {
  wbuf b;
  build_capture(&b);
  wbuf body = {.n = 0};
  w64(&body, 100);
  block(&b, 0x218, &body);
  vg_scap *r;
  char err[256];
  cr_assert_eq(vg_scap_open_mem(b.d, b.n, &r, err, sizeof err), VIGIL_OK);
  counts c = read_all(r);
  cr_assert_neq(c.st, VIGIL_OK);
  cr_assert_eq(c.events, 2, "events before the error are delivered");
  cr_assert(strstr(vg_scap_error(r), "FDL_V2") != NULL, "%s",
            vg_scap_error(r));
  vg_scap_close(r);
}

Test(scap, not_a_capture) {
  const char junk[] = "hello, this is not a capture file at all";
  vg_scap *r;
  char err[256];
  cr_assert_eq(vg_scap_open_mem(junk, sizeof junk, &r, err, sizeof err),
               VIGIL_OK);
  counts c = read_all(r);
  cr_assert_neq(c.st, VIGIL_OK);
  vg_scap_close(r);
}

/* ------------------------------------------------------------ captures */

static char *capture_path(const char *name) {
  static char p[4096];
  snprintf(p, sizeof p, "%s/conformance/captures/%s", VIGIL_SHARED_DIR, name);
  return access(p, R_OK) == 0 ? p : NULL;
}

/* Decompresses a gzip file fully (test helper only). */
static uint8_t *slurp_gz(const char *path, size_t *len) {
  gzFile g = gzopen(path, "rb");
  if (!g)
    return NULL;
  size_t cap = 1 << 20, n = 0;
  uint8_t *d = malloc(cap);
  int k;
  while (d && (k = gzread(g, d + n, (unsigned)(cap - n))) > 0) {
    n += (size_t)k;
    if (n == cap) {
      cap *= 2;
      d = realloc(d, cap);
    }
  }
  gzclose(g);
  *len = n;
  return d;
}

/*
 * Stored enter events of plain input stay in the input buffer until it
 * moves (scap.c, block mode): an enter event whose exit comes after more
 * than a buffer's worth of other events must still convert the exit, for
 * plain and gzip input alike, and several threads' enters interleave.
 */
Test(scap, stored_enter_survives_buffer_moves) {
  wbuf head, tail, fill;
  build_capture(&head); /* SHB ... read enter/exit, close */
  int64_t fd = 3;
  uint32_t size = 10;
  const void *pe[] = {&fd, &size};
  const uint32_t le[] = {8, 4};
  /* enters of tids 200 and 201, exits at the very end */
  event(&head, VG_PPME_SYSCALL_READ_E, 200, 2, pe, le);
  size = 11;
  event(&head, VG_PPME_SYSCALL_READ_E, 201, 2, pe, le);
  /* filler: new-layout close exits of another thread, ~1.2 MB */
  fill.n = 0;
  int64_t zero = 0, nine = 9;
  const void *pc[] = {&zero, &nine};
  const uint32_t lc[] = {8, 8};
  for (int i = 0; i < 100; i++)
    event(&fill, VG_PPME_SYSCALL_CLOSE_X, 300, 2, pc, lc);
  tail.n = 0;
  int64_t res = 5;
  const void *px[] = {&res, "hello"};
  const uint32_t lx[] = {8, 5};
  event(&tail, VG_PPME_SYSCALL_READ_X, 201, 2, px, lx);
  event(&tail, VG_PPME_SYSCALL_READ_X, 200, 2, px, lx);
  size_t nfill = 500;
  size_t len = head.n + nfill * fill.n + tail.n;
  uint8_t *cap = malloc(len);
  cr_assert_not_null(cap);
  memcpy(cap, head.d, head.n);
  for (size_t i = 0; i < nfill; i++)
    memcpy(cap + head.n + i * fill.n, fill.d, fill.n);
  memcpy(cap + head.n + nfill * fill.n, tail.d, tail.n);
  cr_assert_gt(len, 1u << 20);
  /* the same bytes gzip-compressed */
  uLongf zl = compressBound(len) + 64;
  uint8_t *gz = malloc(zl);
  cr_assert_not_null(gz);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  cr_assert_eq(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8,
                            Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = cap;
  zs.avail_in = (uInt)len;
  zs.next_out = gz;
  zs.avail_out = (uInt)zl;
  cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
  size_t gzlen = zs.total_out;
  deflateEnd(&zs);
  for (int z = 0; z < 2; z++) {
    vg_scap *r;
    char err[256];
    cr_assert_eq(vg_scap_open_mem(z ? gz : cap, z ? gzlen : len, &r, err,
                                  sizeof err), VIGIL_OK, "%s", err);
    vg_scap_item it;
    int seen = 0;
    vigil_status st;
    while ((st = vg_scap_next(r, &it)) == VIGIL_OK &&
           it.kind != VG_SCAP_EOF) {
      if (it.kind != VG_SCAP_EVENT ||
          it.u.evt->type != VG_PPME_SYSCALL_READ_X || it.u.evt->tid < 200)
        continue;
      const vg_evt *e = it.u.evt;
      cr_assert_eq(e->nparams, 4);
      cr_expect_eq(vg_evt_i64(e, 0), 5);
      cr_expect_eq(e->plen[1], 5);
      cr_expect(memcmp(e->p[1], "hello", 5) == 0);
      cr_expect_eq(vg_evt_i64(e, 2), 3, "fd from the stored enter");
      cr_expect_eq(vg_evt_u32(e, 3), e->tid == 200 ? 10u : 11u,
                   "size from the stored enter (tid %lld)",
                   (long long)e->tid);
      seen++;
    }
    cr_assert_eq(st, VIGIL_OK, "%s", vg_scap_error(r));
    cr_assert_eq(seen, 2, "input %s", z ? "gzip" : "plain");
    vg_scap_close(r);
  }
  free(gz);
  free(cap);
}

Test(scap, gzip_equals_plain) {
  char *p = capture_path("cat_write.scap");
  if (!p)
    cr_skip_test("conformance captures not available");
  vg_scap *r;
  char err[256];
  cr_assert_eq(vg_scap_open(p, &r, err, sizeof err), VIGIL_OK);
  counts gz = read_all(r);
  vg_scap_close(r);
  cr_assert_eq(gz.st, VIGIL_OK);
  size_t n;
  uint8_t *plain = slurp_gz(p, &n);
  cr_assert_not_null(plain);
  cr_assert_eq(vg_scap_open_mem(plain, n, &r, err, sizeof err), VIGIL_OK);
  counts pl = read_all(r);
  vg_scap_close(r);
  cr_assert_eq(pl.st, VIGIL_OK);
  cr_assert_eq(pl.events, gz.events);
  cr_assert_eq(pl.procs, gz.procs);
  cr_assert_eq(pl.fds, gz.fds);
  cr_assert_gt(gz.events, 0);
  /* truncations of a real capture every 997 bytes: error, events kept */
  for (size_t cut = 1; cut < n; cut += 997) {
    cr_assert_eq(vg_scap_open_mem(plain, cut, &r, err, sizeof err),
                 VIGIL_OK);
    counts c = read_all(r);
    cr_assert(c.events <= gz.events);
    vg_scap_close(r);
  }
  free(plain);
}

Test(scap, comments_capture_reads_like_original) {
  char *p1 = capture_path("curl_google.scap");
  if (!p1)
    cr_skip_test("conformance captures not available");
  char a[4096];
  snprintf(a, sizeof a, "%s", p1);
  char *p2 = capture_path("curl_google_comments.scap");
  cr_assert_not_null(p2);
  vg_scap *r1, *r2;
  char err[256];
  cr_assert_eq(vg_scap_open(a, &r1, err, sizeof err), VIGIL_OK);
  cr_assert_eq(vg_scap_open(p2, &r2, err, sizeof err), VIGIL_OK);
  counts c1 = read_all(r1), c2 = read_all(r2);
  cr_assert_eq(c1.st, VIGIL_OK);
  cr_assert_eq(c2.st, VIGIL_OK, "%s", vg_scap_error(r2));
  cr_assert_eq(c1.events, c2.events);
  cr_assert_eq(c1.procs, c2.procs);
  vg_scap_close(r1);
  vg_scap_close(r2);
}

Test(scap, every_capture_reads) {
  const char *names[] = {"cat_write.scap", "connect_localhost.scap",
                         "curl_google.scap", "empty.scap",
                         "open-multiple-files.scap", "ping_sendto.scap",
                         "sample.scap", "single_ipv6_conn.scap",
                         "syscall.scap", "test_ipv6_client.scap"};
  if (!capture_path(names[0]))
    cr_skip_test("conformance captures not available");
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char *p = capture_path(names[i]);
    cr_assert_not_null(p);
    vg_scap *r;
    char err[256];
    cr_assert_eq(vg_scap_open(p, &r, err, sizeof err), VIGIL_OK);
    counts c = read_all(r);
    cr_expect_eq(c.st, VIGIL_OK, "%s: %s", names[i], vg_scap_error(r));
    cr_expect_gt(c.events, 0, "%s", names[i]);
    vg_scap_close(r);
  }
}

/* The evaluator's view: bound fields, memoised extraction, shown events. */
Test(scap, syscall_source_events) {
  char *p = capture_path("cat_write.scap");
  if (!p)
    cr_skip_test("conformance captures not available");
  vg_sys_source *s;
  char err[256];
  cr_assert_eq(vg_sys_source_open(p, &s, err, sizeof err), VIGIL_OK);
  uint32_t name_id, pid_id, again;
  cr_assert_eq(vg_sys_source_bind(s, "proc.name", &name_id), VIGIL_OK);
  cr_assert_eq(vg_sys_source_bind(s, "proc.pid", &pid_id), VIGIL_OK);
  cr_assert_eq(vg_sys_source_bind(s, "proc.name", &again), VIGIL_OK);
  cr_assert_eq(again, name_id);
  cr_assert_eq(vg_sys_source_bind(s, "proc.nosuch", &again),
               VIGIL_E_NOTFOUND);
  vigil_event *ev;
  int events = 0, cats = 0;
  while (vg_sys_source_next(s, &ev) == VIGIL_OK && ev) {
    events++;
    const vg_value *v;
    size_t n;
    cr_assert_eq(ev->ops->extract(ev->ctx, name_id, &v, &n), VIGIL_OK);
    if (n == 1 && v[0].v.s.n == 3 && !memcmp(v[0].v.s.p, "cat", 3)) {
      cats++;
      const vg_value *v2;
      size_t n2;
      cr_assert_eq(ev->ops->extract(ev->ctx, name_id, &v2, &n2), VIGIL_OK);
      cr_assert_eq(v2, v, "memoised: same storage");
      cr_assert_eq(ev->ops->extract(ev->ctx, pid_id, &v2, &n2), VIGIL_OK);
      cr_assert_eq(n2, 1);
      cr_assert_eq(v2[0].v.i, 20072);
    }
  }
  cr_assert_eq(events, 303);
  cr_assert_gt(cats, 40);
  vg_sys_source_free(s);
}

/* ------------------------------------------------------------ flows */

/* Parameter list builder for current-format events. */
typedef struct plist {
  const void *p[40];
  uint32_t l[40];
  uint32_t n;
  int64_t nums[40];
} plist;

static void pe(plist *pl) { /* empty */
  pl->p[pl->n] = "";
  pl->l[pl->n++] = 0;
}
static void ps(plist *pl, const char *s, uint32_t len) {
  pl->p[pl->n] = s;
  pl->l[pl->n++] = len;
}
static void pn(plist *pl, int64_t v, uint32_t size) {
  pl->nums[pl->n] = v;
  pl->p[pl->n] = &pl->nums[pl->n];
  pl->l[pl->n++] = size;
}

/* A clone/fork exit (21 parameters) returning res in thread tid. */
static void clone_exit(wbuf *b, int64_t tid, int64_t res, int64_t pid,
                       int64_t ptid, const char *comm) {
  plist pl = {.n = 0};
  pn(&pl, res, 8);
  ps(&pl, "/bin/bash", 10);
  pe(&pl);
  pn(&pl, tid, 8);
  pn(&pl, pid, 8);
  pn(&pl, ptid, 8);
  pe(&pl);
  pn(&pl, 1024, 8);
  for (int i = 0; i < 5; i++)
    pn(&pl, 0, i < 2 ? 8 : 4);
  ps(&pl, comm, (uint32_t)strlen(comm) + 1);
  pe(&pl);
  pn(&pl, 0, 4);    /* flags */
  pn(&pl, 1000, 4); /* uid */
  pn(&pl, 1000, 4); /* gid */
  pn(&pl, tid, 8);  /* vtid */
  pn(&pl, pid, 8);  /* vpid */
  pn(&pl, 0, 8);
  event(b, VG_PPME_SYSCALL_CLONE_20_X, tid, pl.n, pl.p, pl.l);
}

static void build_flow(wbuf *b) {
  build_capture(b);
  /* bash (100) forks 200 */
  clone_exit(b, 100, 200, 100, 1, "bash");
  clone_exit(b, 200, 0, 200, 100, "bash");
  /* 200 runs /bin/cat x */
  plist en = {.n = 0};
  ps(&en, "/bin/cat", 9);
  event(b, VG_PPME_SYSCALL_EXECVE_19_E, 200, en.n, en.p, en.l);
  plist ex = {.n = 0};
  pn(&ex, 0, 8);
  ps(&ex, "/bin/cat", 9);
  ps(&ex, "x", 2);
  pn(&ex, 200, 8);
  pn(&ex, 200, 8);
  pn(&ex, 100, 8);
  ps(&ex, "/home/u", 8);
  pn(&ex, 1024, 8);
  for (int i = 0; i < 5; i++)
    pn(&ex, 0, i < 2 ? 8 : 4);
  ps(&ex, "cat", 4);
  while (ex.n < 31)
    pe(&ex);
  event(b, VG_PPME_SYSCALL_EXECVE_19_X, 200, ex.n, ex.p, ex.l);
  /* cat opens x.txt relative to its cwd */
  plist oe = {.n = 0};
  pn(&oe, -100, 8);
  ps(&oe, "x.txt", 6);
  pn(&oe, 1, 4);
  pn(&oe, 0, 4);
  event(b, VG_PPME_SYSCALL_OPENAT_2_E, 200, oe.n, oe.p, oe.l);
  plist ox = {.n = 0};
  pn(&ox, 4, 8);
  pn(&ox, -100, 8);
  ps(&ox, "x.txt", 6);
  pn(&ox, 1, 4);
  pn(&ox, 0, 4);
  pn(&ox, 0, 4);
  pn(&ox, 0, 8);
  event(b, VG_PPME_SYSCALL_OPENAT_2_X, 200, ox.n, ox.p, ox.l);
  /* dup(4) -> 5 */
  plist dx = {.n = 0};
  pn(&dx, 5, 8);
  pn(&dx, 4, 8);
  event(b, VG_PPME_SYSCALL_DUP_1_X, 200, dx.n, dx.p, dx.l);
  /* cat exits; one more event of its tid afterwards */
  plist px = {.n = 0};
  for (int i = 0; i < 2; i++)
    pn(&px, 0, 8);
  pn(&px, 0, 1);
  pn(&px, 0, 1);
  pn(&px, 0, 8);
  event(b, VG_PPME_PROCEXIT_1_E, 200, px.n, px.p, px.l);
  plist cx = {.n = 0};
  pn(&cx, 0, 8);
  pn(&cx, 5, 8);
  event(b, VG_PPME_SYSCALL_CLOSE_X, 200, cx.n, cx.p, cx.l);
}

Test(scap, process_and_fd_flow) {
  static wbuf b;
  build_flow(&b);
  vg_scap *r;
  vg_sysstate *s;
  char err[256];
  cr_assert_eq(vg_scap_open_mem(b.d, b.n, &r, err, sizeof err), VIGIL_OK);
  cr_assert_eq(vg_sys_new(&s), VIGIL_OK);
  vg_sys_accessor a;
  vg_sys_accessor_for_state(&a, s);
  const char *names[] = {"evt.type", "proc.name", "proc.pname",
                         "proc.cmdline", "proc.exepath", "fd.name",
                         "fd.num", "proc.cwd", "proc.pid"};
  const char *want[][9] = {
      /* read and close of the base capture */
      {"read", "bash", "<NA>", "bash -c true", "/bin/bash",
       "/etc/passwd", "3", "/home/u/", "100"},
      {"close", "bash", "<NA>", "bash -c true", "/bin/bash",
       "/etc/passwd", "3", "/home/u/", "100"},
      {"clone", "bash", "<NA>", "bash -c true", "/bin/bash", "<NA>", "<NA>",
       "/home/u/", "100"},
      {"clone", "bash", "bash", "bash", "/bin/bash", "<NA>", "<NA>",
       "/home/u/", "200"},
      {"execve", "cat", "bash", "cat x", "/bin/cat", "<NA>", "<NA>",
       "/home/u/", "200"},
      {"openat", "cat", "bash", "cat x", "/bin/cat", "/home/u/x.txt", "4",
       "/home/u/", "200"},
      {"dup", "cat", "bash", "cat x", "/bin/cat", "/home/u/x.txt", "5",
       "/home/u/", "200"},
      {"procexit", "cat", "bash", "cat x", "/bin/cat", "<NA>", "<NA>",
       "/home/u/", "200"},
      /* the thread is gone: libsinsp makes a placeholder entry */
      {"close", "<NA>", "<NA>", "<NA>", "", "", "5", "./", "-1"},
  };
  size_t row = 0;
  vg_scap_item it;
  uint64_t num = 0;
  while (vg_scap_next(r, &it) == VIGIL_OK && it.kind != VG_SCAP_EOF) {
    if (it.kind != VG_SCAP_EVENT) {
      cr_assert_eq(vg_sys_item(s, &it), VIGIL_OK);
      continue;
    }
    int shown;
    cr_assert_eq(vg_sys_event(s, it.u.evt, ++num, &shown), VIGIL_OK);
    if (!shown)
      continue;
    cr_assert_lt(row, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      vg_sysf_ref ref;
      size_t used;
      char buf[512];
      cr_assert_eq(vg_sysf_parse(names[i], &ref, &used), VIGIL_OK);
      if (!vg_sysf_render(&a, &ref, buf, sizeof buf))
        snprintf(buf, sizeof buf, "<NA>");
      cr_expect_str_eq(buf, want[row][i], "row %zu %s", row, names[i]);
    }
    row++;
  }
  cr_assert_eq(row, sizeof want / sizeof want[0]);
  vg_sys_free(s);
  vg_scap_close(r);
}
