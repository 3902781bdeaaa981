// csandbox: the C side of foredesk's Sandbox layer. It holds the confinement routine that
// foredesk-confine runs between its start and execve (namespaces, a read-only filesystem view,
// Landlock, capabilities, no_new_privs, seccomp, limits, cgroup), plus the rule sets as pure values
// (the seccomp program, the Landlock rights per ABI) so that tests can check them without the kernel.
//
// Everything here runs in a single-threaded process: unshare(CLONE_NEWUSER) fails with EINVAL in
// a multithreaded one, and Landlock and seccomp (without TSYNC) apply to the calling thread only.
// Ownership: the library never frees what the caller passes; strings and arrays in csbx_spec must
// outlive csbx_run.
#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Landlock (Documentation/userspace-api/landlock.rst). Debian 12's <linux/landlock.h>
// stops at ABI 2, so the rights of ABI 1-7 are spelled out here.

#define CSBX_LL_FS_EXECUTE (1ULL << 0)
#define CSBX_LL_FS_WRITE_FILE (1ULL << 1)
#define CSBX_LL_FS_READ_FILE (1ULL << 2)
#define CSBX_LL_FS_READ_DIR (1ULL << 3)
#define CSBX_LL_FS_REMOVE_DIR (1ULL << 4)
#define CSBX_LL_FS_REMOVE_FILE (1ULL << 5)
#define CSBX_LL_FS_MAKE_CHAR (1ULL << 6)
#define CSBX_LL_FS_MAKE_DIR (1ULL << 7)
#define CSBX_LL_FS_MAKE_REG (1ULL << 8)
#define CSBX_LL_FS_MAKE_SOCK (1ULL << 9)
#define CSBX_LL_FS_MAKE_FIFO (1ULL << 10)
#define CSBX_LL_FS_MAKE_BLOCK (1ULL << 11)
#define CSBX_LL_FS_MAKE_SYM (1ULL << 12)
#define CSBX_LL_FS_REFER (1ULL << 13)     // ABI 2
#define CSBX_LL_FS_TRUNCATE (1ULL << 14)  // ABI 3
#define CSBX_LL_FS_IOCTL_DEV (1ULL << 15) // ABI 5
#define CSBX_LL_NET_BIND_TCP (1ULL << 0)  // ABI 4
#define CSBX_LL_NET_CONNECT_TCP (1ULL << 1)
#define CSBX_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) // ABI 6
#define CSBX_LL_SCOPE_SIGNAL (1ULL << 1)

/// The rights that Landlock accepts on a rule whose object is not a directory; a rule on a file
/// or device that names any other right fails with EINVAL.
#define CSBX_LL_FS_FILE_RIGHTS                                                                      \
    (CSBX_LL_FS_EXECUTE | CSBX_LL_FS_WRITE_FILE | CSBX_LL_FS_READ_FILE | CSBX_LL_FS_TRUNCATE |     \
     CSBX_LL_FS_IOCTL_DEV)

/// The highest Landlock ABI whose rights this file knows. A newer kernel is used at this level.
#define CSBX_LL_ABI_KNOWN 7

/// struct landlock_ruleset_attr as of ABI 6. Pass csbx_landlock_attr_size(abi) as its size, so an
/// older kernel never sees fields it does not know.
typedef struct {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
} csbx_landlock_ruleset_attr;

/// What a ruleset handles and what each kind of rule grants, for one ABI.
typedef struct {
    csbx_landlock_ruleset_attr handled;
    uint64_t read;  ///< everywhere: execute, read files, list directories
    uint64_t write; ///< under writable roots and tmpfs mounts: every handled right
    uint64_t device; ///< terminal and null-like devices: read, write, truncate, ioctl
} csbx_landlock_rights;

/// The Landlock ABI of the running kernel (1, 2, ...), or -errno: -ENOSYS when the kernel has no
/// Landlock, -EOPNOTSUPP when it is built in but disabled at boot.
int csbx_landlock_abi(void);

/// The rights to handle and grant at abi (a pure function; abi above CSBX_LL_ABI_KNOWN counts as
/// CSBX_LL_ABI_KNOWN). scope_abstract_unix adds abstract Unix socket scoping (ABI >= 6); use it
/// only with a private network namespace, because libxcb gives up on EPERM from the abstract X
/// socket instead of falling back to the path one.
csbx_landlock_rights csbx_landlock_rights_for(int abi, int scope_abstract_unix);

/// The rights to put in a rule on one object: wanted restricted to what the ruleset handles, and to
/// CSBX_LL_FS_FILE_RIGHTS when the object is not a directory.
uint64_t csbx_landlock_rule_access(uint64_t wanted, uint64_t handled, int is_directory);

/// The size of csbx_landlock_ruleset_attr that the kernel at abi expects: 8, 16 (ABI 4) or 24 (ABI 6).
size_t csbx_landlock_attr_size(int abi);

// MARK: seccomp

/// What the filter does with one system call.
typedef struct {
    const char *_Nonnull name; ///< the system call, as in syscalls(2)
    int number;                ///< its number on the native architecture
    int error;                 ///< the errno it fails with
    int argument;              ///< -1: always; else the argument that is checked
    uint32_t match;            ///< the argument bits (JSET) or value (equality) that are denied
    int match_is_mask;         ///< 1: denied when argument & match != 0; 0: when argument == match
} csbx_seccomp_rule;

/// The deny-list, in filter order (ioctl appears once per denied request); *count receives its
/// length. The list is static: never free it.
const csbx_seccomp_rule *_Nonnull csbx_seccomp_rules(size_t *_Nonnull count);

/// The AUDIT_ARCH_ value of the native architecture; system calls of every other one are killed.
uint32_t csbx_seccomp_native_arch(void);

/// The most instructions csbx_seccomp_build writes.
#define CSBX_SECCOMP_MAX_INSTRUCTIONS 256

/// Writes the deny-list as a classic BPF program into out (a pure function). Returns the number of
/// instructions, or 0 when capacity is too small.
size_t csbx_seccomp_build(struct sock_filter *_Nonnull out, size_t capacity);

// MARK: the confinement spec and the run

/// Layers that a spec may allow to be missing (--allow-degraded). Every other layer is required.
enum {
    CSBX_LAYER_LANDLOCK = 1u << 0,
    CSBX_LAYER_CGROUP = 1u << 1,
};

/// The exit status of foredesk-confine itself, as env(1) and chroot(1) do: the confinement
/// failed, the command was found but could not run, or the command was not found.
enum {
    CSBX_EXIT_USAGE = 2,
    CSBX_EXIT_CONFINE = 125,
    CSBX_EXIT_CANNOT_RUN = 126,
    CSBX_EXIT_NOT_FOUND = 127,
};

/// Network access of the confined process.
typedef enum {
    CSBX_NETWORK_OFF = 0, ///< a private network namespace with only loopback, up
    CSBX_NETWORK_ON = 1,  ///< the host's network namespace
} csbx_network;

/// One resource limit (setrlimit), soft and hard alike.
typedef struct {
    int resource;
    uint64_t value;
} csbx_rlimit;

/// What to confine and what to run. Paths are absolute. The caller owns every pointer.
typedef struct {
    const char *_Nonnull const *_Nullable writable; ///< writable roots (read-write bind mounts + Landlock)
    size_t writable_count;
    const char *_Nonnull const *_Nullable protected_paths; ///< read-only again, bound after the roots
    size_t protected_count;
    const char *_Nonnull const *_Nullable tmpfs; ///< fresh private writable tmpfs mounts
    size_t tmpfs_count;
    const char *_Nonnull const *_Nullable readonly; ///< host paths shown read-only, even below a tmpfs
    size_t readonly_count;
    csbx_network network;
    const char *_Nullable display_socket; ///< the only entry of /tmp/.X11-unix inside, or NULL
    const char *_Nonnull const *_Nullable cgroups; ///< cgroup directories to join (e.g. a v2 one for
                                                   ///< kill and freeze, a v1 pids one for the limit)
    size_t cgroup_count;
    int64_t pids_max; ///< written first to pids.max of every cgroup that has one; -1: leave it
    const csbx_rlimit *_Nullable rlimits;
    size_t rlimit_count;
    const int *_Nullable keep_fds; ///< descriptors the command inherits besides 0, 1, 2
    size_t keep_fd_count;
    int report_fd;                  ///< where report lines go (see csbx_run), or -1
    unsigned allow_degraded;        ///< CSBX_LAYER_ bits
    const char *_Nullable user;     ///< run as this account (root only), or NULL for the caller
    const char *_Nonnull const *_Nonnull argv; ///< the command; NULL-terminated, argv[0] non-NULL
} csbx_spec;

/// Confines spec->argv and runs it; returns the exit status for foredesk-confine: the command's
/// own status, 128 + N when signal N ended it, or CSBX_EXIT_CONFINE / _CANNOT_RUN / _NOT_FOUND.
///
/// Each failure and each degraded layer is written to spec->report_fd (set close-on-exec) as one
/// line, `failed step=STEP errno=N` or `degraded layer=LAYER step=STEP errno=N`, and to stderr in
/// words. When the command starts, every copy of the descriptor is closed: end of file with no
/// `failed` line means the command is running.
int csbx_run(const csbx_spec *_Nonnull spec);

#ifdef __cplusplus
}
#endif

#endif
