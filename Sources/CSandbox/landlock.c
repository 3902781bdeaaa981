// Landlock (Documentation/userspace-api/landlock.rst): read and execute everywhere, every right
// under the writable roots and private tmpfs mounts, and read/write/ioctl on the devices a terminal
// program needs. Rules add up and cannot take a right back (a read-only rule inside a writable root
// changes nothing), so protected paths are held by the mount namespace; Landlock covers what a
// read-only mount does not, such as writing to device nodes and FIFOs, and it keeps even uid 0
// from undoing the mounts.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define CSBX_LL_CREATE_RULESET_VERSION (1U << 0)
#define CSBX_LL_RULE_PATH_BENEATH 1

/// struct landlock_path_beneath_attr; the kernel's is packed.
struct csbx_landlock_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int csbx_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, CSBX_LL_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

csbx_landlock_rights csbx_landlock_rights_for(int abi, int scope_abstract_unix) {
    csbx_landlock_rights r = {{0, 0, 0}, 0, 0, 0};
    if (abi < 1) return r;
    if (abi > CSBX_LL_ABI_KNOWN) abi = CSBX_LL_ABI_KNOWN;
    uint64_t fs = (CSBX_LL_FS_MAKE_SYM << 1) - 1; // ABI 1: bits 0-12
    if (abi >= 2) fs |= CSBX_LL_FS_REFER;
    if (abi >= 3) fs |= CSBX_LL_FS_TRUNCATE;
    if (abi >= 5) fs |= CSBX_LL_FS_IOCTL_DEV;
    r.handled.handled_access_fs = fs;
    // TCP rules (ABI 4) stay unhandled: network off is a private network namespace, which also
    // covers UDP and raw sockets; Landlock's TCP rules do not.
    if (abi >= 6) {
        r.handled.scoped = CSBX_LL_SCOPE_SIGNAL;
        if (scope_abstract_unix) r.handled.scoped |= CSBX_LL_SCOPE_ABSTRACT_UNIX_SOCKET;
    }
    r.read = CSBX_LL_FS_EXECUTE | CSBX_LL_FS_READ_FILE | CSBX_LL_FS_READ_DIR;
    r.write = fs;
    r.device = (CSBX_LL_FS_READ_FILE | CSBX_LL_FS_WRITE_FILE | CSBX_LL_FS_TRUNCATE | CSBX_LL_FS_IOCTL_DEV) & fs;
    return r;
}

uint64_t csbx_landlock_rule_access(uint64_t wanted, uint64_t handled, int is_directory) {
    uint64_t access = wanted & handled;
    return is_directory ? access : access & CSBX_LL_FS_FILE_RIGHTS;
}

size_t csbx_landlock_attr_size(int abi) {
    if (abi >= 6) return sizeof(csbx_landlock_ruleset_attr);
    if (abi >= 4) return 2 * sizeof(uint64_t);
    return sizeof(uint64_t);
}

/// Adds a path-beneath rule. A path that does not exist in this view is skipped (nothing to grant).
static void add_rule(int ruleset, const char *path, uint64_t wanted, uint64_t handled) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return;
        csbx_fail("landlock-rule", errno);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) csbx_fail("landlock-rule", errno);
    struct csbx_landlock_path_beneath rule = {
        .allowed_access = csbx_landlock_rule_access(wanted, handled, S_ISDIR(st.st_mode)),
        .parent_fd = fd,
    };
    if (syscall(__NR_landlock_add_rule, ruleset, CSBX_LL_RULE_PATH_BENEATH, &rule, 0) < 0)
        csbx_fail("landlock-rule", errno);
    close(fd);
}

void csbx_landlock_apply(const csbx_spec *spec, const csbx_plan *plan) {
    int abi = csbx_landlock_abi();
    if (abi < 0) {
        csbx_degrade_or_fail(spec, CSBX_LAYER_LANDLOCK, "landlock", -abi);
        return;
    }
    csbx_landlock_rights rights = csbx_landlock_rights_for(abi, spec->network == CSBX_NETWORK_OFF);
    csbx_landlock_ruleset_attr attr = rights.handled;
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, csbx_landlock_attr_size(abi), 0);
    if (ruleset < 0) csbx_fail("landlock", errno);
    uint64_t handled = rights.handled.handled_access_fs;
    add_rule(ruleset, "/", rights.read, handled);
    for (size_t i = 0; i < plan->writable_count; i++) add_rule(ruleset, plan->writable[i], rights.write, handled);
    for (size_t i = 0; i < plan->tmpfs_count; i++) add_rule(ruleset, plan->tmpfs[i], rights.write, handled);
    add_rule(ruleset, "/dev/shm", rights.write, handled);
    static const char *const devices[] = {
        "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx", "/dev/pts",
    };
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        add_rule(ruleset, devices[i], rights.device | rights.read, handled);
    if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0) csbx_fail("landlock", errno);
    close(ruleset);
}
