// The failure report: one line per failed or degraded step on the report descriptor, for the
// Swift side, and the same in words on stderr, for a person.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int report_fd = -1;
static const csbx_plan *cleanup_plan;

int csbx_report_open(int fd) {
    if (fd < 0) return 0;
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) return -errno;
    report_fd = fd;
    return 0;
}

void csbx_report_close(void) {
    if (report_fd >= 0) close(report_fd);
    report_fd = -1;
}

void csbx_report_set_cleanup(const struct csbx_plan *plan) { cleanup_plan = plan; }

static const char *errno_name(int err) {
    const char *name = strerrorname_np(err);
    return name ? name : "E?";
}

static void report_line(const char *line) {
    if (report_fd < 0) return;
    // One write of less than PIPE_BUF bytes: readers never see half a line.
    ssize_t n;
    do n = write(report_fd, line, strlen(line));
    while (n < 0 && errno == EINTR);
}

/// A hint that says how to get the layer, for the steps where one is known.
static const char *hint(const char *step, int err) {
    if (strcmp(step, "landlock") == 0)
        return "this kernel does not enforce Landlock; pass --allow-degraded landlock to rely on the "
               "mount namespace alone";
    if (strcmp(step, "cgroup") == 0 || strcmp(step, "pids-max") == 0)
        return "the cgroup cannot be joined; create it writable first, or pass --allow-degraded cgroup";
    if (strcmp(step, "identity") == 0)
        return err == EPERM ? "--user needs root (and a kernel that lets root change ids)"
                            : "no such account, or not one to switch to: `foredesk sandbox setup` makes "
                              "foredesk-offline and foredesk-online";
    if (strcmp(step, "chdir") == 0 && err == EACCES)
        return "the account the command runs as cannot enter the working directory (each folder above "
               "it needs search permission for that account); start somewhere it can";
    if (strcmp(step, "namespaces") == 0 && (err == EPERM || err == ENOSPC || err == EACCES))
        return "user namespaces are not available to this user (sysctl, AppArmor or a container); run "
               "the helper as root";
    return "";
}

_Noreturn void csbx_fail(const char *step, int err) {
    char line[160];
    snprintf(line, sizeof line, "failed step=%s errno=%d name=%s\n", step, err, errno_name(err));
    report_line(line);
    const char *h = hint(step, err);
    dprintf(2, "foredesk-confine: %s failed: %s (%s); the command did not run%s%s\n", step,
        strerror(err), errno_name(err), *h ? " — " : "", h);
    if (cleanup_plan) csbx_plan_remove_placeholders(cleanup_plan);
    _exit(CSBX_EXIT_CONFINE);
}

_Noreturn void csbx_fail_path(const char *step, const char *path, int err) {
    dprintf(2, "foredesk-confine: %s: %s: %s\n", step, path, strerror(err));
    csbx_fail(step, err);
}

void csbx_degrade_or_fail(const csbx_spec *spec, unsigned layer, const char *step, int err) {
    const char *name = layer == CSBX_LAYER_LANDLOCK ? "landlock" : "cgroup";
    if (!(spec->allow_degraded & layer)) csbx_fail(step, err);
    char line[160];
    snprintf(line, sizeof line, "degraded layer=%s step=%s errno=%d name=%s\n", name, step, err, errno_name(err));
    report_line(line);
    dprintf(2, "foredesk-confine: running without %s (%s failed: %s, %s), as --allow-degraded %s permits\n", name,
        step, strerror(err), errno_name(err), name);
}

_Noreturn void csbx_fail_exec(const char *command, int err) {
    char line[160];
    snprintf(line, sizeof line, "failed step=exec errno=%d name=%s\n", err, errno_name(err));
    report_line(line);
    dprintf(2, "foredesk-confine: cannot run %s: %s (%s)\n", command, strerror(err), errno_name(err));
    _exit(err == ENOENT ? CSBX_EXIT_NOT_FOUND : CSBX_EXIT_CANNOT_RUN);
}
