/*
 * scap.c - the streaming capture reader and old-event converter (see
 * scap.h and spec/scap-format.md sections 3-13 and 16). Input goes into
 * one buffer and blocks are decoded where they lie: a plain file is read
 * with read(2) in large chunks straight into the buffer (zlib's gzread
 * would copy every byte once more through its own buffer), a gzip stream
 * through gzread block by block, exactly as much as each block needs, so
 * that a corrupt stream still delivers every block before the damage.
 * Standard input goes through zlib either way (its sniffing cannot be
 * undone on a pipe).
 * Metadata blocks are walked entry by entry, event blocks are decoded into
 * a vg_evt and passed through the converter, whose stored enter events are
 * the only state kept across blocks (bounded: the store is flushed when it
 * grows past a limit; records are recycled, so steady-state reading
 * allocates nothing).
 */
#include "sources/scap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "vg_tables.h"

#define SHB_TYPE 0x0A0D0D0Au
#define SHB_MAGIC 0x1A2B3C4Du
#define MAX_BLOCK (256u * 1024u * 1024u)
#define MAX_STORED 65536u
#define MAX_ROUNDS 16
#define CONV_BUF (1u << 20)
#define IN_CHUNK (1u << 18) /* plain input: bytes asked of gzread at once */

enum blk_kind {
  BK_UNKNOWN,
  BK_MI,
  BK_PL,
  BK_FDL,
  BK_EV,
  BK_IL,
  BK_UL
};

typedef struct blk_desc {
  uint32_t id;
  enum blk_kind kind;
  int version;   /* PL 1..9, FDL/IL/UL 1..2, EV: 1 or 2 */
  int flags;     /* EV: has dump flags */
  const char *name;
} blk_desc;

static const blk_desc BLOCKS[] = {
    {0x201, BK_MI, 1, 0, "MI"},          {0x8002ABCD, BK_MI, 1, 0, "MI"},
    {0x202, BK_PL, 1, 0, "PL"},          {0x8000ABCD, BK_PL, 1, 0, "PL"},
    {0x207, BK_PL, 2, 0, "PL_V2"},       {0x8013ABCD, BK_PL, 2, 0, "PL_V2"},
    {0x209, BK_PL, 3, 0, "PL_V3"},       {0x8014ABCD, BK_PL, 3, 0, "PL_V3"},
    {0x210, BK_PL, 4, 0, "PL_V4"},       {0x211, BK_PL, 5, 0, "PL_V5"},
    {0x212, BK_PL, 6, 0, "PL_V6"},       {0x213, BK_PL, 7, 0, "PL_V7"},
    {0x214, BK_PL, 8, 0, "PL_V8"},       {0x215, BK_PL, 9, 0, "PL_V9"},
    {0x203, BK_FDL, 1, 0, "FDL"},        {0x8001ABCD, BK_FDL, 1, 0, "FDL"},
    {0x218, BK_FDL, 2, 0, "FDL_V2"},     {0x204, BK_EV, 1, 0, "EV"},
    {0x8010ABCD, BK_EV, 1, 0, "EV"},     {0x216, BK_EV, 2, 0, "EV_V2"},
    {0x221, BK_EV, 2, 0, "EV_V2_LARGE"}, {0x208, BK_EV, 1, 1, "EVF"},
    {0x217, BK_EV, 2, 1, "EVF_V2"},      {0x222, BK_EV, 2, 1, "EVF_V2_LARGE"},
    {0x205, BK_IL, 1, 0, "IL"},          {0x8011ABCD, BK_IL, 1, 0, "IL"},
    {0x219, BK_IL, 2, 0, "IL_V2"},       {0x206, BK_UL, 1, 0, "UL"},
    {0x8012ABCD, BK_UL, 1, 0, "UL"},     {0x220, BK_UL, 2, 0, "UL_V2"},
};

/* A stored enter event: header plus a private copy of its parameters, or
 * (block mode, plain input) its whole block, decoded again when an exit
 * event needs it. A block stays where it lies in the input buffer (lazy)
 * until the buffer moves, and is copied into data only then: most stored
 * enter events are replaced before that without ever being used. Records
 * are recycled through the reader's free list and keep their data buffer
 * (cap bytes) between uses. */
typedef struct stored_evt {
  int64_t tid;
  uint16_t type;
  uint32_t nparams;
  const uint8_t *blk; /* block mode: the block, else NULL */
  uint32_t blk_len;
  const struct blk_desc *desc;
  int lazy;           /* blk points into the input buffer */
  uint32_t plen[VG_EVT_MAX_PARAMS];
  uint32_t off[VG_EVT_MAX_PARAMS];
  uint8_t *data;
  size_t cap;
} stored_evt;

struct vg_scap {
  gzFile gz;           /* gzip or standard input, else NULL */
  int in_fd;           /* plain file read directly, else -1 */
  uint64_t off;        /* uncompressed bytes consumed so far */
  uint64_t blk_off;    /* offset of the current block */
  const uint8_t *blk;  /* current block (header included), inside in */
  uint32_t blk_len;
  /* input buffer: bytes [in_pos, in_len) are read but not consumed */
  uint8_t *in;
  size_t in_cap, in_pos, in_len;
  int in_eof;          /* gzread reported the end of the input */
  int in_err;          /* gzread or read failed */
  int in_errno;        /* read's errno */
  char in_name[256];   /* the input's name in read errors, as zlib's */
  int direct;          /* -1 unknown, 1 plain file, 0 gzip stream */
  const blk_desc *desc;
  size_t cur;          /* cursor in the current metadata block */
  int in_meta;         /* walking entries of a metadata block */
  int seen_event;
  int any_event;
  int need_section;    /* report VG_SCAP_SECTION before anything else */
  int done;
  int64_t fdl_tid;
  char err[512];
  /* items */
  vg_scap_proc proc;
  vg_scap_fd fd;
  vg_scap_user user;
  vg_scap_iface iface;
  vg_evt evt;
  vg_evt conv;
  char str[6][4100];
  char host[132];
  uint8_t *convbuf[2];
  /* converter storage: open addressing on tid (store_key[i] is the tid of
   * store[i], so probing reads no record) */
  stored_evt **store;
  int64_t *store_key;
  size_t store_cap, store_n;
  stored_evt **freel; /* recycled records */
  size_t nfree, capfree;
  int any_lazy;       /* some stored block lies in the input buffer */
  stored_evt **lazyv; /* the records made lazy since the buffer last moved
                         (entries no longer lazy are skipped) */
  size_t nlazy, caplazy;
  /* last block type looked up */
  uint32_t last_id;
  const blk_desc *last_desc;
  /* conversion rows: index of the first row of each event code + 1 */
  uint16_t conv_first[VG_EVENT_MAX];
  /* per event code: parameter count + 1 whose conversion row only stores
   * the event (0: none seen yet) */
  uint8_t store_np[VG_EVENT_MAX];
  /* the event table's flags and parameter counts, packed (the table's
   * rows are 40 bytes: this keeps the hot part in a few cache lines) */
  uint32_t ev_flags[VG_EVENT_MAX];
  uint16_t ev_np[VG_EVENT_MAX];
};

static vigil_status fail(vg_scap *r, vigil_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vigil_status fail(vg_scap *r, vigil_status st, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (r->desc)
    snprintf(r->err, sizeof r->err, "offset %llu: block %s (0x%X): %s",
             (unsigned long long)r->blk_off, r->desc->name,
             (unsigned)r->desc->id, msg);
  else
    snprintf(r->err, sizeof r->err, "offset %llu: %s",
             (unsigned long long)r->blk_off, msg);
  r->done = 1;
  return st;
}

/* Little-endian loads: one unaligned load on little-endian hosts. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint16_t rd16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
static inline uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t rd64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
#else
static inline uint16_t rd16(const uint8_t *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static inline uint64_t rd64(const uint8_t *p) {
  return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}
#endif

/* ------------------------------------------------------------ open/close */

/* Takes gz (when not NULL) or fd (a plain file read with read(2), named
 * name in read errors). */
static vigil_status init_reader(gzFile gz, int fd, const char *name,
                                vg_scap **out, char *err, size_t errlen) {
  vg_scap *r = calloc(1, sizeof *r);
  if (!r) {
    if (gz)
      gzclose(gz);
    else
      close(fd);
    snprintf(err, errlen, "out of memory");
    return VIGIL_E_NOMEM;
  }
  r->gz = gz;
  r->in_fd = gz ? -1 : fd;
  if (name)
    snprintf(r->in_name, sizeof r->in_name, "%s", name);
  else
    snprintf(r->in_name, sizeof r->in_name, "<fd:%d>", fd);
  r->convbuf[0] = malloc(CONV_BUF);
  r->convbuf[1] = malloc(CONV_BUF);
  r->store_cap = 1024;
  r->store = calloc(r->store_cap, sizeof *r->store);
  r->store_key = calloc(r->store_cap, sizeof *r->store_key);
  for (size_t i = 0; i < VG_EVENT_MAX; i++) {
    r->ev_flags[i] = vg_event_table[i].flags;
    r->ev_np[i] = vg_event_table[i].nparams;
  }
  r->in_cap = 2 * IN_CHUNK;
  r->in = malloc(r->in_cap);
  r->direct = gz ? -1 : 1;
  for (size_t i = VG_CONV_ROWS; i-- > 0;)
    if (vg_conv_rows[i].code < VG_EVENT_MAX)
      r->conv_first[vg_conv_rows[i].code] = (uint16_t)(i + 1);
  if (!r->convbuf[0] || !r->convbuf[1] || !r->store || !r->store_key ||
      !r->in) {
    vg_scap_close(r);
    snprintf(err, errlen, "out of memory");
    return VIGIL_E_NOMEM;
  }
  if (gz)
    gzbuffer(gz, 1 << 17);
  *out = r;
  return VIGIL_OK;
}

/* A seekable fd: gzip (zlib reads it) or plain (read directly), told by
 * the gzip magic as zlib itself tells them. Takes fd. */
static vigil_status open_fd(int fd, const char *name, vg_scap **out,
                            char *err, size_t errlen) {
  uint8_t magic[2];
  ssize_t k;
  do
    k = pread(fd, magic, 2, 0);
  while (k < 0 && errno == EINTR);
  if (k == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
      close(fd);
      snprintf(err, errlen, "out of memory");
      return VIGIL_E_NOMEM;
    }
    return init_reader(gz, -1, NULL, out, err, errlen);
  }
  return init_reader(NULL, fd, name, out, err, errlen);
}

vigil_status vg_scap_open(const char *path, vg_scap **out, char *err,
                          size_t errlen) {
  gzFile gz;
  int fd = -1;
  errno = 0;
  if (strcmp(path, "-") == 0) {
    fd = dup(0);
    gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
    if (!gz && fd >= 0)
      close(fd);
  } else {
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      return open_fd(fd, path, out, err, errlen);
    gz = NULL;
  }
  if (!gz) {
    snprintf(err, errlen, "cannot open '%s': %s", path,
             errno ? strerror(errno) : "out of memory");
    return VIGIL_E_IO;
  }
  return init_reader(gz, -1, NULL, out, err, errlen);
}

vigil_status vg_scap_open_mem(const void *buf, size_t len, vg_scap **out,
                              char *err, size_t errlen) {
  FILE *f = tmpfile();
  if (!f || (len && fwrite(buf, 1, len, f) != len) || fflush(f) != 0) {
    if (f)
      fclose(f);
    snprintf(err, errlen, "cannot create a temporary file");
    return VIGIL_E_IO;
  }
  int fd = dup(fileno(f));
  fclose(f);
  if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) {
    if (fd >= 0)
      close(fd);
    snprintf(err, errlen, "cannot reopen a temporary file");
    return VIGIL_E_IO;
  }
  return open_fd(fd, NULL, out, err, errlen);
}

static void rec_free(stored_evt *s) {
  if (s) {
    free(s->data);
    free(s);
  }
}

/* Drops every stored event and frees the records (the store only reaches
 * this after a section change or when it overflows: give memory back). */
static void store_clear(vg_scap *r) {
  for (size_t i = 0; i < r->store_cap; i++) {
    rec_free(r->store[i]);
    r->store[i] = NULL;
  }
  r->store_n = 0;
  for (size_t i = 0; i < r->nfree; i++)
    rec_free(r->freel[i]);
  r->nfree = 0;
  r->nlazy = 0; /* its records are gone */
  r->any_lazy = 0;
}

void vg_scap_close(vg_scap *r) {
  if (!r)
    return;
  if (r->gz)
    gzclose(r->gz);
  else if (r->in_fd >= 0)
    close(r->in_fd);
  if (r->store)
    store_clear(r);
  free(r->store);
  free(r->store_key);
  free(r->freel);
  free(r->lazyv);
  free(r->in);
  free(r->convbuf[0]);
  free(r->convbuf[1]);
  free(r);
}

const char *vg_scap_error(const vg_scap *r) { return r->err; }

/* ------------------------------------------------------------ raw input */

static int store_settle(vg_scap *r);

/* Makes at least `need` unconsumed bytes available in r->in (fewer at the
 * end of the input). Returns the number available, or -1 on a read error.
 * Plain files are read IN_CHUNK bytes at a time; a gzip stream exactly as
 * much as asked, because gzread drops the bytes of a call that hits
 * corrupt data. Moves the unconsumed bytes to the start of the buffer, so
 * pointers into it are invalidated. */
static long fill(vg_scap *r, size_t need) {
  size_t avail = r->in_len - r->in_pos;
  if (avail >= need || r->in_eof)
    return (long)avail;
  if (r->in_err)
    return -1;
  if (r->any_lazy && !store_settle(r))
    return -2;
  if (r->in_pos) {
    if (avail)
      memmove(r->in, r->in + r->in_pos, avail);
    r->in_pos = 0;
    r->in_len = avail;
  }
  if (r->direct < 0)
    r->direct = r->gz && gzdirect(r->gz) ? 1 : 0;
  size_t want = need + (r->direct ? IN_CHUNK : 0);
  if (want > r->in_cap) {
    size_t cap = r->in_cap;
    while (cap < want)
      cap *= 2;
    uint8_t *nb = realloc(r->in, cap);
    if (!nb)
      return -2;
    r->in = nb;
    r->in_cap = cap;
  }
  while (r->in_len < need) {
    size_t room = r->direct ? r->in_cap - r->in_len : need - r->in_len;
    if (r->direct && room > IN_CHUNK && r->in_len + IN_CHUNK >= need)
      room = IN_CHUNK; /* small reads stay in cache until decoded */
    unsigned chunk = room > (1u << 30) ? (1u << 30) : (unsigned)room;
    long k;
    if (r->gz) {
      k = gzread(r->gz, r->in + r->in_len, chunk);
    } else {
      do
        k = (long)read(r->in_fd, r->in + r->in_len, chunk);
      while (k < 0 && errno == EINTR);
    }
    if (k < 0) {
      r->in_err = 1;
      r->in_errno = errno;
      return -1;
    }
    if (k == 0) {
      r->in_eof = 1;
      break;
    }
    r->in_len += (size_t)k;
  }
  return (long)(r->in_len - r->in_pos);
}

static const blk_desc *find_desc(vg_scap *r, uint32_t id) {
  if (r->last_desc && r->last_id == id)
    return r->last_desc;
  for (size_t i = 0; i < sizeof BLOCKS / sizeof BLOCKS[0]; i++)
    if (BLOCKS[i].id == id) {
      r->last_id = id;
      r->last_desc = &BLOCKS[i];
      return &BLOCKS[i];
    }
  return NULL;
}

static const blk_desc SHB_DESC = {SHB_TYPE, BK_UNKNOWN, 0, 0, "SHB"};
static const blk_desc UNK_DESC = {0, BK_UNKNOWN, 0, 0, "unknown"};

/* The common case of the next block: already buffered whole, with the
 * id (and so the description) of the last one (r->last_desc set). Makes
 * it r->blk and returns 1; else changes nothing and returns 0. */
static inline int take_same_block(vg_scap *r) {
  if (r->in_len - r->in_pos < 8)
    return 0;
  const uint8_t *hdr = r->in + r->in_pos;
  uint32_t type = rd32(hdr), len = rd32(hdr + 4);
  if (type != r->last_id || len < 12 || len > MAX_BLOCK ||
      len > r->in_len - r->in_pos)
    return 0;
  r->blk_off = r->off;
  r->desc = r->last_desc;
  r->blk = hdr;
  r->in_pos += len;
  r->off += len;
  r->blk_len = len;
  return 1;
}

/* Makes the next whole block r->blk (a view into the input buffer, valid
 * until the next read). Returns VIGIL_OK and sets *eof at a clean end of
 * file. */
static vigil_status read_block(vg_scap *r, int *eof) {
  *eof = 0;
  if (r->last_desc && r->last_id != SHB_TYPE && take_same_block(r))
    return VIGIL_OK;
  r->desc = NULL;
  r->blk_off = r->off;
  long k = fill(r, 8);
  if (k == -2)
    return fail(r, VIGIL_E_NOMEM, "out of memory");
  if (k < 0)
    return r->gz ? fail(r, VIGIL_E_IO, "read error (%s)",
                        gzerror(r->gz, &(int){0}))
                 : fail(r, VIGIL_E_IO, "read error (%s: %s)", r->in_name,
                        strerror(r->in_errno));
  if (k == 0) {
    *eof = 1;
    return VIGIL_OK;
  }
  if (k < 8) {
    r->off += (uint64_t)k;
    r->in_pos = r->in_len;
    return fail(r, VIGIL_E_FORMAT,
                "truncated block header (%ld of 8 bytes)", k);
  }
  const uint8_t *hdr = r->in + r->in_pos;
  uint32_t type = rd32(hdr), len = rd32(hdr + 4);
  const blk_desc *d = type == SHB_TYPE ? &SHB_DESC : find_desc(r, type);
  r->desc = d ? d : &UNK_DESC;
  if (!d) {
    static blk_desc unk;
    unk = UNK_DESC;
    unk.id = type;
    r->desc = &unk;
  }
  if (len < 12 || (type == SHB_TYPE && len < 28)) {
    r->off += 8;
    return fail(r, VIGIL_E_FORMAT, "invalid block length %u", len);
  }
  if (len > MAX_BLOCK) {
    r->off += 8;
    return fail(r, VIGIL_E_LIMIT, "block length %u exceeds the scap block "
                "size limit (%u bytes)", len, MAX_BLOCK);
  }
  k = fill(r, len);
  if (k == -2)
    return fail(r, VIGIL_E_NOMEM, "out of memory");
  if (k < 0)
    return fail(r, VIGIL_E_IO, "read error");
  if ((uint32_t)k < len) {
    r->off += (uint64_t)k;
    r->in_pos = r->in_len;
    return fail(r, VIGIL_E_FORMAT,
                "truncated block: %u bytes expected, %ld available", len,
                k);
  }
  r->blk = r->in + r->in_pos;
  r->in_pos += len;
  r->off += len;
  r->blk_len = len;
  return VIGIL_OK;
}

/* ------------------------------------------------------------ metadata */

/* Bounded cursor over a block body. */
typedef struct cur {
  const uint8_t *p;
  size_t n;
  int bad;
} cur;

static const uint8_t *take(cur *c, size_t n) {
  if (c->bad || c->n < n) {
    c->bad = 1;
    return NULL;
  }
  const uint8_t *p = c->p;
  c->p += n;
  c->n -= n;
  return p;
}
static uint8_t t8(cur *c) {
  const uint8_t *p = take(c, 1);
  return p ? p[0] : 0;
}
static uint16_t t16(cur *c) {
  const uint8_t *p = take(c, 2);
  return p ? rd16(p) : 0;
}
static uint32_t t32(cur *c) {
  const uint8_t *p = take(c, 4);
  return p ? rd32(p) : 0;
}
static uint64_t t64(cur *c) {
  const uint8_t *p = take(c, 8);
  return p ? rd64(p) : 0;
}
/* lstr into slot; max = exclusive maximum length. */
static const char *tstr(cur *c, char *slot, size_t max, uint32_t *len_out) {
  uint16_t l = t16(c);
  const uint8_t *p = take(c, l);
  if (!p || l >= max) {
    c->bad = 1;
    slot[0] = 0;
    if (len_out)
      *len_out = 0;
    return slot;
  }
  memcpy(slot, p, l);
  slot[l] = 0;
  if (len_out)
    *len_out = l;
  return slot;
}

static vigil_status parse_proc(vg_scap *r, cur *c) {
  vg_scap_proc *p = &r->proc;
  int v = r->desc->version;
  memset(p, 0, sizeof *p);
  cur e = *c;
  if (v >= 9) {
    uint32_t elen = t32(c);
    if (c->bad || elen < 4 || elen - 4 > c->n)
      return fail(r, VIGIL_E_FORMAT, "bad process entry length %u at "
                  "body offset %zu", elen, r->cur);
    e.p = c->p;
    e.n = elen - 4;
    c->p += elen - 4;
    c->n -= elen - 4;
  } else {
    e = *c;
  }
  p->sid = p->vpgid = p->pgid = p->vtid = p->vpid = -1;
  p->loginuid = 0xFFFFFFFFu;
  p->tid = (int64_t)t64(&e);
  p->pid = (int64_t)t64(&e);
  p->ptid = (int64_t)t64(&e);
  if (v >= 6)
    p->sid = (int64_t)t64(&e);
  if (v >= 8)
    p->vpgid = (int64_t)t64(&e);
  p->comm = tstr(&e, r->str[0], 1025, NULL);
  p->exe = tstr(&e, r->str[1], 1025, NULL);
  p->exepath = v >= 7 ? tstr(&e, r->str[2], 1025, NULL) : "";
  uint32_t al = 0;
  tstr(&e, r->str[3], 4097, &al);
  p->args = (const uint8_t *)r->str[3];
  p->args_len = al;
  p->cwd = tstr(&e, r->str[4], 1025, NULL);
  p->fdlimit = t64(&e);
  p->flags = t32(&e);
  p->uid = t32(&e);
  p->gid = t32(&e);
  if (v >= 2) {
    p->vmsize_kb = t32(&e);
    p->vmrss_kb = t32(&e);
    p->vmswap_kb = t32(&e);
    p->pfmajor = t64(&e);
    p->pfminor = t64(&e);
  }
  if (v >= 3) {
    uint32_t l = 0;
    tstr(&e, r->str[5], 4097, &l);
    p->env = (const uint8_t *)r->str[5];
    p->env_len = l;
  }
  if (v >= 4) {
    p->vtid = (int64_t)t64(&e);
    p->vpid = (int64_t)t64(&e);
    /* cgroups are not kept: skip the string */
    uint16_t l = t16(&e);
    if (l > 4096)
      e.bad = 1;
    p->cgroups = take(&e, l);
    p->cgroups_len = l;
  }
  p->root = v >= 5 ? tstr(&e, r->str[2] + 2050, 1025, NULL) : "";
  if (e.bad)
    return fail(r, VIGIL_E_FORMAT, "truncated process entry at body "
                "offset %zu", r->cur);
  if (v >= 9) {
    if (e.n > 29) {
      p->pidns_init_start_ts = t64(&e);
      p->tty = t32(&e);
    }
    if (e.n >= 4)
      p->loginuid = t32(&e);
    if (e.n >= 1)
      p->exe_writable = t8(&e);
    if (e.n >= 8)
      p->cap_inh = t64(&e);
    if (e.n >= 8)
      p->cap_prm = t64(&e);
    if (e.n >= 8)
      p->cap_eff = t64(&e);
    if (e.n >= 1)
      p->exe_upper_layer = t8(&e);
    if (e.n >= 8)
      p->exe_ino = t64(&e);
    if (e.n >= 8)
      p->exe_ino_ctime = t64(&e);
    if (e.n >= 8)
      p->exe_ino_mtime = t64(&e);
    if (e.n >= 1)
      p->exe_from_memfd = t8(&e);
    if (e.n >= 1)
      p->exe_lower_layer = t8(&e);
    if (e.n >= 8)
      p->pgid = (int64_t)t64(&e);
  } else {
    *c = e;
  }
  return VIGIL_OK;
}

static vigil_status parse_fd(vg_scap *r, cur *c) {
  vg_scap_fd *f = &r->fd;
  int v2 = r->desc->version >= 2;
  cur e = *c;
  memset(f, 0, sizeof *f);
  f->tid = r->fdl_tid;
  if (v2) {
    uint32_t elen = t32(c);
    if (c->bad || elen < 4 || elen - 4 > c->n)
      return fail(r, VIGIL_E_FORMAT, "bad fd entry length %u at body "
                  "offset %zu", elen, r->cur);
    e.p = c->p;
    e.n = elen - 4;
    c->p += elen - 4;
    c->n -= elen - 4;
  }
  f->fd = (int64_t)t64(&e);
  f->ino = t64(&e);
  f->type = t8(&e);
  f->name = "";
  switch (f->type) {
  case 0:
    break;
  case 3:
    memcpy(f->sip, take(&e, 4) ? e.p - 4 : f->sip, 4);
    memcpy(f->dip, take(&e, 4) ? e.p - 4 : f->dip, 4);
    f->sport = t16(&e);
    f->dport = t16(&e);
    f->l4proto = t8(&e);
    break;
  case 4:
    memcpy(f->sip, take(&e, 16) ? e.p - 16 : f->sip, 16);
    memcpy(f->dip, take(&e, 16) ? e.p - 16 : f->dip, 16);
    f->sport = t16(&e);
    f->dport = t16(&e);
    f->l4proto = t8(&e);
    break;
  case 5:
    memcpy(f->sip, take(&e, 4) ? e.p - 4 : f->sip, 4);
    f->sport = t16(&e);
    f->l4proto = t8(&e);
    break;
  case 6:
    memcpy(f->sip, take(&e, 16) ? e.p - 16 : f->sip, 16);
    f->sport = t16(&e);
    f->l4proto = t8(&e);
    break;
  case 8:
    f->usrc = t64(&e);
    f->udst = t64(&e);
    f->name = tstr(&e, r->str[0], 1024, NULL);
    break;
  case 16:
    f->open_flags = t32(&e);
    f->name = tstr(&e, r->str[0], 1024, NULL);
    if (v2 && e.n >= 4)
      f->dev = t32(&e);
    break;
  default:
    if (f->type <= 21) {
      f->name = tstr(&e, r->str[0], 1024, NULL);
    } else {
      if (!v2)
        return fail(r, VIGIL_E_FORMAT, "unknown fd type %u in a v1 fd "
                    "list", f->type);
      snprintf(r->str[0], sizeof r->str[0], "unknown-type:[%u]", f->type);
      f->type = 10;
      f->name = r->str[0];
    }
  }
  if (e.bad)
    return fail(r, VIGIL_E_FORMAT, "truncated fd entry at body offset %zu",
                r->cur);
  if (!v2)
    *c = e;
  return VIGIL_OK;
}

static vigil_status parse_user(vg_scap *r, cur *c) {
  vg_scap_user *u = &r->user;
  int v2 = r->desc->version >= 2;
  cur e = *c;
  memset(u, 0, sizeof *u);
  if (v2) {
    uint32_t elen = t32(c);
    if (c->bad || elen < 4 || elen - 4 > c->n)
      return fail(r, VIGIL_E_FORMAT, "bad user entry length %u at body "
                  "offset %zu", elen, r->cur);
    e.p = c->p;
    e.n = elen - 4;
    c->p += elen - 4;
    c->n -= elen - 4;
  }
  u->is_group = t8(&e) != 0;
  if (!u->is_group) {
    u->uid = t32(&e);
    u->gid = t32(&e);
    u->name = tstr(&e, r->str[0], 256, NULL);
    u->home = tstr(&e, r->str[1], 256, NULL);
    u->shell = tstr(&e, r->str[2], 256, NULL);
  } else {
    u->gid = t32(&e);
    u->name = tstr(&e, r->str[0], 256, NULL);
    u->home = u->shell = "";
  }
  if (e.bad)
    return fail(r, VIGIL_E_FORMAT, "truncated user entry at body offset "
                "%zu", r->cur);
  if (!v2)
    *c = e;
  return VIGIL_OK;
}

static vigil_status parse_iface(vg_scap *r, cur *c) {
  int v2 = r->desc->version >= 2;
  cur e = *c;
  vg_scap_iface *f = &r->iface;
  memset(f, 0, sizeof *f);
  if (v2) {
    uint32_t elen = t32(c);
    if (c->bad || elen > c->n)
      return fail(r, VIGIL_E_FORMAT, "bad interface entry length %u at "
                  "body offset %zu", elen, r->cur);
    e.p = c->p;
    e.n = elen;
    c->p += elen;
    c->n -= elen;
  }
  uint16_t type = t16(&e), nl = t16(&e);
  size_t asz;
  int speed;
  switch (type) {
  case 1: asz = 4; speed = 1; break;
  case 3: asz = 4; speed = 0; break;
  case 2: asz = 16; speed = 1; break;
  case 4: asz = 16; speed = 0; break;
  default:
    return fail(r, VIGIL_E_FORMAT, "unknown interface type %u at body "
                "offset %zu", type, r->cur);
  }
  f->is_v6 = asz == 16;
  const uint8_t *a = take(&e, asz), *m = take(&e, asz);
  take(&e, asz); /* broadcast */
  if (speed)
    take(&e, 8);
  if (a && m) {
    memcpy(f->addr, a, asz);
    memcpy(f->netmask, m, asz);
  }
  if (nl >= 1024)
    e.bad = 1;
  const uint8_t *nm = take(&e, nl);
  if (e.bad)
    return fail(r, VIGIL_E_FORMAT, "truncated interface entry at body "
                "offset %zu", r->cur);
  memcpy(r->str[0], nm, nl);
  r->str[0][nl] = 0;
  f->name = r->str[0];
  if (!v2)
    *c = e;
  return VIGIL_OK;
}

/* ------------------------------------------------------------ events */

static int large_payload(const vg_scap *r, uint16_t type) {
  return (r->ev_flags[type] & VG_EF_LARGE_PAYLOAD) != 0;
}

/* Decodes the event of block blk (blk_len bytes, kind desc) into e.
 * Returns VIGIL_OK with *skip set for event types this reader does not
 * know. */
static inline __attribute__((always_inline)) vigil_status
decode_at(vg_scap *r, const uint8_t *blk, uint32_t blk_len,
          const blk_desc *desc, vg_evt *e, int *skip) {
  const uint8_t *b = blk + 8;
  size_t n = blk_len - 12; /* body + padding, trailer excluded */
  size_t hl = desc->version >= 2 ? 26 : 22;
  size_t pre = 2 + (desc->flags ? 4 : 0);
  *skip = 0;
  if (n < pre + hl)
    return fail(r, VIGIL_E_FORMAT, "event header exceeds the block (%zu "
                "bytes available)", n);
  e->cpu = rd16(b);
  e->dump_flags = desc->flags ? rd32(b + 2) : 0;
  const uint8_t *h = b + pre;
  size_t avail = n - pre;
  e->ts = rd64(h);
  e->tid = (int64_t)rd64(h + 8);
  uint32_t len = rd32(h + 16);
  e->type = rd16(h + 20);
  if (e->type >= VG_EVENT_MAX) {
    *skip = 1;
    return VIGIL_OK;
  }
  size_t lsz = large_payload(r, e->type) ? 4 : 2;
  uint32_t np;
  const uint8_t *lens = h + hl;
  if (hl == 26) {
    np = rd32(h + 22);
    if (len < hl || len > avail)
      return fail(r, VIGIL_E_FORMAT, "event length %u outside the block "
                  "(%zu bytes available)", len, avail);
    if ((uint64_t)np * lsz > len - hl)
      return fail(r, VIGIL_E_FORMAT, "parameter length array of %u "
                  "entries does not fit the event", np);
  } else {
    if (e->type == VG_PPME_NOTIFICATION_E ||
        e->type == VG_PPME_INFRASTRUCTURE_EVENT_E)
      len -= 3;
    if (len < hl || len > avail)
      return fail(r, VIGIL_E_FORMAT, "event length %u outside the block "
                  "(%zu bytes available)", len, avail);
    lsz = 2;
    int found = 0;
    for (long c = vg_event_table[e->type].nparams; c >= 0; c--) {
      uint64_t at = hl + (uint64_t)c * 2;
      if (at > len)
        continue;
      for (long i = 0; i < c; i++)
        at += rd16(lens + 2 * i);
      if (at < len)
        return fail(r, VIGIL_E_FORMAT, "cannot derive the parameter count "
                    "of a v1 event (type %u)", e->type);
      if (at == len) {
        np = (uint32_t)c;
        found = 1;
        break;
      }
    }
    if (!found)
      return fail(r, VIGIL_E_FORMAT, "cannot derive the parameter count "
                  "of a v1 event (type %u)", e->type);
  }
  if (np > VG_EVT_MAX_PARAMS)
    return fail(r, VIGIL_E_FORMAT, "event with %u parameters exceeds the "
                "scap parameter count limit (%u)", np, VG_EVT_MAX_PARAMS);
  const uint8_t *data = lens + (size_t)np * lsz;
  uint64_t left = len - hl - (uint64_t)np * lsz;
  e->nparams = np;
  uint32_t i = 0;
  if (lsz == 2) { /* the common case, kept free of the width test */
    /* lengths are below 64 KiB: sum them, check once, and find the
     * parameter that overruns only when they do not fit */
    uint64_t tot = 0;
    for (uint32_t k = 0; k < np; k++) {
      uint32_t l = rd16(lens + 2 * k);
      e->p[k] = data + (tot < left ? tot : left); /* stays in the event */
      e->plen[k] = l;
      tot += l;
    }
    if (tot <= left)
      return VIGIL_OK;
    for (; i < np; i++) {
      uint32_t l = e->plen[i];
      if (l > left)
        break;
      left -= l;
    }
  } else {
    for (; i < np; i++) {
      uint32_t l = rd32(lens + 4 * i);
      if (l > left)
        break;
      e->p[i] = data;
      e->plen[i] = l;
      data += l;
      left -= l;
    }
  }
  if (i < np)
    return fail(r, VIGIL_E_FORMAT, "parameter %u overruns the event "
                "(type %u)", i, e->type);
  return VIGIL_OK;
}

/* Decodes the event of the current block into r->evt. */
static vigil_status decode_event(vg_scap *r, int *skip) {
  return decode_at(r, r->blk, r->blk_len, r->desc, &r->evt, skip);
}

/* --- converter storage --- */

static size_t store_slot(const vg_scap *r, int64_t tid) {
  uint64_t h = (uint64_t)tid * 0x9E3779B97F4A7C15ull;
  size_t i = (size_t)(h >> 20) & (r->store_cap - 1);
  while (r->store[i] && r->store_key[i] != tid)
    i = (i + 1) & (r->store_cap - 1);
  return i;
}

static stored_evt *store_get(const vg_scap *r, int64_t tid) {
  return r->store[store_slot(r, tid)];
}

/* Puts a record on the free list (or frees it when the list is full). */
static void rec_recycle(vg_scap *r, stored_evt *s) {
  s->blk = NULL;
  s->lazy = 0;
  if (r->nfree == r->capfree) {
    size_t nc = r->capfree ? r->capfree * 2 : 64;
    stored_evt **nf = nc <= MAX_STORED ? realloc(r->freel, nc * sizeof *nf)
                                       : NULL;
    if (!nf) {
      for (size_t i = 0; i < r->nlazy; i++)
        if (r->lazyv[i] == s)
          r->lazyv[i] = NULL;
      rec_free(s);
      return;
    }
    r->freel = nf;
    r->capfree = nc;
  }
  r->freel[r->nfree++] = s;
}

static void store_del(vg_scap *r, int64_t tid) {
  size_t i = store_slot(r, tid);
  if (!r->store[i])
    return;
  rec_recycle(r, r->store[i]);
  r->store[i] = NULL;
  r->store_n--;
  /* re-insert the rest of the cluster */
  size_t j = (i + 1) & (r->store_cap - 1);
  while (r->store[j]) {
    stored_evt *s = r->store[j];
    r->store[j] = NULL;
    size_t k = store_slot(r, s->tid);
    r->store[k] = s;
    r->store_key[k] = s->tid;
    j = (j + 1) & (r->store_cap - 1);
  }
}

/* Grows record s's buffer to hold at least need bytes (doubling from
 * 256). Returns 0 when out of memory. */
static int rec_reserve(stored_evt *s, size_t need) {
  if (s->cap >= need)
    return 1;
  size_t nc = s->cap ? s->cap : 256;
  while (nc < need)
    nc *= 2;
  uint8_t *nd = realloc(s->data, nc);
  if (!nd)
    return 0;
  s->data = nd;
  s->cap = nc;
  return 1;
}

/* Copies e's parameters into record s (growing its buffer). */
static int rec_fill(stored_evt *s, const vg_evt *e) {
  size_t total = 0;
  s->blk = NULL;
  s->lazy = 0;
  for (uint32_t i = 0; i < e->nparams; i++) {
    s->plen[i] = e->plen[i];
    s->off[i] = (uint32_t)total;
    total += e->plen[i];
  }
  if (!rec_reserve(s, total))
    return 0;
  s->tid = e->tid;
  s->type = e->type;
  s->nparams = e->nparams;
  /* decoded events hold their parameters back to back: one copy */
  int contiguous = e->nparams > 0 && total > 0 &&
                   (uintptr_t)e->p[e->nparams - 1] + e->plen[e->nparams - 1] ==
                       (uintptr_t)e->p[0] + total;
  if (contiguous) {
    memcpy(s->data, e->p[0], total);
    return 1;
  }
  for (uint32_t i = 0; i < e->nparams; i++)
    if (e->plen[i])
      memcpy(s->data + s->off[i], e->p[i], e->plen[i]);
  return 1;
}

/* Block mode: e is r->evt, decoded from the current block of a plain
 * input (a gzip stream reads block by block, so its buffer moves at every
 * block: copying the parameters is cheaper there). */
static int lazy_grow(vg_scap *r) __attribute__((noinline));
static int lazy_grow(vg_scap *r) {
  size_t nc = r->caplazy ? r->caplazy * 2 : 256;
  stored_evt **nv = realloc(r->lazyv, nc * sizeof *nv);
  if (!nv)
    return 0;
  r->lazyv = nv;
  r->caplazy = nc;
  return 1;
}

/* Makes lazy record s (already listed in r->lazyv) a view of e's block,
 * the current one in the input buffer. */
static inline void rec_view(vg_scap *r, stored_evt *s, const vg_evt *e) {
  s->type = e->type;
  s->nparams = e->nparams;
  s->blk = r->blk;
  s->blk_len = r->blk_len;
  s->desc = r->desc;
  r->any_lazy = 1;
}

static int rec_fill_block(vg_scap *r, stored_evt *s, const vg_evt *e) {
  if (!s->lazy) {
    if (r->nlazy == r->caplazy && !lazy_grow(r))
      return rec_fill(s, e); /* copy the parameters instead */
    r->lazyv[r->nlazy++] = s;
  }
  s->tid = e->tid;
  s->lazy = 1;
  rec_view(r, s, e);
  return 1;
}

/* Copies every lazy block out of the input buffer (before it moves).
 * Returns 0 when out of memory. */
static int store_settle(vg_scap *r) {
  for (size_t i = 0; i < r->nlazy; i++) {
    stored_evt *s = r->lazyv[i];
    if (!s || !s->lazy)
      continue;
    if (!rec_reserve(s, s->blk_len))
      return 0;
    memcpy(s->data, s->blk, s->blk_len);
    s->blk = s->data;
    s->lazy = 0;
  }
  r->nlazy = 0;
  r->any_lazy = 0;
  return 1;
}

static vigil_status store_put(vg_scap *r, const vg_evt *e) {
  size_t at = store_slot(r, e->tid);
  int block = !r->gz && e == &r->evt;
  stored_evt *prev = r->store[at];
  if (block && prev && prev->lazy) {
    /* the usual case: the thread's previous enter event is still a view
     * into the input buffer, and so is this one */
    rec_view(r, prev, e);
    return VIGIL_OK;
  }
  if (r->store[at]) {
    /* the thread's previous enter event is replaced in place */
    if (block ? rec_fill_block(r, r->store[at], e)
              : rec_fill(r->store[at], e))
      return VIGIL_OK;
    store_del(r, e->tid);
    return fail(r, VIGIL_E_NOMEM, "out of memory");
  }
  if (r->store_n >= MAX_STORED)
    store_clear(r); /* bounded memory: forget stale enter events */
  if ((r->store_n + 1) * 2 > r->store_cap) {
    size_t ncap = r->store_cap * 2;
    stored_evt **ns = calloc(ncap, sizeof *ns);
    int64_t *nk = calloc(ncap, sizeof *nk);
    if (!ns || !nk) {
      free(ns);
      free(nk);
      return fail(r, VIGIL_E_NOMEM, "out of memory");
    }
    stored_evt **old = r->store;
    size_t ocap = r->store_cap;
    r->store = ns;
    free(r->store_key);
    r->store_key = nk;
    r->store_cap = ncap;
    for (size_t i = 0; i < ocap; i++)
      if (old[i]) {
        size_t k = store_slot(r, old[i]->tid);
        r->store[k] = old[i];
        r->store_key[k] = old[i]->tid;
      }
    free(old);
  }
  stored_evt *s = r->nfree ? r->freel[--r->nfree] : calloc(1, sizeof *s);
  if (!s)
    return fail(r, VIGIL_E_NOMEM, "out of memory");
  if (!(block ? rec_fill_block(r, s, e) : rec_fill(s, e))) {
    rec_recycle(r, s);
    return fail(r, VIGIL_E_NOMEM, "out of memory");
  }
  size_t k = store_slot(r, e->tid);
  r->store[k] = s;
  r->store_key[k] = e->tid;
  r->store_n++;
  return VIGIL_OK;
}

enum { CV_PASS, CV_DROP, CV_CONTINUE };

static vigil_status convertibility(vg_scap *r, const vg_evt *e, int *res) {
  uint32_t fl = r->ev_flags[e->type];
  uint32_t enp = r->ev_np[e->type];
  int enter = (e->type & 1) == 0;
  if (fl & VG_EF_UNUSED) {
    *res = CV_DROP;
    return VIGIL_OK;
  }
  if (!(fl & VG_EF_CONVERTER_MANAGED)) {
    if (!(fl & VG_EF_OLD_VERSION)) {
      *res = CV_PASS;
      return VIGIL_OK;
    }
    if (enter) {
      *res = CV_DROP;
      return VIGIL_OK;
    }
    return fail(r, VIGIL_E_FORMAT, "old exit event type %u cannot be "
                "converted", e->type);
  }
  if (enter) {
    *res = CV_CONTINUE;
    return VIGIL_OK;
  }
  if (e->nparams > enp)
    return fail(r, VIGIL_E_FORMAT, "event type %u has more parameters (%u) "
                "than expected (%u)", e->type, e->nparams, enp);
  *res = (fl & VG_EF_OLD_VERSION) || e->nparams != enp ? CV_CONTINUE
                                                       : CV_PASS;
  return VIGIL_OK;
}

/* The row for (code, np): rows are sorted by code, then parameter count. */
static const vg_conv_row *conv_row(const vg_scap *r, uint16_t code,
                                   uint32_t np) {
  if (code >= VG_EVENT_MAX || !r->conv_first[code])
    return NULL;
  for (size_t i = r->conv_first[code] - 1u;
       i < VG_CONV_ROWS && vg_conv_rows[i].code == code; i++)
    if (vg_conv_rows[i].nparams == np)
      return &vg_conv_rows[i];
  return NULL;
}

/* Minimum (= default) payload size of a parameter type. */
static uint32_t default_size(uint8_t t) {
  switch (t) {
  case VG_PT_INT8: case VG_PT_UINT8: case VG_PT_SIGTYPE: case VG_PT_L4PROTO:
  case VG_PT_SOCKFAMILY: case VG_PT_FLAGS8: case VG_PT_ENUMFLAGS8:
    return 1;
  case VG_PT_INT16: case VG_PT_UINT16: case VG_PT_SYSCALLID: case VG_PT_PORT:
  case VG_PT_FLAGS16: case VG_PT_ENUMFLAGS16:
    return 2;
  case VG_PT_INT32: case VG_PT_UINT32: case VG_PT_BOOL: case VG_PT_IPV4ADDR:
  case VG_PT_FLAGS32: case VG_PT_UID: case VG_PT_GID: case VG_PT_SIGSET:
  case VG_PT_MODE: case VG_PT_ENUMFLAGS32: case VG_PT_FD32: case VG_PT_PID32:
    return 4;
  case VG_PT_INT64: case VG_PT_UINT64: case VG_PT_ERRNO: case VG_PT_FD:
  case VG_PT_PID: case VG_PT_RELTIME: case VG_PT_ABSTIME: case VG_PT_DOUBLE:
  case VG_PT_IPV4NET:
    return 8;
  case VG_PT_IPV6ADDR:
    return 16;
  case VG_PT_IPV6NET:
    return 32;
  default:
    return 0;
  }
}

/* One conversion round: from `in` into r->conv (backed by convbuf[bi]). */
static vigil_status convert_once(vg_scap *r, const vg_evt *in, int bi,
                                 int *res) {
  const vg_conv_row *row = conv_row(r, in->type, in->nparams);
  if (!row)
    return fail(r, VIGIL_E_FORMAT, "no conversion for event type %u with "
                "%u parameters", in->type, in->nparams);
  if (row->action == VG_CONV_STORE) {
    vigil_status st = store_put(r, in);
    *res = CV_DROP;
    return st;
  }
  if (row->action == VG_CONV_PASS) {
    *res = CV_PASS;
    return VIGIL_OK;
  }
  if (row->action == VG_CONV_STORE_AND_PASS) {
    vigil_status st = store_put(r, in);
    *res = CV_PASS;
    return st;
  }
  vg_evt out = *in;
  uint32_t first;
  if (row->action == VG_CONV_ADD_PARAMS) {
    first = in->nparams;
  } else {
    out.type = row->result;
    first = 0;
  }
  out.nparams = first + row->nsrc;
  if (out.nparams > VG_EVT_MAX_PARAMS ||
      out.nparams > vg_event_table[out.type].nparams)
    return fail(r, VIGIL_E_FORMAT, "converted event type %u would have %u "
                "parameters", out.type, out.nparams);
  uint8_t *buf = r->convbuf[bi];
  size_t used = 0;
  /* copy parameters we keep into the buffer (in may alias the other buf) */
  for (uint32_t i = 0; i < first; i++) {
    if (used + in->plen[i] > CONV_BUF)
      return fail(r, VIGIL_E_LIMIT, "converted event too large");
    if (in->plen[i])
      memcpy(buf + used, in->p[i], in->plen[i]);
    out.p[i] = buf + used;
    out.plen[i] = in->plen[i];
    used += in->plen[i];
  }
  const stored_evt *enter = NULL;
  int used_enter = 0;
  vg_evt ent; /* a block-mode enter event, decoded */
  int have_ent = 0;
  for (uint32_t k = 0; k < row->nsrc; k++) {
    uint32_t pi = first + k;
    int kind = row->src[k] >> 8, idx = row->src[k] & 0xFF;
    const uint8_t *src = NULL;
    uint32_t slen = 0;
    int empty = 0, dflt = 0;
    switch (kind) {
    case VG_CSRC_EMPTY:
    case VG_CSRC_CALLBACK_OPT:
      empty = 1;
      break;
    case VG_CSRC_DEFAULT:
      dflt = 1;
      break;
    case VG_CSRC_OLD:
      if ((uint32_t)idx >= in->nparams)
        return fail(r, VIGIL_E_FORMAT, "conversion of event type %u needs "
                    "parameter %d", in->type, idx);
      src = in->p[idx];
      slen = in->plen[idx];
      break;
    default: /* enter, enter? */
      enter = store_get(r, in->tid);
      if (!enter) {
        if (kind == VG_CSRC_ENTER_OPT)
          empty = 1;
        else
          dflt = 1;
        break;
      }
      if (enter->type != in->type - 1)
        return fail(r, VIGIL_E_FORMAT, "the stored enter event (type %u) "
                    "does not match exit event type %u", enter->type,
                    in->type);
      if ((uint32_t)idx >= enter->nparams)
        return fail(r, VIGIL_E_FORMAT, "stored enter event type %u lacks "
                    "parameter %d", enter->type, idx);
      if (enter->blk) {
        if (!have_ent) {
          int skip;
          /* the same bytes decoded fine when they were stored */
          vigil_status dst = decode_at(r, enter->blk, enter->blk_len,
                                       enter->desc, &ent, &skip);
          if (dst != VIGIL_OK)
            return dst;
          have_ent = 1;
        }
        src = ent.p[idx];
        slen = ent.plen[idx];
      } else {
        src = enter->data + enter->off[idx];
        slen = enter->plen[idx];
      }
      used_enter = 1;
      break;
    }
    if (empty) {
      out.p[pi] = buf + used;
      out.plen[pi] = 0;
      continue;
    }
    if (dflt) {
      uint8_t t = vg_event_table[out.type].params[pi].type;
      uint32_t sz = default_size(t);
      if (used + sz > CONV_BUF)
        return fail(r, VIGIL_E_LIMIT, "converted event too large");
      memset(buf + used, 0, sz);
      if (t == VG_PT_UID || t == VG_PT_GID)
        memset(buf + used, 0xFF, sz);
      out.p[pi] = buf + used;
      out.plen[pi] = sz;
      used += sz;
      continue;
    }
    if (used + slen > CONV_BUF)
      return fail(r, VIGIL_E_LIMIT, "converted event too large");
    if (slen)
      memcpy(buf + used, src, slen);
    out.p[pi] = buf + used;
    out.plen[pi] = slen;
    used += slen;
  }
  if (used_enter)
    store_del(r, in->tid);
  r->conv = out;
  return convertibility(r, &r->conv, res);
}

/* The conversion rounds of convert (kept out of line: its two vg_evt
 * copies make a large stack frame that most events never need). */
static vigil_status convert_rounds(vg_scap *r, const vg_evt **out)
    __attribute__((noinline));

/* Runs the converter; *out is NULL when the event is dropped. */
static vigil_status convert(vg_scap *r, const vg_evt **out) {
  int res = -1;
  uint32_t fl = r->ev_flags[r->evt.type];
  /* the usual cases of convertibility, decided here: current events pass
   * (exit events when complete), enter events go to the rows below */
  if (!(fl & (VG_EF_UNUSED | VG_EF_OLD_VERSION))) {
    if (!(fl & VG_EF_CONVERTER_MANAGED) ||
        ((r->evt.type & 1) && r->evt.nparams == r->ev_np[r->evt.type])) {
      *out = &r->evt;
      return VIGIL_OK;
    }
    if ((r->evt.type & 1) == 0)
      res = CV_CONTINUE;
  } else if (!(fl & VG_EF_UNUSED) && (fl & VG_EF_CONVERTER_MANAGED) &&
             (r->evt.type & 1) == 0) {
    res = CV_CONTINUE; /* as convertibility decides for enter events */
  }
  if (res != CV_CONTINUE) {
    vigil_status st = convertibility(r, &r->evt, &res);
    if (st != VIGIL_OK)
      return st;
    if (res != CV_CONTINUE) {
      *out = res == CV_PASS ? &r->evt : NULL;
      return VIGIL_OK;
    }
  }
  /* the first round of an enter event that is only stored (the usual
   * case): as convert_once would do it */
  uint16_t ty = r->evt.type;
  uint32_t np = r->evt.nparams;
  if (r->store_np[ty] != np + 1) {
    const vg_conv_row *row = conv_row(r, ty, np);
    if (!row || row->action != VG_CONV_STORE)
      return convert_rounds(r, out);
    r->store_np[ty] = (uint8_t)(np + 1);
  }
  *out = NULL;
  return store_put(r, &r->evt);
}

static vigil_status convert_rounds(vg_scap *r, const vg_evt **out) {
  int res = 0;
  vigil_status st;
  const vg_evt *cur_e = &r->evt;
  vg_evt tmp;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    if (cur_e == &r->conv) {
      tmp = r->conv;
      cur_e = &tmp;
    }
    st = convert_once(r, cur_e, round & 1, &res);
    if (st != VIGIL_OK)
      return st;
    if (res == CV_DROP) {
      *out = NULL;
      return VIGIL_OK;
    }
    if (res == CV_PASS) {
      /* "pass" rows keep the event being converted */
      const vg_conv_row *row = conv_row(r, cur_e->type, cur_e->nparams);
      if (row && (row->action == VG_CONV_PASS ||
                  row->action == VG_CONV_STORE_AND_PASS)) {
        if (cur_e == &tmp)
          r->conv = tmp;
        *out = cur_e == &r->evt ? &r->evt : &r->conv;
      } else {
        *out = &r->conv;
      }
      return VIGIL_OK;
    }
    cur_e = &r->conv;
  }
  return fail(r, VIGIL_E_FORMAT, "event type %u still needs conversion "
              "after %d rounds", r->evt.type, MAX_ROUNDS);
}

/* ------------------------------------------------------------ driver */

static vigil_status parse_shb(vg_scap *r) {
  if (rd32(r->blk + 8) != SHB_MAGIC)
    return fail(r, VIGIL_E_FORMAT, "invalid magic number 0x%08X",
                rd32(r->blk + 8));
  uint16_t major = rd16(r->blk + 12);
  if (major > 1)
    return fail(r, VIGIL_E_VERSION, "unsupported format version %u.%u",
                major, rd16(r->blk + 14));
  if (rd32(r->blk + r->blk_len - 4) != r->blk_len)
    return fail(r, VIGIL_E_FORMAT, "block trailer does not match its "
                "length");
  return VIGIL_OK;
}

vigil_status vg_scap_next(vg_scap *r, vg_scap_item *item) {
  vigil_status st;
  memset(item, 0, sizeof *item);
  if (r->done) {
    if (r->err[0])
      return VIGIL_E_FORMAT;
    item->kind = VG_SCAP_EOF;
    return VIGIL_OK;
  }
  for (;;) {
    /* the usual block: another event block of the same kind, already
     * buffered (what read_block and the checks below would find) */
    if (r->seen_event && !r->in_meta && r->last_desc &&
        r->last_desc->kind == BK_EV && take_same_block(r))
      goto event_block;
    if (r->in_meta) {
      cur c = {r->blk + 8 + r->cur, r->blk_len - 12 - r->cur, 0};
      if (c.n < 4) {
        r->in_meta = 0;
        continue;
      }
      size_t before = c.n;
      switch (r->desc->kind) {
      case BK_PL:
        st = parse_proc(r, &c);
        item->kind = VG_SCAP_PROC;
        item->u.proc = &r->proc;
        break;
      case BK_FDL:
        st = parse_fd(r, &c);
        item->kind = VG_SCAP_FD;
        item->u.fd = &r->fd;
        break;
      case BK_UL:
        st = parse_user(r, &c);
        item->kind = VG_SCAP_USER;
        item->u.user = &r->user;
        break;
      default:
        st = parse_iface(r, &c);
        item->kind = VG_SCAP_IFACE;
        item->u.iface = &r->iface;
        break;
      }
      if (st != VIGIL_OK)
        return st;
      if (c.n >= before) /* no progress: corrupt */
        return fail(r, VIGIL_E_FORMAT, "empty metadata entry");
      r->cur += before - c.n;
      return VIGIL_OK;
    }
    int eof;
    st = read_block(r, &eof);
    if (st != VIGIL_OK)
      return st;
    if (eof) {
      r->done = 1;
      if (!r->any_event) {
        r->desc = NULL;
        return fail(r, VIGIL_E_FORMAT, r->blk_off == 0 ? "empty file"
                                                       : "no events");
      }
      item->kind = VG_SCAP_EOF;
      return VIGIL_OK;
    }
    uint32_t type = rd32(r->blk);
    if (r->blk_off == 0 && type != SHB_TYPE)
      return fail(r, VIGIL_E_FORMAT, "not a capture file (no section "
                  "header block)");
    if (type == SHB_TYPE) {
      st = parse_shb(r);
      if (st != VIGIL_OK)
        return st;
      r->seen_event = 0;
      store_clear(r);
      item->kind = VG_SCAP_SECTION;
      return VIGIL_OK;
    }
    const blk_desc *d = r->desc;
    if (d->kind != BK_EV) {
      if (r->seen_event)
        return fail(r, VIGIL_E_FORMAT, "unexpected block after events");
      if (rd32(r->blk + r->blk_len - 4) != r->blk_len)
        return fail(r, VIGIL_E_FORMAT, "block trailer does not match its "
                    "length");
      switch (d->kind) {
      case BK_MI:
        if (r->blk_len - 12 != 180)
          return fail(r, VIGIL_E_FORMAT, "machine info body of %u bytes "
                      "(180 expected)", r->blk_len - 12);
        memcpy(r->host, r->blk + 8 + 20, 128);
        r->host[128] = 0;
        item->kind = VG_SCAP_MACHINE;
        item->u.hostname = r->host;
        return VIGIL_OK;
      case BK_FDL:
        if (r->blk_len - 12 < 8)
          return fail(r, VIGIL_E_FORMAT, "fd list without a thread id");
        r->fdl_tid = (int64_t)rd64(r->blk + 8);
        r->cur = 8;
        r->in_meta = 1;
        continue;
      case BK_PL:
      case BK_UL:
      case BK_IL:
        r->cur = 0;
        r->in_meta = 1;
        continue;
      default:
        continue; /* unknown block before the events: skipped */
      }
    }
    r->seen_event = 1;
    r->any_event = 1;
  event_block:;
    int skip;
    st = decode_event(r, &skip);
    if (st != VIGIL_OK)
      return st;
    if (skip)
      continue;
    const vg_evt *out;
    st = convert(r, &out);
    if (st != VIGIL_OK)
      return st;
    if (!out)
      continue;
    item->kind = VG_SCAP_EVENT;
    item->u.evt = out;
    return VIGIL_OK;
  }
}

/* ------------------------------------------------------------ params */

static uint64_t rd_le(const uint8_t *p, uint32_t n) {
  switch (n) {
  case 8: return rd64(p);
  case 4: return rd32(p);
  case 2: return rd16(p);
  case 1: return p[0];
  default: break;
  }
  uint64_t v = 0;
  for (uint32_t i = 0; i < n && i < 8; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

int64_t vg_evt_int(const vg_evt *e, uint32_t i, int is_signed) {
  if (i >= e->nparams || e->plen[i] == 0)
    return 0;
  uint32_t n = e->plen[i] > 8 ? 8 : e->plen[i];
  uint64_t v = rd_le(e->p[i], n);
  if (is_signed && n < 8 && (v >> (8 * n - 1)) & 1)
    v |= ~(uint64_t)0 << (8 * n);
  return (int64_t)v;
}

const char *vg_evt_str(const vg_evt *e, uint32_t i, char *buf, size_t len) {
  if (i >= e->nparams || e->plen[i] == 0)
    return NULL;
  const char *s = (const char *)e->p[i];
  uint32_t n = e->plen[i];
  if (n == 7 && memcmp(s, "(NULL)", 7) == 0)
    return NULL;
  if (s[n - 1] == 0)
    return s;
  size_t c = n < len ? n : len - 1;
  memcpy(buf, s, c);
  buf[c] = 0;
  return buf;
}
