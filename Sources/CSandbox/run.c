// The process structure, as in bubblewrap:
//   outer (foredesk-confine as started): joins the cgroup, resolves the plan, creates the
//     namespaces with clone(), writes the user namespace's id maps, then waits and forwards
//     signals; it stays in the host's mount namespace so that it can remove the placeholders.
//   init (PID 1 of the new PID namespace): applies every other layer to itself, forks the
//     command, reaps orphans, and exits with the command's status. When it exits the kernel kills
//     everything left in the namespace, double-forked daemons included (pid_namespaces(7)).
//   command: execve's the target, confined by everything init applied before the fork.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
static volatile sig_atomic_t forward_to;

static void forward(int signal) {
    if (forward_to > 0) kill((pid_t)forward_to, signal);
}

/// Blocks the forwarded signals until the process that should receive them exists.
static void block_forwarded(sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&set, forwarded[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void forward_signals_to(pid_t pid, const sigset_t *old) {
    forward_to = pid;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaction(forwarded[i], &action, NULL);
    sigprocmask(SIG_SETMASK, old, NULL);
}

/// The shell's convention: the exit code, or 128 + the signal that ended the process.
static int exit_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return CSBX_EXIT_CONFINE;
}

static int write_file_at(int dir, const char *name, const char *text) {
    int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int err = n < 0 ? errno : (size_t)n != strlen(text) ? EIO : 0;
    close(fd);
    return -err;
}

/// Joins every cgroup of the spec, after writing pids.max where a cgroup has that file, so that
/// the namespaces' processes are in them from their start and the Swift side can limit, kill or
/// freeze all of them at once. A pids limit that no cgroup can hold is a failed layer.
static void join_cgroups(const csbx_spec *spec) {
    int limited = 0;
    for (size_t i = 0; i < spec->cgroup_count; i++) {
        int dir = open(spec->cgroups[i], O_DIRECTORY | O_PATH | O_CLOEXEC);
        if (dir < 0) {
            csbx_degrade_or_fail(spec, CSBX_LAYER_CGROUP, "cgroup", errno);
            continue;
        }
        char text[32];
        if (spec->pids_max >= 0 && faccessat(dir, "pids.max", F_OK, 0) == 0) {
            snprintf(text, sizeof text, "%lld\n", (long long)spec->pids_max);
            int err = write_file_at(dir, "pids.max", text);
            if (err) csbx_degrade_or_fail(spec, CSBX_LAYER_CGROUP, "pids-max", -err);
            else limited = 1;
        }
        snprintf(text, sizeof text, "%d\n", (int)getpid());
        int err = write_file_at(dir, "cgroup.procs", text);
        if (err) csbx_degrade_or_fail(spec, CSBX_LAYER_CGROUP, "cgroup", -err);
        close(dir);
    }
    if (spec->pids_max >= 0 && !limited) csbx_degrade_or_fail(spec, CSBX_LAYER_CGROUP, "pids-max", ENOENT);
}

/// Maps the caller's uid and gid to themselves in the child's new user namespace: the only
/// mapping an unprivileged process may write (user_namespaces(7)).
static int write_id_maps(pid_t child) {
    char path[64], text[64];
    snprintf(path, sizeof path, "/proc/%d", (int)child);
    int dir = open(path, O_DIRECTORY | O_PATH | O_CLOEXEC);
    if (dir < 0) return -errno;
    snprintf(text, sizeof text, "%u %u 1\n", (unsigned)geteuid(), (unsigned)geteuid());
    int err = write_file_at(dir, "uid_map", text);
    if (!err) err = write_file_at(dir, "setgroups", "deny");
    snprintf(text, sizeof text, "%u %u 1\n", (unsigned)getegid(), (unsigned)getegid());
    if (!err) err = write_file_at(dir, "gid_map", text);
    close(dir);
    return err;
}

static _Noreturn void run_init(const csbx_spec *spec, const csbx_plan *plan, int go, const sigset_t *old) {
    csbx_report_set_cleanup(NULL);
    // Set before waiting, so that an outer process that dies at any point takes init along.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) csbx_fail("pdeathsig", errno);
    char byte = 0;
    ssize_t n;
    do n = read(go, &byte, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) _exit(CSBX_EXIT_CONFINE); // the outer process failed, and said why

    // Without a controlling terminal, TIOCSTI cannot reach the caller's terminal either.
    if (setsid() < 0) csbx_fail("setsid", errno);
    csbx_mount_view(plan);
    csbx_identity_switch(plan, go);
    close(go);
    // The working directory still points into the mounts as they were before (now read-only,
    // under the binds); enter it again by name, or / when the view hides it. Entered as the
    // account the command runs as: one that may not enter it fails the run rather than start
    // somewhere else.
    if (!plan->cwd || chdir(plan->cwd) < 0) {
        if (plan->cwd && errno != ENOENT && errno != ENOTDIR) csbx_fail_path("chdir", plan->cwd, errno);
        if (chdir("/") < 0) csbx_fail("chdir", errno);
    }
    if (spec->network == CSBX_NETWORK_OFF) csbx_loopback_up();
    csbx_rlimits_apply(spec);
    csbx_capabilities_drop();
    csbx_no_new_privs();
    csbx_landlock_apply(spec, plan);
    csbx_seccomp_apply();
    // Not dumpable, so that the command cannot open this process's /proc/1/mem or follow its
    // /proc/1/ links; execve makes the command itself dumpable again (prctl(2)).
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) csbx_fail("dumpable", errno);

    pid_t command = fork();
    if (command < 0) csbx_fail("fork", errno);
    if (command == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) csbx_fail("pdeathsig", errno);
        sigprocmask(SIG_SETMASK, old, NULL);
        execvp(spec->argv[0], (char *const *)spec->argv);
        csbx_fail_exec(spec->argv[0], errno);
    }
    csbx_report_close();
    forward_signals_to(command, old);
    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid == command) _exit(exit_status(status));
        if (pid < 0 && errno != EINTR) _exit(CSBX_EXIT_CONFINE);
    }
}

int csbx_run(const csbx_spec *spec) {
    int err = csbx_report_open(spec->report_fd);
    if (err) csbx_fail("report-fd", -err);
    // Descriptors leaked by the caller must not reach the command (a handle to a directory
    // outside the roots would undo the view): all become close-on-exec, except the ones kept.
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) csbx_fail("descriptors", errno);
    for (size_t i = 0; i < spec->keep_fd_count; i++) {
        int flags = fcntl(spec->keep_fds[i], F_GETFD);
        if (flags < 0 || fcntl(spec->keep_fds[i], F_SETFD, flags & ~FD_CLOEXEC) < 0) csbx_fail("descriptors", errno);
    }
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) csbx_fail("pdeathsig", errno);
    if (getppid() != parent) csbx_fail("pdeathsig", ESRCH);

    join_cgroups(spec);
    static csbx_plan plan;
    csbx_plan_make(spec, &plan);
    csbx_identity_resolve(spec, &plan);

    int go[2];
    if (pipe2(go, O_CLOEXEC) < 0) csbx_fail("sync", errno);
    sigset_t old;
    block_forwarded(&old);
    unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | SIGCHLD;
    if (spec->network == CSBX_NETWORK_OFF) flags |= CLONE_NEWNET;
    // root needs no user namespace for the mounts; everyone else does.
    if (geteuid() != 0) flags |= CLONE_NEWUSER;
    // The raw system call, like fork() but with namespaces: glibc's clone() wants a new stack.
    pid_t child = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (child < 0) csbx_fail("namespaces", errno);
    if (child == 0) {
        close(go[1]);
        run_init(spec, &plan, go[0], &old);
    }
    close(go[0]);
    if (flags & CLONE_NEWUSER) {
        err = write_id_maps(child);
        if (err) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            csbx_fail("userns-map", -err);
        }
    }
    if (write(go[1], "g", 1) != 1) {
        err = errno;
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        csbx_fail("sync", err);
    }
    // go[1] stays open until this process ends: init watches it after changing its uid, which
    // clears the parent-death signal it set.
    csbx_report_close();
    forward_signals_to(child, &old);
    int status;
    pid_t waited;
    do waited = waitpid(child, &status, 0);
    while (waited < 0 && errno == EINTR);
    csbx_plan_remove_placeholders(&plan);
    return waited < 0 ? CSBX_EXIT_CONFINE : exit_status(status);
}
