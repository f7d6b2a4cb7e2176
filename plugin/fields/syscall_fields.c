/*
 * syscall_fields.c - field extractors for the syscall source. Each field
 * reads the event, thread and fd through the accessor and prints its value
 * the way libsinsp's filter checks print it (numbers in decimal, booleans
 * as true/false, IPv4 in dotted form, ...). No allocation.
 */
#include "fields/syscall_fields.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "vg_tables.h"

enum {
  F_EVT_NUM, F_EVT_TYPE, F_EVT_DIR, F_EVT_RAWRES, F_EVT_IS_OPEN_READ,
  F_EVT_IS_OPEN_WRITE, F_EVT_CATEGORY, F_EVT_CPU, F_EVT_RAWTIME,
  F_EVT_FAILED, F_EVT_ARGS_NUM,
  F_THREAD_TID, F_PROC_PID, F_PROC_NAME, F_PROC_EXE, F_PROC_EXEPATH,
  F_PROC_CMDLINE, F_PROC_PNAME, F_PROC_PPID, F_PROC_CWD, F_PROC_ARGS,
  F_PROC_ANAME, F_PROC_PEXE, F_PROC_AEXE, F_PROC_PCMDLINE, F_PROC_APID,
  F_PROC_SID, F_PROC_VPGID, F_PROC_TTY_UNUSED, F_PROC_PEXEPATH,
  F_PROC_AEXEPATH, F_PROC_IS_MAIN,
  F_USER_UID, F_USER_NAME, F_USER_LOGINUID, F_USER_HOMEDIR, F_USER_SHELL,
  F_GROUP_GID, F_GROUP_NAME,
  F_FD_NUM, F_FD_NAME, F_FD_TYPE, F_FD_TYPECHAR, F_FD_L4PROTO, F_FD_SIP,
  F_FD_SPORT, F_FD_CIP, F_FD_CPORT, F_FD_DIRECTORY, F_FD_FILENAME,
  F_FD_NAMERAW,
  F_EVT_ARG, F_EVT_ARGS, F_EVT_RES, F_EVT_BUFFER, F_EVT_IS_OPEN_EXEC,
  F_EVT_IS_OPEN_CREATE, F_EVT_TIME_UNUSED, F_EVT_TID_UNUSED,
  F_PROC_ENV, F_PROC_TTY, F_PROC_VPID, F_PROC_VTID, F_PROC_SNAME,
  F_PROC_DURATION, F_PROC_EXE_UPPER, F_PROC_EXE_LOWER, F_PROC_EXE_MEMFD,
  F_PROC_EXE_WRITABLE, F_PROC_VPGID_LEADER, F_PROC_SID_LEADER,
  F_PROC_NARGS, F_USER_LOGINNAME, F_THREAD_VTID,
  F_FD_SOCKFAMILY, F_FD_LIP, F_FD_RIP, F_FD_LPORT, F_FD_RPORT,
  F_FD_CONNECTED_UNUSED, F_FD_DEV_UNUSED, F_FD_IS_SERVER, F_FD_NUM_TYPED,
  F_FD_IP, F_FD_PORT, F_FD_NET, F_FD_CNET, F_FD_SNET, F_FD_LNET, F_FD_RNET,
  F_FD_CONNECTED, F_FD_NAME_CHANGED, F_FD_IPNAME,
  F_THREAD_CAP_PRM, F_THREAD_CAP_EFF, F_THREAD_CAP_INH, F_PROC_EXE_INO,
  F_PROC_EXE_INO_CTIME, F_PROC_EXE_INO_MTIME, F_PROC_EXE_INO_DUR_CLONE,
  F_PROC_EXE_INO_DUR_PIDNS, F_PROC_PIDNS_START,
  /* generic event fields */
  F_EVT_TIME, F_EVT_TIME_S, F_EVT_TIME_ISO, F_EVT_DATETIME,
  F_EVT_DATETIME_S, F_EVT_RAWTIME_S, F_EVT_RAWTIME_NS, F_EVT_RELTIME,
  F_EVT_RELTIME_S, F_EVT_RELTIME_NS, F_EVT_PLUGINNAME, F_EVT_PLUGININFO,
  F_EVT_SOURCE, F_EVT_IS_ASYNC, F_EVT_ASYNCTYPE, F_EVT_HOSTNAME, F_EVT_COUNT,
  /* container plugin fields: F_CT_FIRST..F_CT_LAST */
  F_CT_ID, F_CT_FULL_ID, F_CT_NAME, F_CT_IMAGE, F_CT_IMAGE_ID, F_CT_TYPE,
  F_CT_PRIVILEGED, F_CT_MOUNTS, F_CT_MOUNT, F_CT_MOUNT_SOURCE,
  F_CT_MOUNT_DEST, F_CT_MOUNT_MODE, F_CT_MOUNT_RDWR, F_CT_MOUNT_PROP,
  F_CT_IMAGE_REPO, F_CT_IMAGE_TAG, F_CT_IMAGE_DIGEST, F_CT_HEALTHCHECK,
  F_CT_LIVENESS, F_CT_READINESS, F_CT_START_TS, F_CT_DURATION, F_CT_IP,
  F_CT_CNI, F_CT_HOST_PID, F_CT_HOST_NET, F_CT_HOST_IPC, F_CT_LABEL,
  F_CT_LABELS, F_CT_IS_HEALTHCHECK, F_CT_IS_LIVENESS, F_CT_IS_READINESS,
  F_K8S_POD_NAME, F_K8S_NS_NAME, F_K8S_POD_ID, F_K8S_POD_UID,
  F_K8S_POD_SANDBOX_ID, F_K8S_POD_FULL_SANDBOX_ID, F_K8S_POD_LABEL,
  F_K8S_POD_LABELS, F_K8S_POD_IP, F_K8S_POD_CNI,
  F_K8S_DEPRECATED, /* k8s.rc/svc/ns.id/rs/deployment: never a value */
  F_CT_LAST = F_K8S_DEPRECATED,
  /* more event and process fields: F_MORE_FIRST.. */
  F_SYSCALL_TYPE, F_EVT_IS_IO, F_EVT_IS_IO_READ, F_EVT_IS_IO_WRITE,
  F_EVT_IO_DIR, F_EVT_IS_WAIT, F_EVT_BUFLEN, F_EVT_TYPE_IS,
  F_PROC_EXELINE, F_PROC_CMDLENARGS, F_PROC_ACMDLINE, F_PROC_SID_EXE,
  F_PROC_SID_EXEPATH, F_PROC_VPGID_NAME, F_PROC_VPGID_EXE,
  F_PROC_VPGID_EXEPATH, F_PROC_PVPID, F_PROC_PGID, F_PROC_FDLIMIT,
  F_PROC_VMSIZE, F_PROC_VMRSS, F_PROC_VMSWAP, F_THREAD_PFMAJOR,
  F_THREAD_PFMINOR, F_THREAD_VMSIZE, F_THREAD_VMRSS, F_THREAD_VMSIZE_B,
  F_THREAD_VMRSS_B, F_PROC_STDIN_TYPE, F_PROC_STDOUT_TYPE,
  F_PROC_STDERR_TYPE, F_PROC_STDIN_NAME, F_PROC_STDOUT_NAME,
  F_PROC_STDERR_NAME, F_PROC_AENV, F_THREAD_CGROUPS, F_THREAD_CGROUP,
  /* the rest of the catalog: F_NEW_FIRST.. */
  F_EVT_LATENCY, F_EVT_LATENCY_S, F_EVT_LATENCY_NS, F_EVT_LATENCY_Q,
  F_EVT_LATENCY_HUMAN, F_EVT_WAIT_LATENCY, F_EVT_DELTA, F_EVT_DELTA_S,
  F_EVT_DELTA_NS, F_EVT_OUTPUTTIME, F_EVT_RAWARG, F_EVT_INFO,
  F_EVT_IS_SYSLOG, F_EVT_COUNT_ERROR, F_EVT_COUNT_ERROR_FILE,
  F_EVT_COUNT_ERROR_NET, F_EVT_COUNT_ERROR_MEMORY, F_EVT_COUNT_ERROR_OTHER,
  F_EVT_COUNT_EXIT, F_EVT_COUNT_PROCINFO, F_EVT_COUNT_THREADINFO,
  F_EVT_AROUND, F_EVT_ABSPATH, F_EVT_ABSPATH_SRC, F_EVT_ABSPATH_DST,
  F_EVT_BUFLEN_IN, F_EVT_BUFLEN_OUT, F_EVT_BUFLEN_FILE, F_EVT_BUFLEN_FILE_IN,
  F_EVT_BUFLEN_FILE_OUT, F_EVT_BUFLEN_NET, F_EVT_BUFLEN_NET_IN,
  F_EVT_BUFLEN_NET_OUT, F_EVT_DOCKER_NAME, F_EVT_DOCKER_CID,
  F_EVT_DOCKER_CNAME, F_EVT_DOCKER_CIMAGE,
  F_PROC_AARGS, F_PROC_LOGINSHELLID, F_PROC_PGID_NAME, F_PROC_PGID_EXE,
  F_PROC_PGID_EXEPATH, F_PROC_PPID_DURATION, F_PROC_PID_TS, F_PROC_PPID_TS,
  F_PROC_PGID_LEADER, F_PROC_FDOPENCOUNT, F_PROC_FDUSAGE, F_THREAD_NAMETID,
  F_THREAD_EXECTIME, F_THREAD_TOTEXECTIME, F_PROC_NTHREADS, F_PROC_NCHILDS,
  F_THREAD_CPU, F_THREAD_CPU_USER, F_THREAD_CPU_SYSTEM,
  F_FD_UID, F_FD_CONTAINERNAME, F_FD_CONTAINERDIR, F_FD_CPROTO, F_FD_SPROTO,
  F_FD_LPROTO, F_FD_RPROTO, F_FD_DEV, F_FD_DEV_MAJOR, F_FD_DEV_MINOR,
  F_FD_INO, F_FD_TYPES, F_FD_UPPER, F_FD_LOWER,
  F_FS_NAME, F_FS_NAMERAW, F_FS_SOURCE, F_FS_SOURCERAW, F_FS_TARGET,
  F_FS_TARGETRAW,
  F_FDLIST_NUMS, F_FDLIST_NAMES, F_FDLIST_CIPS, F_FDLIST_SIPS,
  F_FDLIST_CPORTS, F_FDLIST_SPORTS, F_UTIL_CNT
};
#define F_NEW_FIRST F_EVT_LATENCY

typedef struct fdef {
  const char *name;
  int id;
  int arg; /* 0 none, 1 optional [N], 2 [N] or .NAME (required),
              3 optional [NAME], 4 required [N] or [KEY] (plugin field),
              5 required [KEY] (plugin field), 6 required .NAME (an event
              parameter name), 7 required [N] (unsigned 64-bit) */
} fdef;

/* longest names first where one is a prefix of another */
static const fdef FIELDS[] = {
    {"evt.num", F_EVT_NUM, 0},
    {"evt.type", F_EVT_TYPE, 0},
    {"evt.dir", F_EVT_DIR, 0},
    {"evt.rawres", F_EVT_RAWRES, 0},
    {"evt.is_open_read", F_EVT_IS_OPEN_READ, 0},
    {"evt.is_open_write", F_EVT_IS_OPEN_WRITE, 0},
    {"evt.category", F_EVT_CATEGORY, 0},
    {"evt.cpu", F_EVT_CPU, 0},
    {"evt.rawtime", F_EVT_RAWTIME, 0},
    {"evt.failed", F_EVT_FAILED, 0},
    {"thread.tid", F_THREAD_TID, 0},
    {"proc.pid", F_PROC_PID, 0},
    {"proc.name", F_PROC_NAME, 0},
    {"proc.exepath", F_PROC_EXEPATH, 0},
    {"proc.exe", F_PROC_EXE, 0},
    {"proc.cmdline", F_PROC_CMDLINE, 0},
    {"proc.pname", F_PROC_PNAME, 0},
    {"proc.ppid", F_PROC_PPID, 0},
    {"proc.cwd", F_PROC_CWD, 0},
    {"proc.args", F_PROC_ARGS, 1},
    {"proc.aname", F_PROC_ANAME, 1},
    {"proc.pexepath", F_PROC_PEXEPATH, 0},
    {"proc.pexe", F_PROC_PEXE, 0},
    {"proc.aexepath", F_PROC_AEXEPATH, 1},
    {"proc.aexe", F_PROC_AEXE, 1},
    {"proc.pcmdline", F_PROC_PCMDLINE, 0},
    {"proc.apid", F_PROC_APID, 1},
    {"proc.sid", F_PROC_SID, 0},
    {"proc.vpgid", F_PROC_VPGID, 0},
    {"thread.ismain", F_PROC_IS_MAIN, 0},
    {"user.uid", F_USER_UID, 0},
    {"user.name", F_USER_NAME, 0},
    {"user.loginuid", F_USER_LOGINUID, 0},
    {"user.homedir", F_USER_HOMEDIR, 0},
    {"user.shell", F_USER_SHELL, 0},
    {"group.gid", F_GROUP_GID, 0},
    {"group.name", F_GROUP_NAME, 0},
    {"fd.num", F_FD_NUM, 0},
    {"fd.nameraw", F_FD_NAMERAW, 0},
    {"fd.name", F_FD_NAME, 0},
    {"fd.typechar", F_FD_TYPECHAR, 0},
    {"fd.type", F_FD_TYPE, 0},
    {"fd.l4proto", F_FD_L4PROTO, 0},
    {"fd.sip", F_FD_SIP, 0},
    {"fd.sport", F_FD_SPORT, 0},
    {"fd.cip", F_FD_CIP, 0},
    {"fd.cport", F_FD_CPORT, 0},
    {"fd.directory", F_FD_DIRECTORY, 0},
    {"fd.filename", F_FD_FILENAME, 0},
    {"evt.arg", F_EVT_ARG, 2},
    {"evt.args", F_EVT_ARGS, 0},
    {"evt.res", F_EVT_RES, 0},
    {"evt.buffer", F_EVT_BUFFER, 0},
    {"evt.is_open_exec", F_EVT_IS_OPEN_EXEC, 0},
    {"evt.is_open_create", F_EVT_IS_OPEN_CREATE, 0},
    {"proc.env", F_PROC_ENV, 3},
    {"proc.tty", F_PROC_TTY, 0},
    {"proc.vpid", F_PROC_VPID, 0},
    {"thread.vtid", F_THREAD_VTID, 0},
    {"proc.sname", F_PROC_SNAME, 0},
    {"proc.duration", F_PROC_DURATION, 0},
    {"proc.is_exe_upper_layer", F_PROC_EXE_UPPER, 0},
    {"proc.is_exe_lower_layer", F_PROC_EXE_LOWER, 0},
    {"proc.is_exe_from_memfd", F_PROC_EXE_MEMFD, 0},
    {"proc.is_exe_writable", F_PROC_EXE_WRITABLE, 0},
    {"proc.is_vpgid_leader", F_PROC_VPGID_LEADER, 0},
    {"proc.is_sid_leader", F_PROC_SID_LEADER, 0},
    {"proc.cmdnargs", F_PROC_NARGS, 0},
    {"user.loginname", F_USER_LOGINNAME, 0},
    {"fd.sockfamily", F_FD_SOCKFAMILY, 0},
    {"fd.lip", F_FD_LIP, 0},
    {"fd.rip", F_FD_RIP, 0},
    {"fd.lport", F_FD_LPORT, 0},
    {"fd.rport", F_FD_RPORT, 0},
    {"fd.is_server", F_FD_IS_SERVER, 0},
    {"fd.ip", F_FD_IP, 0},
    {"fd.port", F_FD_PORT, 0},
    {"fd.net", F_FD_NET, 0},
    {"fd.cnet", F_FD_CNET, 0},
    {"fd.snet", F_FD_SNET, 0},
    {"fd.lnet", F_FD_LNET, 0},
    {"fd.rnet", F_FD_RNET, 0},
    {"fd.connected", F_FD_CONNECTED, 0},
    {"fd.name_changed", F_FD_NAME_CHANGED, 0},
    {"fd.cip.name", F_FD_IPNAME, 0},
    {"fd.sip.name", F_FD_IPNAME, 0},
    {"fd.lip.name", F_FD_IPNAME, 0},
    {"fd.rip.name", F_FD_IPNAME, 0},
    {"thread.cap_permitted", F_THREAD_CAP_PRM, 0},
    {"thread.cap_effective", F_THREAD_CAP_EFF, 0},
    {"thread.cap_inheritable", F_THREAD_CAP_INH, 0},
    {"proc.exe_ino", F_PROC_EXE_INO, 0},
    {"proc.exe_ino.ctime", F_PROC_EXE_INO_CTIME, 0},
    {"proc.exe_ino.mtime", F_PROC_EXE_INO_MTIME, 0},
    {"proc.exe_ino.ctime_duration_proc_start", F_PROC_EXE_INO_DUR_CLONE, 0},
    {"proc.exe_ino.ctime_duration_pidns_start", F_PROC_EXE_INO_DUR_PIDNS, 0},
    {"proc.pidns_init_start_ts", F_PROC_PIDNS_START, 0},
    {"evt.time", F_EVT_TIME, 0},
    {"evt.time.s", F_EVT_TIME_S, 0},
    {"evt.time.iso8601", F_EVT_TIME_ISO, 0},
    {"evt.datetime", F_EVT_DATETIME, 0},
    {"evt.datetime.s", F_EVT_DATETIME_S, 0},
    {"evt.rawtime.s", F_EVT_RAWTIME_S, 0},
    {"evt.rawtime.ns", F_EVT_RAWTIME_NS, 0},
    {"evt.reltime", F_EVT_RELTIME, 0},
    {"evt.reltime.s", F_EVT_RELTIME_S, 0},
    {"evt.reltime.ns", F_EVT_RELTIME_NS, 0},
    {"evt.pluginname", F_EVT_PLUGINNAME, 0},
    {"evt.plugininfo", F_EVT_PLUGININFO, 0},
    {"evt.source", F_EVT_SOURCE, 0},
    {"evt.is_async", F_EVT_IS_ASYNC, 0},
    {"evt.asynctype", F_EVT_ASYNCTYPE, 0},
    {"evt.hostname", F_EVT_HOSTNAME, 0},
    {"evt.count", F_EVT_COUNT, 0},
    {"container.id", F_CT_ID, 0},
    {"container.full_id", F_CT_FULL_ID, 0},
    {"container.name", F_CT_NAME, 0},
    {"container.image", F_CT_IMAGE, 0},
    {"container.image.id", F_CT_IMAGE_ID, 0},
    {"container.type", F_CT_TYPE, 0},
    {"container.privileged", F_CT_PRIVILEGED, 0},
    {"container.mounts", F_CT_MOUNTS, 0},
    {"container.mount", F_CT_MOUNT, 4},
    {"container.mount.source", F_CT_MOUNT_SOURCE, 4},
    {"container.mount.dest", F_CT_MOUNT_DEST, 4},
    {"container.mount.mode", F_CT_MOUNT_MODE, 4},
    {"container.mount.rdwr", F_CT_MOUNT_RDWR, 4},
    {"container.mount.propagation", F_CT_MOUNT_PROP, 4},
    {"container.image.repository", F_CT_IMAGE_REPO, 0},
    {"container.image.tag", F_CT_IMAGE_TAG, 0},
    {"container.image.digest", F_CT_IMAGE_DIGEST, 0},
    {"container.healthcheck", F_CT_HEALTHCHECK, 0},
    {"container.liveness_probe", F_CT_LIVENESS, 0},
    {"container.readiness_probe", F_CT_READINESS, 0},
    {"container.start_ts", F_CT_START_TS, 0},
    {"container.duration", F_CT_DURATION, 0},
    {"container.ip", F_CT_IP, 0},
    {"container.cni.json", F_CT_CNI, 0},
    {"container.host_pid", F_CT_HOST_PID, 0},
    {"container.host_network", F_CT_HOST_NET, 0},
    {"container.host_ipc", F_CT_HOST_IPC, 0},
    {"container.label", F_CT_LABEL, 5},
    {"container.labels", F_CT_LABELS, 0},
    {"proc.is_container_healthcheck", F_CT_IS_HEALTHCHECK, 0},
    {"proc.is_container_liveness_probe", F_CT_IS_LIVENESS, 0},
    {"proc.is_container_readiness_probe", F_CT_IS_READINESS, 0},
    {"k8s.pod.name", F_K8S_POD_NAME, 0},
    {"k8s.ns.name", F_K8S_NS_NAME, 0},
    {"k8s.pod.id", F_K8S_POD_ID, 0},
    {"k8s.pod.uid", F_K8S_POD_UID, 0},
    {"k8s.pod.sandbox_id", F_K8S_POD_SANDBOX_ID, 0},
    {"k8s.pod.full_sandbox_id", F_K8S_POD_FULL_SANDBOX_ID, 0},
    {"k8s.pod.label", F_K8S_POD_LABEL, 5},
    {"k8s.pod.labels", F_K8S_POD_LABELS, 0},
    {"k8s.pod.ip", F_K8S_POD_IP, 0},
    {"k8s.pod.cni.json", F_K8S_POD_CNI, 0},
    {"k8s.rc.name", F_K8S_DEPRECATED, 0},
    {"k8s.rc.id", F_K8S_DEPRECATED, 0},
    {"k8s.rc.label", F_K8S_DEPRECATED, 5},
    {"k8s.rc.labels", F_K8S_DEPRECATED, 0},
    {"k8s.svc.name", F_K8S_DEPRECATED, 0},
    {"k8s.svc.id", F_K8S_DEPRECATED, 0},
    {"k8s.svc.label", F_K8S_DEPRECATED, 5},
    {"k8s.svc.labels", F_K8S_DEPRECATED, 0},
    {"k8s.ns.id", F_K8S_DEPRECATED, 0},
    {"k8s.ns.label", F_K8S_DEPRECATED, 5},
    {"k8s.ns.labels", F_K8S_DEPRECATED, 0},
    {"k8s.rs.name", F_K8S_DEPRECATED, 0},
    {"k8s.rs.id", F_K8S_DEPRECATED, 0},
    {"k8s.rs.label", F_K8S_DEPRECATED, 5},
    {"k8s.rs.labels", F_K8S_DEPRECATED, 0},
    {"k8s.deployment.name", F_K8S_DEPRECATED, 0},
    {"k8s.deployment.id", F_K8S_DEPRECATED, 0},
    {"k8s.deployment.label", F_K8S_DEPRECATED, 5},
    {"k8s.deployment.labels", F_K8S_DEPRECATED, 0},
    {"syscall.type", F_SYSCALL_TYPE, 0},
    {"evt.is_io", F_EVT_IS_IO, 0},
    {"evt.is_io_read", F_EVT_IS_IO_READ, 0},
    {"evt.is_io_write", F_EVT_IS_IO_WRITE, 0},
    {"evt.io_dir", F_EVT_IO_DIR, 0},
    {"evt.is_wait", F_EVT_IS_WAIT, 0},
    {"evt.buflen", F_EVT_BUFLEN, 0},
    {"evt.type.is", F_EVT_TYPE_IS, 2},
    {"proc.exeline", F_PROC_EXELINE, 0},
    {"proc.cmdlenargs", F_PROC_CMDLENARGS, 0},
    {"proc.acmdline", F_PROC_ACMDLINE, 1},
    {"proc.sid.exe", F_PROC_SID_EXE, 0},
    {"proc.sid.exepath", F_PROC_SID_EXEPATH, 0},
    {"proc.vpgid.name", F_PROC_VPGID_NAME, 0},
    {"proc.vpgid.exe", F_PROC_VPGID_EXE, 0},
    {"proc.vpgid.exepath", F_PROC_VPGID_EXEPATH, 0},
    {"proc.pvpid", F_PROC_PVPID, 0},
    {"proc.pgid", F_PROC_PGID, 0},
    {"proc.fdlimit", F_PROC_FDLIMIT, 0},
    {"proc.vmsize", F_PROC_VMSIZE, 0},
    {"proc.vmrss", F_PROC_VMRSS, 0},
    {"proc.vmswap", F_PROC_VMSWAP, 0},
    {"thread.pfmajor", F_THREAD_PFMAJOR, 0},
    {"thread.pfminor", F_THREAD_PFMINOR, 0},
    {"thread.vmsize", F_THREAD_VMSIZE, 0},
    {"thread.vmrss", F_THREAD_VMRSS, 0},
    {"thread.vmsize.b", F_THREAD_VMSIZE_B, 0},
    {"thread.vmrss.b", F_THREAD_VMRSS_B, 0},
    {"proc.stdin.type", F_PROC_STDIN_TYPE, 0},
    {"proc.stdout.type", F_PROC_STDOUT_TYPE, 0},
    {"proc.stderr.type", F_PROC_STDERR_TYPE, 0},
    {"proc.stdin.name", F_PROC_STDIN_NAME, 0},
    {"proc.stdout.name", F_PROC_STDOUT_NAME, 0},
    {"proc.stderr.name", F_PROC_STDERR_NAME, 0},
    {"proc.aenv", F_PROC_AENV, 3},
    {"thread.cgroups", F_THREAD_CGROUPS, 0},
    {"thread.cgroup", F_THREAD_CGROUP, 2},
    {"evt.latency", F_EVT_LATENCY, 0},
    {"evt.latency.s", F_EVT_LATENCY_S, 0},
    {"evt.latency.ns", F_EVT_LATENCY_NS, 0},
    {"evt.latency.quantized", F_EVT_LATENCY_Q, 0},
    {"evt.latency.human", F_EVT_LATENCY_HUMAN, 0},
    {"evt.wait_latency", F_EVT_WAIT_LATENCY, 0},
    {"evt.deltatime", F_EVT_DELTA, 0},
    {"evt.deltatime.s", F_EVT_DELTA_S, 0},
    {"evt.deltatime.ns", F_EVT_DELTA_NS, 0},
    {"evt.outputtime", F_EVT_OUTPUTTIME, 0},
    {"evt.rawarg", F_EVT_RAWARG, 6},
    {"evt.info", F_EVT_INFO, 0},
    {"evt.is_syslog", F_EVT_IS_SYSLOG, 0},
    {"evt.count.error", F_EVT_COUNT_ERROR, 0},
    {"evt.count.error.file", F_EVT_COUNT_ERROR_FILE, 0},
    {"evt.count.error.net", F_EVT_COUNT_ERROR_NET, 0},
    {"evt.count.error.memory", F_EVT_COUNT_ERROR_MEMORY, 0},
    {"evt.count.error.other", F_EVT_COUNT_ERROR_OTHER, 0},
    {"evt.count.exit", F_EVT_COUNT_EXIT, 0},
    {"evt.count.procinfo", F_EVT_COUNT_PROCINFO, 0},
    {"evt.count.threadinfo", F_EVT_COUNT_THREADINFO, 0},
    {"evt.around", F_EVT_AROUND, 7},
    {"evt.abspath", F_EVT_ABSPATH, 0},
    {"evt.abspath.src", F_EVT_ABSPATH_SRC, 0},
    {"evt.abspath.dst", F_EVT_ABSPATH_DST, 0},
    {"evt.buflen.in", F_EVT_BUFLEN_IN, 0},
    {"evt.buflen.out", F_EVT_BUFLEN_OUT, 0},
    {"evt.buflen.file", F_EVT_BUFLEN_FILE, 0},
    {"evt.buflen.file.in", F_EVT_BUFLEN_FILE_IN, 0},
    {"evt.buflen.file.out", F_EVT_BUFLEN_FILE_OUT, 0},
    {"evt.buflen.net", F_EVT_BUFLEN_NET, 0},
    {"evt.buflen.net.in", F_EVT_BUFLEN_NET_IN, 0},
    {"evt.buflen.net.out", F_EVT_BUFLEN_NET_OUT, 0},
    {"evt.infra.docker.name", F_EVT_DOCKER_NAME, 0},
    {"evt.infra.docker.container.id", F_EVT_DOCKER_CID, 0},
    {"evt.infra.docker.container.name", F_EVT_DOCKER_CNAME, 0},
    {"evt.infra.docker.container.image", F_EVT_DOCKER_CIMAGE, 0},
    {"proc.aargs", F_PROC_AARGS, 1},
    {"proc.loginshellid", F_PROC_LOGINSHELLID, 0},
    {"proc.pgid.name", F_PROC_PGID_NAME, 0},
    {"proc.pgid.exe", F_PROC_PGID_EXE, 0},
    {"proc.pgid.exepath", F_PROC_PGID_EXEPATH, 0},
    {"proc.ppid.duration", F_PROC_PPID_DURATION, 0},
    {"proc.pid.ts", F_PROC_PID_TS, 0},
    {"proc.ppid.ts", F_PROC_PPID_TS, 0},
    {"proc.is_pgid_leader", F_PROC_PGID_LEADER, 0},
    {"proc.fdopencount", F_PROC_FDOPENCOUNT, 0},
    {"proc.fdusage", F_PROC_FDUSAGE, 0},
    {"thread.nametid", F_THREAD_NAMETID, 0},
    {"thread.exectime", F_THREAD_EXECTIME, 0},
    {"thread.totexectime", F_THREAD_TOTEXECTIME, 0},
    {"proc.nthreads", F_PROC_NTHREADS, 0},
    {"proc.nchilds", F_PROC_NCHILDS, 0},
    {"thread.cpu", F_THREAD_CPU, 0},
    {"thread.cpu.user", F_THREAD_CPU_USER, 0},
    {"thread.cpu.system", F_THREAD_CPU_SYSTEM, 0},
    {"fd.uid", F_FD_UID, 0},
    {"fd.containername", F_FD_CONTAINERNAME, 0},
    {"fd.containerdirectory", F_FD_CONTAINERDIR, 0},
    {"fd.proto", F_FD_PORT, 0}, /* compared as fd.port, never printed */
    {"fd.cproto", F_FD_CPROTO, 0},
    {"fd.sproto", F_FD_SPROTO, 0},
    {"fd.lproto", F_FD_LPROTO, 0},
    {"fd.rproto", F_FD_RPROTO, 0},
    {"fd.dev", F_FD_DEV, 0},
    {"fd.dev.major", F_FD_DEV_MAJOR, 0},
    {"fd.dev.minor", F_FD_DEV_MINOR, 0},
    {"fd.ino", F_FD_INO, 0},
    {"fd.types", F_FD_TYPES, 1},
    {"fd.is_upper_layer", F_FD_UPPER, 0},
    {"fd.is_lower_layer", F_FD_LOWER, 0},
    {"fs.path.name", F_FS_NAME, 0},
    {"fs.path.nameraw", F_FS_NAMERAW, 0},
    {"fs.path.source", F_FS_SOURCE, 0},
    {"fs.path.sourceraw", F_FS_SOURCERAW, 0},
    {"fs.path.target", F_FS_TARGET, 0},
    {"fs.path.targetraw", F_FS_TARGETRAW, 0},
    {"fdlist.nums", F_FDLIST_NUMS, 0},
    {"fdlist.names", F_FDLIST_NAMES, 0},
    {"fdlist.cips", F_FDLIST_CIPS, 0},
    {"fdlist.sips", F_FDLIST_SIPS, 0},
    {"fdlist.cports", F_FDLIST_CPORTS, 0},
    {"fdlist.sports", F_FDLIST_SPORTS, 0},
    {"util.cnt", F_UTIL_CNT, 0},
};

vigil_status vg_sysf_parse(const char *text, vg_sysf_ref *out,
                            size_t *used) {
  const fdef *best = NULL;
  size_t bl = 0;
  for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
    /* whether the name prefixes text, stopping at the first difference
     * (startup cost: output templates try many candidates) */
    const char *nm = FIELDS[i].name;
    if (nm[0] != text[0])
      continue; /* most names differ at once */
    size_t l = 1;
    while (nm[l] && nm[l] == text[l])
      l++;
    if (nm[l])
      continue;
    char c = text[l];
    if (c == '.' && (FIELDS[i].arg == 2 || FIELDS[i].arg == 3 ||
                     FIELDS[i].arg == 6))
      c = 0; /* evt.arg.NAME */
    if ((c >= 'a' && c <= 'z') || c == '_' || c == '.' ||
        (c >= '0' && c <= '9'))
      continue;
    if (l > bl) {
      best = &FIELDS[i];
      bl = l;
    }
  }
  if (!best)
    return VIGIL_E_NOTFOUND;
  memset(out, 0, sizeof *out);
  out->id = best->id;
  out->argn = -1;
  if (best->arg == 6) {
    /* libsinsp takes the longest parameter name of any event that
     * starts the text after the dot */
    if (text[bl] != '.')
      return VIGIL_E_SYNTAX;
    const char *p = text + bl + 1;
    size_t pl = 0;
    for (uint32_t j = 0; j < VG_EVENT_MAX; j++)
      for (uint16_t k = 0; k < vg_event_table[j].nparams; k++) {
        const char *pn = vg_event_table[j].params[k].name;
        size_t l = strlen(pn);
        if (l > pl && l < sizeof out->argname && !strncmp(p, pn, l))
          pl = l;
      }
    if (pl == 0)
      return VIGIL_E_NOTFOUND;
    memcpy(out->argname, p, pl);
    out->argname[pl] = 0;
    *used = bl + 1 + pl;
    return VIGIL_OK;
  }
  if (best->arg == 7) {
    /* [T]: a timestamp */
    if (text[bl] != '[')
      return VIGIL_E_SYNTAX;
    const char *p = text + bl + 1, *q = p;
    uint64_t v = 0;
    while (*q >= '0' && *q <= '9' && q - p < 20)
      v = v * 10 + (uint64_t)(*q++ - '0');
    if (q == p || *q != ']' || v > INT64_MAX)
      return VIGIL_E_SYNTAX;
    out->argn = (int64_t)v;
    *used = (size_t)(q + 1 - text);
    return VIGIL_OK;
  }
  if (best->arg == 4 || best->arg == 5) {
    /* plugin fields: only [ARG]; [N] is an index where one is allowed,
     * anything else up to ']' a key */
    if (text[bl] != '[')
      return VIGIL_E_SYNTAX;
    const char *end = strchr(text + bl + 1, ']');
    if (!end)
      return VIGIL_E_SYNTAX;
    size_t st = bl + 1, en = (size_t)(end - text);
    if (en - st >= sizeof out->argname)
      return VIGIL_E_SYNTAX;
    int numeric = best->arg == 4 && en > st && en - st < 10;
    for (size_t i = st; numeric && i < en; i++)
      if (text[i] < '0' || text[i] > '9')
        numeric = 0;
    if (numeric) {
      out->argn = 0;
      for (size_t i = st; i < en; i++)
        out->argn = out->argn * 10 + (text[i] - '0');
    } else {
      memcpy(out->argname, text + st, en - st);
      out->argname[en - st] = 0;
    }
    *used = en + 1;
    return VIGIL_OK;
  }
  if ((best->arg == 2 || best->arg == 3) &&
      (text[bl] == '.' || text[bl] == '[')) {
    /* .NAME, or [NAME]/[N] */
    size_t st = bl + 1, en;
    if (text[bl] == '.') {
      en = st;
      while ((text[en] >= 'a' && text[en] <= 'z') ||
             (text[en] >= 'A' && text[en] <= 'Z') ||
             (text[en] >= '0' && text[en] <= '9') || text[en] == '_')
        en++;
    } else {
      const char *end = strchr(text + st, ']');
      if (!end)
        return VIGIL_E_SYNTAX;
      en = (size_t)(end - text);
    }
    if (en == st || en - st >= sizeof out->argname)
      return VIGIL_E_SYNTAX;
    memcpy(out->argname, text + st, en - st);
    out->argname[en - st] = 0;
    int numeric = text[bl] == '[' && best->arg == 2;
    for (size_t i = st; numeric && i < en; i++)
      if (text[i] < '0' || text[i] > '9')
        numeric = 0;
    if (numeric && en - st < 7) {
      out->argn = 0;
      for (size_t i = st; i < en; i++)
        out->argn = out->argn * 10 + (text[i] - '0');
      out->argname[0] = 0;
    }
    *used = text[bl] == '.' ? en : en + 1;
    return VIGIL_OK;
  }
  if (best->arg == 2)
    return VIGIL_E_SYNTAX; /* evt.arg needs an argument */
  if (best->arg == 1 && text[bl] == '[') {
    const char *end = strchr(text + bl, ']');
    if (!end)
      return VIGIL_E_SYNTAX;
    int64_t n = 0;
    const char *p = text + bl + 1;
    if (p == end)
      return VIGIL_E_SYNTAX;
    for (; p < end; p++) {
      if (*p < '0' || *p > '9' || n > 100000)
        return VIGIL_E_SYNTAX;
      n = n * 10 + (*p - '0');
    }
    out->argn = n;
    bl = (size_t)(end - text) + 1;
  }
  *used = bl;
  return VIGIL_OK;
}

/* ------------------------------------------------------------ helpers */

/* put and put_i64 write what snprintf(buf, len, "%s" / PRId64) would,
 * without its cost: they run for most extracted fields. */
static int put(char *buf, size_t len, const char *s) {
  if (len == 0)
    return 1;
  size_t n = strlen(s);
  if (n >= len)
    n = len - 1;
  memmove(buf, s, n);
  buf[n] = 0;
  return 1;
}

static int put_i64(char *buf, size_t len, int64_t v) {
  char tmp[24];
  char *p = tmp + sizeof tmp;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  *--p = 0;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    *--p = '-';
  return put(buf, len, p);
}

static int put_u64(char *buf, size_t len, uint64_t v) {
  char tmp[24];
  char *p = tmp + sizeof tmp;
  *--p = 0;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return put(buf, len, p);
}

static int xid_ok(int64_t v) { return v >= -1 && v <= (int64_t)UINT32_MAX; }

static void join_args(const vg_thread *t, char *buf, size_t len) {
  size_t o = 0;
  for (uint32_t i = 0; i < t->args_len && o + 1 < len; i++)
    buf[o++] = t->args[i] ? t->args[i] : ' ';
  buf[o] = 0;
}

static void cmdline(const vg_thread *t, char *buf, size_t len) {
  size_t o = (size_t)snprintf(buf, len, "%s", t->comm);
  if (t->nargs && o + 1 < len) {
    buf[o++] = ' ';
    join_args(t, buf + o, len - o);
  }
}


/* The ancestors of main thread m as libsinsp walks them: parent first,
 * stopping at a missing parent, at tid -1, or when a loop is detected
 * (slow/fast pointers, or a thread that is its own parent). */
static size_t parent_chain(const vg_sys_accessor *a, vg_thread *m,
                           vg_thread **out, size_t max) {
  size_t n = 0;
  vg_thread *slow = a->find_thread(a->ctx, m->ptid), *fast = slow;
  fast = fast ? a->find_thread(a->ctx, fast->ptid) : NULL;
  while (slow && slow->tid != -1 && n < max) {
    out[n++] = slow;
    slow = a->find_thread(a->ctx, slow->ptid);
    for (int i = 0; i < 2; i++) {
      fast = fast ? a->find_thread(a->ctx, fast->ptid) : NULL;
      if (slow && (slow == fast || slow->tid == slow->ptid))
        return n;
    }
  }
  return n;
}

static vg_thread *ancestor(const vg_sys_accessor *a, vg_thread *t,
                           int64_t n) {
  vg_thread *m = a->main_thread(a->ctx, t);
  for (int64_t i = 0; i < n; i++) {
    if (!m)
      return NULL;
    m = a->find_thread(a->ctx, m->ptid);
    if (!m)
      return NULL;
    m = a->main_thread(a->ctx, m);
  }
  return m;
}

/* proc.acmdline / proc.aargs: with [N] the N-th ancestor's text; without,
 * the texts of every ancestor of the main thread m, space separated. */
static int ancestry_text(const vg_sys_accessor *a, vg_thread *t, vg_thread *m,
                         int64_t argn,
                         void (*render)(const vg_thread *, char *, size_t),
                         char *buf, size_t len) {
  if (argn >= 0) {
    vg_thread *p = ancestor(a, t, argn);
    if (!p)
      return 0;
    render(p, buf, len);
    return 1;
  }
  if (!m)
    return 0;
  vg_thread *chain[256];
  size_t nc = parent_chain(a, m, chain, 256), o = 0;
  buf[0] = 0;
  for (size_t k = 0; k < nc; k++) {
    if (o && o + 1 < len)
      buf[o++] = ' ';
    if (o < len)
      render(chain[k], buf + o, len - o);
    o += strlen(buf + o);
  }
  return o > 0;
}

/* Text of an IPv4 or IPv6 address, as libsinsp prints it (inet_ntop:
 * longest zero run compressed, IPv4-mapped addresses dotted). */
static void fmt_ip(char *out, size_t len, const uint8_t *ip, int v6) {
  if (!inet_ntop(v6 ? AF_INET6 : AF_INET, ip, out, (socklen_t)len) && len)
    out[0] = 0;
}

#define FDT_FILE 1
#define FDT_DIRECTORY 2
#define FDT_IPV4 3
#define FDT_IPV6 4
#define FDT_IPV4S 5
#define FDT_IPV6S 6
#define FDT_FILE_V2 16

static char typechar(uint8_t t) {
  static const char map[] = "ofd4646pueXslitnfburmP";
  return t < sizeof map - 1 ? map[t] : '?';
}

static char fd_typechar(const vg_fdinfo *f) { return typechar(f->type); }

static const char *typestr(uint8_t t) {
  switch (t) {
  case 1: case 16: return "file";
  case 2: return "directory";
  case 3: case 5: return "ipv4";
  case 4: case 6: return "ipv6";
  case 8: return "unix";
  case 7: return "pipe";
  case 9: return "event";
  case 11: return "signalfd";
  case 12: return "eventpoll";
  case 13: return "inotify";
  case 14: return "timerfd";
  case 15: return "netlink";
  case 17: return "bpf";
  case 18: return "userfaultfd";
  case 19: return "io_uring";
  case 20: return "memfd";
  case 21: return "pidfd";
  default: return "<NA>";
  }
}

static int role_none(const vg_fdinfo *f) {
  return !(f->flags & (VG_FD_ROLE_CLIENT | VG_FD_ROLE_SERVER));
}

static uint8_t l4proto(const vg_fdinfo *f) {
  if (f->type == FDT_IPV4 || f->type == FDT_IPV6) {
    uint8_t l4 = f->sock[f->type == FDT_IPV4 ? VG_S4_L4 : VG_S6_L4];
    if (l4 == 5)
      return 5;
    return role_none(f) ? 1 : l4;
  }
  if (f->type == FDT_IPV4S)
    return f->sock[VG_SV4_L4];
  if (f->type == FDT_IPV6S)
    return f->sock[VG_SV6_L4];
  return 1;
}

static char evt_typechar(uint16_t t) {
  switch (t | 1) {
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
  case VG_PPME_SYSCALL_CREAT_X:
    return 'f';
  case VG_PPME_SOCKET_SOCKET_X:
  case VG_PPME_SOCKET_ACCEPT_5_X:
  case VG_PPME_SOCKET_ACCEPT4_6_X:
    return '4';
  case VG_PPME_SYSCALL_PIPE_X:
  case VG_PPME_SYSCALL_PIPE2_X:
    return 'p';
  case VG_PPME_SYSCALL_EVENTFD_X:
  case VG_PPME_SYSCALL_EVENTFD2_X:
    return 'e';
  case VG_PPME_SYSCALL_SIGNALFD_X:
  case VG_PPME_SYSCALL_SIGNALFD4_X:
    return 's';
  case VG_PPME_SYSCALL_TIMERFD_CREATE_X:
    return 't';
  case VG_PPME_SYSCALL_INOTIFY_INIT_X:
  case VG_PPME_SYSCALL_INOTIFY_INIT1_X:
    return 'i';
  default:
    return 'o';
  }
}

static int has_retval(const vg_evt *e) {
  return e->type != VG_PPME_GENERIC_X &&
         (vg_event_table[e->type].category & VG_EC_SYSCALL) &&
         (e->type & 1) && e->nparams > 0;
}

static int64_t retval(const vg_evt *e) {
  if (e->plen[0] == 4)
    return (int32_t)vg_evt_u32(e, 0);
  return vg_evt_i64(e, 0);
}

/* Facts shared by the text renderer (vg_sysf_render) and the typed fast
 * path (fast_extract): each is written once here, inline so that the fast
 * path pays nothing for the sharing. */

/* evt.is_open_read / evt.is_open_write: an open exit whose flags have
 * PPM_O_RDONLY (bit 0) or PPM_O_WRONLY (bit 1) set */
static inline int is_open_rw(const vg_evt *e, int write) {
  uint32_t fi;
  if (e->type == VG_PPME_SYSCALL_OPEN_X ||
      e->type == VG_PPME_SYSCALL_OPEN_BY_HANDLE_AT_X)
    fi = 2;
  else if (e->type == VG_PPME_SYSCALL_OPENAT_2_X ||
           e->type == VG_PPME_SYSCALL_OPENAT2_X)
    fi = 3;
  else
    return 0;
  if (fi >= e->nparams || !e->plen[fi])
    return 0;
  return (vg_evt_u32(e, fi) & (write ? 2u : 1u)) != 0;
}

/* a flags parameter type (names rendered from a flag table) */
static inline int is_flags_type(uint8_t pt) {
  return pt == VG_PT_FLAGS8 || pt == VG_PT_FLAGS16 || pt == VG_PT_FLAGS32 ||
         pt == VG_PT_ENUMFLAGS8 || pt == VG_PT_ENUMFLAGS16 ||
         pt == VG_PT_ENUMFLAGS32;
}

static inline int is_enumflags_type(uint8_t pt) {
  return pt >= VG_PT_ENUMFLAGS8 && pt <= VG_PT_ENUMFLAGS32;
}

/* a flags value cut to the width of its parameter type */
static inline uint32_t flags_width(uint8_t pt, uint32_t v) {
  if (pt == VG_PT_FLAGS8 || pt == VG_PT_ENUMFLAGS8)
    return v & 0xFF;
  if (pt == VG_PT_FLAGS16 || pt == VG_PT_ENUMFLAGS16)
    return v & 0xFFFF;
  return v;
}

/* the event has an fd (fd.* fields have values only then) */
static inline int evt_has_fd(const vg_evt *e) {
  return (vg_event_table[e->type].flags &
          (VG_EF_CREATES_FD | VG_EF_USES_FD | VG_EF_DESTROYS_FD)) != 0;
}

/* the fd of the event, else the thread's last event fd (NULL: none) */
static inline vg_fdinfo *evt_fdinfo(const vg_sys_accessor *a, vg_thread *t) {
  vg_fdinfo *fd = a->fd(a->ctx);
  if (!fd && t->lastevent_fd != -1)
    fd = a->get_fd(a->ctx, t, t->lastevent_fd);
  return fd;
}

/* fd.directory of a path in place: a file's path loses its last
 * component (a trailing '/' keeps the path; no inner '/' gives "/");
 * returns the new length (l = the old one) */
static inline size_t path_dir(char *s, size_t l, int file) {
  if (!file)
    return l;
  char *sl = strrchr(s, '/');
  if (sl && sl != s) {
    if (sl[1] == 0)
      return l;
    *sl = 0;
    return (size_t)(sl - s);
  }
  s[0] = '/';
  s[1] = 0;
  return 1;
}

/* proc.name / proc.exe / proc.exepath of a thread */
static inline const char *proc_str(int id, const vg_thread *t) {
  return id == F_PROC_NAME ? t->comm : id == F_PROC_EXE ? t->exe
                                                        : t->exepath;
}

/* proc.aname / proc.aexe / proc.aexepath of one ancestor */
static inline const char *anc_str(int id, const vg_thread *p) {
  return id == F_PROC_ANAME ? p->comm : id == F_PROC_AEXE ? p->exe
                                                          : p->exepath;
}

static void param_text(const vg_sys_accessor *a, const vg_evt *e,
                       uint32_t i, char *plain, size_t plen, char *res,
                       size_t rlen);

/* the directory an *at call's dirfd names, ending in '/', into dir
 * ("<UNKNOWN>" when the fd is unknown or has no name) */
static void dirfd_base(char *dir, size_t n, const vg_fdinfo *df) {
  if (df && df->name[0]) {
    size_t l = strlen(df->name);
    snprintf(dir, n, "%s%s", df->name, df->name[l - 1] == '/' ? "" : "/");
  } else {
    snprintf(dir, n, "<UNKNOWN>");
  }
}

/* fd name taken from the event when the fd is not in the table; RAW:
 * openat's name as given (fd.nameraw) */
static int fdname_from_event_raw(const vg_sys_accessor *a, const vg_evt *e,
                                 vg_thread *t, char *buf, size_t len,
                                 int raw) {
  char tmp[1100];
  if ((e->type & 1) == 0)
    return 0;
  switch (e->type) {
  case VG_PPME_SYSCALL_OPEN_X:
  case VG_PPME_SYSCALL_CREAT_X:
  case VG_PPME_SOCKET_CONNECT_X:
  case VG_PPME_SOCKET_ACCEPT_5_X:
  case VG_PPME_SOCKET_ACCEPT4_6_X: {
    /* the parameter's text: resolved form when there is one */
    char res[1100];
    param_text(a, e, 1, buf, len, res, sizeof res);
    if (res[0])
      put(buf, len, res);
    return 1;
  }
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X: {
    const char *s = vg_evt_str(e, 2, tmp, sizeof tmp);
    if (raw && s && e->nparams > 2 && e->plen[2] != 0) {
      put(buf, len, s);
      return 1;
    }
    if (!s || e->nparams < 2 || e->plen[1] == 0)
      return 0;
    int64_t dirfd = vg_evt_i64(e, 1);
    char dir[1100];
    if (s[0] == '/') {
      dir[0] = 0;
    } else if (dirfd == -100) {
      vg_thread *m = t ? a->main_thread(a->ctx, t) : NULL;
      put(dir, sizeof dir, m ? m->cwd : "./");
    } else {
      dirfd_base(dir, sizeof dir, t ? a->get_fd(a->ctx, t, dirfd) : NULL);
    }
    vg_concat_paths(buf, len, dir, strlen(dir), s, strlen(s));
    return 1;
  }
  case VG_PPME_SYSCALL_OPEN_BY_HANDLE_AT_X: {
    const char *s = e->nparams > 3 ? vg_evt_str(e, 3, tmp, sizeof tmp) : NULL;
    put(buf, len, s ? s : "");
    return 1;
  }
  default:
    buf[0] = 0;
    return 1;
  }
}

static int fdname_from_event(const vg_sys_accessor *a, const vg_evt *e,
                             vg_thread *t, char *buf, size_t len) {
  return fdname_from_event_raw(a, e, t, buf, len, 0);
}

static const char *category(const vg_evt *e, const vg_fdinfo *f) {
  uint32_t c = vg_event_table[e->type].category &
               ~(uint32_t)(VG_EC_SYSCALL | VG_EC_TRACEPOINT | VG_EC_PLUGIN |
                           VG_EC_METAEVENT | VG_EC_ITER);
  switch (c) {
  case 0: return "unknown";
  case 1: return "other";
  case 2: return "file";
  case 3: return "net";
  case 4: return "IPC";
  case 5: return "memory";
  case 6: return "process";
  case 7: return "sleep";
  case 8: return "system";
  case 9: return "signal";
  case 10: return "user";
  case 11: return "time";
  case 12: return "processing";
  case 32: case 33: case 34:
    if (!f)
      return "unknown";
    switch (f->type) {
    case 1: case 16: case 2: return "file";
    case 3: case 4: case 5: case 6: return "net";
    case 7: case 8: case 9: case 11: case 13: case 18: return "ipc";
    default: return "unknown";
    }
  case VG_EC_WAIT: return "wait";
  case VG_EC_SCHEDULER: return "scheduler";
  case VG_EC_INTERNAL: return "internal";
  default: return "unknown";
  }
}

static const char *evt_name(const vg_evt *e) {
  if (e->type == VG_PPME_GENERIC_X || e->type == VG_PPME_GENERIC_E) {
    uint16_t sc = vg_evt_u16(e, 0);
    if (e->type == VG_PPME_GENERIC_X && sc == 0 && e->nparams > 1 &&
        e->plen[1] != 0) {
      uint16_t nr = vg_evt_u16(e, 1);
      sc = nr < VG_X86_64_NR_MAX && vg_sc_by_x86_64[nr] >= 0
               ? (uint16_t)vg_sc_by_x86_64[nr]
               : 0;
    }
    return sc < VG_SC_MAX ? vg_sc_names[sc] : "unknown";
  }
  return vg_event_table[e->type].name;
}


/* ------------------------------------------------------------ params */

static const char *errno_name(int64_t v) {
  if (v >= 0 || -v >= VG_ERRNO_MAX)
    return NULL;
  return vg_errno_names[-v];
}

static void fmt_num(char *out, size_t len, uint8_t fmt, int64_t sv,
                    uint64_t uv, int bits) {
  /* libsinsp prints through the signed conversion of the width for
   * decimal formats, %X for hex and %#o for octal */
  uint64_t mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
  switch (fmt) {
  case VG_PF_OCT:
    if ((uv & mask) == 0)
      snprintf(out, len, "0");
    else
      snprintf(out, len, "0%" PRIo64, uv & mask);
    return;
  case VG_PF_HEX:
    snprintf(out, len, "%" PRIX64, uv & mask);
    return;
  case VG_PF_10_PADDED_DEC:
    snprintf(out, len, "%09" PRId64, sv);
    return;
  default:
    put_i64(out, len, sv);
    return;
  }
}

static int64_t sext(uint64_t v, int bits) {
  if (bits < 64 && (v >> (bits - 1)) & 1)
    v |= ~0ull << bits;
  return (int64_t)v;
}

static uint64_t rd_le(const uint8_t *p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n && i < 8; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* snprintf(out + o, o < len ? len - o : 0, "%s%s", a, b), cheaply:
 * returns o plus the untruncated length. */
static size_t cat2(char *out, size_t len, size_t o, const char *a,
                   const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (o < len) {
    size_t room = len - o - 1;
    size_t ca = la < room ? la : room;
    size_t cb = lb < room - ca ? lb : room - ca;
    memcpy(out + o, a, ca);
    memcpy(out + o + ca, b, cb);
    out[o + ca + cb] = 0;
  }
  return o + la + lb;
}

static void flags_text(char *out, size_t len, const vg_flag_table *ft,
                       uint32_t val, int exact) {
  /* names joined with '|', truncated to len - 1 bytes (o counts the
   * whole text, as cat2 does) */
  size_t o = 0;
  uint32_t init = val;
  int first = 1;
  if (len == 0)
    return;
  for (uint16_t i = 0; ft && i < ft->n; i++) {
    const vg_flag_entry *f = &ft->e[i];
    int match = 0;
    if (exact) {
      match = f->value == init;
    } else if ((f->value == 0 && init == 0) ||
               (f->value != 0 && (val & f->value) == f->value && val != 0)) {
      match = 1;
      val &= ~f->value;
    }
    if (!match)
      continue;
    if (!first) {
      if (o + 1 < len)
        out[o] = '|';
      o++;
    }
    for (const char *c = f->name; *c; c++, o++)
      if (o + 1 < len)
        out[o] = *c;
    first = 0;
    if (!exact && f->value == init)
      break;
    if (!exact && val == 0)
      break; /* every bit named: no later entry can match */
  }
  out[o < len ? o : len - 1] = 0;
}

static void mode_text(char *out, size_t len, const vg_flag_table *ft,
                      uint32_t val) {
  size_t o = 0;
  uint32_t init = val;
  const char *sep = "";
  uint16_t i = 0;
  out[0] = 0;
  for (; ft && i < ft->n && ft->e[i].value != init; i++) {
    const vg_flag_entry *f = &ft->e[i];
    if ((f->value == 0 && init == 0) ||
        (f->value != 0 && (val & f->value) == f->value && val != 0)) {
      o = cat2(out, len, o, sep, f->name);
      sep = "|";
      val &= ~f->value;
    }
  }
  if (ft && i < ft->n)
    cat2(out, len, o, sep, ft->e[i].name);
}

static char fd_typechar(const vg_fdinfo *f);
static uint8_t l4proto(const vg_fdinfo *f);
static void fmt_ip(char *out, size_t len, const uint8_t *ip, int v6);

static void fd_text(const vg_sys_accessor *a, vg_thread *t, int64_t fd,
                    char *plain, size_t plen, char *res, size_t rlen) {
  put_i64(plain, plen, fd);
  if (!t)
    return;
  if (fd >= 0) {
    vg_fdinfo *f = a->get_fd(a->ctx, t, fd);
    if (!f)
      return;
    char pc = 0;
    if (f->type >= 3 && f->type <= 6) {
      switch (l4proto(f)) {
      case 2: pc = 't'; break;
      case 3: pc = 'u'; break;
      case 4: pc = 'i'; break;
      case 5: pc = 'r'; break;
      default: break;
      }
    }
    char ts[3] = {fd_typechar(f), pc, 0};
    snprintf(res, rlen, "<%s>%s", ts, f->name);
  } else if (fd == -100) {
    snprintf(res, rlen, "AT_FDCWD");
  } else {
    const char *en = errno_name(fd);
    if (en)
      put(res, rlen, en);
  }
}

static void sock_ip_port(char *out, size_t len, const uint8_t *ip, int v6,
                         uint16_t port) {
  char a[64];
  fmt_ip(a, sizeof a, ip, v6);
  snprintf(out, len, "%s:%u", a, port);
}

/* Text of parameter i of the current event, as libsinsp's
 * get_param_as_str prints it (plain and resolved form). */
static void param_text(const vg_sys_accessor *a, const vg_evt *e,
                       uint32_t i, char *plain, size_t plen, char *res,
                       size_t rlen) {
  const vg_event_info *ei = &vg_event_table[e->type];
  res[0] = 0;
  plain[0] = 0;
  if (i >= e->nparams || i >= ei->nparams)
    return;
  const vg_param_info *pi = &ei->params[i];
  uint8_t type = pi->type;
  const uint8_t *d = e->p[i];
  uint32_t n = e->plen[i];
  int legacy = (type == VG_PT_CHARBUF || type == VG_PT_FSPATH ||
                type == VG_PT_FSRELPATH) &&
               n == 7 && memcmp(d, "(NULL)", 7) == 0;
  if (n == 0 || legacy) {
    if (!legacy && (type == VG_PT_BYTEBUF || type == VG_PT_SOCKTUPLE ||
                    type == VG_PT_FDLIST || type == VG_PT_CHARBUFARRAY ||
                    type == VG_PT_CHARBUF_PAIR_ARRAY || type == VG_PT_DYN))
      snprintf(plain, plen, "NULL");
    else
      snprintf(plain, plen, "<NA>");
    if (!legacy)
      return;
  }
  uint8_t fmt = pi->fmt;
  if (type == VG_PT_DYN && n > 0) {
    static const uint8_t tabs[5][5] = {
        {0},
        {VG_PT_BYTEBUF, VG_PT_ERRNO, VG_PT_UINT32, VG_PT_UINT64,
         VG_PT_RELTIME},
        {VG_PT_UINT64, VG_PT_SIGTYPE},
        {VG_PT_FD, VG_PT_ERRNO},
        {VG_PT_INT64, VG_PT_CHARBUF}};
    static const uint8_t sizes[5] = {0, 5, 2, 2, 2};
    uint8_t idx = d[0];
    if (pi->dyn < 1 || pi->dyn > 4 || idx >= sizes[pi->dyn]) {
      snprintf(plain, plen, "INVALID DYNAMIC PARAMETER");
      return;
    }
    type = tabs[pi->dyn][idx];
    d++;
    n--;
  }
  vg_thread *t = a->thread(a->ctx);
  uint64_t uv = rd_le(d, n > 8 ? 8 : n);
  switch (type) {
  case VG_PT_INT8:
  case VG_PT_INT16:
  case VG_PT_INT32:
  case VG_PT_INT64:
  case VG_PT_UINT32:
  case VG_PT_UINT64: {
    int bits = type == VG_PT_INT8 ? 8 : type == VG_PT_INT16 ? 16
               : (type == VG_PT_INT32 || type == VG_PT_UINT32) ? 32 : 64;
    fmt_num(plain, plen, fmt, sext(uv, bits), uv, bits);
    return;
  }
  case VG_PT_UINT8:
  case VG_PT_UINT16: {
    int bits = type == VG_PT_UINT8 ? 8 : 16;
    fmt_num(plain, plen, fmt, (int64_t)uv, uv, bits);
    return;
  }
  case VG_PT_ERRNO: {
    int64_t v = (int64_t)uv;
    put_i64(plain, plen, v);
    const char *en = errno_name(v);
    if (en)
      put(res, rlen, en);
    return;
  }
  case VG_PT_FD:
    fd_text(a, t, (int64_t)uv, plain, plen, res, rlen);
    return;
  case VG_PT_PID: {
    put_i64(plain, plen, (int64_t)uv);
    vg_thread *pt = a->find_thread(a->ctx, (int64_t)uv);
    if (pt)
      put(res, rlen, pt->comm);
    return;
  }
  case VG_PT_CHARBUF:
    if (legacy)
      snprintf(plain, plen, "<NA>");
    else
      snprintf(plain, plen, "%.*s", (int)strnlen((const char *)d, n), d);
    return;
  case VG_PT_FSPATH:
  case VG_PT_FSRELPATH: {
    char path[1100];
    if (legacy)
      snprintf(path, sizeof path, "<NA>");
    else
      snprintf(path, sizeof path, "%.*s", (int)strnlen((const char *)d, n),
               d);
    put(plain, plen, path);
    if (!t) {
      put(res, rlen, plain);
      return;
    }
    if (strcmp(path, "<NA>") == 0 || path[0] == '/' || path[0] == 0)
      return;
    char base[1100];
    vg_thread *m = a->main_thread(a->ctx, t);
    put(base, sizeof base, m ? m->cwd : "./");
    if (type == VG_PT_FSRELPATH && pi->dirfd >= 0 &&
        (uint32_t)pi->dirfd < ei->nparams &&
        ei->params[pi->dirfd].type == VG_PT_FD) {
      int64_t dfd = vg_evt_i64(e, (uint32_t)pi->dirfd);
      if (dfd != -100)
        dirfd_base(base, sizeof base, a->get_fd(a->ctx, t, dfd));
    }
    vg_concat_paths(res, rlen, base, strlen(base), path, strlen(path));
    return;
  }
  case VG_PT_BYTEBUF: {
    size_t o = 0;
    for (uint32_t k = 0; k < n && o + 1 < plen; k++)
      plain[o++] = (d[k] >= 0x20 && d[k] < 0x7f) ? (char)d[k] : '.';
    plain[o] = 0;
    return;
  }
  case VG_PT_SOCKADDR:
    switch (d[0]) {
    case 1:
      if (n < 2 || d[n - 1] != 0)
        snprintf(plain, plen, "INVALID PATH");
      else
        put(plain, plen, (const char *)d + 1);
      return;
    case 2:
      if (n < 7)
        snprintf(plain, plen, "INVALID IPv4");
      else
        sock_ip_port(plain, plen, d + 1, 0, (uint16_t)rd_le(d + 5, 2));
      return;
    case 10:
      if (n < 19)
        snprintf(plain, plen, "INVALID IPv6");
      else
        sock_ip_port(plain, plen, d + 1, 1, (uint16_t)rd_le(d + 17, 2));
      return;
    default:
      snprintf(plain, plen, "family %d", d[0]);
      return;
    }
  case VG_PT_SOCKTUPLE: {
    int ok = d[0] == 2 ? n >= 13 : d[0] == 10 ? n >= 37
             : d[0] == 1 ? (n >= 18 && d[n - 1] == 0) : 1;
    if (!ok) {
      put(plain, plen, d[0] == 1 ? "INVALID PATH"
                                  : d[0] == 2 ? "INVALID IPv4"
                                              : "INVALID IPv6");
      return;
    }
    char x[80], y[80];
    if (d[0] == 1) {
      snprintf(plain, plen, "%" PRIx64 "->%" PRIx64 " %s", rd_le(d + 1, 8),
               rd_le(d + 9, 8), (const char *)d + 17);
    } else if (d[0] == 2) {
      sock_ip_port(x, sizeof x, d + 1, 0, (uint16_t)rd_le(d + 5, 2));
      sock_ip_port(y, sizeof y, d + 7, 0, (uint16_t)rd_le(d + 11, 2));
      snprintf(plain, plen, "%s->%s", x, y);
    } else if (d[0] == 10) {
      static const uint8_t z10[10];
      int m4 = !memcmp(d + 1, z10, 10) && !memcmp(d + 19, z10, 10) &&
               ((d[11] == 0xff && d[12] == 0xff) ||
                !memcmp(d + 11, z10, 6)) &&
               ((d[29] == 0xff && d[30] == 0xff) ||
                !memcmp(d + 29, z10, 6));
      sock_ip_port(x, sizeof x, m4 ? d + 13 : d + 1, !m4,
                   (uint16_t)rd_le(d + 17, 2));
      sock_ip_port(y, sizeof y, m4 ? d + 31 : d + 19, !m4,
                   (uint16_t)rd_le(d + 35, 2));
      snprintf(plain, plen, "%s->%s", x, y);
    }
    return;
  }
  case VG_PT_FDLIST: {
    uint16_t cnt = (uint16_t)rd_le(d, n >= 2 ? 2 : n);
    size_t o = 0;
    for (uint32_t k = 0; k < cnt && 2 + 10 * (k + 1) <= n; k++) {
      int64_t fd = (int64_t)rd_le(d + 2 + 10 * k, 8);
      uint16_t fl = (uint16_t)rd_le(d + 10 + 10 * k, 2);
      vg_fdinfo *f = t ? a->get_fd(a->ctx, t, fd) : NULL;
      o += (size_t)snprintf(plain + o, o < plen ? plen - o : 0,
                            "%" PRIu64 ":%c%x%s", (uint64_t)fd,
                            f ? fd_typechar(f) : '?', (uint32_t)(int16_t)fl,
                            k + 1 < cnt ? " " : "");
    }
    return;
  }
  case VG_PT_SYSCALLID: {
    uint16_t sc = (uint16_t)uv;
    if (sc >= VG_SC_MAX) {
      snprintf(plain, plen, "<unknown syscall>");
      return;
    }
    snprintf(plain, plen, "%u", sc);
    put(res, rlen, vg_sc_names[sc]);
    return;
  }
  case VG_PT_SIGTYPE: {
    uint8_t sg = (uint8_t)uv;
    snprintf(plain, plen, "%u", sg);
    if (sg < VG_SIGNAL_MAX && vg_signal_names[sg])
      put(res, rlen, vg_signal_names[sg]);
    return;
  }
  case VG_PT_RELTIME:
    if (uv == ~0ull) {
      snprintf(plain, plen, "none");
    } else {
      put_u64(plain, plen, uv);
      snprintf(res, rlen, "%gs", (double)uv / 1000000000.0);
    }
    return;
  case VG_PT_ABSTIME: {
    time_t sec = (time_t)(uv / 1000000000ull);
    struct tm tmv;
    char tb[64];
    if (!localtime_r(&sec, &tmv) ||
        strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S", &tmv) == 0)
      tb[0] = 0;
    snprintf(plain, plen, "%s.%09" PRIu64, tb, (uint64_t)(uv % 1000000000u));
    return;
  }
  case VG_PT_FLAGS8:
  case VG_PT_FLAGS16:
  case VG_PT_FLAGS32:
  case VG_PT_ENUMFLAGS8:
  case VG_PT_ENUMFLAGS16:
  case VG_PT_ENUMFLAGS32: {
    uint32_t v = flags_width(type, (uint32_t)uv);
    put_u64(plain, plen, v);
    if (pi->names >= 0)
      flags_text(res, rlen, &vg_flag_tables[pi->names], v,
                 is_enumflags_type(type));
    return;
  }
  case VG_PT_MODE: {
    uint32_t v = (uint32_t)uv;
    fmt_num(plain, plen, fmt, (int32_t)v, v, 32);
    if (pi->names >= 0)
      mode_text(res, rlen, &vg_flag_tables[pi->names], v);
    return;
  }
  case VG_PT_UID:
  case VG_PT_GID: {
    uint32_t v = (uint32_t)uv;
    if (v == 0xFFFFFFFFu) {
      snprintf(plain, plen, "-1");
      snprintf(res, rlen, "<NONE>");
      return;
    }
    snprintf(plain, plen, "%d", (int32_t)v);
    const vg_user *u = NULL;
    if (t)
      u = type == VG_PT_UID ? a->user(a->ctx, v) : a->group(a->ctx, v);
    put(res, rlen, u && u->name[0] ? u->name : "<NA>");
    return;
  }
  case VG_PT_SIGSET: {
    uint32_t v = (uint32_t)uv;
    size_t o = 0;
    for (int sg = 0; sg < 32; sg++)
      if ((v >> sg) & 1u) {
        if (sg + 1 < VG_SIGNAL_MAX && vg_signal_names[sg + 1])
          o += (size_t)snprintf(plain + o, o < plen ? plen - o : 0, "%s%s",
                                o ? " " : "", vg_signal_names[sg + 1]);
      }
    return;
  }
  default:
    snprintf(plain, plen, "(n.a.)");
    return;
  }
}

static int is_local(const vg_sys_accessor *a, const uint8_t *ip, int v6) {
  return a->is_local_addr ? a->is_local_addr(a->ctx, ip, v6) : 0;
}

static int param_index(const vg_evt *e, const char *name) {
  const vg_event_info *ei = &vg_event_table[e->type];
  for (uint32_t i = 0; i < e->nparams && i < ei->nparams; i++)
    if (strcmp(ei->params[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* ------------------------------------------------------------ generic */

/* libsinsp's gmt2local(0): the local zone's offset now, in seconds */
static long local_offset(void) {
  time_t now = time(NULL);
  struct tm g, l;
  if (!gmtime_r(&now, &g) || !localtime_r(&now, &l))
    return 0;
  long dt = (long)(l.tm_hour - g.tm_hour) * 3600 +
            (long)(l.tm_min - g.tm_min) * 60;
  int dir = l.tm_year - g.tm_year;
  if (dir == 0)
    dir = l.tm_yday - g.tm_yday;
  return dt + (long)dir * 86400;
}

/* libsinsp's ts_to_string: local time of day (from the zone offset now),
 * optionally with the date and the nanoseconds */
static void ts_text(char *buf, size_t len, uint64_t ts, int date, int ns) {
  uint64_t sec = ts / 1000000000u;
  unsigned nsec = (unsigned)(ts % 1000000000u);
  int64_t lsec = (int64_t)sec + local_offset();
  int32_t sd = (int32_t)(lsec % 86400);
  size_t o = 0;
  buf[0] = 0;
  if (date) {
    time_t day = (time_t)(lsec - sd);
    struct tm tm;
    if (!gmtime_r(&day, &tm))
      o = (size_t)snprintf(buf, len, "<date error> ");
    else
      o = (size_t)snprintf(buf, len, "%04d-%02d-%02d ", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday);
    if (o >= len)
      return;
  }
  if (ns)
    snprintf(buf + o, len - o, "%02d:%02d:%02d.%09u", sd / 3600,
             (sd % 3600) / 60, sd % 60, nsec);
  else
    snprintf(buf + o, len - o, "%02d:%02d:%02d", sd / 3600, (sd % 3600) / 60,
             sd % 60);
}

/* libsinsp's ts_to_iso_8601: UTC, nanoseconds, numeric zone */
static void ts_iso(char *buf, size_t len, uint64_t ts) {
  time_t sec = (time_t)(ts / 1000000000u);
  struct tm tm;
  char a[64], z[16];
  if (!gmtime_r(&sec, &tm) || strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%S",
                                       &tm) == 0 ||
      strftime(z, sizeof z, "%z", &tm) == 0) {
    snprintf(buf, len, "YYYY-MM-DDTHH:MM:SS-0000");
    return;
  }
  snprintf(buf, len, "%s.%09u%s", a, (unsigned)(ts % 1000000000u), z);
}

static int is_container_evt(const vg_evt *e) {
  if (e->type == VG_PPME_CONTAINER_JSON_2_E ||
      e->type == VG_PPME_CONTAINER_JSON_E)
    return 1;
  if (e->type == VG_PPME_ASYNCEVENT_E && e->nparams > 1) {
    char nb[64];
    const char *n = vg_evt_str(e, 1, nb, sizeof nb);
    return n && (!strcmp(n, "container") || !strcmp(n, "container_removed"));
  }
  return 0;
}

/* the container plugin: the container the event announced, or the one of
 * the event's thread (*cid: its id, "" = host; *t: the thread asked, or
 * NULL); 0 when there is no thread to ask (no value) */
static inline int evt_ctr(const vg_sys_accessor *a, const vg_evt *e,
                          const vg_container **c, vg_thread **t,
                          const char **cid) {
  *c = NULL;
  *t = NULL;
  *cid = "";
  if (is_container_evt(e) && a->evt_container)
    *c = a->evt_container(a->ctx);
  if (!*c) {
    *t = a->thread(a->ctx);
    if (!*t || !a->container)
      return 0;
    if ((*t)->container_id)
      *cid = (*t)->container_id;
    *c = a->container(a->ctx, *cid);
  }
  return 1;
}

static const char *ctr_type_name(int t) {
  switch (t) {
  case 0: return "docker";
  case 1: return "lxc";
  case 2: return "libvirt-lxc";
  case 3: return "mesos";
  case 4: return "rkt";
  case 6: return "cri";
  case 7: return "containerd";
  case 8: return "cri-o";
  case 9: return "bpm";
  case 11: return "podman";
  case 0xfffe: return "host";
  default: return "";
  }
}

static const char *kv_get(const vg_kv *kv, uint32_t n, const char *k) {
  for (uint32_t i = 0; i < n; i++)
    if (!strcmp(kv[i].k, k))
      return kv[i].v;
  return NULL;
}

/* labels as the plugin lists them: "k:v, k2" in key order, without
 * annotations and io.kubernetes.* labels */
static void kv_join(char *buf, size_t len, const vg_kv *kv, uint32_t n) {
  size_t o = 0;
  buf[0] = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (!strncmp(kv[i].k, "annotation.", 11) ||
        !strncmp(kv[i].k, "io.kubernetes.", 14))
      continue;
    o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s%s%s",
                          o ? ", " : "", kv[i].k, kv[i].v[0] ? ":" : "",
                          kv[i].v);
  }
}

static void mount_text(char *buf, size_t len, const vg_mount *m) {
  snprintf(buf, len, "%s:%s:%s:%s:%s", m->source, m->dest, m->mode,
           m->rdwr ? "true" : "false", m->propagation);
}

/* The plugin looks a mount up by a regular expression searched anywhere
 * in the mount's source (or, for container.mount.source, destination). */
static const vg_mount *mount_by_pattern(const vg_container *c,
                                        const char *pat, int by_dest) {
  int err;
  PCRE2_SIZE eoff;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                 PCRE2_MULTILINE, &err, &eoff, NULL);
  if (!re)
    return NULL;
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  const vg_mount *hit = NULL;
  for (uint32_t i = 0; md && i < c->nmounts && !hit; i++) {
    const char *t = by_dest ? c->mounts[i].dest : c->mounts[i].source;
    if (pcre2_match(re, (PCRE2_SPTR)t, strlen(t), 0, 0, md, NULL) >= 0)
      hit = &c->mounts[i];
  }
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return hit;
}

static int put_bool(char *buf, size_t len, int v) {
  return put(buf, len, v ? "true" : "false");
}


/* libsinsp's renaming of cgroup subsystems: the first "_cgroup" removed,
 * perf -> perf_event, mem -> memory, io -> blkio */
static void subsys_name(char *out, size_t len, const char *p, size_t n) {
  char tmp[256];
  if (n >= sizeof tmp)
    n = sizeof tmp - 1;
  memcpy(tmp, p, n);
  tmp[n] = 0;
  char *c = strstr(tmp, "_cgroup");
  if (c)
    memmove(c, c + 7, strlen(c + 7) + 1);
  if (!strcmp(tmp, "perf"))
    snprintf(out, len, "perf_event");
  else if (!strcmp(tmp, "mem"))
    snprintf(out, len, "memory");
  else if (!strcmp(tmp, "io"))
    snprintf(out, len, "blkio");
  else
    snprintf(out, len, "%s", tmp);
}

/* The session or process-group leader as libsinsp finds it: on the host
 * the thread whose tid is the id, else the oldest ancestor in an unbroken
 * run with the same id (the thread itself when its parent differs). */
static vg_thread *group_leader(const vg_sys_accessor *a, vg_thread *t,
                               int by_sid) {
  int64_t id = by_sid ? t->sid : t->vpgid;
  int in_ns = (t->flags & (1u << 29)) || (t->tid != t->vtid && t->vtid >= 0);
  if (!in_ns) {
    vg_thread *l = a->find_thread(a->ctx, id);
    if (l)
      return l;
  }
  vg_thread *chain[256];
  vg_thread *leader = t;
  size_t nc = parent_chain(a, t, chain, 256);
  for (size_t k = 0; k < nc && (by_sid ? chain[k]->sid : chain[k]->vpgid) == id;
       k++)
    leader = chain[k];
  return leader;
}

/* A process's environment (its main thread's) joined with spaces, and one
 * variable's value with surrounding spaces removed ("" when unset). */
static void env_all(const vg_sys_accessor *a, vg_thread *t, char *buf,
                    size_t len) {
  vg_thread *m = a->main_thread(a->ctx, t);
  const vg_thread *et = m ? m : t;
  size_t o = 0;
  for (uint32_t i = 0; i < et->env_len && o + 1 < len; i++)
    buf[o++] = et->env[i] ? et->env[i] : ' ';
  buf[o] = 0;
}

static void env_get(const vg_sys_accessor *a, vg_thread *t, const char *name,
                    char *buf, size_t len) {
  vg_thread *m = a->main_thread(a->ctx, t);
  const vg_thread *et = m ? m : t;
  const char *p = et->env, *end = p ? p + et->env_len : NULL;
  size_t nl = strlen(name);
  buf[0] = 0;
  while (p < end) {
    size_t el = strnlen(p, (size_t)(end - p));
    if (el > nl + 1 && p[nl] == '=' && !strncmp(p, name, nl)) {
      const char *v = p + nl + 1, *ve = p + el;
      while (v < ve && *v == ' ')
        v++;
      while (ve > v && ve[-1] == ' ')
        ve--;
      snprintf(buf, len, "%.*s", (int)(ve - v), v);
      return;
    }
    p += el + 1;
  }
}

/* evt.type.is: libsinsp compares codes: .NUMBER is one code; .NAME the
 * first event table entry of that name and the code after it (so only the
 * oldest layout of a renamed-in-place syscall such as execve matches) */
static int type_is_match(const vg_evt *e, const vg_sysf_ref *f) {
  uint32_t id0 = UINT32_MAX, id1 = UINT32_MAX;
  const char *an = f->argname;
  if (!an[0] && f->argn >= 0) {
    id0 = (uint32_t)f->argn;
  } else if (an[0] && strspn(an, "0123456789") == strlen(an)) {
    id0 = (uint32_t)strtoul(an, NULL, 10);
  } else {
    for (uint32_t j = 0; j < VG_EVENT_MAX; j++)
      if (!strcmp(vg_event_table[j].name, an)) {
        id0 = j;
        id1 = j + 1;
        break;
      }
  }
  return e->type == id0 || e->type == id1;
}

/* Event and process fields added after the generic ones; -1 when f is not
 * one of them. */
static int render_more(const vg_sys_accessor *a, const vg_sysf_ref *f,
                       const vg_evt *e, char *buf, size_t len) {
  uint32_t efl = vg_event_table[e->type].flags;
  switch (f->id) {
  case F_SYSCALL_TYPE:
    if (!(vg_event_table[e->type].category & VG_EC_SYSCALL))
      return 0;
    return put(buf, len, evt_name(e));
  case F_EVT_IS_IO:
    return put_bool(buf, len,
                    (efl & (VG_EF_READS_FROM_FD | VG_EF_WRITES_TO_FD)) != 0);
  case F_EVT_IS_IO_READ:
    return put_bool(buf, len, (efl & VG_EF_READS_FROM_FD) != 0);
  case F_EVT_IS_IO_WRITE:
    return put_bool(buf, len, (efl & VG_EF_WRITES_TO_FD) != 0);
  case F_EVT_IO_DIR:
    if (efl & VG_EF_WRITES_TO_FD)
      return put(buf, len, "write");
    if (efl & VG_EF_READS_FROM_FD)
      return put(buf, len, "read");
    return 0;
  case F_EVT_IS_WAIT:
    return put_bool(buf, len, (efl & VG_EF_WAITS) != 0);
  case F_EVT_TYPE_IS:
    /* an unsigned number without a decimal print format: libsinsp prints
     * nothing (<NA>); the value is for comparisons (vg_sysf_extract) */
    return 0;
  case F_EVT_BUFLEN:
    /* I/O exits on a known fd: the byte count the call returned */
    if (!a->fd(a->ctx) || !(vg_event_table[e->type].category & VG_EC_IO_READ) ||
        !(e->type & 1) || e->nparams == 0 || e->plen[0] == 0 ||
        retval(e) < 0)
      return 0;
    return put_i64(buf, len, retval(e));
  default:
    break;
  }
  if (f->id < F_PROC_EXELINE || f->id > F_THREAD_CGROUP)
    return -1;
  vg_thread *t = a->thread(a->ctx);
  if (!t)
    return 0;
  vg_thread *m = a->main_thread(a->ctx, t);
  switch (f->id) {
  case F_PROC_EXELINE: {
    size_t o = (size_t)snprintf(buf, len, "%s ", t->exe);
    if (o < len)
      join_args(t, buf + o, len - o);
    return 1;
  }
  case F_PROC_CMDLENARGS: {
    uint64_t n = 0;
    for (uint32_t i = 0; i < t->args_len; i++)
      n += t->args[i] != 0;
    return put_u64(buf, len, n);
  }
  case F_PROC_ACMDLINE:
    return ancestry_text(a, t, m, f->argn, cmdline, buf, len);
  case F_PROC_SID_EXE:
  case F_PROC_SID_EXEPATH: {
    vg_thread *l = group_leader(a, t, 1);
    return put(buf, len, f->id == F_PROC_SID_EXE ? l->exe : l->exepath);
  }
  case F_PROC_VPGID_NAME:
  case F_PROC_VPGID_EXE:
  case F_PROC_VPGID_EXEPATH: {
    vg_thread *l = group_leader(a, t, 0);
    return put(buf, len, f->id == F_PROC_VPGID_NAME ? l->comm
                         : f->id == F_PROC_VPGID_EXE ? l->exe
                                                     : l->exepath);
  }
  case F_PROC_PVPID: {
    vg_thread *p = a->find_thread(a->ctx, t->ptid);
    if (!p || !xid_ok(p->vpid))
      return 0;
    return put_i64(buf, len, p->vpid);
  }
  case F_PROC_PGID:
    return put_i64(buf, len, t->pgid);
  case F_PROC_FDLIMIT:
    /* the main thread's limit; 0 without one (libsinsp) */
    return put_i64(buf, len, m ? m->fdlimit : 0);
  /* libsinsp: proc.vm* are the thread's own counters, thread.vm* those
   * of a main thread and 0 for other threads */
  case F_PROC_VMSIZE:
    return put_u64(buf, len, t->vmsize_kb);
  case F_PROC_VMRSS:
    return put_u64(buf, len, t->vmrss_kb);
  case F_PROC_VMSWAP:
    return put_u64(buf, len, t->vmswap_kb);
  case F_THREAD_PFMAJOR:
    return put_u64(buf, len, t->pfmajor);
  case F_THREAD_PFMINOR:
    return put_u64(buf, len, t->pfminor);
  case F_THREAD_VMSIZE:
  case F_THREAD_VMRSS:
  case F_THREAD_VMSIZE_B:
  case F_THREAD_VMRSS_B: {
    int is_main = t->tid == t->pid || (t->flags & (1u << 30));
    uint64_t kb = (f->id == F_THREAD_VMSIZE || f->id == F_THREAD_VMSIZE_B)
                      ? t->vmsize_kb : t->vmrss_kb;
    if (!is_main)
      kb = 0;
    return put_u64(buf, len, (f->id == F_THREAD_VMSIZE_B ||
                              f->id == F_THREAD_VMRSS_B) ? kb * 1024 : kb);
  }
  case F_PROC_STDIN_TYPE:
  case F_PROC_STDOUT_TYPE:
  case F_PROC_STDERR_TYPE:
  case F_PROC_STDIN_NAME:
  case F_PROC_STDOUT_NAME:
  case F_PROC_STDERR_NAME: {
    /* descriptor 0, 1 or 2 of the process */
    int64_t n = f->id == F_PROC_STDIN_TYPE || f->id == F_PROC_STDIN_NAME ? 0
                : f->id == F_PROC_STDOUT_TYPE || f->id == F_PROC_STDOUT_NAME
                    ? 1 : 2;
    vg_fdinfo *fd = a->get_fd(a->ctx, t, n);
    if (!fd)
      return 0;
    if (f->id == F_PROC_STDIN_TYPE || f->id == F_PROC_STDOUT_TYPE ||
        f->id == F_PROC_STDERR_TYPE)
      return put(buf, len, typestr(fd->type));
    return put(buf, len, fd->name);
  }
  case F_PROC_AENV: {
    /* [N]: the N-th ancestor's whole environment ([0] or none: the
     * process's); [NAME]: the first non-empty value up the parents */
    const char *an = f->argname;
    int numeric = an[0] && strspn(an, "0123456789") == strlen(an) &&
                  strlen(an) < 7;
    long lvl = numeric ? strtol(an, NULL, 10) : 0;
    if ((!an[0] || numeric) && lvl < 1) {
      env_all(a, t, buf, len);
      return 1;
    }
    if (!m)
      return put(buf, len, "");
    vg_thread *cur = m;
    if (!numeric) {
      buf[0] = 0;
      for (int j = 0; j < 20; j++) {
        cur = a->find_thread(a->ctx, cur->ptid);
        if (!cur)
          break;
        env_get(a, cur, an, buf, len);
        if (buf[0])
          break;
      }
      return 1;
    }
    for (long j = 0; j < lvl; j++) {
      cur = a->find_thread(a->ctx, cur->ptid);
      if (!cur)
        return 0;
    }
    env_all(a, cur, buf, len);
    return 1;
  }
  case F_THREAD_CGROUPS:
  case F_THREAD_CGROUP: {
    size_t o = 0;
    const char *p = t->cgroups, *end = p ? p + t->cgroups_len : NULL;
    buf[0] = 0;
    while (p && p < end) {
      size_t el = strnlen(p, (size_t)(end - p));
      const char *eq = memchr(p, '=', el);
      if (!eq)
        break;
      char sub[256];
      subsys_name(sub, sizeof sub, p, (size_t)(eq - p));
      int vl = (int)(el - (size_t)(eq - p) - 1);
      if (f->id == F_THREAD_CGROUP) {
        if (!strcmp(sub, f->argname))
          return snprintf(buf, len, "%.*s", vl, eq + 1), 1;
      } else {
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s=%.*s",
                              o ? " " : "", sub, vl, eq + 1);
      }
      p += el + 1;
    }
    return f->id == F_THREAD_CGROUPS && o > 0;
  }
  default:
    return 0;
  }
}

/* Generic event fields and the container plugin's fields; -1 when f is
 * not one of them. */
static int render_gen_ctr(const vg_sys_accessor *a, const vg_sysf_ref *f,
                          const vg_evt *e, char *buf, size_t len) {
  switch (f->id) {
  case F_EVT_TIME:
  case F_EVT_TIME_S:
  case F_EVT_DATETIME:
  case F_EVT_DATETIME_S:
    ts_text(buf, len, e->ts,
            f->id == F_EVT_DATETIME || f->id == F_EVT_DATETIME_S,
            f->id == F_EVT_TIME || f->id == F_EVT_DATETIME);
    return 1;
  case F_EVT_TIME_ISO:
    ts_iso(buf, len, e->ts);
    return 1;
  case F_EVT_RAWTIME_S:
    return put_u64(buf, len, e->ts / 1000000000u);
  case F_EVT_RAWTIME_NS:
    snprintf(buf, len, "%09" PRIu64, e->ts % 1000000000u);
    return 1;
  case F_EVT_RELTIME:
  case F_EVT_RELTIME_S:
  case F_EVT_RELTIME_NS: {
    /* unsigned difference, wrapping like libsinsp's before the origin;
     * no value where the host does not know the origin */
    if (!a->first_ts)
      return 0;
    uint64_t rel = e->ts - a->first_ts(a->ctx);
    if (f->id == F_EVT_RELTIME_S)
      return put_u64(buf, len, rel / 1000000000u);
    snprintf(buf, len, "%09" PRIu64,
             f->id == F_EVT_RELTIME ? rel : rel % 1000000000u);
    return 1;
  }
  case F_EVT_PLUGINNAME:
  case F_EVT_PLUGININFO:
    return 0; /* no plugin is loaded when replaying a capture */
  case F_EVT_SOURCE:
    return put(buf, len, "syscall");
  case F_EVT_COUNT:
    return put(buf, len, "1");
  case F_EVT_IS_ASYNC:
    return put_bool(buf, len,
                    (vg_event_table[e->type].category & VG_EC_METAEVENT) != 0);
  case F_EVT_ASYNCTYPE: {
    if (!(vg_event_table[e->type].category & VG_EC_METAEVENT))
      return 0;
    if (e->type != VG_PPME_ASYNCEVENT_E)
      return put(buf, len, evt_name(e));
    const char *n = e->nparams > 1 ? vg_evt_str(e, 1, buf, len) : NULL;
    if (!n)
      return 0;
    if (n != buf)
      put(buf, len, n);
    return 1;
  }
  case F_EVT_HOSTNAME: {
    const char *h = a->hostname ? a->hostname(a->ctx) : NULL;
    return h ? put(buf, len, h) : 0;
  }
  default:
    break;
  }
  if (f->id < F_CT_ID || f->id > F_CT_LAST)
    return -1;
  const vg_container *c;
  vg_thread *t;
  const char *cid;
  if (!evt_ctr(a, e, &c, &t, &cid))
    return 0;
  if (!c && f->id != F_CT_ID && f->id != F_CT_START_TS &&
      f->id != F_CT_DURATION)
    return 0;
  switch (f->id) {
  case F_CT_ID:
    return put(buf, len, c ? c->id : cid);
  case F_CT_FULL_ID: return put(buf, len, c->full_id);
  case F_CT_NAME: return put(buf, len, c->name);
  case F_CT_IMAGE: return put(buf, len, c->image);
  case F_CT_IMAGE_ID: return put(buf, len, c->imageid);
  case F_CT_TYPE: return put(buf, len, ctr_type_name(c->type));
  case F_CT_PRIVILEGED: return put_bool(buf, len, c->privileged);
  case F_CT_MOUNTS: {
    size_t o = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < c->nmounts; i++) {
      if (i && o + 1 < len)
        buf[o++] = ',';
      if (o < len)
        mount_text(buf + o, len - o, &c->mounts[i]);
      o += strlen(buf + o);
    }
    return 1;
  }
  case F_CT_MOUNT:
  case F_CT_MOUNT_SOURCE:
  case F_CT_MOUNT_DEST:
  case F_CT_MOUNT_MODE:
  case F_CT_MOUNT_RDWR:
  case F_CT_MOUNT_PROP: {
    const vg_mount *m;
    if (f->argn >= 0)
      m = (uint64_t)f->argn < c->nmounts ? &c->mounts[f->argn] : NULL;
    else
      m = mount_by_pattern(c, f->argname, f->id == F_CT_MOUNT_SOURCE);
    if (!m)
      return 0;
    switch (f->id) {
    case F_CT_MOUNT: mount_text(buf, len, m); return 1;
    case F_CT_MOUNT_SOURCE: return put(buf, len, m->source);
    case F_CT_MOUNT_DEST: return put(buf, len, m->dest);
    case F_CT_MOUNT_MODE: return put(buf, len, m->mode);
    case F_CT_MOUNT_RDWR: return put_bool(buf, len, m->rdwr);
    default: return put(buf, len, m->propagation);
    }
  }
  case F_CT_IMAGE_REPO: return put(buf, len, c->imagerepo);
  case F_CT_IMAGE_TAG: return put(buf, len, c->imagetag);
  case F_CT_IMAGE_DIGEST: return put(buf, len, c->imagedigest);
  case F_CT_START_TS:
  case F_CT_DURATION:
    /* from the thread's pid namespace start, never from the runtime */
    if (!t || t->pidns_init_start_ts == 0)
      return 0;
    return put_u64(buf, len, f->id == F_CT_START_TS
                                 ? t->pidns_init_start_ts
                                 : e->ts - t->pidns_init_start_ts);
  case F_CT_IP: return put(buf, len, c->ip);
  case F_CT_CNI: return put(buf, len, c->cni_json);
  case F_CT_HOST_PID: return put_bool(buf, len, c->host_pid);
  case F_CT_HOST_NET: return put_bool(buf, len, c->host_network);
  case F_CT_HOST_IPC: return put_bool(buf, len, c->host_ipc);
  case F_CT_LABEL: {
    const char *v = kv_get(c->labels, c->nlabels, f->argname);
    return v ? put(buf, len, v) : 0;
  }
  case F_CT_LABELS:
    kv_join(buf, len, c->labels, c->nlabels);
    return 1;
  case F_K8S_POD_NAME:
  case F_K8S_NS_NAME:
  case F_K8S_POD_ID:
  case F_K8S_POD_UID: {
    const char *k = f->id == F_K8S_POD_NAME ? "io.kubernetes.pod.name"
                    : f->id == F_K8S_NS_NAME ? "io.kubernetes.pod.namespace"
                                             : "io.kubernetes.pod.uid";
    const char *v = kv_get(c->labels, c->nlabels, k);
    return v ? put(buf, len, v) : 0;
  }
  case F_K8S_POD_SANDBOX_ID:
    snprintf(buf, len, "%.12s", c->pod_sandbox_id);
    return 1;
  case F_K8S_POD_FULL_SANDBOX_ID:
    return put(buf, len, c->pod_sandbox_id);
  case F_K8S_POD_LABEL:
  case F_K8S_POD_LABELS:
  case F_K8S_POD_IP:
  case F_K8S_POD_CNI: {
    /* without a CNI result of its own, a container defers to its pod's
     * sandbox container (short id; "" finds the host entry) */
    const vg_container *sb = NULL;
    if (!c->cni_json[0]) {
      char sid[16];
      snprintf(sid, sizeof sid, "%.12s", c->pod_sandbox_id);
      sb = a->container(a->ctx, sid);
    }
    if (f->id == F_K8S_POD_IP || f->id == F_K8S_POD_CNI) {
      const vg_container *src = c->cni_json[0] ? c : sb;
      if (!src)
        return 0;
      return put(buf, len, f->id == F_K8S_POD_IP ? src->ip : src->cni_json);
    }
    if (f->id == F_K8S_POD_LABEL) {
      const char *v = sb ? kv_get(sb->pod_labels, sb->npod_labels,
                                  f->argname) : NULL;
      if (!v)
        v = kv_get(c->pod_labels, c->npod_labels, f->argname);
      return v ? put(buf, len, v) : 0;
    }
    if (sb)
      kv_join(buf, len, sb->pod_labels, sb->npod_labels);
    else
      kv_join(buf, len, c->pod_labels, c->npod_labels);
    return 1;
  }
  default:
    /* deprecated fields (health probes, k8s.rc/svc/ns.id/rs/deployment)
     * never have a value */
    return 0;
  }
}

/* ------------------------------------------------------------ the rest */

/* Fields from F_NEW_FIRST on: the remaining evt.*, proc.*, thread.*, fd.*,
 * fs.path.*, fdlist.* and util.* fields of libsinsp's catalog. */

#define PT_INT8_ 1
#define PT_INT64_ 4
#define PT_UINT8_ 5
#define PT_UINT64_ 8
#define PT_CHARBUF_ 9
#define PT_BYTEBUF_ 10
#define PT_ERRNO_ 11
#define PT_FD_ 14
#define PT_PID_ 15
#define PT_FSPATH_ 17
#define PT_RELTIME_ 20
#define PT_ABSTIME_ 21
#define PT_PORT_ 22
#define PT_L4PROTO_ 23
#define PT_FLAGS8_ 28
#define PT_FLAGS16_ 29
#define PT_FLAGS32_ 30
#define PT_UID_ 31
#define PT_GID_ 32
#define PT_DOUBLE_ 33
#define PT_FSRELPATH_ 43
#define PT_ENUMFLAGS8_ 44
#define PT_ENUMFLAGS16_ 45
#define PT_ENUMFLAGS32_ 46

/* Width in bytes and signedness of an integer parameter type; 0 when the
 * type is not one libsinsp prints as a plain number. */
static int int_param(uint8_t pt, int *sign) {
  *sign = 0;
  switch (pt) {
  case PT_INT8_: *sign = 1; return 1;
  case 2: *sign = 1; return 2;
  case 3: *sign = 1; return 4;
  case PT_INT64_: case PT_ERRNO_: case PT_FD_: case PT_PID_:
    *sign = 1;
    return 8;
  case PT_UINT8_: case PT_FLAGS8_: case PT_ENUMFLAGS8_: case PT_L4PROTO_:
    return 1;
  case 6: case PT_PORT_: case PT_FLAGS16_: case PT_ENUMFLAGS16_:
    return 2;
  case 7: case PT_FLAGS32_: case PT_ENUMFLAGS32_: case PT_UID_: case PT_GID_:
    return 4;
  case PT_UINT64_: case PT_RELTIME_: case PT_ABSTIME_:
    return 8;
  default:
    return 0;
  }
}

/* The first parameter of that name in the event table (libsinsp's choice
 * for evt.rawarg's type before an event is seen), or NULL. */
static const vg_param_info *param_by_name(const char *name) {
  for (uint32_t j = 0; j < VG_EVENT_MAX; j++)
    for (uint16_t k = 0; k < vg_event_table[j].nparams; k++)
      if (!strcmp(vg_event_table[j].params[k].name, name))
        return &vg_event_table[j].params[k];
  return NULL;
}

/* evt.rawarg: the parameter's raw value printed by its own type and print
 * format (libsinsp's rawval_to_string). 0 for types it cannot print. */
static int rawarg_text(const vg_sys_accessor *a, const vg_evt *e, int idx,
                       char *buf, size_t len) {
  const vg_param_info *pi = &vg_event_table[e->type].params[idx];
  const uint8_t *d = e->p[idx];
  uint32_t n = e->plen[idx];
  int sign;
  int w = int_param(pi->type, &sign);
  if (pi->type == PT_CHARBUF_ || pi->type == PT_FSPATH_ ||
      pi->type == PT_FSRELPATH_) {
    if (n == 0 || (n == 7 && !memcmp(d, "(NULL)", 7)))
      return put(buf, len, "<NA>");
    snprintf(buf, len, "%.*s", (int)strnlen((const char *)d, n), d);
    return 1;
  }
  if (pi->type == PT_DOUBLE_) {
    double v = 0;
    if (n >= 8)
      memcpy(&v, d, 8);
    snprintf(buf, len, "%.1f", v);
    return 1;
  }
  if (pi->type == PT_BYTEBUF_) {
    char res[64];
    param_text(a, e, (uint32_t)idx, buf, len, res, sizeof res);
    return 1;
  }
  if (!w)
    return 0;
  if (n == 0)
    return put(buf, len, "0");
  uint64_t u = rd_le(d, n < (uint32_t)w ? n : (uint32_t)w);
  int64_t sv = sign ? sext(u, w * 8) : (int64_t)u;
  switch (pi->fmt) {
  case VG_PF_OCT:
    snprintf(buf, len, "%" PRIo64, w == 8 ? u : (uint64_t)(uint32_t)sv);
    return 1;
  case VG_PF_HEX:
    snprintf(buf, len, "%" PRIX64, w == 8 ? u : (uint64_t)(uint32_t)sv);
    return 1;
  case VG_PF_DEC:
  case VG_PF_ID:
    return sign ? put_i64(buf, len, sv) : put_u64(buf, len, u);
  case VG_PF_10_PADDED_DEC:
    if (w != 8)
      return 0;
    if (sign)
      snprintf(buf, len, "%09" PRId64, sv);
    else
      snprintf(buf, len, "%09" PRIu64, u);
    return 1;
  default:
    /* only the signed 64-bit types print without a known format */
    return w == 8 && sign ? put_i64(buf, len, sv) : 0;
  }
}

/* A parameter read as libsinsp's evt.rawarg comparison would: 1 with its
 * signed value, 0 when the event has no such (non-empty) parameter. */
static int rawarg_i64(const vg_evt *e, const char *name, int64_t *v) {
  int idx = param_index(e, name);
  if (idx < 0 || e->plen[idx] == 0)
    return 0;
  int sign;
  int w = int_param(vg_event_table[e->type].params[idx].type, &sign);
  if (!w)
    return 0;
  uint32_t n = e->plen[idx];
  uint64_t u = rd_le(e->p[idx], n < (uint32_t)w ? n : (uint32_t)w);
  *v = sign ? sext(u, w * 8) : (int64_t)u;
  return 1;
}

static const char *cwd_of(const vg_sys_accessor *a, vg_thread *t) {
  vg_thread *m = a->main_thread(a->ctx, t);
  return m ? m->cwd : "./";
}

/* libsinsp's parse_dirfd: the directory a relative NAME is resolved in */
static void dirfd_dir(const vg_sys_accessor *a, vg_thread *t,
                      const char *name, int64_t dirfd, char *out,
                      size_t len) {
  if (name[0] == '/') {
    put(out, len, ".");
  } else if (!t) {
    put(out, len, "<UNKNOWN>");
  } else if (dirfd == -100) {
    put(out, len, cwd_of(a, t));
  } else {
    vg_fdinfo *df = a->get_fd(a->ctx, t, dirfd);
    if (!df) {
      put(out, len, "<UNKNOWN>");
    } else {
      size_t l = strlen(df->name);
      snprintf(out, len, "%s%s", df->name,
               l == 0 || df->name[l - 1] == '/' ? "" : "/");
    }
  }
}

static int is_file_type(uint8_t t) {
  return t == FDT_FILE || t == FDT_FILE_V2;
}

/* evt.count.error: 1 when the call failed, 0 when not, none without a
 * return value */
static int error_count(const vg_evt *e, char *buf, size_t len) {
  if (!has_retval(e))
    return 0;
  return put(buf, len, retval(e) < 0 ? "1" : "0");
}

static uint32_t masked_category(const vg_evt *e) {
  return vg_event_table[e->type].category &
         ~(uint32_t)(VG_EC_SYSCALL | VG_EC_TRACEPOINT | VG_EC_PLUGIN |
                     VG_EC_METAEVENT | VG_EC_ITER);
}

static int is_open_exit(uint16_t t) {
  return t == VG_PPME_SYSCALL_OPEN_X || t == VG_PPME_SYSCALL_CREAT_X ||
         t == VG_PPME_SYSCALL_OPENAT_2_X || t == VG_PPME_SYSCALL_OPENAT2_X ||
         t == VG_PPME_SYSCALL_OPEN_BY_HANDLE_AT_X;
}

static int is_net_exit(uint16_t t) {
  return t == VG_PPME_SOCKET_ACCEPT_5_X || t == VG_PPME_SOCKET_ACCEPT4_6_X ||
         t == VG_PPME_SOCKET_CONNECT_X;
}

/* evt.buflen and its variants: the byte count an I/O exit returned */
static int buflen_text(const vg_evt *e, char *buf, size_t len) {
  if (!(e->type & 1) || e->nparams == 0 || e->plen[0] == 0 || retval(e) < 0)
    return 0;
  return put_i64(buf, len, retval(e));
}

static void trim(const char **p, const char **end) {
  while (*p < *end && isspace((unsigned char)**p))
    (*p)++;
  while (*end > *p && isspace((unsigned char)(*end)[-1]))
    (*end)--;
}

/* evt.infra.docker.*: "key: value; key: value" pairs of infrastructure
 * events, as libsinsp splits them */
static int docker_text(const vg_evt *e, int id, char *buf, size_t len) {
  char tmp[2048];
  if (e->type != VG_PPME_INFRASTRUCTURE_EVENT_E)
    return 0;
  const char *desc = vg_evt_str(e, 2, tmp, sizeof tmp);
  if (!desc)
    desc = "";
  static const char *const keys[] = {"Event", "ID", "name", "Image"};
  const char *key = keys[id - F_EVT_DOCKER_NAME];
  const char *p = desc;
  for (;;) {
    const char *sc = strchr(p, ';');
    const char *ee = sc ? sc : p + strlen(p);
    const char *es = p;
    trim(&es, &ee);
    if ((size_t)(ee - es) >= strlen(key) && !strncmp(es, key, strlen(key))) {
      const char *c1 = memchr(es, ':', (size_t)(ee - es));
      if (!c1)
        return 0;
      const char *vs = c1 + 1;
      const char *c2 = memchr(vs, ':', (size_t)(ee - vs));
      const char *ve = c2 ? c2 : ee;
      if (id == F_EVT_DOCKER_CIMAGE) {
        const char *at = memchr(vs, '@', (size_t)(ve - vs));
        if (at) {
          ve = at;
        } else {
          int sha = 0;
          for (const char *q = vs; q + 6 <= ve && !sha; q++)
            sha = !strncmp(q, "sha256", 6);
          if (sha)
            ve = ee; /* everything after the first colon */
        }
      }
      trim(&vs, &ve);
      size_t n = (size_t)(ve - vs);
      if (id == F_EVT_DOCKER_CID && n > 12)
        n = 12;
      snprintf(buf, len, "%.*s", (int)n, vs);
      return 1;
    }
    if (!sc)
      return 0;
    p = sc + 1;
  }
}

/* evt.abspath[.src|.dst]: dirfd and path parameters joined */
static int abspath_text(const vg_sys_accessor *a, const vg_evt *e,
                        vg_thread *t, int which, char *buf, size_t len) {
  char tmp[1100], dir[1100];
  const char *dn = NULL, *pn = NULL;
  if (!t)
    return 0;
  switch (e->type) {
  case VG_PPME_SYSCALL_RENAMEAT_X:
  case VG_PPME_SYSCALL_RENAMEAT2_X:
    dn = which == 2 ? "newdirfd" : "olddirfd";
    pn = which == 2 ? "newpath" : "oldpath";
    break;
  case VG_PPME_SYSCALL_SYMLINKAT_X:
    dn = "linkdirfd";
    pn = "linkpath";
    break;
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
  case VG_PPME_SYSCALL_UNLINKAT_2_X:
    dn = "dirfd";
    pn = "name";
    break;
  case VG_PPME_SYSCALL_OPEN_BY_HANDLE_AT_X: {
    if (!has_retval(e) || (int32_t)retval(e) <= 0 || e->nparams < 4)
      return 0;
    const char *s = vg_evt_str(e, 3, tmp, sizeof tmp);
    if (!s)
      s = "";
    vg_concat_paths(buf, len, "", 0, s, strlen(s));
    return 1;
  }
  case VG_PPME_SYSCALL_LINKAT_2_X:
    dn = which == 2 ? "newdir" : "olddir";
    pn = which == 2 ? "newpath" : "oldpath";
    break;
  case VG_PPME_SYSCALL_MKDIRAT_X:
    dn = "dirfd";
    pn = "path";
    break;
  case VG_PPME_SYSCALL_FCHMODAT_X:
    dn = "dirfd";
    pn = "filename";
    break;
  case VG_PPME_SYSCALL_FCHOWNAT_X:
    dn = "dirfd";
    pn = "pathname";
    break;
  default:
    return 0;
  }
  int di = param_index(e, dn), pi = param_index(e, pn);
  if (di < 0 || pi < 0 || e->plen[di] == 0 || e->plen[pi] == 0)
    return 0;
  int64_t dirfd = vg_evt_i64(e, (uint32_t)di);
  snprintf(tmp, sizeof tmp, "%.*s",
           (int)strnlen((const char *)e->p[pi], e->plen[pi]), e->p[pi]);
  if (tmp[0] == '/') {
    put(dir, sizeof dir, ".");
  } else if (dirfd == -100) {
    put(dir, sizeof dir, cwd_of(a, t));
  } else {
    vg_fdinfo *df = a->get_fd(a->ctx, t, dirfd);
    /* libsinsp tests the byte after the name, always its terminator, so
     * a slash is always added */
    snprintf(dir, sizeof dir, "%s/", df ? df->name : "<UNKNOWN>");
  }
  vg_concat_paths(buf, len, dir, strlen(dir), tmp, strlen(tmp));
  return 1;
}

/* The oldest ancestor (or the process itself, by table lookup) whose
 * process group is the thread's: libsinsp's get_oldest_matching_ancestor
 * for a non-virtual id. */
static vg_thread *pgid_leader(const vg_sys_accessor *a, vg_thread *t) {
  if (t->pgid == -1)
    return NULL;
  vg_thread *l = a->find_thread(a->ctx, t->pgid);
  if (l)
    return l;
  vg_thread *chain[256];
  size_t nc = parent_chain(a, t, chain, 256);
  for (size_t k = 0; k < nc && chain[k]->pgid == t->pgid; k++)
    l = chain[k];
  return l;
}

static int ends_with_sh(const char *s) {
  size_t l = strlen(s);
  return l >= 2 && s[l - 2] == 's' && s[l - 1] == 'h';
}

static uint64_t fd_opencount(const vg_sys_accessor *a, vg_thread *t) {
  vg_thread *m = a->main_thread(a->ctx, t);
  return m ? m->fds.n : 0;
}

/* fs.path.*: which parameter names the path, source and target for each
 * event, and whether the call succeeded (res == 0, or fd != -1 for
 * opens) */
static int fspath_param(uint16_t type, int id, const char **name) {
  int kind = id == F_FS_NAME || id == F_FS_NAMERAW     ? 0
             : id == F_FS_SOURCE || id == F_FS_SOURCERAW ? 1
                                                         : 2;
  const char *p = NULL, *src = NULL, *dst = NULL;
  switch (type) {
  case VG_PPME_SYSCALL_MKDIR_2_X:
  case VG_PPME_SYSCALL_MKDIRAT_X:
  case VG_PPME_SYSCALL_RMDIR_2_X:
  case VG_PPME_SYSCALL_UNLINK_2_X:
  case VG_PPME_SYSCALL_CHOWN_X:
  case VG_PPME_SYSCALL_LCHOWN_X:
    p = "path";
    break;
  case VG_PPME_SYSCALL_UNLINKAT_2_X:
  case VG_PPME_SYSCALL_OPEN_X:
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
  case VG_PPME_SYSCALL_UMOUNT_1_X:
  case VG_PPME_SYSCALL_UMOUNT2_X:
    p = "name";
    break;
  case VG_PPME_SYSCALL_FCHMODAT_X:
  case VG_PPME_SYSCALL_CHMOD_X:
    p = "filename";
    break;
  case VG_PPME_SYSCALL_FCHMOD_X:
  case VG_PPME_SYSCALL_FCHOWN_X:
    p = ""; /* fd.name */
    break;
  case VG_PPME_SYSCALL_FCHOWNAT_X:
    p = "pathname";
    break;
  case VG_PPME_SYSCALL_QUOTACTL_X:
    p = "special";
    break;
  case VG_PPME_SYSCALL_RENAME_X:
  case VG_PPME_SYSCALL_RENAMEAT_X:
  case VG_PPME_SYSCALL_RENAMEAT2_X:
    src = "oldpath";
    dst = "newpath";
    break;
  case VG_PPME_SYSCALL_LINK_2_X:
  case VG_PPME_SYSCALL_LINKAT_2_X:
    src = "newpath";
    dst = "oldpath";
    break;
  case VG_PPME_SYSCALL_SYMLINK_X:
  case VG_PPME_SYSCALL_SYMLINKAT_X:
    src = "linkpath";
    dst = "target";
    break;
  case VG_PPME_SYSCALL_MOUNT_X:
    src = "dev";
    dst = "dir";
    break;
  default:
    return 0;
  }
  *name = kind == 0 ? p : kind == 1 ? src : dst;
  return *name != NULL;
}

static int fspath_ok(const vg_evt *e) {
  int64_t v;
  switch (e->type) {
  case VG_PPME_SYSCALL_OPEN_X:
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
    return rawarg_i64(e, "fd", &v) && v != -1;
  default:
    return rawarg_i64(e, "res", &v) && v == 0;
  }
}

/* the event's fd as the fd.* fields find it, or NULL; *ok = 0 when the
 * event has no fd at all (libsinsp's extract_fd fails) */
static vg_fdinfo *fd_field_fd(const vg_sys_accessor *a, const vg_evt *e,
                              vg_thread *t, int *ok) {
  *ok = evt_has_fd(e) && t;
  if (!*ok)
    return NULL;
  return evt_fdinfo(a, t);
}

static int render_fs(const vg_sys_accessor *a, const vg_sysf_ref *f,
                     const vg_evt *e, vg_thread *t, char *buf, size_t len) {
  char path[1100], dir[1100];
  const char *pn;
  if (!fspath_ok(e) || !fspath_param(e->type, f->id, &pn))
    return 0;
  if (!pn[0]) {
    vg_sysf_ref r = *f;
    r.id = F_FD_NAME;
    if (!vg_sysf_render(a, &r, path, sizeof path))
      return 0;
  } else {
    int idx = param_index(e, pn);
    if (idx < 0)
      return 0;
    uint32_t n = e->plen[idx];
    const uint8_t *d = e->p[idx];
    uint8_t pt = vg_event_table[e->type].params[idx].type;
    if ((pt == PT_CHARBUF_ || pt == PT_FSPATH_ || pt == PT_FSRELPATH_) &&
        (n == 0 || (n == 7 && !memcmp(d, "(NULL)", 7))))
      snprintf(path, sizeof path, "<NA>");
    else
      snprintf(path, sizeof path, "%.*s",
               (int)strnlen((const char *)d, n), d);
  }
  if (f->id == F_FS_NAMERAW || f->id == F_FS_SOURCERAW ||
      f->id == F_FS_TARGETRAW)
    return put(buf, len, path);
  if (!t)
    return 0;
  if (path[0] == '/') {
    vg_concat_paths(buf, len, "", 0, path, strlen(path));
    return 1;
  }
  vg_fdinfo *ef = a->fd(a->ctx);
  switch (e->type) {
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
    dir[0] = 0;
    put(path, sizeof path, ef ? ef->name : "<UNKNOWN>");
    break;
  case VG_PPME_SYSCALL_NEWFSTATAT_X:
  case VG_PPME_SYSCALL_FCHOWNAT_X:
  case VG_PPME_SYSCALL_FCHMODAT_X:
  case VG_PPME_SYSCALL_MKDIRAT_X:
  case VG_PPME_SYSCALL_UNLINKAT_2_X:
  case VG_PPME_SYSCALL_MKNODAT_X:
  case VG_PPME_SYSCALL_SYMLINKAT_X:
    if (e->type == VG_PPME_SYSCALL_SYMLINKAT_X && f->id != F_FS_SOURCE) {
      put(dir, sizeof dir, "<UNKNOWN>");
    } else if (!ef || ef->type != FDT_DIRECTORY) {
      put(dir, sizeof dir, "<UNKNOWN>");
    } else {
      size_t l = strlen(ef->name);
      snprintf(dir, sizeof dir, "%s%s", ef->name,
               l == 0 || ef->name[l - 1] == '/' ? "" : "/");
    }
    break;
  case VG_PPME_SYSCALL_RENAMEAT2_X:
    if (f->id == F_FS_NAME || e->nparams < 4)
      put(dir, sizeof dir, "<UNKNOWN>");
    else
      dirfd_dir(a, t, path,
                vg_evt_i64(e, f->id == F_FS_TARGET ? 3 : 1), dir,
                sizeof dir);
    break;
  default:
    put(dir, sizeof dir, cwd_of(a, t));
    break;
  }
  vg_concat_paths(buf, len, dir, strlen(dir), path, strlen(path));
  return 1;
}

static int render_fdlist(const vg_sys_accessor *a, const vg_sysf_ref *f,
                         const vg_evt *e, vg_thread *t, char *buf,
                         size_t len) {
  if (e->type != VG_PPME_SYSCALL_POLL_X && e->type != VG_PPME_SYSCALL_PPOLL_X)
    return 0;
  if (!t || e->nparams < 2 || e->plen[1] < 2)
    return 0;
  const uint8_t *d = e->p[1];
  uint32_t n = e->plen[1];
  uint16_t nfds = (uint16_t)(d[0] | d[1] << 8);
  size_t o = 0;
  buf[0] = 0;
  for (uint32_t j = 0; j < nfds && 2 + (j + 1) * 10 <= n; j++) {
    int64_t fdn = (int64_t)rd_le(d + 2 + j * 10, 8);
    vg_fdinfo *fd = a->get_fd(a->ctx, t, fdn);
    char one[256];
    int add = 1;
    one[0] = 0;
    switch (f->id) {
    case F_FDLIST_NUMS:
      put_i64(one, sizeof one, fdn);
      break;
    case F_FDLIST_NAMES:
      put(one, sizeof one, fd && fd->name[0] ? fd->name : "<NA>");
      break;
    case F_FDLIST_CIPS:
      if (fd && fd->type == FDT_IPV4)
        fmt_ip(one, sizeof one, fd->sock + VG_S4_SIP, 0);
      else if (fd && fd->type == FDT_IPV6)
        fmt_ip(one, sizeof one, fd->sock + VG_S6_SIP, 1);
      else
        add = 0;
      break;
    case F_FDLIST_SIPS:
      if (fd && fd->type == FDT_IPV4)
        fmt_ip(one, sizeof one, fd->sock + VG_S4_DIP, 0);
      else if (fd && fd->type == FDT_IPV6)
        fmt_ip(one, sizeof one, fd->sock + VG_S6_DIP, 1);
      else if (fd && fd->type == FDT_IPV4S)
        fmt_ip(one, sizeof one, fd->sock + VG_SV4_IP, 0);
      else if (fd && fd->type == FDT_IPV6S)
        /* libsinsp prints an IPv6 server address as IPv4 */
        fmt_ip(one, sizeof one, fd->sock + VG_SV6_IP, 0);
      else
        add = 0;
      break;
    case F_FDLIST_CPORTS:
    case F_FDLIST_SPORTS: {
      int c = f->id == F_FDLIST_CPORTS;
      if (fd && fd->type == FDT_IPV4)
        put_u64(one, sizeof one,
                vg_sock_u16(fd, c ? VG_S4_SPORT : VG_S4_DPORT));
      else if (fd && fd->type == FDT_IPV6)
        put_u64(one, sizeof one,
                vg_sock_u16(fd, c ? VG_S6_SPORT : VG_S6_DPORT));
      else
        add = 0;
      break;
    }
    default:
      return 0;
    }
    if (o >= len)
      break;
    o += (size_t)snprintf(buf + o, len - o, "%s%s", one, add ? "," : "");
  }
  if (o >= len)
    o = len ? len - 1 : 0;
  if (o == 0)
    return 0;
  if (buf[o - 1] == ',')
    buf[o - 1] = 0;
  return 1;
}

static int render_new(const vg_sys_accessor *a, const vg_sysf_ref *f,
                      const vg_evt *e, char *buf, size_t len) {
  vg_thread *t = a->thread(a->ctx);
  const vg_sys_evtx *x = a->evtx ? a->evtx(a->ctx) : NULL;
  char tmp[4096];
  switch (f->id) {
  /* deprecated: libsinsp always gives 0 now */
  case F_EVT_LATENCY:
  case F_EVT_LATENCY_S:
  case F_EVT_LATENCY_Q:
  case F_EVT_WAIT_LATENCY:
    return put(buf, len, "0");
  case F_EVT_LATENCY_NS:
    return put(buf, len, "000000000");
  case F_EVT_LATENCY_HUMAN:
    return put(buf, len, "0ns");
  case F_EVT_DELTA:
  case F_EVT_DELTA_S:
  case F_EVT_DELTA_NS: {
    if (!x)
      return 0;
    uint64_t d = x->prev_ts ? e->ts - x->prev_ts : 0;
    if (f->id == F_EVT_DELTA_NS) {
      snprintf(buf, len, "%09" PRIu64, d % 1000000000u);
      return 1;
    }
    return put_u64(buf, len, f->id == F_EVT_DELTA_S ? d / 1000000000u : d);
  }
  case F_EVT_OUTPUTTIME:
    ts_text(buf, len, e->ts, 0, 1);
    return 1;
  case F_EVT_RAWARG: {
    int idx = param_index(e, f->argname);
    if (idx < 0)
      return 0;
    return rawarg_text(a, e, idx, buf, len);
  }
  case F_EVT_INFO: {
    vg_sysf_ref r = *f;
    r.id = F_EVT_ARGS;
    return vg_sysf_render(a, &r, buf, len);
  }
  case F_EVT_IS_SYSLOG: {
    vg_fdinfo *fd = a->fd(a->ctx);
    return put_bool(buf, len,
                    (vg_event_table[e->type].flags & VG_EF_WRITES_TO_FD) &&
                        fd && strstr(fd->name, "/dev/log"));
  }
  case F_EVT_COUNT_ERROR:
    return error_count(e, buf, len);
  case F_EVT_COUNT_ERROR_FILE:
  case F_EVT_COUNT_ERROR_NET:
  case F_EVT_COUNT_ERROR_OTHER: {
    vg_fdinfo *fd = a->fd(a->ctx);
    int file, net, other;
    if (fd) {
      file = is_file_type(fd->type) || fd->type == FDT_DIRECTORY;
      net = (fd->type >= FDT_IPV4 && fd->type <= FDT_IPV6S) ||
            fd->type == 8;
      other = !file && !net;
    } else {
      file = is_open_exit(e->type);
      net = is_net_exit(e->type);
      other = !file && !net && masked_category(e) != VG_EC_MEMORY;
    }
    int v = f->id == F_EVT_COUNT_ERROR_FILE  ? file
            : f->id == F_EVT_COUNT_ERROR_NET ? net
                                             : other;
    return v ? error_count(e, buf, len) : 0;
  }
  case F_EVT_COUNT_ERROR_MEMORY:
    return masked_category(e) == VG_EC_MEMORY ? error_count(e, buf, len) : 0;
  case F_EVT_COUNT_EXIT:
    return (e->type & 1) ? put(buf, len, "1") : 0;
  case F_EVT_COUNT_PROCINFO:
  case F_EVT_COUNT_THREADINFO: {
    int v = 0;
    if (e->type == VG_PPME_PROCINFO_E)
      v = f->id == F_EVT_COUNT_THREADINFO ||
          (t && a->main_thread(a->ctx, t) == t);
    return put(buf, len, v ? "1" : "0");
  }
  case F_EVT_AROUND:
    return 0; /* a filter-only comparison: never a printable value */
  case F_EVT_ABSPATH:
  case F_EVT_ABSPATH_SRC:
  case F_EVT_ABSPATH_DST:
    return abspath_text(a, e, t, f->id - F_EVT_ABSPATH, buf, len);
  case F_EVT_BUFLEN_IN:
  case F_EVT_BUFLEN_OUT:
  case F_EVT_BUFLEN_FILE:
  case F_EVT_BUFLEN_FILE_IN:
  case F_EVT_BUFLEN_FILE_OUT:
  case F_EVT_BUFLEN_NET:
  case F_EVT_BUFLEN_NET_IN:
  case F_EVT_BUFLEN_NET_OUT: {
    vg_fdinfo *fd = a->fd(a->ctx);
    uint32_t c = masked_category(e);
    if (!fd)
      return 0;
    int dir = f->id == F_EVT_BUFLEN_IN || f->id == F_EVT_BUFLEN_FILE_IN ||
                      f->id == F_EVT_BUFLEN_NET_IN
                  ? 1
              : f->id == F_EVT_BUFLEN_OUT || f->id == F_EVT_BUFLEN_FILE_OUT ||
                      f->id == F_EVT_BUFLEN_NET_OUT
                  ? 2
                  : 0;
    if (dir == 1 && c != VG_EC_IO_READ)
      return 0;
    if (dir == 2 && c != VG_EC_IO_WRITE)
      return 0;
    if (dir == 0 && !(c & VG_EC_IO_READ))
      return 0;
    if ((f->id == F_EVT_BUFLEN_FILE || f->id == F_EVT_BUFLEN_FILE_IN ||
         f->id == F_EVT_BUFLEN_FILE_OUT) &&
        !is_file_type(fd->type))
      return 0;
    if ((f->id == F_EVT_BUFLEN_NET || f->id == F_EVT_BUFLEN_NET_IN ||
         f->id == F_EVT_BUFLEN_NET_OUT) &&
        !(fd->type >= FDT_IPV4 && fd->type <= FDT_IPV6S))
      return 0;
    return buflen_text(e, buf, len);
  }
  case F_EVT_DOCKER_NAME:
  case F_EVT_DOCKER_CID:
  case F_EVT_DOCKER_CNAME:
  case F_EVT_DOCKER_CIMAGE:
    return docker_text(e, f->id, buf, len);
  case F_THREAD_EXECTIME:
    return put_u64(buf, len, e->type == VG_PPME_SCHEDSWITCH_6_E && x
                                 ? x->exectime : 0);
  case F_UTIL_CNT:
    return x ? put_u64(buf, len, x->nshown) : 0;
  case F_FS_NAME:
  case F_FS_NAMERAW:
  case F_FS_SOURCE:
  case F_FS_SOURCERAW:
  case F_FS_TARGET:
  case F_FS_TARGETRAW:
    return render_fs(a, f, e, t, buf, len);
  case F_FDLIST_NUMS:
  case F_FDLIST_NAMES:
  case F_FDLIST_CIPS:
  case F_FDLIST_SIPS:
  case F_FDLIST_CPORTS:
  case F_FDLIST_SPORTS:
    return render_fdlist(a, f, e, t, buf, len);
  default:
    break;
  }
  if (f->id >= F_FD_UID) {
    int ok;
    vg_fdinfo *fd = fd_field_fd(a, e, t, &ok);
    if (!ok)
      return 0;
    switch (f->id) {
    case F_FD_UID:
      snprintf(buf, len, "%" PRId64 "%" PRId64, t->tid, t->lastevent_fd);
      return 1;
    case F_FD_CONTAINERNAME:
    case F_FD_CONTAINERDIR: {
      vg_sysf_ref r = *f;
      r.id = f->id == F_FD_CONTAINERNAME ? F_FD_NAME : F_FD_DIRECTORY;
      if (!vg_sysf_render(a, &r, tmp, sizeof tmp))
        return 0;
      snprintf(buf, len, "%s:%s", t->container_id ? t->container_id : "",
               tmp);
      return 1;
    }
    case F_FD_CPROTO:
    case F_FD_SPROTO: {
      /* the port as fd.cport / fd.sport give it; "" for fd.cproto of a
       * non-inet fd with a role and for fd.sproto of a server socket */
      if (!fd || (f->id == F_FD_CPROTO && role_none(fd)))
        return 0;
      if (f->id == F_FD_SPROTO &&
          (fd->type == FDT_IPV4S || fd->type == FDT_IPV6S))
        return put(buf, len, "");
      vg_sysf_ref r = *f;
      r.id = f->id == F_FD_CPROTO ? F_FD_CPORT : F_FD_SPORT;
      if (vg_sysf_render(a, &r, buf, len))
        return 1;
      return f->id == F_FD_CPROTO ? put(buf, len, "") : 0;
    }
    case F_FD_LPROTO:
    case F_FD_RPROTO: {
      vg_sysf_ref r = *f;
      r.id = f->id == F_FD_LPROTO ? F_FD_LPORT : F_FD_RPORT;
      return vg_sysf_render(a, &r, buf, len);
    }
    case F_FD_DEV:
      if (!fd)
        return 0;
      snprintf(buf, len, "%X", fd->dev);
      return 1;
    case F_FD_DEV_MAJOR:
      return fd ? put_i64(buf, len, (int32_t)((fd->dev & 0xfff00) >> 8)) : 0;
    case F_FD_DEV_MINOR:
      return fd ? put_i64(buf, len, (int32_t)((fd->dev & 0xff) |
                                              ((fd->dev >> 12) & 0xfff00)))
                : 0;
    case F_FD_INO:
      return fd ? put_i64(buf, len, (int64_t)fd->ino) : 0;
    case F_FD_UPPER:
      return fd ? put_bool(buf, len, fd->flags & VG_FD_OVERLAY_UPPER) : 0;
    case F_FD_LOWER:
      return fd ? put_bool(buf, len, fd->flags & VG_FD_OVERLAY_LOWER) : 0;
    case F_FD_TYPES: {
      if (f->argn >= 0) {
        vg_fdinfo *af = a->get_fd(a->ctx, t, f->argn);
        if (!af)
          return 0;
        snprintf(buf, len, "(%s)", typestr(af->type));
        return 1;
      }
      /* distinct types of the process's open fds, in table order */
      vg_thread *m = a->main_thread(a->ctx, t);
      const vg_fdtable *ft = (t->flags & 1u) && m ? &m->fds : &t->fds;
      const char *seen[32];
      size_t ns = 0, o = 0;
      o += (size_t)snprintf(buf, len, "(");
      for (uint32_t i = 0; i < ft->n; i++) {
        const char *ts = typestr(ft->e[i].f->type);
        size_t k = 0;
        while (k < ns && seen[k] != ts)
          k++;
        if (k < ns || ns == sizeof seen / sizeof seen[0])
          continue;
        seen[ns++] = ts;
        if (o < len)
          o += (size_t)snprintf(buf + o, len - o, "%s%s", ns > 1 ? "," : "",
                                ts);
      }
      if (o < len)
        snprintf(buf + o, len - o, ")");
      return 1;
    }
    default:
      return 0;
    }
  }
  /* process and thread fields */
  if (!t)
    return 0;
  vg_thread *m = a->main_thread(a->ctx, t);
  switch (f->id) {
  case F_PROC_AARGS:
    return ancestry_text(a, t, m, f->argn, join_args, buf, len);
  case F_PROC_LOGINSHELLID: {
    if (!m)
      return 0;
    const vg_thread *sh = ends_with_sh(m->comm) ? m : NULL;
    vg_thread *chain[256];
    size_t nc = parent_chain(a, m, chain, 256);
    for (size_t k = 0; k < nc; k++)
      if (ends_with_sh(chain[k]->comm))
        sh = chain[k];
    return sh ? put_i64(buf, len, sh->pid) : 0;
  }
  case F_PROC_PGID_NAME:
  case F_PROC_PGID_EXE:
  case F_PROC_PGID_EXEPATH: {
    vg_thread *l = pgid_leader(a, t);
    if (!l)
      return put(buf, len, "");
    return put(buf, len, f->id == F_PROC_PGID_NAME ? l->comm
                         : f->id == F_PROC_PGID_EXE ? l->exe
                                                    : l->exepath);
  }
  case F_PROC_PPID_DURATION: {
    vg_thread *p = ancestor(a, t, 1);
    if (!p)
      return 0;
    if (p->clone_ts != 0)
      return put_u64(buf, len, e->ts - p->clone_ts);
    /* libsinsp falls through to proc.fdopencount here */
    return put_u64(buf, len, fd_opencount(a, t));
  }
  case F_PROC_PID_TS:
    return t->clone_ts ? put_u64(buf, len, t->clone_ts) : 0;
  case F_PROC_PPID_TS: {
    vg_thread *p = a->find_thread(a->ctx, t->ptid);
    return p ? put_u64(buf, len, p->clone_ts) : 0;
  }
  case F_PROC_PGID_LEADER:
    return put_bool(buf, len, t->pgid == t->pid);
  case F_PROC_FDOPENCOUNT:
    return put_u64(buf, len, fd_opencount(a, t));
  case F_PROC_FDUSAGE: {
    int64_t lim = m ? m->fdlimit : 0;
    uint64_t oc = fd_opencount(a, t);
    double v = 0;
    if (lim > 0)
      v = oc <= (uint64_t)lim ? (double)oc * 100 / (double)lim : 100;
    snprintf(buf, len, "%.1f", v);
    return 1;
  }
  case F_THREAD_NAMETID:
    snprintf(buf, len, "%s%" PRId64, t->comm, e->tid);
    return 1;
  case F_THREAD_TOTEXECTIME:
    return put_u64(buf, len, t->totexectime);
  case F_PROC_NTHREADS:
  case F_PROC_NCHILDS: {
    int alive = 0;
    uint64_t n = a->group_threads ? a->group_threads(a->ctx, t->pid, &alive)
                                  : 0;
    if (f->id == F_PROC_NCHILDS && alive && n)
      n--;
    return put_u64(buf, len, n);
  }
  case F_THREAD_CPU:
  case F_THREAD_CPU_USER:
  case F_THREAD_CPU_SYSTEM: {
    /* the change of the CPU total since the previous extraction on a
     * procinfo event of the thread (capped at 100); the three fields
     * share the stored total, as in libsinsp, so this extraction updates
     * thread state */
    if (e->type != VG_PPME_PROCINFO_E || e->nparams < 2)
      return 0;
    uint64_t tot = 0;
    if (f->id != F_THREAD_CPU_SYSTEM)
      tot += vg_evt_u64(e, 0);
    if (f->id != F_THREAD_CPU_USER)
      tot += vg_evt_u64(e, 1);
    double d = t->cpu_last ? (double)(tot - t->cpu_last) : 0;
    if (d > 100)
      d = 100;
    t->cpu_last = tot;
    snprintf(buf, len, "%.1f", d);
    return 1;
  }
  default:
    return 0;
  }
}

int vg_sysf_render(const vg_sys_accessor *a, const vg_sysf_ref *f,
                    char *buf, size_t len) {
  const vg_evt *e = a->event(a->ctx);
  vg_thread *t = a->thread(a->ctx);
  char tmp[8192];
  buf[0] = 0;
  if (f->id >= F_EVT_TIME) {
    int r = f->id >= F_NEW_FIRST ? render_new(a, f, e, buf, len)
                                 : render_gen_ctr(a, f, e, buf, len);
    if (r < 0)
      r = render_more(a, f, e, buf, len);
    if (r >= 0)
      return r;
  }
  switch (f->id) {
  case F_EVT_NUM:
    return put_u64(buf, len, a->event_num(a->ctx));
  case F_EVT_TYPE:
    return put(buf, len, evt_name(e));
  case F_EVT_DIR:
    return put(buf, len, (e->type & 1) ? "<" : ">");
  case F_EVT_CPU:
    return put_u64(buf, len, e->cpu);
  case F_EVT_RAWTIME:
    return put_u64(buf, len, e->ts);
  case F_EVT_RAWRES:
    if (!has_retval(e))
      return 0;
    return put_i64(buf, len, retval(e));
  case F_EVT_FAILED:
    return put(buf, len, has_retval(e) && retval(e) < 0 ? "true" : "false");
  case F_EVT_IS_OPEN_READ:
  case F_EVT_IS_OPEN_WRITE:
    return put(buf, len,
               is_open_rw(e, f->id == F_EVT_IS_OPEN_WRITE) ? "true"
                                                            : "false");
  case F_EVT_CATEGORY:
    return put(buf, len, category(e, a->fd(a->ctx)));
  case F_THREAD_TID:
    if (!xid_ok(e->tid))
      return 0;
    return put_i64(buf, len, e->tid);
  case F_EVT_ARG: {
    int idx = f->argname[0] ? param_index(e, f->argname) : (int)f->argn;
    if (idx < 0 || (uint32_t)idx >= e->nparams)
      return 0;
    char res[4096];
    param_text(a, e, (uint32_t)idx, buf, len, res, sizeof res);
    if (res[0])
      put(buf, len, res);
    return 1;
  }
  case F_EVT_ARGS: {
    if (e->type == VG_PPME_GENERIC_X)
      return put(buf, len, "");
    size_t o = 0;
    const vg_event_info *ei = &vg_event_table[e->type];
    char pl[4096], res[4096];
    for (uint32_t i = 0; i < e->nparams && i < ei->nparams; i++) {
      param_text(a, e, i, pl, sizeof pl, res, sizeof res);
      o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s=%s",
                            i ? " " : "", ei->params[i].name, pl);
      if (res[0])
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "(%s)", res);
    }
    return 1;
  }
  case F_EVT_RES: {
    if (!has_retval(e))
      return 0;
    if (retval(e) >= 0)
      return put(buf, len, "SUCCESS");
    char res[256];
    param_text(a, e, 0, buf, len, res, sizeof res);
    if (res[0])
      put(buf, len, res);
    return 1;
  }
  case F_EVT_BUFFER: {
    int idx = param_index(e, "data");
    if (idx < 0)
      return 0;
    char res[64];
    param_text(a, e, (uint32_t)idx, buf, len, res, sizeof res);
    return 1;
  }
  case F_EVT_IS_OPEN_EXEC:
  case F_EVT_IS_OPEN_CREATE: {
    /* PPM flag and mode bits: O_CREAT 1<<2, O_TMPFILE 1<<13,
     * O_F_CREATED 1<<14; S_IXUSR|S_IXGRP|S_IXOTH = 0111 */
    uint32_t fl = 0;
    int v = 0;
    if (e->type == VG_PPME_SYSCALL_OPEN_X ||
        e->type == VG_PPME_SYSCALL_OPENAT_2_X ||
        e->type == VG_PPME_SYSCALL_OPENAT2_X ||
        e->type == VG_PPME_SYSCALL_OPEN_BY_HANDLE_AT_X) {
      int nv = e->type == VG_PPME_SYSCALL_OPENAT_2_X ||
               e->type == VG_PPME_SYSCALL_OPENAT2_X;
      uint32_t fi = nv ? 3 : 2;
      if (fi < e->nparams && e->plen[fi])
        fl = vg_evt_u32(e, fi);
      if (f->id == F_EVT_IS_OPEN_CREATE) {
        /* PPM_O_F_CREATED, or PPM_O_TMPFILE on success */
        v = (fl & (1u << 14)) ||
            ((fl & (1u << 13)) && has_retval(e) && retval(e) >= 0);
      } else if ((fl & ((1u << 13) | (1u << 2))) &&
                 e->type != VG_PPME_SYSCALL_OPEN_BY_HANDLE_AT_X) {
        /* open_by_handle_at has no mode */
        uint32_t mi = nv ? 4 : 3;
        if (mi < e->nparams && e->plen[mi])
          v = (vg_evt_u32(e, mi) & 0111) != 0;
      }
    } else if (f->id == F_EVT_IS_OPEN_EXEC &&
               e->type == VG_PPME_SYSCALL_CREAT_X && e->nparams > 2) {
      v = (vg_evt_u32(e, 2) & 0111) != 0;
    }
    return put(buf, len, v ? "true" : "false");
  }
  default:
    break;
  }
  if ((f->id >= F_THREAD_TID && f->id <= F_GROUP_NAME) ||
      (f->id >= F_PROC_ENV && f->id <= F_THREAD_VTID) ||
      (f->id >= F_THREAD_CAP_PRM && f->id <= F_PROC_PIDNS_START)) {
    if (!t)
      return 0;
    switch (f->id) {
    case F_PROC_PID:
      return xid_ok(t->pid) ? put_i64(buf, len, t->pid) : 0;
    case F_PROC_NAME:
    case F_PROC_EXE:
    case F_PROC_EXEPATH:
      return put(buf, len, proc_str(f->id, t));
    case F_PROC_CMDLINE:
      cmdline(t, buf, len);
      return 1;
    case F_PROC_ARGS:
      if (f->argn >= 0) {
        /* the N-th argument after argv[0] */
        const char *p = t->args, *end = p ? p + t->args_len : NULL;
        int64_t k = 0;
        buf[0] = 0;
        while (t->nargs && p <= end) {
          size_t el = strnlen(p, (size_t)(end - p));
          if (k == f->argn) {
            snprintf(buf, len, "%.*s", (int)el, p);
            break;
          }
          k++;
          p += el + 1;
        }
        return 1;
      }
      join_args(t, buf, len);
      return 1;
    case F_PROC_CWD: {
      vg_thread *m = a->main_thread(a->ctx, t);
      return put(buf, len, m ? m->cwd : "./");
    }
    case F_PROC_SID:
      return put_i64(buf, len, t->sid);
    case F_PROC_VPGID:
      return put_i64(buf, len, t->vpgid);
    case F_PROC_IS_MAIN:
      return put(buf, len,
                 t->tid == t->pid || (t->flags & (1u << 30)) ? "true"
                                                            : "false");
    case F_PROC_PPID:
    case F_PROC_PNAME:
    case F_PROC_PEXE:
    case F_PROC_PEXEPATH:
    case F_PROC_PCMDLINE: {
      vg_thread *p = ancestor(a, t, 1);
      if (!p)
        return 0;
      if (f->id == F_PROC_PPID)
        return xid_ok(p->pid) ? put_i64(buf, len, p->pid) : 0;
      if (f->id == F_PROC_PNAME)
        return put(buf, len, p->comm);
      if (f->id == F_PROC_PEXE)
        return put(buf, len, p->exe);
      if (f->id == F_PROC_PEXEPATH)
        return put(buf, len, p->exepath);
      cmdline(p, buf, len);
      return 1;
    }
    case F_PROC_APID: {
      vg_thread *p = ancestor(a, t, f->argn < 0 ? 0 : f->argn);
      if (!p || !xid_ok(p->pid))
        return 0;
      return put_i64(buf, len, p->pid);
    }
    case F_PROC_ANAME:
    case F_PROC_AEXE:
    case F_PROC_AEXEPATH: {
      if (f->argn >= 0) {
        vg_thread *p = ancestor(a, t, f->argn);
        if (!p)
          return 0;
        return put(buf, len, anc_str(f->id, p));
      }
      vg_thread *m = a->main_thread(a->ctx, t);
      if (!m)
        return 0;
      size_t o = 0;
      vg_thread *chain[256];
      size_t nc = parent_chain(a, m, chain, 256);
      for (size_t k = 0; k < nc; k++) {
        vg_thread *p = chain[k];
        const char *v = anc_str(f->id, p);
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
                              o ? " " : "", v);
      }
      return o > 0;
    }
    case F_USER_UID:
      return put_u64(buf, len, t->uid);
    case F_THREAD_CAP_PRM:
    case F_THREAD_CAP_EFF:
    case F_THREAD_CAP_INH: {
      uint64_t c = f->id == F_THREAD_CAP_PRM ? t->cap_permitted
                   : f->id == F_THREAD_CAP_EFF ? t->cap_effective
                                                : t->cap_inheritable;
      size_t o = 0;
      buf[0] = 0;
      for (int i = 0; i < VG_CAP_MAX && i < 64; i++)
        if ((c >> i) & 1u)
          o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
                                o ? " " : "", vg_cap_names[i]);
      return 1;
    }
    case F_PROC_EXE_INO:
    case F_PROC_EXE_INO_CTIME:
    case F_PROC_EXE_INO_MTIME:
    case F_PROC_EXE_INO_DUR_CLONE:
    case F_PROC_EXE_INO_DUR_PIDNS:
    case F_PROC_PIDNS_START: {
      uint64_t v = f->id == F_PROC_EXE_INO ? t->exe_ino
                   : f->id == F_PROC_EXE_INO_CTIME ? t->exe_ino_ctime
                   : f->id == F_PROC_EXE_INO_MTIME ? t->exe_ino_mtime
                   : f->id == F_PROC_EXE_INO_DUR_CLONE
                       ? t->exe_ino_ctime_duration_clone_ts
                   : f->id == F_PROC_EXE_INO_DUR_PIDNS
                       ? t->exe_ino_ctime_duration_pidns_start
                       : t->pidns_init_start_ts;
      /* 0 means unknown; times print as libsinsp prints ABSTIME fields */
      return v ? put_u64(buf, len, v) : 0;
    }
    case F_PROC_ENV:
      if (f->argname[0])
        env_get(a, t, f->argname, buf, len);
      else
        env_all(a, t, buf, len);
      return 1;
    case F_PROC_TTY:
      return put_u64(buf, len, t->tty);
    case F_PROC_VPID:
      return t->vpid == -1 ? 0 : put_i64(buf, len, t->vpid);
    case F_THREAD_VTID:
      return t->vtid == -1 ? 0 : put_i64(buf, len, t->vtid);
    case F_PROC_SNAME: {
      /* the session leader: the thread whose tid is the session id, or
       * else the oldest ancestor in an unbroken run of the same session */
      if (t->sid == -1)
        return put(buf, len, "");
      int in_ns = (t->flags & (1u << 29)) ||
                  (t->tid != t->vtid && t->vtid >= 0);
      if (!in_ns) {
        vg_thread *l = a->find_thread(a->ctx, t->sid);
        if (l)
          return put(buf, len, l->comm);
      }
      vg_thread *chain[256];
      vg_thread *leader = NULL;
      size_t nc = parent_chain(a, t, chain, 256);
      for (size_t k = 0; k < nc && chain[k]->sid == t->sid; k++)
        leader = chain[k];
      return put(buf, len, leader ? leader->comm : "");
    }
    case F_PROC_DURATION:
      if (t->clone_ts == 0)
        return 0;
      /* a RELTIME: printed unsigned even if the clock went back */
      return put_u64(buf, len, e->ts - t->clone_ts);
    case F_PROC_EXE_UPPER:
      return put(buf, len, t->exe_upper_layer ? "true" : "false");
    case F_PROC_EXE_LOWER:
      return put(buf, len, t->exe_lower_layer ? "true" : "false");
    case F_PROC_EXE_MEMFD:
      return put(buf, len, t->exe_from_memfd ? "true" : "false");
    case F_PROC_EXE_WRITABLE:
      return put(buf, len, t->exe_writable ? "true" : "false");
    case F_PROC_VPGID_LEADER:
      return put(buf, len, t->vpgid == t->vpid ? "true" : "false");
    case F_PROC_SID_LEADER:
      return put(buf, len, t->sid == t->vpid ? "true" : "false");
    case F_PROC_NARGS:
      return put_u64(buf, len, t->nargs);
    case F_USER_LOGINNAME: {
      const vg_user *u = a->user(a->ctx, t->loginuid);
      if (u)
        return put(buf, len, u->name);
      return put(buf, len, t->loginuid == 0 ? "root" : "<NA>");
    }
    case F_USER_LOGINUID:
      return put_i64(buf, len, t->loginuid < 0xFFFFFFFFu
                                   ? (int64_t)t->loginuid : -1);
    case F_USER_NAME:
    case F_USER_HOMEDIR:
    case F_USER_SHELL: {
      const vg_user *u = a->user(a->ctx, t->uid);
      if (!u) {
        if (f->id == F_USER_NAME)
          return put(buf, len, t->uid == 0 ? "root" : "<NA>");
        if (f->id == F_USER_HOMEDIR)
          return put(buf, len, t->uid == 0 ? "/root" : "<NA>");
        return put(buf, len, "<NA>");
      }
      return put(buf, len, f->id == F_USER_NAME ? u->name
                           : f->id == F_USER_HOMEDIR ? u->home
                                                     : u->shell);
    }
    case F_GROUP_GID:
      return put_u64(buf, len, t->gid);
    case F_GROUP_NAME: {
      const vg_user *g = a->group(a->ctx, t->gid);
      return put(buf, len, g ? g->name : t->gid == 0 ? "root" : "<NA>");
    }
    default:
      return 0;
    }
  }
  /* fd fields */
  if (!evt_has_fd(e) || !t)
    return 0;
  vg_fdinfo *fd = evt_fdinfo(a, t);
  switch (f->id) {
  case F_FD_NUM:
    return put_i64(buf, len, t->lastevent_fd);
  case F_FD_NAME:
    if (!fd)
      return fdname_from_event(a, e, t, buf, len);
    return put(buf, len, fd->name);
  case F_FD_NAMERAW: {
    /* the raw path only open calls record, with "//" runs folded */
    if (!fd) {
      if (!fdname_from_event_raw(a, e, t, buf, len, 1))
        return 0;
    } else {
      put(buf, len, fd->name_raw ? fd->name_raw : "");
    }
    size_t o = 0;
    for (size_t i = 0; buf[i]; i++)
      if (!(buf[i] == '/' && o > 0 && buf[o - 1] == '/'))
        buf[o++] = buf[i];
    buf[o] = 0;
    return 1;
  }
  case F_FD_TYPE:
    return fd ? put(buf, len, typestr(fd->type)) : 0;
  case F_FD_TYPECHAR:
    buf[0] = fd ? typechar(fd->type) : evt_typechar(e->type);
    buf[1] = 0;
    return 1;
  case F_FD_DIRECTORY: {
    if (!fd) {
      if (!fdname_from_event(a, e, t, tmp, sizeof tmp))
        return 0;
    } else if (fd->type != FDT_FILE && fd->type != FDT_FILE_V2 &&
               fd->type != FDT_DIRECTORY) {
      return 0;
    } else {
      put(tmp, sizeof tmp, fd->name);
    }
    path_dir(tmp, 0, !fd || fd->type == FDT_FILE || fd->type == FDT_FILE_V2);
    return put(buf, len, tmp);
  }
  case F_FD_FILENAME: {
    if (!fd || (fd->type != FDT_FILE && fd->type != FDT_FILE_V2))
      return 0;
    const char *slash = strrchr(fd->name, '/');
    if (!slash)
      return put(buf, len, "/");
    return put(buf, len, slash[1] ? slash + 1 : fd->name);
  }
  case F_FD_L4PROTO: {
    if (!fd)
      return 0;
    switch (l4proto(fd)) {
    case 2: return put(buf, len, "tcp");
    case 3: return put(buf, len, "udp");
    case 4: return put(buf, len, "icmp");
    case 5: return put(buf, len, "raw");
    default: return put(buf, len, "<NA>");
    }
  }
  case F_FD_CIP:
    if (!fd || role_none(fd))
      return 0;
    if (fd->type == FDT_IPV4)
      fmt_ip(buf, len, fd->sock + VG_S4_SIP, 0);
    else if (fd->type == FDT_IPV6)
      fmt_ip(buf, len, fd->sock + VG_S6_SIP, 1);
    else
      return 0;
    return 1;
  case F_FD_SIP:
    if (!fd || role_none(fd))
      return 0;
    if (fd->type == FDT_IPV4)
      fmt_ip(buf, len, fd->sock + VG_S4_DIP, 0);
    else if (fd->type == FDT_IPV6)
      fmt_ip(buf, len, fd->sock + VG_S6_DIP, 1);
    else if (fd->type == FDT_IPV4S)
      fmt_ip(buf, len, fd->sock + VG_SV4_IP, 0);
    else if (fd->type == FDT_IPV6S)
      fmt_ip(buf, len, fd->sock + VG_SV6_IP, 1);
    else
      return 0;
    return 1;
  case F_FD_CPORT:
    if (!fd || role_none(fd))
      return 0;
    if (fd->type == FDT_IPV4)
      return put_u64(buf, len, vg_sock_u16(fd, VG_S4_SPORT));
    if (fd->type == FDT_IPV6)
      return put_u64(buf, len, vg_sock_u16(fd, VG_S6_SPORT));
    return 0;
  case F_FD_CONNECTED:
    if (!fd)
      return 0;
    return put(buf, len, (fd->flags & VG_FD_CONNECTED) ? "true" : "false");
  case F_FD_NAME_CHANGED:
    if (!fd)
      return 0;
    return put(buf, len, a->fd_name_changed && a->fd_name_changed(a->ctx)
                             ? "true" : "false");
  case F_FD_IPNAME:
    return 0; /* no name resolution when replaying captures */
  case F_FD_CNET:
  case F_FD_SNET:
  case F_FD_LNET:
  case F_FD_RNET: {
    /* the address, printed by its IPNET type: a fixed text */
    vg_sysf_ref r = *f;
    r.id = f->id == F_FD_CNET   ? F_FD_CIP
           : f->id == F_FD_SNET ? F_FD_SIP
           : f->id == F_FD_LNET ? F_FD_LIP
                                : F_FD_RIP;
    if (!vg_sysf_render(a, &r, tmp, sizeof tmp))
      return 0;
    return put(buf, len, "<IPNET>");
  }
  case F_FD_SOCKFAMILY:
    if (!fd)
      return 0;
    if (fd->type >= FDT_IPV4 && fd->type <= FDT_IPV6S)
      return put(buf, len, "ip");
    if (fd->type == 8)
      return put(buf, len, "unix");
    return 0;
  case F_FD_IS_SERVER:
    if (!fd)
      return 0;
    if (fd->type == FDT_IPV4S || fd->type == FDT_IPV6S)
      return put(buf, len, "true");
    if (fd->type == FDT_IPV4 || fd->type == FDT_IPV6)
      return put(buf, len, is_local(a, fd->sock + (fd->type == FDT_IPV4
                                                        ? VG_S4_DIP
                                                        : VG_S6_DIP),
                                    fd->type == FDT_IPV6)
                               ? "true" : "false");
    return put(buf, len, "false");
  case F_FD_LIP:
  case F_FD_RIP:
  case F_FD_LPORT:
  case F_FD_RPORT: {
    if (!fd || (fd->type != FDT_IPV4 && fd->type != FDT_IPV6) ||
        role_none(fd))
      return 0;
    int v6 = fd->type == FDT_IPV6;
    const uint8_t *sip = fd->sock + (v6 ? VG_S6_SIP : VG_S4_SIP);
    const uint8_t *dip = fd->sock + (v6 ? VG_S6_DIP : VG_S4_DIP);
    uint16_t sport = vg_sock_u16(fd, v6 ? VG_S6_SPORT : VG_S4_SPORT);
    uint16_t dport = vg_sock_u16(fd, v6 ? VG_S6_DPORT : VG_S4_DPORT);
    int local = is_local(a, sip, v6);
    int want_src = (f->id == F_FD_LIP || f->id == F_FD_LPORT) == local;
    if (f->id == F_FD_LIP || f->id == F_FD_RIP) {
      fmt_ip(buf, len, want_src ? sip : dip, v6);
      return 1;
    }
    return put_u64(buf, len, want_src ? sport : dport);
  }
  case F_FD_SPORT:
    if (!fd)
      return 0;
    if (fd->type == FDT_IPV4 || fd->type == FDT_IPV6) {
      if (role_none(fd))
        return 0;
      return put_u64(buf, len, vg_sock_u16(fd, fd->type == FDT_IPV4
                                                   ? VG_S4_DPORT
                                                   : VG_S6_DPORT));
    }
    if (fd->type == FDT_IPV4S)
      return put_u64(buf, len, vg_sock_u16(fd, VG_SV4_PORT));
    if (fd->type == FDT_IPV6S)
      return put_u64(buf, len, vg_sock_u16(fd, VG_SV6_PORT));
    return 0;
  default:
    return 0;
  }
}

/* ------------------------------------------------------------ state */

static const vg_evt *st_event(void *c) { return vg_sys_current(c); }
static uint64_t st_num(void *c) { return vg_sys_event_num(c); }
static vg_thread *st_thread(void *c) { return vg_sys_evt_thread(c); }
static vg_thread *st_find(void *c, int64_t tid) { return vg_sys_find(c, tid); }
static vg_thread *st_main(void *c, vg_thread *t) {
  return vg_sys_main_thread(c, t);
}
static vg_fdinfo *st_fd(void *c) { return vg_sys_evt_fd(c); }
static vg_fdinfo *st_get_fd(void *c, vg_thread *t, int64_t fd) {
  return vg_sys_get_fd(c, t, fd);
}
static const vg_user *st_user(void *c, uint32_t id) {
  return vg_sys_user(c, id);
}
static const vg_user *st_group(void *c, uint32_t id) {
  return vg_sys_group(c, id);
}

static int st_name_changed(void *c) { return vg_sys_fd_name_changed(c); }
static const vg_container *st_container(void *c, const char *id) {
  return vg_sys_container(c, id);
}
static const vg_container *st_evt_container(void *c) {
  return vg_sys_evt_container(c);
}
static const char *st_hostname(void *c) { return vg_sys_hostname(c); }
static uint64_t st_first_ts(void *c) { return vg_sys_first_ts(c); }

static const vg_sys_evtx *st_evtx(void *c) { return vg_sys_evt_extra(c); }
static uint64_t st_group_threads(void *c, int64_t pid, int *alive) {
  return vg_sys_group_threads(c, pid, alive);
}

static int st_local(void *c, const uint8_t *ip, int v6) {
  return vg_sys_is_local_addr(c, ip, v6);
}

void vg_sys_accessor_for_state(vg_sys_accessor *a, vg_sysstate *s) {
  a->is_local_addr = st_local;
  a->fd_name_changed = st_name_changed;
  a->ctx = s;
  a->event = st_event;
  a->event_num = st_num;
  a->thread = st_thread;
  a->find_thread = st_find;
  a->main_thread = st_main;
  a->fd = st_fd;
  a->get_fd = st_get_fd;
  a->user = st_user;
  a->group = st_group;
  a->container = st_container;
  a->evt_container = st_evt_container;
  a->hostname = st_hostname;
  a->first_ts = st_first_ts;
  a->evtx = st_evtx;
  a->group_threads = st_group_threads;
}

/* ------------------------------------------------------------ typed */

#define MAX_CHAIN 256

/* the ancestors of the event's thread's main thread for the proc.a*
 * fields without an index, at most max (and MAX_CHAIN) of them */
static size_t evt_chain(const vg_sys_accessor *a, vg_thread **chain,
                        size_t max) {
  vg_thread *th = a->thread(a->ctx);
  vg_thread *m = th ? a->main_thread(a->ctx, th) : NULL;
  return m ? parent_chain(a, m, chain, max < MAX_CHAIN ? max : MAX_CHAIN)
           : 0;
}

int vg_sysf_needs_old_fd_name(const vg_sysf_ref *f) {
  return f->id == F_FD_NAME_CHANGED;
}

vg_ftype vg_sysf_type(const vg_sysf_ref *f) {
  switch (f->id) {
  case F_EVT_NUM: case F_PROC_NARGS:
    return VG_FT_UINT64;
  case F_EVT_CPU:
    return VG_FT_INT16;
  case F_EVT_RAWTIME:
    return VG_FT_ABSTIME;
  case F_PROC_DURATION:
    return VG_FT_RELTIME;
  case F_EVT_RAWRES: case F_THREAD_TID: case F_PROC_PID: case F_PROC_PPID:
  case F_PROC_APID: case F_PROC_SID: case F_PROC_VPGID: case F_USER_LOGINUID:
  case F_FD_NUM: case F_PROC_VPID: case F_THREAD_VTID:
    return VG_FT_INT64;
  case F_USER_UID: case F_GROUP_GID: case F_PROC_TTY:
    return VG_FT_UINT32;
  case F_PROC_EXE_INO:
    return VG_FT_INT64;
  case F_PROC_PIDNS_START:
    return VG_FT_UINT64;
  case F_PROC_EXE_INO_CTIME: case F_PROC_EXE_INO_MTIME:
  case F_PROC_EXE_INO_DUR_CLONE: case F_PROC_EXE_INO_DUR_PIDNS:
    return VG_FT_ABSTIME;
  case F_FD_CONNECTED: case F_FD_NAME_CHANGED:
    return VG_FT_BOOL;
  case F_EVT_IS_OPEN_READ: case F_EVT_IS_OPEN_WRITE: case F_EVT_FAILED:
  case F_EVT_IS_OPEN_EXEC: case F_EVT_IS_OPEN_CREATE: case F_PROC_IS_MAIN:
  case F_PROC_EXE_UPPER: case F_PROC_EXE_LOWER: case F_PROC_EXE_MEMFD:
  case F_PROC_EXE_WRITABLE: case F_PROC_VPGID_LEADER:
  case F_PROC_SID_LEADER: case F_FD_IS_SERVER:
    return VG_FT_BOOL;
  case F_FD_SIP: case F_FD_CIP: case F_FD_LIP: case F_FD_RIP: case F_FD_IP:
    return VG_FT_IPADDR;
  case F_FD_NET: case F_FD_CNET: case F_FD_SNET: case F_FD_LNET:
  case F_FD_RNET:
    return VG_FT_IPNET;
  case F_FD_SPORT: case F_FD_CPORT: case F_FD_LPORT: case F_FD_RPORT:
  case F_FD_PORT:
    return VG_FT_PORT;
  case F_EVT_BUFFER:
    return VG_FT_BYTEBUF;
  case F_EVT_RAWTIME_S: case F_EVT_RAWTIME_NS: case F_CT_START_TS:
    return VG_FT_ABSTIME;
  case F_EVT_RELTIME: case F_EVT_RELTIME_S: case F_EVT_RELTIME_NS:
  case F_CT_DURATION:
    return VG_FT_RELTIME;
  case F_EVT_IS_IO: case F_EVT_IS_IO_READ: case F_EVT_IS_IO_WRITE:
  case F_EVT_IS_WAIT:
    return VG_FT_BOOL;
  case F_EVT_COUNT: case F_EVT_TYPE_IS:
    return VG_FT_UINT32;
  case F_EVT_BUFLEN:
  case F_PROC_CMDLENARGS: case F_PROC_VMSIZE: case F_PROC_VMRSS:
  case F_PROC_VMSWAP: case F_THREAD_PFMAJOR: case F_THREAD_PFMINOR:
  case F_THREAD_VMSIZE: case F_THREAD_VMRSS: case F_THREAD_VMSIZE_B:
  case F_THREAD_VMRSS_B:
    return VG_FT_UINT64;
  case F_PROC_PVPID: case F_PROC_PGID: case F_PROC_FDLIMIT:
    return VG_FT_INT64;
  /* the rest of the catalog */
  case F_EVT_LATENCY: case F_EVT_LATENCY_S: case F_EVT_LATENCY_NS:
  case F_EVT_WAIT_LATENCY: case F_EVT_DELTA: case F_EVT_DELTA_S:
  case F_EVT_DELTA_NS: case F_PROC_PPID_DURATION: case F_PROC_PID_TS:
  case F_PROC_PPID_TS: case F_THREAD_EXECTIME: case F_THREAD_TOTEXECTIME:
    return VG_FT_RELTIME;
  case F_EVT_LATENCY_Q: case F_EVT_AROUND: case F_EVT_BUFLEN_IN:
  case F_EVT_BUFLEN_OUT: case F_EVT_BUFLEN_FILE: case F_EVT_BUFLEN_FILE_IN:
  case F_EVT_BUFLEN_FILE_OUT: case F_EVT_BUFLEN_NET:
  case F_EVT_BUFLEN_NET_IN: case F_EVT_BUFLEN_NET_OUT:
  case F_PROC_FDOPENCOUNT: case F_PROC_NTHREADS: case F_PROC_NCHILDS:
  case F_UTIL_CNT:
    return VG_FT_UINT64;
  case F_EVT_COUNT_ERROR: case F_EVT_COUNT_ERROR_FILE:
  case F_EVT_COUNT_ERROR_NET: case F_EVT_COUNT_ERROR_MEMORY:
  case F_EVT_COUNT_ERROR_OTHER: case F_EVT_COUNT_EXIT:
  case F_EVT_COUNT_PROCINFO: case F_EVT_COUNT_THREADINFO:
    return VG_FT_UINT32;
  case F_EVT_IS_SYSLOG: case F_PROC_PGID_LEADER: case F_FD_UPPER:
  case F_FD_LOWER:
    return VG_FT_BOOL;
  case F_PROC_LOGINSHELLID: case F_FD_INO:
    return VG_FT_INT64;
  case F_FD_DEV: case F_FD_DEV_MAJOR: case F_FD_DEV_MINOR:
    return VG_FT_INT32;
  case F_PROC_FDUSAGE: case F_THREAD_CPU: case F_THREAD_CPU_USER:
  case F_THREAD_CPU_SYSTEM:
    return VG_FT_DOUBLE;
  case F_EVT_RAWARG: {
    /* typed as the first parameter of that name, as libsinsp does before
     * it sees an event: integers widened to 64 bits */
    const vg_param_info *pi = param_by_name(f->argname);
    int sign;
    if (pi && int_param(pi->type, &sign))
      return sign ? VG_FT_INT64 : VG_FT_UINT64;
    return VG_FT_CHARBUF;
  }
  case F_EVT_IS_ASYNC: case F_CT_PRIVILEGED: case F_CT_HOST_PID:
  case F_CT_HOST_NET: case F_CT_HOST_IPC: case F_CT_IS_HEALTHCHECK:
  case F_CT_IS_LIVENESS: case F_CT_IS_READINESS:
    return VG_FT_BOOL;
  default:
    return VG_FT_CHARBUF;
  }
}

int vg_sysf_json_kind(const vg_sysf_ref *f) {
  switch (f->id) {
  /* libsinsp's extract_as_js overrides */
  case F_EVT_TIME: case F_EVT_TIME_S: case F_EVT_TIME_ISO:
  case F_EVT_DATETIME: case F_EVT_DATETIME_S: case F_EVT_OUTPUTTIME:
    return VG_SJ_TS;
  case F_EVT_RAWTIME: case F_EVT_RAWTIME_S: case F_EVT_RAWTIME_NS:
  case F_EVT_RELTIME: case F_EVT_RELTIME_S: case F_EVT_RELTIME_NS:
  case F_EVT_LATENCY: case F_EVT_LATENCY_S: case F_EVT_LATENCY_NS:
  case F_EVT_DELTA: case F_EVT_DELTA_S: case F_EVT_DELTA_NS:
  case F_EVT_COUNT:
    return VG_SJ_NUMBER;
  /* numbers printed without a decimal format */
  case F_EVT_TYPE_IS: case F_FD_PORT:
    return VG_SJ_NULL;
  case F_FD_DEV:
    return VG_SJ_STRING;
  case F_FD_TYPES:
    return VG_SJ_LIST;
  case F_EVT_RAWARG: {
    const vg_param_info *pi = param_by_name(f->argname);
    int sign;
    int w = pi ? int_param(pi->type, &sign) : 0;
    if (!w)
      return pi && pi->type == PT_DOUBLE_ ? VG_SJ_DOUBLE : VG_SJ_STRING;
    if (pi->fmt == VG_PF_DEC || pi->fmt == VG_PF_ID)
      return VG_SJ_NUMBER;
    if (pi->fmt == VG_PF_NA)
      return w == 8 && sign ? VG_SJ_STRING : VG_SJ_NULL;
    return VG_SJ_STRING;
  }
  default:
    break;
  }
  switch (vg_sysf_type(f)) {
  case VG_FT_BOOL:
    return VG_SJ_BOOL;
  case VG_FT_DOUBLE:
    return VG_SJ_DOUBLE;
  case VG_FT_INT8: case VG_FT_INT16: case VG_FT_INT32: case VG_FT_INT64:
  case VG_FT_UINT8: case VG_FT_UINT16: case VG_FT_UINT32: case VG_FT_UINT64:
  case VG_FT_PORT: case VG_FT_RELTIME: case VG_FT_ABSTIME:
    return VG_SJ_NUMBER;
  default:
    return VG_SJ_STRING;
  }
}

/* Converts rendered text to a typed value. */
static int typed_from_text(vg_ftype t, const char *txt, vg_value *v) {
  char *end = NULL;
  v->type = t;
  switch (t) {
  case VG_FT_INT16:
  case VG_FT_INT32:
  case VG_FT_INT64:
    v->v.i = strtoll(txt, &end, 10);
    return end && end != txt;
  case VG_FT_DOUBLE:
    v->v.d = strtod(txt, &end);
    return end && end != txt;
  case VG_FT_UINT32:
  case VG_FT_UINT64:
  case VG_FT_PORT:
  case VG_FT_RELTIME:
  case VG_FT_ABSTIME:
    v->v.u = strtoull(txt, &end, 10);
    return end && end != txt;
  case VG_FT_BOOL:
    v->v.b = strcmp(txt, "true") == 0;
    return 1;
  case VG_FT_IPADDR:
  case VG_FT_IPNET:
    memset(&v->v.ip, 0, sizeof v->v.ip);
    if (inet_pton(AF_INET, txt, v->v.ip.addr) == 1) {
      v->v.ip.prefix = 32;
      return 1;
    }
    if (inet_pton(AF_INET6, txt, v->v.ip.addr) == 1) {
      v->v.ip.v6 = 1;
      v->v.ip.prefix = 128;
      return 1;
    }
    return 0;
  default:
    return 0;
  }
}

/* ---- typed fast path -------------------------------------------------
 * The fields rules read most, extracted straight from the event and the
 * thread/fd state into typed values (strings point into the state, valid
 * while the event is): the same values as rendering the text and parsing
 * it back (typed_from_text), which tests/speed2 checks field by field over
 * the conformance captures. Returns 0 when the field (or this case of it)
 * is left to the text path. */

/* A number as typed_from_text would read its decimal text. */
static int fast_num(vg_ftype t, int is_signed, uint64_t u, vg_value *v) {
  v->type = t;
  switch (t) {
  case VG_FT_INT16:
  case VG_FT_INT32:
  case VG_FT_INT64:
    /* strtoll saturates above INT64_MAX */
    v->v.i = is_signed ? (int64_t)u
             : u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
    return 1;
  case VG_FT_UINT32:
  case VG_FT_UINT64:
  case VG_FT_PORT:
  case VG_FT_RELTIME:
  case VG_FT_ABSTIME:
    v->v.u = u; /* strtoull wraps a negative text the same way */
    return 1;
  default:
    return 0;
  }
}

static int fast_bool(vg_ftype t, int b, vg_value *v) {
  if (t != VG_FT_BOOL)
    return 0;
  v->type = t;
  v->v.b = b != 0;
  return 1;
}

/* A string of the state (not copied) when the text path would not have
 * truncated it. */
static int fast_str(vg_ftype t, const char *s, size_t cap, vg_value *v) {
  if (t != VG_FT_CHARBUF)
    return 0;
  size_t l = strlen(s);
  if (l + 1 >= cap)
    return 0;
  v->type = t;
  v->v.s.p = (const uint8_t *)s;
  v->v.s.n = l;
  return 1;
}

/* 1: handled (*n set, maybe 0), 0: use the text path. */
static inline __attribute__((always_inline)) int
fast_extract(const vg_sys_accessor *a, const vg_sysf_ref *f, vg_ftype ty,
             vg_value *out, size_t *n, uint8_t *scratch, size_t cap,
             size_t *used) {
  const vg_evt *e;
  vg_thread *t;
  *n = 0;
  *used = 0;
  switch (f->id) {
  case F_EVT_NUM:
    *n = (size_t)fast_num(ty, 0, a->event_num(a->ctx), out);
    return (int)*n;
  case F_EVT_TYPE:
    *n = (size_t)fast_str(ty, evt_name(a->event(a->ctx)), cap, out);
    return (int)*n;
  case F_EVT_CPU:
    *n = (size_t)fast_num(ty, 0, a->event(a->ctx)->cpu, out);
    return (int)*n;
  case F_EVT_RAWTIME:
    *n = (size_t)fast_num(ty, 0, a->event(a->ctx)->ts, out);
    return (int)*n;
  case F_EVT_RAWRES:
    e = a->event(a->ctx);
    if (!has_retval(e))
      return 1;
    *n = (size_t)fast_num(ty, 1, (uint64_t)retval(e), out);
    return (int)*n;
  case F_EVT_FAILED:
    e = a->event(a->ctx);
    *n = (size_t)fast_bool(ty, has_retval(e) && retval(e) < 0, out);
    return (int)*n;
  case F_EVT_IS_OPEN_READ:
  case F_EVT_IS_OPEN_WRITE:
    *n = (size_t)fast_bool(
        ty, is_open_rw(a->event(a->ctx), f->id == F_EVT_IS_OPEN_WRITE), out);
    return (int)*n;
  case F_THREAD_TID:
    e = a->event(a->ctx);
    if (!xid_ok(e->tid))
      return 1;
    *n = (size_t)fast_num(ty, 1, (uint64_t)e->tid, out);
    return (int)*n;
  case F_PROC_PID:
  case F_PROC_NAME:
  case F_PROC_EXE:
  case F_PROC_EXEPATH:
  case F_PROC_CWD:
  case F_USER_UID: {
    t = a->thread(a->ctx);
    if (!t)
      return 1;
    switch (f->id) {
    case F_PROC_PID:
      if (!xid_ok(t->pid))
        return 1;
      *n = (size_t)fast_num(ty, 1, (uint64_t)t->pid, out);
      break;
    case F_USER_UID:
      *n = (size_t)fast_num(ty, 0, t->uid, out);
      break;
    case F_PROC_CWD: {
      vg_thread *m = a->main_thread(a->ctx, t);
      *n = (size_t)fast_str(ty, m ? m->cwd : "./", cap, out);
      break;
    }
    default:
      *n = (size_t)fast_str(ty, proc_str(f->id, t), cap, out);
      break;
    }
    return (int)*n;
  }
  case F_FD_NUM:
  case F_FD_NAME:
  case F_FD_TYPE:
  case F_FD_TYPECHAR:
  case F_FD_DIRECTORY:
  case F_FD_NAMERAW: {
    e = a->event(a->ctx);
    t = a->thread(a->ctx);
    if (!evt_has_fd(e) || !t)
      return 1;
    if (f->id == F_FD_NUM) {
      *n = (size_t)fast_num(ty, 1, (uint64_t)t->lastevent_fd, out);
      return (int)*n;
    }
    vg_fdinfo *fd = evt_fdinfo(a, t);
    switch (f->id) {
    case F_FD_NAME:
      if (!fd)
        return 0; /* named from the event: the text path */
      *n = (size_t)fast_str(ty, fd->name, cap, out);
      return (int)*n;
    case F_FD_TYPE:
      if (!fd)
        return 1;
      *n = (size_t)fast_str(ty, typestr(fd->type), cap, out);
      return (int)*n;
    case F_FD_DIRECTORY: {
      if (!fd || ty != VG_FT_CHARBUF)
        return 0;
      int file = fd->type == FDT_FILE || fd->type == FDT_FILE_V2;
      if (!file && fd->type != FDT_DIRECTORY)
        return 1;
      size_t l = strlen(fd->name);
      if (l + 1 >= cap || l + 1 >= 8192)
        return 0; /* the text path truncates */
      memcpy(scratch, fd->name, l + 1);
      l = path_dir((char *)scratch, l, file);
      out->type = ty;
      out->v.s.p = scratch;
      out->v.s.n = l;
      *used = l + 1;
      *n = 1;
      return 1;
    }
    case F_FD_TYPECHAR:
      if (ty != VG_FT_CHARBUF || cap < 2)
        return 0;
      scratch[0] = (uint8_t)(fd ? typechar(fd->type) : evt_typechar(e->type));
      scratch[1] = 0;
      out->type = ty;
      out->v.s.p = scratch;
      out->v.s.n = 1;
      *used = 2;
      *n = 1;
      return 1;
    default: { /* F_FD_NAMERAW: "//" runs folded */
      if (!fd || ty != VG_FT_CHARBUF)
        return 0;
      const char *r = fd->name_raw ? fd->name_raw : "";
      size_t o = 0;
      for (size_t i = 0; r[i]; i++) {
        if (r[i] == '/' && o > 0 && scratch[o - 1] == '/')
          continue;
        if (o + 1 >= cap)
          return 0; /* the text path truncates first */
        scratch[o++] = (uint8_t)r[i];
      }
      scratch[o] = 0;
      out->type = ty;
      out->v.s.p = scratch;
      out->v.s.n = o;
      *used = o + 1;
      *n = 1;
      return 1;
    }
    }
  }
  case F_EVT_ARG: {
    /* flag parameters: the names of the flags set, as param_text gives
     * them (a value without names is left to the text path) */
    e = a->event(a->ctx);
    int idx = f->argname[0] ? param_index(e, f->argname) : (int)f->argn;
    if (idx < 0 || (uint32_t)idx >= e->nparams)
      return 1;
    const vg_event_info *ei = &vg_event_table[e->type];
    if ((uint32_t)idx >= ei->nparams || ty != VG_FT_CHARBUF)
      return 0;
    const vg_param_info *pi = &ei->params[idx];
    uint8_t pt = pi->type;
    uint32_t pl = e->plen[idx];
    if (pl == 0 || pi->names < 0 || !is_flags_type(pt))
      return 0;
    uint32_t v = flags_width(pt, (uint32_t)rd_le(e->p[idx], pl > 8 ? 8 : pl));
    /* the text path renders into 4096 bytes, then into cap */
    flags_text((char *)scratch, cap < 4096 ? cap : 4096,
               &vg_flag_tables[pi->names], v, is_enumflags_type(pt));
    if (!scratch[0])
      return 0;
    out->type = ty;
    out->v.s.p = scratch;
    out->v.s.n = strlen((const char *)scratch);
    *used = out->v.s.n + 1;
    *n = 1;
    return 1;
  }
  case F_CT_ID: {
    const vg_container *c;
    const char *cid;
    if (!evt_ctr(a, a->event(a->ctx), &c, &t, &cid))
      return 1;
    *n = (size_t)fast_str(ty, c ? c->id : cid, cap, out);
    return (int)*n;
  }
  default:
    return 0;
  }
}

vigil_status vg_sysf_extract(const vg_sys_accessor *a, const vg_sysf_ref *f,
                              vg_value *out, size_t max, size_t *n,
                              uint8_t *scratch, size_t cap, size_t *used) {
  return vg_sysf_extract_as(a, f, vg_sysf_type(f), out, max, n, scratch, cap,
                            used);
}

vigil_status vg_sysf_extract_as(const vg_sys_accessor *a,
                                const vg_sysf_ref *f, vg_ftype t,
                                vg_value *out, size_t max, size_t *n,
                                uint8_t *scratch, size_t cap, size_t *used) {
  *n = 0;
  *used = 0;
  if (max == 0 || cap < 2)
    return VIGIL_E_LIMIT;
  if (fast_extract(a, f, t, out, n, scratch, cap, used))
    return VIGIL_OK;
  return vg_sysf_extract_text(a, f, out, max, n, scratch, cap, used);
}

vigil_status vg_sysf_extract_text(const vg_sys_accessor *a,
                                   const vg_sysf_ref *f, vg_value *out,
                                   size_t max, size_t *n, uint8_t *scratch,
                                   size_t cap, size_t *used) {
  vg_ftype t = vg_sysf_type(f);
  *n = 0;
  *used = 0;
  if (max == 0 || cap < 2)
    return VIGIL_E_LIMIT;
  /* fields with several values: endpoints and ancestors */
  if (f->id == F_FD_IP || f->id == F_FD_PORT || f->id == F_FD_NET) {
    vg_sysf_ref r = *f;
    int ids[2];
    if (f->id == F_FD_PORT) {
      ids[0] = F_FD_CPORT;
      ids[1] = F_FD_SPORT;
    } else {
      ids[0] = F_FD_CIP;
      ids[1] = F_FD_SIP;
    }
    for (int k = 0; k < 2 && *n < max; k++) {
      r.id = ids[k];
      if (vg_sysf_render(a, &r, (char *)scratch, cap) &&
          typed_from_text(t, (const char *)scratch, &out[*n]))
        (*n)++;
    }
    return VIGIL_OK;
  }
  if ((f->id == F_PROC_ANAME || f->id == F_PROC_AEXE ||
       f->id == F_PROC_AEXEPATH) && f->argn < 0) {
    vg_thread *chain[MAX_CHAIN];
    size_t nc = evt_chain(a, chain, max);
    size_t off = 0;
    for (size_t k = 0; k < nc; k++) {
      vg_thread *p = chain[k];
      const char *v = anc_str(f->id, p);
      size_t l = strlen(v);
      if (off + l > cap)
        return VIGIL_E_LIMIT;
      memcpy(scratch + off, v, l);
      out[*n].type = VG_FT_CHARBUF;
      out[*n].v.s.p = scratch + off;
      out[*n].v.s.n = l;
      off += l;
      (*n)++;
    }
    *used = off;
    return VIGIL_OK;
  }
  if (f->id == F_PROC_ACMDLINE && f->argn < 0) {
    /* each ancestor's command line is one value */
    vg_thread *chain[MAX_CHAIN];
    size_t nc = evt_chain(a, chain, max);
    size_t off = 0;
    for (size_t k = 0; k < nc; k++) {
      if (off + 2 > cap)
        return VIGIL_E_LIMIT;
      cmdline(chain[k], (char *)scratch + off, cap - off);
      size_t l = strlen((const char *)scratch + off);
      if (off + l + 1 >= cap)
        return VIGIL_E_LIMIT;
      out[*n].type = VG_FT_CHARBUF;
      out[*n].v.s.p = scratch + off;
      out[*n].v.s.n = l;
      off += l + 1;
      (*n)++;
    }
    *used = off;
    return VIGIL_OK;
  }
  if (f->id == F_EVT_TYPE_IS) {
    out[0].type = t;
    out[0].v.u = (uint64_t)type_is_match(a->event(a->ctx), f);
    *n = 1;
    return VIGIL_OK;
  }
  if (f->id == F_FD_TYPES) {
    /* a list: the rendered "(a,b)" split into its values */
    if (!vg_sysf_render(a, f, (char *)scratch, cap))
      return VIGIL_OK;
    size_t l = strlen((const char *)scratch);
    if (l < 2)
      return VIGIL_OK;
    size_t st = 1;
    for (size_t i = 1; i < l; i++) {
      if (scratch[i] != ',' && i != l - 1)
        continue;
      if (i > st) {
        if (*n >= max)
          return VIGIL_E_LIMIT;
        out[*n].type = VG_FT_CHARBUF;
        out[*n].v.s.p = scratch + st;
        out[*n].v.s.n = i - st;
        (*n)++;
      }
      st = i + 1;
    }
    *used = l + 1;
    return VIGIL_OK;
  }
  if (f->id == F_FD_DEV || f->id == F_PROC_FDUSAGE ||
      (f->id == F_EVT_RAWARG && t != VG_FT_CHARBUF)) {
    /* values whose text is not their exact decimal form */
    if (!vg_sysf_render(a, f, (char *)scratch, cap))
      return VIGIL_OK;
    out[0].type = t;
    if (f->id == F_FD_DEV) {
      out[0].v.i = (int32_t)strtoul((const char *)scratch, NULL, 16);
    } else if (f->id == F_PROC_FDUSAGE) {
      vg_thread *th = a->thread(a->ctx);
      vg_thread *m = th ? a->main_thread(a->ctx, th) : NULL;
      int64_t lim = m ? m->fdlimit : 0;
      uint64_t oc = m ? m->fds.n : 0;
      out[0].v.d = lim <= 0 ? 0
                   : oc <= (uint64_t)lim ? (double)oc * 100 / (double)lim
                                         : 100;
    } else {
      const vg_evt *e = a->event(a->ctx);
      int64_t v = 0;
      if (!rawarg_i64(e, f->argname, &v))
        v = 0; /* an empty parameter prints as 0 */
      out[0].v.i = v;
    }
    *n = 1;
    return VIGIL_OK;
  }
  if (f->id == F_EVT_BUFFER) {
    const vg_evt *e = a->event(a->ctx);
    int idx = param_index(e, "data");
    if (idx < 0 || e->plen[idx] == 0)
      return VIGIL_OK;
    out[0].type = VG_FT_BYTEBUF;
    out[0].v.s.p = e->p[idx];
    out[0].v.s.n = e->plen[idx];
    *n = 1;
    return VIGIL_OK;
  }
  if (f->id >= F_FD_CNET && f->id <= F_FD_RNET) {
    vg_sysf_ref r = *f;
    r.id = f->id == F_FD_CNET ? F_FD_CIP : f->id == F_FD_SNET ? F_FD_SIP
           : f->id == F_FD_LNET ? F_FD_LIP : F_FD_RIP;
    if (!vg_sysf_render(a, &r, (char *)scratch, cap))
      return VIGIL_OK;
  } else if (!vg_sysf_render(a, f, (char *)scratch, cap)) {
    return VIGIL_OK;
  }
  if (t == VG_FT_CHARBUF) {
    out[0].type = VG_FT_CHARBUF;
    out[0].v.s.p = scratch;
    out[0].v.s.n = strlen((const char *)scratch);
    *used = out[0].v.s.n + 1;
    *n = 1;
    return VIGIL_OK;
  }
  if (typed_from_text(t, (const char *)scratch, &out[0]))
    *n = 1;
  return VIGIL_OK;
}
