/*
 * diag_codes.c - tables of Falco's load-result code names and texts.
 */
#include "diag_codes.h"

static const char *const err_names[VG_LOAD_ERR__COUNT] = {
    "LOAD_ERR_FILE_READ",         "LOAD_ERR_YAML_PARSE",
    "LOAD_ERR_YAML_VALIDATE",     "LOAD_ERR_COMPILE_CONDITION",
    "LOAD_ERR_COMPILE_OUTPUT",    "LOAD_ERR_VALIDATE",
    "LOAD_ERR_EXTENSION",
};

static const char *const err_short[VG_LOAD_ERR__COUNT] = {
    "File read error",
    "YAML parse error",
    "Error validating internal structure of YAML file",
    "Error compiling condition",
    "Error compiling output",
    "Error validating rule/macro/list/exception objects",
    "Error in extension item",
};

static const char *const warn_names[VG_LOAD_WARN__COUNT] = {
    "LOAD_UNKNOWN_SOURCE",       "LOAD_UNSAFE_NA_CHECK",
    "LOAD_NO_EVTTYPE",           "LOAD_UNKNOWN_FILTER",
    "LOAD_UNUSED_MACRO",         "LOAD_UNUSED_LIST",
    "LOAD_UNKNOWN_ITEM",         "LOAD_DEPRECATED_ITEM",
    "LOAD_WARNING_EXTENSION",    "LOAD_APPEND_NO_VALUES",
    "LOAD_EXCEPTION_NAME_NOT_UNIQUE", "LOAD_INVALID_MACRO_NAME",
    "LOAD_INVALID_LIST_NAME",    "LOAD_COMPILE_CONDITION",
    "LOAD_UNKNOWN_KEY",
};

static const char *const warn_short[VG_LOAD_WARN__COUNT] = {
    "Unknown event source",
    "Unsafe <NA> comparison in condition",
    "Condition has no event-type restriction",
    "Unknown field or event-type in condition or output",
    "Unused macro",
    "Unused list",
    "Unknown rules file item",
    "Used deprecated item",
    "Warning in extension item",
    "Overriding/appending with no values",
    "Multiple exceptions defined with the same name",
    "Invalid macro name",
    "Invalid list name",
    "Warning in rule condition",
    "Unknown key in item definition",
};

static const char *const warn_desc[VG_LOAD_WARN__COUNT] = {
    "A rule has a unknown event source. This can occur when reading rules "
    "content without having a corresponding plugin loaded, etc. The rule "
    "will be silently ignored.",
    "Comparing a field value with <NA> is unsafe and can lead to "
    "unpredictable behavior of the rule condition. If you need to check for "
    "the existence of a field, consider using the 'exists' operator "
    "instead.",
    "A rule condition matches too many evt.type values. This has a "
    "significant performance penalty. Make the condition more specific by "
    "adding an evt.type field or further restricting the number of evt.type "
    "values in the condition.",
    "A rule condition or output refers to a field or evt.type that does not "
    "exist. This is normally an error, but if a rule has a "
    "skip-if-unknown-filter property, the error is downgraded to a warning.",
    "A macro is defined in the rules content but is not used by any other "
    "macro or rule.",
    "A list is defined in the rules content but is not used by any other "
    "list, macro, or rule.",
    "An unknown top-level object is in the rules content. It will be "
    "ignored.",
    "A deprecated item is employed by lists, macros, or rules.",
    "An extension item has a warning",
    "A rule exception is overriding/appending with no values",
    "A rule is defining multiple exceptions with the same name",
    "A macro is defined with an invalid name",
    "A list is defined with an invalid name",
    "A rule condition or output have been parsed with a warning",
    "An item in the rules content contains an unrecognized key. The key will "
    "be ignored. This may indicate a typo or a property placed on the wrong "
    "item type.",
};

const char *vg_err_code_name(vg_err_code c) {
  return (unsigned)c < VG_LOAD_ERR__COUNT ? err_names[c] : "LOAD_ERR_UNKNOWN";
}
const char *vg_err_code_short(vg_err_code c) {
  return (unsigned)c < VG_LOAD_ERR__COUNT ? err_short[c] : "Unknown error";
}
const char *vg_warn_code_name(vg_warn_code c) {
  return (unsigned)c < VG_LOAD_WARN__COUNT ? warn_names[c] : "LOAD_UNKNOWN";
}
const char *vg_warn_code_short(vg_warn_code c) {
  return (unsigned)c < VG_LOAD_WARN__COUNT ? warn_short[c] : "Unknown warning";
}
const char *vg_warn_code_desc(vg_warn_code c) {
  return (unsigned)c < VG_LOAD_WARN__COUNT ? warn_desc[c] : "";
}
