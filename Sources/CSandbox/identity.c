// Identity (--user): the command runs as another account, the elevated mode's foredesk-offline
// or foredesk-online. Root alone may switch; the account is resolved in the host's view before any
// namespace exists, and PID 1 switches after the mount view (which needs root) and before the
// capabilities go. A uid change alone is not enough (uid 0 without capabilities still owns /etc,
// research F1), and a switch that did not fully happen must never run the command: every id is
// read back, and any mismatch fails the run.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void csbx_identity_resolve(const csbx_spec *spec, csbx_plan *plan) {
    if (!spec->user) return;
    // Only root can give the command another uid; anyone else would only fail later, less clearly.
    if (geteuid() != 0) csbx_fail_path("identity", spec->user, EPERM);
    errno = 0;
    struct passwd *account = getpwnam(spec->user);
    if (!account) csbx_fail_path("identity", spec->user, errno ? errno : ENOENT);
    // Switching to uid 0 would keep every file root owns writable: it is not an identity change.
    if (account->pw_uid == 0) csbx_fail_path("identity", spec->user, EINVAL);
    plan->identity.uid = account->pw_uid;
    plan->identity.gid = account->pw_gid;
    // The account's supplementary groups (foredesk-write, whose ACLs make the roots writable), as
    // initgroups(3) would set them; asked for here, where NSS still sees the host's files.
    int count = 16;
    for (;;) {
        gid_t *groups = calloc((size_t)count, sizeof *groups);
        if (!groups) csbx_fail("identity", ENOMEM);
        int wanted = count;
        if (getgrouplist(account->pw_name, account->pw_gid, groups, &wanted) >= 0) {
            plan->identity.groups = groups;
            plan->identity.group_count = (size_t)wanted;
            break;
        }
        free(groups);
        if (wanted <= count || wanted > 65536) csbx_fail_path("identity", spec->user, EOVERFLOW);
        count = wanted;
    }
    plan->identity.name = spec->user;
    plan->identity.active = 1;
}

static int has_group(const csbx_identity *identity, gid_t gid) {
    for (size_t i = 0; i < identity->group_count; i++)
        if (identity->groups[i] == gid) return 1;
    return 0;
}

/// Whether the process holds exactly the identity's ids: real, effective, saved and file system
/// uid and gid, and the supplementary groups.
static int identity_stuck(const csbx_identity *identity) {
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0) return 0;
    const uid_t uid = identity->uid;
    const gid_t gid = identity->gid;
    if (ruid != uid || euid != uid || suid != uid || rgid != gid || egid != gid || sgid != gid) return 0;
    // setfsuid answers the previous value; asking for an impossible one changes nothing.
    if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid) return 0;
    int count = getgroups(0, NULL);
    if (count < 0 || (size_t)count != identity->group_count) return 0;
    gid_t *groups = calloc((size_t)count + 1, sizeof *groups);
    if (!groups) return 0;
    int ok = getgroups(count, groups) == count;
    for (int i = 0; ok && i < count; i++) ok = has_group(identity, groups[i]);
    free(groups);
    return ok;
}

void csbx_identity_switch(const csbx_plan *plan, int parent_alive) {
    const csbx_identity *identity = &plan->identity;
    if (!identity->active) return;
    if (setgroups(identity->group_count, identity->groups) < 0) csbx_fail("identity", errno);
    if (setresgid(identity->gid, identity->gid, identity->gid) < 0) csbx_fail("identity", errno);
    // The capabilities that the layers after this one still need (loopback, rlimits, the bounding
    // set and the secure bits) survive the uid change in the permitted set; the kernel clears the
    // effective set, and only those few are raised again below, so that from here on every file
    // access (the working directory, Landlock's rule paths) is checked as the account's. The
    // capability step then drops all of them.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) csbx_fail("identity", errno);
    if (setresuid(identity->uid, identity->uid, identity->uid) < 0) csbx_fail("identity", errno);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) csbx_fail("identity", errno);
    if (!identity_stuck(identity)) csbx_fail("identity", EPERM);
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) < 0) csbx_fail("identity", errno);
    static const int needed[] = {CAP_SETPCAP, CAP_NET_ADMIN, CAP_SYS_RESOURCE};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
        int cap = needed[i];
        data[CAP_TO_INDEX(cap)].effective |= data[CAP_TO_INDEX(cap)].permitted & CAP_TO_MASK(cap);
    }
    if (syscall(SYS_capset, &header, data) < 0) csbx_fail("identity", errno);

    // A change of the effective uid clears the parent-death signal (prctl(2)): set it again, then
    // make sure the outer process did not die in between (its end of parent_alive is open as long
    // as it lives, so a hang-up means it is gone and no signal will come).
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) csbx_fail("pdeathsig", errno);
    struct pollfd watch = {.fd = parent_alive, .events = POLLIN};
    int ready;
    do ready = poll(&watch, 1, 0);
    while (ready < 0 && errno == EINTR);
    if (ready < 0) csbx_fail("pdeathsig", errno);
    if (ready > 0 && (watch.revents & (POLLHUP | POLLERR))) _exit(CSBX_EXIT_CONFINE);
}
