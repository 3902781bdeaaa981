// Declarations shared by the .c files of CSandbox and not exported to Swift.
#ifndef CSANDBOX_INTERNAL_H
#define CSANDBOX_INTERNAL_H

#include "csandbox.h"
#include <sys/types.h>

// MARK: report (report.c)

/// Checks that fd is open and makes it close-on-exec; -1 means stderr only. Returns -errno on failure.
int csbx_report_open(int fd);

/// Closes this process's copy of the report descriptor (the parent and the init do, so that the
/// reader sees end of file once the command runs).
void csbx_report_close(void);

struct csbx_plan;

/// Names the plan whose placeholders a failure removes first (the outer process), or NULL (others).
void csbx_report_set_cleanup(const struct csbx_plan *_Nullable plan);

/// Reports that step failed with err, then exits with CSBX_EXIT_CONFINE.
_Noreturn void csbx_fail(const char *_Nonnull step, int err);

/// Like csbx_fail, and names the path on stderr.
_Noreturn void csbx_fail_path(const char *_Nonnull step, const char *_Nonnull path, int err);

/// Reports step's failure as a degraded layer when the spec allows it; otherwise fails.
void csbx_degrade_or_fail(const csbx_spec *_Nonnull spec, unsigned layer, const char *_Nonnull step, int err);

/// Reports that the command could not be executed and exits with 126 or 127.
_Noreturn void csbx_fail_exec(const char *_Nonnull command, int err);

// MARK: the plan: the spec resolved against the host filesystem before the namespaces exist

/// How a protected path is held read-only.
typedef enum {
    CSBX_PIN_BIND = 1,    ///< a read-only bind of the path onto itself
    CSBX_PIN_DEV_NULL = 2, ///< /dev/null over a symlink or a placeholder for a missing path
} csbx_pin_kind;

typedef struct {
    char *_Nonnull path;
    csbx_pin_kind kind;
    int placeholder; ///< 1: the outer process created this empty file and removes it afterwards
    dev_t dev;
    ino_t ino;
} csbx_pin;

/// The account the command runs as (--user), resolved before the namespaces exist.
typedef struct {
    int active; ///< 0: the caller's identity stays
    const char *_Nullable name;
    uid_t uid;
    gid_t gid;
    gid_t *_Nullable groups; ///< the account's groups, as initgroups(3) would set them
    size_t group_count;
} csbx_identity;

typedef struct csbx_plan {
    char *_Nonnull *_Nullable writable; ///< canonical, sorted shortest first
    size_t writable_count;
    char *_Nonnull *_Nullable tmpfs; ///< canonical
    size_t tmpfs_count;
    char *_Nonnull *_Nullable readonly; ///< canonical
    size_t readonly_count;
    csbx_pin *_Nullable pins;
    size_t pin_count;
    char *_Nullable display_socket; ///< canonical
    const char *_Nullable display_name; ///< its last component
    char *_Nullable cwd; ///< the caller's working directory, entered again inside the new view
    csbx_identity identity;
} csbx_plan;

/// Resolves the spec's paths and creates the placeholders (in the outer process, host view).
void csbx_plan_make(const csbx_spec *_Nonnull spec, csbx_plan *_Nonnull plan);

/// Removes the placeholders that are still the empty files this process created.
void csbx_plan_remove_placeholders(const csbx_plan *_Nonnull plan);

/// Resolves spec->user into plan->identity (getpwnam, getgrouplist); fails unless running as root.
void csbx_identity_resolve(const csbx_spec *_Nonnull spec, csbx_plan *_Nonnull plan);

// MARK: layers, applied by the init process inside the namespaces; each fails via csbx_fail.

/// Becomes plan->identity (groups, gid, uid, each read back) keeping the capabilities the later
/// layers need; parent_alive is a pipe whose other end the outer process holds until it ends.
void csbx_identity_switch(const csbx_plan *_Nonnull plan, int parent_alive);

void csbx_mount_view(const csbx_plan *_Nonnull plan);
void csbx_loopback_up(void);
void csbx_rlimits_apply(const csbx_spec *_Nonnull spec);
void csbx_capabilities_drop(void);
void csbx_no_new_privs(void);
void csbx_landlock_apply(const csbx_spec *_Nonnull spec, const csbx_plan *_Nonnull plan);
void csbx_seccomp_apply(void);

#endif
