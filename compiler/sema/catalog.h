/*
 * catalog.h - the field catalogs vigil embeds, one per event source,
 * generated at build time from the data files in plugin/fields/data/ (our
 * own format, built from the facts of Falco's field tables), and the event
 * and system-call tables generated from plugin/sources/data/events.txt and
 * syscalls.txt (compiler/sema/gen_catalog.py, output in the build tree).
 *
 * Everything here is static, immutable data and pure lookups over it: safe
 * from any thread. Returned pointers point into static data.
 */
#ifndef VG_CATALOG_H
#define VG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/fieldtypes.h"
#include "vigil/status.h"

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
  VG_FF_HIDDEN = 1u << 9,
  VG_FF_NO_PTR_STABILITY = 1u << 10,
  VG_FF_SUGGESTED_OUTPUT = 1u << 11
};

/* Print formats (catalog 'print' column), libsinsp's PF_* numbering. */
enum {
  VG_PF_NA = 0,
  VG_PF_DEC = 1,
  VG_PF_HEX = 2,
  VG_PF_10_PADDED_DEC = 3,
  VG_PF_ID = 4,
  VG_PF_DIR = 5,
  VG_PF_OCT = 6
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

/* The per-file catalogs as generated (one per plugin/fields/data/NAME.fields:
 * "syscall", "k8s_audit", ..., "json"), fields in search order. */
extern const vg_catalog vg_catalogs[];
extern const size_t vg_ncatalogs;
/* The catalog generated from <name>.fields, or NULL. */
const vg_catalog *vg_catalog_get(const char *name);

/*
 * A field class: the unit libsinsp's field search works in. libsinsp
 * classes ("evt (generic)", "evt", "process", ...) in libsinsp's own order,
 * then one class per plugin (all of that plugin's fields).
 */
typedef struct vg_field_class {
  const char *catalog;          /* data file: "syscall", "json", ... */
  const char *name;             /* libsinsp class name or plugin name */
  const char *plugin;           /* providing plugin, NULL for libsinsp */
  const vg_field_def *fields;
  size_t nfields;
  const char *first;            /* the distinct first two bytes of its
                                   field names, pair after pair, or NULL
                                   (some name is shorter) */
} vg_field_class;

extern const vg_field_class vg_field_classes[];
extern const size_t vg_nfield_classes;

/* The plugins vigil embeds catalogs for, at their catalog versions. */
typedef struct vg_plugin_def {
  const char *name;    /* "k8saudit" */
  const char *version; /* "0.18.0" */
  const char *source;  /* event source it provides ("k8s_audit"), or NULL */
  const char *const *async_events; /* declared async event names, NULL-ended */
} vg_plugin_def;

extern const vg_plugin_def vg_plugins[];
extern const size_t vg_nplugins;
const vg_plugin_def *vg_plugin_find(const char *name);
/* The embedded plugin providing event source src, or NULL (also for
 * "syscall", which is built in). */
const vg_plugin_def *vg_plugin_for_source(const char *src);

/*
 * The field classes visible to conditions of one event source, in the order
 * Falco searches them:
 *  - syscall: the libsinsp classes, then the container plugin's fields when
 *    that plugin is loaded;
 *  - a plugin source (k8s_audit, aws_cloudtrail, okta, github,
 *    gcp_auditlog): libsinsp's "evt (generic)" fields, the source plugin's
 *    fields, then the json plugin's json.* / jevt.* when it is loaded.
 * loaded(ud, name) tells whether a plugin is loaded (NULL: every embedded
 * plugin is). Returns false for a source vigil has no catalog for.
 */
#define VG_FIELDSET_MAX 16
typedef struct vg_fieldset {
  const vg_field_class *cls[VG_FIELDSET_MAX];
  size_t n;
} vg_fieldset;

typedef bool (*vg_plugin_loaded_fn)(void *ud, const char *plugin);
bool vg_fieldset_for_source(vg_fieldset *fs, const char *source,
                            vg_plugin_loaded_fn loaded, void *ud);

/* A resolved field reference (7.7). Pointers are into static data or into
 * the caller's name/argument text. */
typedef struct vg_field_ref {
  const vg_field_def *def;
  const vg_field_class *cls;
  vg_ftype type;     /* effective type: evt.rawarg.X has X's parameter type */
  bool is_list;
  bool has_arg;      /* a bracket or dotted argument was given */
  bool arg_dotted;   /* evt.arg.fd, thread.cgroup.cpuacct, evt.type.is.3 */
  const char *arg;   /* argument text (not NUL-terminated), arg_len bytes */
  size_t arg_len;
  bool has_index;    /* a numeric index was parsed from the argument */
  int64_t index;
} vg_field_ref;

/*
 * Resolves the field token name[0..nlen) with optional bracket argument
 * arg[0..alen) (has_arg) against fs exactly as libsinsp does: the classes
 * are tried in order, the first one holding a prefix of the text decides,
 * and that class's argument rules must consume the whole text.
 * Returns VIGIL_OK and fills *out; VIGIL_E_NOTFOUND with Falco's message
 * "filter_check called with nonexistent field <text>" in msg; or
 * VIGIL_E_SYNTAX with the argument error Falco raises (e.g.
 * "filter 'ka.uri.param': ka.uri.param requires an argument but none
 * provided"). msg is always NUL-terminated when msgsz > 0.
 */
vigil_status vg_field_resolve(const vg_fieldset *fs, const char *name,
                              size_t nlen, const char *arg, size_t alen,
                              bool has_arg, vg_field_ref *out, char *msg,
                              size_t msgsz);

/* True when some class of fs holds a field that the whole text names
 * (used by the "valid field misused as a const string" warning). */
bool vg_field_exists(const vg_fieldset *fs, const char *text, size_t len);

/* Event table (plugin/sources/data/events.txt), indexed by event code. */
typedef struct vg_event_param {
  const char *name;
  vg_ftype type;
} vg_event_param;

typedef struct vg_event_def {
  const char *name;      /* "open", "NA" for unused slots */
  char dir;              /* 'E' or 'X' */
  const char *enum_name; /* "PPME_SYSCALL_OPEN_E" */
  const vg_event_param *params;
  size_t nparams;
} vg_event_def;

extern const vg_event_def vg_events[];
extern const size_t vg_nevents; /* libsinsp's PPM_EVENT_MAX */

/* System call names (plugin/sources/data/syscalls.txt), by ppm_sc code. */
extern const char *const vg_syscall_names[];
extern const size_t vg_nsyscalls;

/* Code of the event whose enum name is enum_name, or -1. */
int vg_event_code(const char *enum_name);
/* True when name[0..len) is a known event type name for evt.type (8.7):
 * an event-table name or a system-call name. */
bool vg_event_name_known(const char *name, size_t len);
/* The event parameter libsinsp's longest-prefix search finds for
 * evt.arg.NAME / evt.rawarg.NAME, or NULL. */
const vg_event_param *vg_event_param_longest(const char *s, size_t len);

#endif
