// The plan: the spec's paths resolved in the host's view, before any namespace exists, and the
// placeholders that keep a missing protected path from being created.
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *resolve(const char *step, const char *path) {
    char *canonical = realpath(path, NULL);
    if (!canonical) csbx_fail_path(step, path, errno);
    return canonical;
}

static int by_length(const void *a, const void *b) {
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return (la > lb) - (la < lb);
}

static int inside_writable(const csbx_plan *plan, const char *path) {
    for (size_t i = 0; i < plan->writable_count; i++) {
        const char *root = plan->writable[i];
        size_t n = strlen(root);
        if (strcmp(root, "/") == 0) return 1;
        if (strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/')) return 1;
    }
    return 0;
}

static void add_pin(csbx_plan *plan, const char *path, csbx_pin_kind kind, int placeholder, const struct stat *st) {
    csbx_pin *pin = &plan->pins[plan->pin_count++];
    pin->path = strdup(path);
    if (!pin->path) csbx_fail("protect", ENOMEM);
    pin->kind = kind;
    pin->placeholder = placeholder;
    pin->dev = st ? st->st_dev : 0;
    pin->ino = st ? st->st_ino : 0;
}

/// Walks the path from the top. Inside a writable root, the first symlink gets /dev/null over it
/// (it cannot be pointed elsewhere), and the first missing component gets an empty placeholder
/// with /dev/null over it (it cannot be created); otherwise the path itself, or the first
/// component that is not a directory, is bound read-only. Outside the writable roots everything is
/// read-only already; a symlink there is refused, because the caller must pass resolved paths.
static void plan_pin(csbx_plan *plan, const char *path) {
    char prefix[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof prefix) csbx_fail_path("protect", path, ENAMETOOLONG);
    for (size_t end = 1; end <= len; end++) {
        if (end < len && path[end] != '/') continue;
        memcpy(prefix, path, end);
        prefix[end] = '\0';
        int inside = inside_writable(plan, prefix);
        struct stat st;
        if (lstat(prefix, &st) < 0) {
            if (errno != ENOENT) csbx_fail_path("protect", prefix, errno);
            if (!inside) return;
            int fd = open(prefix, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
            if (fd < 0 || fstat(fd, &st) < 0) csbx_fail_path("protect", prefix, errno);
            close(fd);
            add_pin(plan, prefix, CSBX_PIN_DEV_NULL, 1, &st);
            return;
        }
        if (S_ISLNK(st.st_mode)) {
            if (!inside) csbx_fail_path("protect", prefix, ELOOP);
            add_pin(plan, prefix, CSBX_PIN_DEV_NULL, 0, NULL);
            return;
        }
        if (end == len || !S_ISDIR(st.st_mode)) {
            add_pin(plan, prefix, CSBX_PIN_BIND, 0, NULL);
            return;
        }
    }
}

void csbx_plan_make(const csbx_spec *spec, csbx_plan *plan) {
    memset(plan, 0, sizeof *plan);
    plan->writable = calloc(spec->writable_count + 1, sizeof(char *));
    plan->tmpfs = calloc(spec->tmpfs_count + 1, sizeof(char *));
    plan->readonly = calloc(spec->readonly_count + 1, sizeof(char *));
    if (!plan->readonly) csbx_fail("resolve", ENOMEM);
    for (size_t i = 0; i < spec->readonly_count; i++) plan->readonly[plan->readonly_count++] = resolve("resolve", spec->readonly[i]);
    plan->pins = calloc(spec->protected_count + 1, sizeof(csbx_pin));
    if (!plan->writable || !plan->tmpfs || !plan->pins) csbx_fail("resolve", ENOMEM);
    for (size_t i = 0; i < spec->writable_count; i++) plan->writable[plan->writable_count++] = resolve("resolve", spec->writable[i]);
    qsort(plan->writable, plan->writable_count, sizeof(char *), by_length);
    for (size_t i = 0; i < spec->tmpfs_count; i++) {
        char *path = resolve("resolve", spec->tmpfs[i]);
        struct stat st;
        if (stat(path, &st) < 0) csbx_fail_path("resolve", path, errno);
        if (!S_ISDIR(st.st_mode)) csbx_fail_path("resolve", path, ENOTDIR);
        plan->tmpfs[plan->tmpfs_count++] = path;
    }
    if (spec->display_socket) {
        plan->display_socket = resolve("display-socket", spec->display_socket);
        struct stat st;
        if (stat(plan->display_socket, &st) < 0) csbx_fail_path("display-socket", plan->display_socket, errno);
        if (!S_ISSOCK(st.st_mode)) csbx_fail_path("display-socket", plan->display_socket, ENOTSOCK);
        const char *slash = strrchr(plan->display_socket, '/');
        plan->display_name = slash ? slash + 1 : plan->display_socket;
    }
    plan->cwd = get_current_dir_name();
    // From here on a failure removes the placeholders made so far.
    csbx_report_set_cleanup(plan);
    for (size_t i = 0; i < spec->protected_count; i++) plan_pin(plan, spec->protected_paths[i]);
}

void csbx_plan_remove_placeholders(const csbx_plan *plan) {
    for (size_t i = 0; i < plan->pin_count; i++) {
        const csbx_pin *pin = &plan->pins[i];
        struct stat st;
        if (!pin->placeholder || lstat(pin->path, &st) < 0) continue;
        // Only the empty file made here: anything else at that path is someone else's.
        if (S_ISREG(st.st_mode) && st.st_size == 0 && st.st_dev == pin->dev && st.st_ino == pin->ino) unlink(pin->path);
    }
}
