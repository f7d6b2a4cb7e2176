/*
 * diag_codes.h - Falco's load-result codes (rules-language.md 12.1 and
 * 13.5): names, short texts and descriptions, in Falco's enumeration order.
 * The names and texts are part of the observable interface.
 */
#ifndef VG_DIAG_CODES_H
#define VG_DIAG_CODES_H

typedef enum vg_err_code {
  VG_LOAD_ERR_FILE_READ = 0,
  VG_LOAD_ERR_YAML_PARSE,
  VG_LOAD_ERR_YAML_VALIDATE,
  VG_LOAD_ERR_COMPILE_CONDITION,
  VG_LOAD_ERR_COMPILE_OUTPUT,
  VG_LOAD_ERR_VALIDATE,
  VG_LOAD_ERR_EXTENSION,
  VG_LOAD_ERR__COUNT
} vg_err_code;

typedef enum vg_warn_code {
  VG_LOAD_UNKNOWN_SOURCE = 0,
  VG_LOAD_UNSAFE_NA_CHECK,
  VG_LOAD_NO_EVTTYPE,
  VG_LOAD_UNKNOWN_FILTER,
  VG_LOAD_UNUSED_MACRO,
  VG_LOAD_UNUSED_LIST,
  VG_LOAD_UNKNOWN_ITEM,
  VG_LOAD_DEPRECATED_ITEM,
  VG_LOAD_WARNING_EXTENSION,
  VG_LOAD_APPEND_NO_VALUES,
  VG_LOAD_EXCEPTION_NAME_NOT_UNIQUE,
  VG_LOAD_INVALID_MACRO_NAME,
  VG_LOAD_INVALID_LIST_NAME,
  VG_LOAD_COMPILE_CONDITION,
  VG_LOAD_UNKNOWN_KEY,
  VG_LOAD_WARN__COUNT
} vg_warn_code;

const char *vg_err_code_name(vg_err_code c);   /* "LOAD_ERR_YAML_PARSE" */
const char *vg_err_code_short(vg_err_code c);  /* "YAML parse error" */
const char *vg_warn_code_name(vg_warn_code c); /* "LOAD_UNUSED_MACRO" */
const char *vg_warn_code_short(vg_warn_code c); /* "Unused macro" */
const char *vg_warn_code_desc(vg_warn_code c); /* codedesc of 13.5 */

#endif
