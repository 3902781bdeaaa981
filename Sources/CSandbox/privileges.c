// Privileges, limits and the loopback interface, applied inside the namespaces after the mounts.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

void csbx_loopback_up(void) {
    // A new network namespace has lo, down (network_namespaces(7)); nothing else.
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) csbx_fail("loopback", errno);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) csbx_fail("loopback", errno);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) csbx_fail("loopback", errno);
    close(s);
}

void csbx_rlimits_apply(const csbx_spec *spec) {
    for (size_t i = 0; i < spec->rlimit_count; i++) {
        struct rlimit limit = {.rlim_cur = spec->rlimits[i].value, .rlim_max = spec->rlimits[i].value};
        if (setrlimit(spec->rlimits[i].resource, &limit) < 0) csbx_fail("rlimits", errno);
    }
}

void csbx_capabilities_drop(void) {
    // Locked secure bits first, while CAP_SETPCAP is held: uid 0 gains no capability from a later
    // execve, and nothing can raise ambient capabilities (capabilities(7), "securebits").
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                         SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                         SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0) csbx_fail("securebits", errno);
    // The bounding set, so that no execve can bring a capability back; the kernel answers EINVAL
    // past its last capability.
    for (unsigned long cap = 0;; cap++) {
        int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (present < 0 && errno == EINVAL) break;
        if (present < 0) csbx_fail("capabilities", errno);
        if (present && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) csbx_fail("capabilities", errno);
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) csbx_fail("capabilities", errno);
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) < 0) csbx_fail("capabilities", errno);
}

void csbx_no_new_privs(void) {
    // setuid binaries and file capabilities stop working, and seccomp and Landlock need it.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) csbx_fail("no-new-privs", errno);
}
