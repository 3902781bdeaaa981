// The seccomp deny-list (Documentation/userspace-api/seccomp_filter.rst). A deny-list, not an
// allow-list, because the confined commands are arbitrary programs; it removes the calls that
// reach the kernel's large attack surfaces or let a process leave or alter its confinement.
// A system call of another architecture (i386 through int 0x80, x32) is killed, since its numbers
// mean other calls.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define CSBX_NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CSBX_NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "csandbox: seccomp arch not supported (x86_64 and aarch64 are)"
#endif

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#define ALWAYS(nr, err) {#nr, __NR_##nr, err, -1, 0, 0}

static const csbx_seccomp_rule rules[] = {
    // Reading or writing other processes.
    ALWAYS(ptrace, EPERM),
    ALWAYS(process_vm_readv, EPERM),
    ALWAYS(process_vm_writev, EPERM),
    // Changing the filesystem view: the read-only binds must stay.
    ALWAYS(mount, EPERM),
    ALWAYS(umount2, EPERM),
    ALWAYS(pivot_root, EPERM),
    ALWAYS(move_mount, EPERM),
    ALWAYS(open_tree, EPERM),
    ALWAYS(fsopen, EPERM),
    ALWAYS(fsmount, EPERM),
    ALWAYS(fsconfig, EPERM),
    ALWAYS(fspick, EPERM),
    ALWAYS(mount_setattr, EPERM),
    // Kernel attack surface and kernel state.
    ALWAYS(bpf, EPERM),
    ALWAYS(perf_event_open, EPERM),
    ALWAYS(kexec_load, EPERM),
    ALWAYS(kexec_file_load, EPERM),
    ALWAYS(init_module, EPERM),
    ALWAYS(finit_module, EPERM),
    ALWAYS(delete_module, EPERM),
    ALWAYS(keyctl, EPERM),
    ALWAYS(add_key, EPERM),
    ALWAYS(request_key, EPERM),
    ALWAYS(userfaultfd, EPERM),
    // io_uring performs its operations outside seccomp's view.
    ALWAYS(io_uring_setup, EPERM),
    ALWAYS(io_uring_enter, EPERM),
    ALWAYS(io_uring_register, EPERM),
    // Other namespaces: joining them, or a new user namespace (which needs no privilege and
    // gives back every capability inside it).
    ALWAYS(setns, EPERM),
    {"unshare", __NR_unshare, EPERM, 0, CLONE_NEWUSER, 1},
    {"clone", __NR_clone, EPERM, 0, CLONE_NEWUSER, 1},
    // clone3 passes its flags in memory, where a filter cannot look: ENOSYS makes glibc fall back
    // to clone, whose flags it can.
    ALWAYS(clone3, ENOSYS),
    // Typing into a terminal's input queue (TIOCSTI) or the console's (TIOCLINUX). The kernel
    // reads the request as an unsigned int, so only the low 32 bits are compared.
    {"ioctl", __NR_ioctl, EPERM, 1, TIOCSTI, 0},
    {"ioctl", __NR_ioctl, EPERM, 1, TIOCLINUX, 0},
};

const csbx_seccomp_rule *csbx_seccomp_rules(size_t *count) {
    *count = sizeof rules / sizeof rules[0];
    return rules;
}

uint32_t csbx_seccomp_native_arch(void) { return CSBX_NATIVE_ARCH; }

/// The offset of the low 32 bits of argument i in struct seccomp_data.
static uint32_t argument_low(int i) {
    uint32_t offset = (uint32_t)(offsetof(struct seccomp_data, args) + 8 * (size_t)i);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    offset += 4;
#endif
    return offset;
}

size_t csbx_seccomp_build(struct sock_filter *out, size_t capacity) {
    size_t n = 0;
#define EMIT(code, k, jt, jf)                                                                       \
    do {                                                                                            \
        if (n == capacity) return 0;                                                                \
        out[n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);                                   \
    } while (0)
    EMIT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
    EMIT(BPF_JMP | BPF_JEQ | BPF_K, CSBX_NATIVE_ARCH, 1, 0);
    EMIT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
    EMIT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
#if defined(__x86_64__)
    // x32 calls carry AUDIT_ARCH_X86_64 with this bit set in the number.
    EMIT(BPF_JMP | BPF_JSET | BPF_K, __X32_SYSCALL_BIT, 0, 1);
    EMIT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
#endif
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const csbx_seccomp_rule *r = &rules[i];
        uint32_t deny = SECCOMP_RET_ERRNO | ((uint32_t)r->error & SECCOMP_RET_DATA);
        if (r->argument < 0) {
            EMIT(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->number, 0, 1);
            EMIT(BPF_RET | BPF_K, deny, 0, 0);
            continue;
        }
        // Not this call: skip the four instructions of the argument test. Otherwise load the
        // argument, deny on a match, and reload the number for the rules that follow.
        EMIT(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->number, 0, 4);
        EMIT(BPF_LD | BPF_W | BPF_ABS, argument_low(r->argument), 0, 0);
        EMIT(BPF_JMP | (r->match_is_mask ? BPF_JSET : BPF_JEQ) | BPF_K, r->match, 0, 1);
        EMIT(BPF_RET | BPF_K, deny, 0, 0);
        EMIT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
    }
    EMIT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
#undef EMIT
    return n;
}

void csbx_seccomp_apply(void) {
    struct sock_filter filter[CSBX_SECCOMP_MAX_INSTRUCTIONS];
    size_t count = csbx_seccomp_build(filter, CSBX_SECCOMP_MAX_INSTRUCTIONS);
    if (count == 0) csbx_fail("seccomp", E2BIG);
    struct sock_fprog program = {.len = (unsigned short)count, .filter = filter};
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) < 0) csbx_fail("seccomp", errno);
}
