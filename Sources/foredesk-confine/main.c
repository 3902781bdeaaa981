// foredesk-confine: applies a confinement to itself, then execve's the command; small and
// single-threaded so that it can be audited, like bubblewrap. The spec is its argument list:
// visible in ps and in foredesk's event log, built by posix_spawn without any parser on the child
// side, and read here by nothing more than this loop. The layers live in CSandbox (csbx_run).
#define _GNU_SOURCE
#include <csandbox.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char usage[] =
    "usage: foredesk-confine [OPTION]... -- COMMAND [ARG]...\n"
    "\n"
    "Runs COMMAND confined: everything is read-only except the writable roots, protected paths\n"
    "stay read-only inside them, the network is off, no capability is left, and a seccomp\n"
    "filter removes ptrace, mount, bpf, new user namespaces, TIOCSTI and more.\n"
    "\n"
    "Filesystem (paths are absolute; every option may be repeated):\n"
    "  --rw DIR               a writable root: bound read-write, and writable under Landlock\n"
    "  --protect PATH         read-only again inside a writable root (e.g. DIR/.git/hooks); a\n"
    "                         symlink or missing PATH gets /dev/null over it (a missing one via an\n"
    "                         empty placeholder file, removed afterwards), so it cannot be created\n"
    "                         or pointed elsewhere. Pass resolved paths.\n"
    "  --tmpfs DIR            a fresh, private, writable tmpfs at DIR (e.g. /tmp)\n"
    "  --ro PATH              PATH as the host has it, read-only, even below a --tmpfs (e.g. the\n"
    "                         program to run when it lives under /tmp)\n"
    "  --display-socket PATH  the X server's socket; /tmp/.X11-unix shows only this one\n"
    "                         (it is hidden entirely without this option), /run is always hidden\n"
    "Network:\n"
    "  --network off|on       off (default): a private network namespace with loopback only;\n"
    "                         on: the host's network\n"
    "Identity (root only):\n"
    "  --user NAME            run the command as account NAME (not root): its uid, its primary\n"
    "                         gid and its supplementary groups (as initgroups sets them), each\n"
    "                         read back before the command starts. The account must be able to\n"
    "                         write the writable roots (foredesk grants its foredesk-write group\n"
    "                         POSIX ACLs on them) and to enter the current directory. Made for\n"
    "                         foredesk-offline and foredesk-online (foredesk sandbox setup)\n"
    "Limits and lifetime:\n"
    "  --cgroup DIR           join this cgroup (write our pid to DIR/cgroup.procs) before anything;\n"
    "                         repeat it to join one per hierarchy (v2 for kill/freeze, v1 pids)\n"
    "  --pids-max N           write N to pids.max of each --cgroup that has one, first\n"
    "  --rlimit NAME=N        setrlimit, soft and hard; NAME: as core cpu data fsize memlock\n"
    "                         nofile nproc stack\n"
    "Reporting:\n"
    "  --report-fd N          write one line per failed or degraded step to descriptor N:\n"
    "                           failed step=STEP errno=N name=ENAME\n"
    "                           degraded layer=LAYER step=STEP errno=N name=ENAME\n"
    "                         N is close-on-exec: end of file without a 'failed' line means the\n"
    "                         command is running\n"
    "  --keep-fd N            let the command inherit descriptor N (every other one above 2 is\n"
    "                         closed at exec)\n"
    "  --allow-degraded LAYER run without LAYER when this machine lacks it, and say so:\n"
    "                         landlock (the mount namespace then holds the filesystem alone) or\n"
    "                         cgroup. Any other missing layer always refuses.\n"
    "  --help                 print this help\n"
    "\n"
    "Layers, in order: leaked descriptors made close-on-exec, parent-death signal, cgroup, the\n"
    "placeholders for missing protected paths; then new user (unless root), mount, PID and network\n"
    "namespaces; in the new PID 1: parent-death signal, setsid, the\n"
    "mount view (/ read-only and nosuid, /run hidden, a fresh /dev, writable roots and tmpfs,\n"
    "/tmp/.X11-unix, protected paths, fresh /proc with /proc/sys read-only), the --user identity\n"
    "(groups, gid, uid), the working directory, loopback up, rlimits,\n"
    "capabilities (bounding set too) dropped, no_new_privs, Landlock, seccomp; then fork and execve.\n"
    "The command starts in the current directory as the new view shows it (/ when hidden), with\n"
    "the caller's environment; PID 1 forwards HUP, INT, QUIT, TERM, USR1, USR2 and WINCH to it.\n"
    "\n"
    "Exit status: the command's, or 128+N when signal N ended it; 2 for a bad spec; 125 when a\n"
    "layer could not be applied (nothing ran); 126 when COMMAND cannot run; 127 when not found.\n"
    "\n"
    "Example:\n"
    "  foredesk-confine --rw \"$PWD\" --protect \"$PWD/.git\" --tmpfs /tmp -- make test\n"
    "  sudo foredesk-confine --user foredesk-offline --network on --rw /srv/ws -- ./build.sh\n";

static _Noreturn void bad_spec(const char *message, const char *value) {
    fprintf(stderr, "foredesk-confine: %s%s%s (see --help)\n", message, value ? ": " : "", value ? value : "");
    exit(CSBX_EXIT_USAGE);
}

/// An absolute path without "." or ".." components, so that what is checked is what is mounted.
static const char *path_value(const char *option, const char *value) {
    if (value[0] != '/') bad_spec(option, value);
    for (const char *p = value; *p; p++) {
        if (p[0] != '/') continue;
        if (p[1] == '.' && (p[2] == '/' || p[2] == '\0')) bad_spec(option, value);
        if (p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0')) bad_spec(option, value);
    }
    if (strlen(value) >= PATH_MAX) bad_spec(option, value);
    return value;
}

static long long number_value(const char *option, const char *value, long long max) {
    char *end;
    errno = 0;
    long long n = strtoll(value, &end, 10);
    if (errno || end == value || *end || n < 0 || n > max) bad_spec(option, value);
    return n;
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"as", RLIMIT_AS}, {"core", RLIMIT_CORE}, {"cpu", RLIMIT_CPU}, {"data", RLIMIT_DATA},
    {"fsize", RLIMIT_FSIZE}, {"memlock", RLIMIT_MEMLOCK}, {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC},
    {"stack", RLIMIT_STACK},
};

static csbx_rlimit rlimit_value(const char *value) {
    const char *equals = strchr(value, '=');
    if (!equals) bad_spec("--rlimit needs NAME=N", value);
    for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++) {
        size_t n = strlen(rlimit_names[i].name);
        if ((size_t)(equals - value) == n && strncmp(value, rlimit_names[i].name, n) == 0)
            return (csbx_rlimit){rlimit_names[i].resource, (uint64_t)number_value("--rlimit", equals + 1, LLONG_MAX)};
    }
    bad_spec("--rlimit: unknown limit", value);
}

int main(int argc, char **argv) {
    // Every list is at most argc long, so one allocation each suffices.
    const char **writable = calloc((size_t)argc, sizeof *writable);
    const char **protected_paths = calloc((size_t)argc, sizeof *protected_paths);
    const char **tmpfs = calloc((size_t)argc, sizeof *tmpfs);
    const char **readonly = calloc((size_t)argc, sizeof *readonly);
    if (!readonly) bad_spec("out of memory", NULL);
    csbx_rlimit *rlimits = calloc((size_t)argc, sizeof *rlimits);
    int *keep_fds = calloc((size_t)argc, sizeof *keep_fds);
    const char **cgroups = calloc((size_t)argc, sizeof *cgroups);
    if (!writable || !protected_paths || !tmpfs || !rlimits || !keep_fds || !cgroups) bad_spec("out of memory", NULL);
    csbx_spec spec = {
        .writable = writable, .protected_paths = protected_paths, .tmpfs = tmpfs, .readonly = readonly, .network = CSBX_NETWORK_OFF,
        .cgroups = cgroups, .pids_max = -1, .rlimits = rlimits, .keep_fds = keep_fds, .report_fd = -1,
    };

    int i = 1;
    for (; i < argc; i++) {
        const char *option = argv[i];
        if (strcmp(option, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(option, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strncmp(option, "--", 2) != 0) bad_spec("expected an option or --, got", option);
        if (i + 1 >= argc) bad_spec("missing value after", option);
        const char *value = argv[++i];
        if (strcmp(option, "--rw") == 0)
            writable[spec.writable_count++] = path_value("--rw needs an absolute path without . or ..", value);
        else if (strcmp(option, "--protect") == 0)
            protected_paths[spec.protected_count++] =
                path_value("--protect needs an absolute path without . or ..", value);
        else if (strcmp(option, "--tmpfs") == 0)
            tmpfs[spec.tmpfs_count++] = path_value("--tmpfs needs an absolute path without . or ..", value);
        else if (strcmp(option, "--ro") == 0)
            readonly[spec.readonly_count++] = path_value("--ro needs an absolute path without . or ..", value);
        else if (strcmp(option, "--display-socket") == 0)
            spec.display_socket = path_value("--display-socket needs an absolute path without . or ..", value);
        else if (strcmp(option, "--user") == 0) {
            if (!value[0] || strchr(value, '/')) bad_spec("--user needs an account name", value);
            spec.user = value;
        } else if (strcmp(option, "--cgroup") == 0)
            cgroups[spec.cgroup_count++] = path_value("--cgroup needs an absolute path without . or ..", value);
        else if (strcmp(option, "--network") == 0) {
            if (strcmp(value, "off") == 0)
                spec.network = CSBX_NETWORK_OFF;
            else if (strcmp(value, "on") == 0)
                spec.network = CSBX_NETWORK_ON;
            else
                bad_spec("--network takes off or on", value);
        } else if (strcmp(option, "--pids-max") == 0)
            spec.pids_max = number_value("--pids-max needs a number", value, INT32_MAX);
        else if (strcmp(option, "--rlimit") == 0)
            rlimits[spec.rlimit_count++] = rlimit_value(value);
        else if (strcmp(option, "--report-fd") == 0)
            spec.report_fd = (int)number_value("--report-fd needs a descriptor number", value, INT32_MAX);
        else if (strcmp(option, "--keep-fd") == 0)
            keep_fds[spec.keep_fd_count++] = (int)number_value("--keep-fd needs a descriptor number", value, INT32_MAX);
        else if (strcmp(option, "--allow-degraded") == 0) {
            if (strcmp(value, "landlock") == 0)
                spec.allow_degraded |= CSBX_LAYER_LANDLOCK;
            else if (strcmp(value, "cgroup") == 0)
                spec.allow_degraded |= CSBX_LAYER_CGROUP;
            else
                bad_spec("--allow-degraded takes landlock or cgroup", value);
        } else
            bad_spec("unknown option", option);
    }
    if (i >= argc) bad_spec("no command: put it after --", NULL);
    if (spec.pids_max >= 0 && spec.cgroup_count == 0) bad_spec("--pids-max needs --cgroup", NULL);
    for (size_t k = 0; k < spec.keep_fd_count; k++)
        if (keep_fds[k] == spec.report_fd) bad_spec("--keep-fd cannot keep the report descriptor", NULL);
    spec.argv = (const char *const *)&argv[i];
    return csbx_run(&spec);
}
