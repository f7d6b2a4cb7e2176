/*
 * status.h - the status codes every fallible vigil function returns.
 * Codes are part of the API: they are never renumbered or reused (append
 * only). Details of a failure go in diagnostics, not in new codes.
 */
#ifndef VIGIL_STATUS_H
#define VIGIL_STATUS_H

typedef enum vigil_status {
  VIGIL_OK = 0,
  VIGIL_E_NOMEM = 1,    /* an allocation failed */
  VIGIL_E_INVAL = 2,    /* invalid argument from the caller */
  VIGIL_E_IO = 3,       /* a file could not be read or written */
  VIGIL_E_SYNTAX = 4,   /* input text does not parse */
  VIGIL_E_COMPILE = 5,  /* rules do not compile (see diagnostics) */
  VIGIL_E_LIMIT = 6,    /* a resource limit was exceeded */
  VIGIL_E_FORMAT = 7,   /* a binary input is malformed */
  VIGIL_E_VERSION = 8,  /* unsupported format version */
  VIGIL_E_CORRUPT = 9,  /* checksum or structure check failed */
  VIGIL_E_NOTFOUND = 10, /* a named thing does not exist */
  VIGIL_E_UNSUPPORTED = 11, /* valid but not implemented by vigil */
  VIGIL_E_INTERNAL = 12 /* a bug: an invariant did not hold */
} vigil_status;

/* A static, lowercase description of a status code; never NULL. */
const char *vigil_status_str(vigil_status st);

#endif
