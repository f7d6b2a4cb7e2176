/*
 * catalog.h - the field catalogs vigil embeds, one per event source,
 * generated at build time from the data files in plugin/fields/data/ (our
 * own format, built from the facts of Falco's field tables), and the event
 * table generated from plugin/sources/data/events.tsv.
 *
 * Everything here is static, immutable data: safe from any thread.
 */
#ifndef VG_CATALOG_H
#define VG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Field value types: the numbers are libsinsp's PT_* values. */
typedef enum vg_ftype {
  VG_FT_NONE = 0,
  VG_FT_INT8 = 1,
  VG_FT_INT16 = 2,
  VG_FT_INT32 = 3,
  VG_FT_INT64 = 4,
  VG_FT_UINT8 = 5,
  VG_FT_UINT16 = 6,
  VG_FT_UINT32 = 7,
  VG_FT_UINT64 = 8,
  VG_FT_CHARBUF = 9,
  VG_FT_BYTEBUF = 10,
  VG_FT_ERRNO = 11,
  VG_FT_SOCKADDR = 12,
  VG_FT_SOCKTUPLE = 13,
  VG_FT_FD = 14,
  VG_FT_PID = 15,
  VG_FT_FDLIST = 16,
  VG_FT_FSPATH = 17,
  VG_FT_SYSCALLID = 18,
  VG_FT_SIGTYPE = 19,
  VG_FT_RELTIME = 20,
  VG_FT_ABSTIME = 21,
  VG_FT_PORT = 22,
  VG_FT_L4PROTO = 23,
  VG_FT_SOCKFAMILY = 24,
  VG_FT_BOOL = 25,
  VG_FT_IPV4ADDR = 26,
  VG_FT_DYN = 27,
  VG_FT_FLAGS8 = 28,
  VG_FT_FLAGS16 = 29,
  VG_FT_FLAGS32 = 30,
  VG_FT_UID = 31,
  VG_FT_GID = 32,
  VG_FT_DOUBLE = 33,
  VG_FT_SIGSET = 34,
  VG_FT_CHARBUFARRAY = 35,
  VG_FT_CHARBUF_PAIR_ARRAY = 36,
  VG_FT_IPV4NET = 37,
  VG_FT_IPV6ADDR = 38,
  VG_FT_IPV6NET = 39,
  VG_FT_IPADDR = 40,
  VG_FT_IPNET = 41,
  VG_FT_MODE = 42,
  VG_FT_FSRELPATH = 43,
  VG_FT_ENUMFLAGS8 = 44,
  VG_FT_ENUMFLAGS16 = 45,
  VG_FT_ENUMFLAGS32 = 46,
  VG_FT__MAX
} vg_ftype;

/* libsinsp type name without "PT_" ("CHARBUF"), as in error messages. */
const char *vg_ftype_name(vg_ftype t);

/* Field flags (catalog 'flags' column). */
enum {
  VG_FF_LIST = 1u << 0,
  VG_FF_FILTER_ONLY = 1u << 1,
  VG_FF_PRINT_ONLY = 1u << 2,
  VG_FF_TABLE_ONLY = 1u << 3,
  VG_FF_DEPRECATED = 1u << 4,
  VG_FF_NO_RHS = 1u << 5,
  VG_FF_NO_TRANSFORMER = 1u << 6,
  VG_FF_ARG_REQUIRED = 1u << 7,
  VG_FF_ARG_ALLOWED = 1u << 8,
  VG_FF_HIDDEN = 1u << 9
};

/* Argument forms (catalog 'arg' column). */
enum {
  VG_FA_NONE = 0,
  VG_FA_INDEX = 1u << 0,  /* [N] */
  VG_FA_KEY = 1u << 1,    /* [KEY] */
  VG_FA_DOTTED = 1u << 2  /* .NAME after the field name */
};

typedef struct vg_field_def {
  const char *name;
  const char *provider; /* "libsinsp" or "plugin:NAME" */
  const char *fclass;   /* "evt", "process", "ka", ... */
  vg_ftype type;
  uint8_t print_fmt;    /* PF_* numbering as in the catalog data */
  uint32_t flags;       /* VG_FF_* */
  uint8_t arg_forms;    /* VG_FA_* */
  const char *desc;
  const char *json_path; /* plugin fields: where the value comes from */
} vg_field_def;

typedef struct vg_catalog {
  const char *source;          /* "syscall", "k8s_audit", ... */
  const vg_field_def *fields;
  size_t nfields;
} vg_catalog;

/* ... the rest of this header is owned by the catalog work: lookup by
 * source, longest-prefix field resolution with argument checks (7.7),
 * event-name tables. */

#endif
