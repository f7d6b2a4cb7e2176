/*
 * status.c - descriptions of vigil_status codes (see vigil/status.h).
 */
#include "vigil/status.h"

const char *vigil_status_str(vigil_status st) {
  switch (st) {
  case VIGIL_OK: return "success";
  case VIGIL_E_NOMEM: return "out of memory";
  case VIGIL_E_INVAL: return "invalid argument";
  case VIGIL_E_IO: return "input/output error";
  case VIGIL_E_SYNTAX: return "syntax error";
  case VIGIL_E_COMPILE: return "rules do not compile";
  case VIGIL_E_LIMIT: return "resource limit exceeded";
  case VIGIL_E_FORMAT: return "malformed input";
  case VIGIL_E_VERSION: return "unsupported version";
  case VIGIL_E_CORRUPT: return "corrupt input";
  case VIGIL_E_NOTFOUND: return "not found";
  case VIGIL_E_UNSUPPORTED: return "not supported";
  case VIGIL_E_INTERNAL: return "internal error";
  }
  return "unknown status";
}
