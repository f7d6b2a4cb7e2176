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

#include "vigil/fieldtypes.h"

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
