/*
 * fieldtypes.h - field value types shared by the compiler, the pack format
 * and the evaluator. The numbers are libsinsp's PT_* values (and the equal
 * FTYPE_* values of Falco's plugin API), so they can be stored in packs.
 */
#ifndef VIGIL_FIELDTYPES_H
#define VIGIL_FIELDTYPES_H

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

#endif
