/*
 * falco_abi.h - vigil's own declarations of the Falco plugin ABI (API 3.x),
 * written from /work/shared/spec/plugin-abi.md: only the types, constants
 * and struct layouts the vigil plugin (and its test host) use. Names and
 * numeric values are the ABI's; member order and sizes follow the x86_64
 * layouts of the spec's section 3. Owner: falco.
 *
 * Host structs may be shorter than these declarations on older hosts: the
 * plugin requires API 3.5.0 and never reads a member newer than 3.5
 * (e.g. value_offsets of the extract input, 3.11).
 */
#ifndef VG_FALCO_ABI_H
#define VG_FALCO_ABI_H

#include <stdint.h>

/* ---- scalars and handles (3.1) ----------------------------------------- */

typedef uint32_t ss_plugin_bool;
typedef void ss_plugin_t;
typedef void ss_plugin_owner_t;
typedef void ss_plugin_table_t;
typedef void ss_plugin_table_entry_t;
typedef void ss_plugin_table_field_t;
typedef void ss_plugin_table_iterator_state_t;

/* ---- enums (3.2) -------------------------------------------------------- */

typedef enum ss_plugin_rc {
  SS_PLUGIN_SUCCESS = 0,
  SS_PLUGIN_FAILURE = 1,
  SS_PLUGIN_TIMEOUT = -1,
  SS_PLUGIN_EOF = 2,
  SS_PLUGIN_NOT_SUPPORTED = 3
} ss_plugin_rc;

typedef enum ss_plugin_field_type {
  FTYPE_UINT64 = 8,
  FTYPE_STRING = 9,
  FTYPE_RELTIME = 20,
  FTYPE_ABSTIME = 21,
  FTYPE_BOOL = 25,
  FTYPE_IPADDR = 40,
  FTYPE_IPNET = 41
} ss_plugin_field_type;

typedef enum ss_plugin_schema_type {
  SS_PLUGIN_SCHEMA_NONE = 0,
  SS_PLUGIN_SCHEMA_JSON = 1
} ss_plugin_schema_type;

typedef enum ss_plugin_state_type {
  SS_PLUGIN_ST_INT8 = 1,
  SS_PLUGIN_ST_INT16 = 2,
  SS_PLUGIN_ST_INT32 = 3,
  SS_PLUGIN_ST_INT64 = 4,
  SS_PLUGIN_ST_UINT8 = 5,
  SS_PLUGIN_ST_UINT16 = 6,
  SS_PLUGIN_ST_UINT32 = 7,
  SS_PLUGIN_ST_UINT64 = 8,
  SS_PLUGIN_ST_STRING = 9,
  SS_PLUGIN_ST_TABLE = 10,
  SS_PLUGIN_ST_BOOL = 25
} ss_plugin_state_type;

typedef enum ss_plugin_log_severity {
  SS_PLUGIN_LOG_SEV_FATAL = 1,
  SS_PLUGIN_LOG_SEV_CRITICAL = 2,
  SS_PLUGIN_LOG_SEV_ERROR = 3,
  SS_PLUGIN_LOG_SEV_WARNING = 4,
  SS_PLUGIN_LOG_SEV_NOTICE = 5,
  SS_PLUGIN_LOG_SEV_INFO = 6,
  SS_PLUGIN_LOG_SEV_DEBUG = 7,
  SS_PLUGIN_LOG_SEV_TRACE = 8
} ss_plugin_log_severity;

/* ---- constants (3.3) ---------------------------------------------------- */

#define VG_FALCO_MAX_ERRLEN 1024
#define VG_FALCO_EVT_HDR 26          /* packed event header size */
#define VG_FALCO_PLUGINEVENT 322     /* PPME_PLUGINEVENT_E */
#define VG_FALCO_ASYNCEVENT 402      /* PPME_ASYNCEVENT_E */
#define VG_FALCO_PAYLOAD_OFFSET 38   /* payload of a plugin event */
#define VG_FALCO_EVENT_MAX_038 426   /* PPM_EVENT_MAX of Falco 0.38 */

/* ---- events (3.5, 4.1) -------------------------------------------------- */

/* The event header is packed (26 bytes: ts u64, tid u64, len u32, type
 * u16, nparams u32); it is only ever read byte-wise, never through a
 * struct, so the type stays opaque here. */
typedef struct ss_plugin_event ss_plugin_event;

typedef struct ss_plugin_event_input {
  const ss_plugin_event *evt;
  uint64_t evtnum;
  const char *evtsrc;
} ss_plugin_event_input;

typedef struct ss_plugin_byte_buffer {
  uint32_t len;
  const void *ptr;
} ss_plugin_byte_buffer;

typedef struct ss_plugin_extract_field {
  union {
    const char **str;
    uint64_t *u64;
    uint32_t *u32;
    ss_plugin_bool *boolean;
    ss_plugin_byte_buffer *buf;
  } res;
  uint64_t res_len;
  uint32_t field_id;
  const char *field;
  const char *arg_key;
  uint64_t arg_index;
  ss_plugin_bool arg_present;
  uint32_t ftype;
  ss_plugin_bool flist;
} ss_plugin_extract_field;

/* ---- state tables (3.5, 3.6) -------------------------------------------- */

typedef union ss_plugin_state_data {
  int8_t s8;
  int16_t s16;
  int32_t s32;
  int64_t s64;
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  const char *str;
  ss_plugin_bool b;
  ss_plugin_table_t *table;
} ss_plugin_state_data;

typedef struct ss_plugin_table_info {
  const char *name;
  ss_plugin_state_type key_type;
} ss_plugin_table_info;

typedef struct ss_plugin_table_fieldinfo {
  const char *name;
  ss_plugin_state_type field_type;
  ss_plugin_bool read_only;
} ss_plugin_table_fieldinfo;

typedef ss_plugin_bool (*ss_plugin_table_iterator_func_t)(
    ss_plugin_table_iterator_state_t *s, ss_plugin_table_entry_t *e);

typedef struct ss_plugin_table_fields_vtable {
  const ss_plugin_table_fieldinfo *(*list_table_fields)(ss_plugin_table_t *t,
                                                        uint32_t *nfields);
  ss_plugin_table_field_t *(*get_table_field)(ss_plugin_table_t *t,
                                              const char *name,
                                              ss_plugin_state_type type);
  ss_plugin_table_field_t *(*add_table_field)(ss_plugin_table_t *t,
                                              const char *name,
                                              ss_plugin_state_type type);
} ss_plugin_table_fields_vtable;
typedef ss_plugin_table_fields_vtable ss_plugin_table_fields_vtable_ext;

/* The deprecated 3.0 reader is the first four members of the _ext one. */
typedef struct ss_plugin_table_reader_vtable {
  const char *(*get_table_name)(ss_plugin_table_t *t);
  uint64_t (*get_table_size)(ss_plugin_table_t *t);
  ss_plugin_table_entry_t *(*get_table_entry)(ss_plugin_table_t *t,
                                              const ss_plugin_state_data *k);
  ss_plugin_rc (*read_entry_field)(ss_plugin_table_t *t,
                                   ss_plugin_table_entry_t *e,
                                   const ss_plugin_table_field_t *f,
                                   ss_plugin_state_data *out);
} ss_plugin_table_reader_vtable;

typedef struct ss_plugin_table_reader_vtable_ext {
  const char *(*get_table_name)(ss_plugin_table_t *t);
  uint64_t (*get_table_size)(ss_plugin_table_t *t);
  ss_plugin_table_entry_t *(*get_table_entry)(ss_plugin_table_t *t,
                                              const ss_plugin_state_data *k);
  ss_plugin_rc (*read_entry_field)(ss_plugin_table_t *t,
                                   ss_plugin_table_entry_t *e,
                                   const ss_plugin_table_field_t *f,
                                   ss_plugin_state_data *out);
  void (*release_table_entry)(ss_plugin_table_t *t,
                              ss_plugin_table_entry_t *e);
  ss_plugin_bool (*iterate_entries)(ss_plugin_table_t *t,
                                    ss_plugin_table_iterator_func_t it,
                                    ss_plugin_table_iterator_state_t *s);
} ss_plugin_table_reader_vtable_ext;

typedef struct ss_plugin_table_writer_vtable {
  ss_plugin_rc (*clear_table)(ss_plugin_table_t *t);
  ss_plugin_rc (*erase_table_entry)(ss_plugin_table_t *t,
                                    const ss_plugin_state_data *k);
  ss_plugin_table_entry_t *(*create_table_entry)(ss_plugin_table_t *t);
  void (*destroy_table_entry)(ss_plugin_table_t *t,
                              ss_plugin_table_entry_t *e);
  ss_plugin_table_entry_t *(*add_table_entry)(ss_plugin_table_t *t,
                                              const ss_plugin_state_data *k,
                                              ss_plugin_table_entry_t *e);
  ss_plugin_rc (*write_entry_field)(ss_plugin_table_t *t,
                                    ss_plugin_table_entry_t *e,
                                    const ss_plugin_table_field_t *f,
                                    const ss_plugin_state_data *in);
} ss_plugin_table_writer_vtable;
typedef ss_plugin_table_writer_vtable ss_plugin_table_writer_vtable_ext;

/* ---- inputs (3.5) ------------------------------------------------------- */

typedef const char *(*vg_falco_owner_err_fn)(ss_plugin_owner_t *o);
typedef void (*ss_plugin_log_fn_t)(ss_plugin_owner_t *o,
                                   const char *component, const char *msg,
                                   ss_plugin_log_severity sev);

typedef struct ss_plugin_init_tables_input {
  ss_plugin_table_info *(*list_tables)(ss_plugin_owner_t *o,
                                       uint32_t *ntables);
  ss_plugin_table_t *(*get_table)(ss_plugin_owner_t *o, const char *name,
                                  ss_plugin_state_type key_type);
  ss_plugin_rc (*add_table)(ss_plugin_owner_t *o, const void *in);
  ss_plugin_table_fields_vtable fields;            /* deprecated */
  ss_plugin_table_fields_vtable_ext *fields_ext;   /* 3.1 */
  ss_plugin_table_reader_vtable_ext *reader_ext;   /* 3.5 */
  ss_plugin_table_writer_vtable_ext *writer_ext;   /* 3.5 */
} ss_plugin_init_tables_input;

typedef struct ss_plugin_init_input {
  const char *config;
  ss_plugin_owner_t *owner;
  vg_falco_owner_err_fn get_owner_last_error;
  const ss_plugin_init_tables_input *tables;
  ss_plugin_log_fn_t log_fn; /* 3.3 */
} ss_plugin_init_input;

typedef struct ss_plugin_field_extract_input {
  ss_plugin_owner_t *owner;
  vg_falco_owner_err_fn get_owner_last_error;
  uint32_t num_fields;
  ss_plugin_extract_field *fields;
  ss_plugin_table_reader_vtable table_reader;           /* deprecated */
  ss_plugin_table_reader_vtable_ext *table_reader_ext;  /* 3.1 */
  /* value_offsets (3.11) follows on new hosts: never read by vigil */
} ss_plugin_field_extract_input;

/* ---- metrics (3.6 numbering) -------------------------------------------- */

typedef enum ss_plugin_metric_value_type {
  SS_PLUGIN_METRIC_VALUE_TYPE_U32 = 0,
  SS_PLUGIN_METRIC_VALUE_TYPE_S32 = 1,
  SS_PLUGIN_METRIC_VALUE_TYPE_U64 = 2,
  SS_PLUGIN_METRIC_VALUE_TYPE_S64 = 3,
  SS_PLUGIN_METRIC_VALUE_TYPE_D = 4,
  SS_PLUGIN_METRIC_VALUE_TYPE_F = 5,
  SS_PLUGIN_METRIC_VALUE_TYPE_I = 6
} ss_plugin_metric_value_type;

typedef enum ss_plugin_metric_type {
  SS_PLUGIN_METRIC_TYPE_MONOTONIC = 0,
  SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC = 1
} ss_plugin_metric_type;

typedef union ss_plugin_metric_value {
  uint32_t u32;
  int32_t s32;
  uint64_t u64;
  int64_t s64;
  double d;
  float f;
  int i;
} ss_plugin_metric_value;

typedef struct ss_plugin_metric {
  const char *name;
  ss_plugin_metric_type type;
  ss_plugin_metric_value value;
  ss_plugin_metric_value_type value_type;
} ss_plugin_metric;

/* The parse input (3.1+ layout, 112 bytes); vigil reads none of it. */
typedef struct ss_plugin_event_parse_input {
  ss_plugin_owner_t *owner;
  vg_falco_owner_err_fn get_owner_last_error;
  ss_plugin_table_reader_vtable table_reader;           /* deprecated */
  ss_plugin_table_writer_vtable table_writer;           /* deprecated */
  ss_plugin_table_reader_vtable_ext *table_reader_ext;  /* 3.1 */
  ss_plugin_table_writer_vtable_ext *table_writer_ext;  /* 3.1 */
} ss_plugin_event_parse_input;

#endif
