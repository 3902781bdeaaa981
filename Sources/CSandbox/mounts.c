// The filesystem view, built inside the private mount namespace: everything read-only, then the
// writable roots and private tmpfs mounts, then the protected paths read-only again on top of
// them (a mount point cannot be renamed or removed: EBUSY), then a fresh /proc.
//
// It uses the mount API of Linux 5.12 (open_tree, move_mount, mount_setattr): a clone of a tree
// keeps its own flags, and mount_setattr(AT_RECURSIVE) makes every submount read-only at once,
// where mount(2) would need one remount per submount (bubblewrap walks /proc/self/mountinfo).
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const x11_dir = "/tmp/.X11-unix";

static int exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

static int is_dir(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/// mkdir -p, for mount points hidden by a tmpfs of ours (a writable root under /run, say).
static void make_dirs(const char *step, const char *path) {
    char partial[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof partial) csbx_fail_path(step, path, ENAMETOOLONG);
    for (size_t end = 1; end <= len; end++) {
        if (end < len && path[end] != '/') continue;
        memcpy(partial, path, end);
        partial[end] = '\0';
        if (mkdir(partial, 0755) < 0 && errno != EEXIST) csbx_fail_path(step, partial, errno);
    }
}

static void set_read_only(const char *step, int fd, const char *path, unsigned flags) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(fd, "", AT_EMPTY_PATH | flags, &attr, sizeof attr) < 0) csbx_fail_path(step, path, errno);
}

/// Mounts a fresh tmpfs at path and returns an O_PATH descriptor of that very mount, so that it can
/// be made read-only later even when something else is mounted on top at the same path.
static int mount_tmpfs(const char *step, const char *path, const char *mode) {
    char options[32];
    snprintf(options, sizeof options, "mode=%s", mode);
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, options) < 0) csbx_fail_path(step, path, errno);
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) csbx_fail_path(step, path, errno);
    return fd;
}

/// Binds a clone of source's tree over target (not following a symlink at target), read-only.
static void bind_read_only(const char *step, const char *source, const char *target, unsigned source_flags) {
    int fd = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | source_flags);
    if (fd < 0) csbx_fail_path(step, source, errno);
    set_read_only(step, fd, source, AT_RECURSIVE);
    if (move_mount(fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) csbx_fail_path(step, target, errno);
    close(fd);
}

/// A fresh /dev, as bubblewrap's --dev: the null-like devices, a tty, a private devpts and
/// /dev/shm. The host's /dev would leave every disk open to uid 0 once Landlock is missing: a
/// read-only mount does not stop writes to a device node.
static void make_dev(void) {
    static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
    enum { count = sizeof nodes / sizeof nodes[0] };
    int trees[count];
    char path[64];
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "/dev/%s", nodes[i]);
        trees[i] = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (trees[i] < 0 && errno != ENOENT) csbx_fail_path("dev", path, errno);
    }
    int dev = mount_tmpfs("dev", "/dev", "0755");
    for (size_t i = 0; i < count; i++) {
        if (trees[i] < 0) continue;
        snprintf(path, sizeof path, "/dev/%s", nodes[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) csbx_fail_path("dev", path, errno);
        close(fd);
        if (move_mount(trees[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0) csbx_fail_path("dev", path, errno);
        close(trees[i]);
    }
    // A devpts instance of our own: its ptys are the sandbox's, and the host's are not listed.
    if (mkdir("/dev/pts", 0755) < 0) csbx_fail_path("dev", "/dev/pts", errno);
    // gid=5 (tty) as on a host: terminals such as xterm chown their pty to group tty, which
    // without CAP_CHOWN succeeds only when the group is already that. In a user namespace that
    // does not map gid 5 the kernel refuses the option (EINVAL); the ptys then keep our group.
    if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 &&
        (errno != EINVAL ||
         mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") < 0))
        csbx_fail_path("dev", "/dev/pts", errno);
    if (mkdir("/dev/shm", 01777) < 0) csbx_fail_path("dev", "/dev/shm", errno);
    close(mount_tmpfs("dev", "/dev/shm", "1777"));
    static const char *const links[][2] = {
        {"pts/ptmx", "/dev/ptmx"}, {"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
        {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlink(links[i][0], links[i][1]) < 0) csbx_fail_path("dev", links[i][1], errno);
    set_read_only("dev", dev, "/dev", 0);
    close(dev);
}

/// A writable root or a tmpfs mount, placed shortest path first so that nested ones stack.
typedef struct {
    const char *path;
    int tree;      ///< the writable root's (or read-only path's) clone, or -1 for a tmpfs
    int read_only; ///< a --ro path: shown as the host has it, read-only
    int is_file;   ///< the clone is of a file, so its mount point must be a file too
} placement;

static int by_path_length(const void *a, const void *b) {
    size_t la = strlen(((const placement *)a)->path), lb = strlen(((const placement *)b)->path);
    return (la > lb) - (la < lb);
}

void csbx_mount_view(const csbx_plan *plan) {
    // Nothing done here may reach the host's mounts (mount_namespaces(7), "shared subtrees").
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) csbx_fail("mount-private", errno);

    // Clone the writable roots and the display socket while they are still writable and visible.
    size_t count = plan->writable_count + plan->tmpfs_count + plan->readonly_count;
    placement *places = calloc(count + 1, sizeof *places);
    if (!places) csbx_fail("bind-writable", ENOMEM);
    for (size_t i = 0; i < plan->writable_count; i++) {
        int fd = open_tree(AT_FDCWD, plan->writable[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (fd < 0) csbx_fail_path("bind-writable", plan->writable[i], errno);
        places[i] = (placement){plan->writable[i], fd, 0};
    }
    for (size_t i = 0; i < plan->tmpfs_count; i++) places[plan->writable_count + i] = (placement){plan->tmpfs[i], -1, 0};
    for (size_t i = 0; i < plan->readonly_count; i++) {
        int fd = open_tree(AT_FDCWD, plan->readonly[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (fd < 0) csbx_fail_path("bind-readonly", plan->readonly[i], errno);
        set_read_only("bind-readonly", fd, plan->readonly[i], AT_RECURSIVE);
        places[plan->writable_count + plan->tmpfs_count + i] =
            (placement){plan->readonly[i], fd, 1, !is_dir(plan->readonly[i])};
    }
    int display = -1;
    if (plan->display_socket) {
        display = open_tree(AT_FDCWD, plan->display_socket, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (display < 0) csbx_fail_path("display-socket", plan->display_socket, errno);
    }

    // Everything read-only and nosuid, every submount included.
    struct mount_attr read_only = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID};
    if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &read_only, sizeof read_only) < 0)
        csbx_fail("mount-readonly", errno);

    // Host sockets (D-Bus, systemd, docker.sock) live under /run; Landlock before ABI 9 does not
    // govern connect() to a path, so they are hidden.
    int run = -1;
    if (is_dir("/run")) run = mount_tmpfs("hide-run", "/run", "0755");
    make_dev();

    qsort(places, count, sizeof *places, by_path_length);
    for (size_t i = 0; i < count; i++) {
        const placement *p = &places[i];
        if (p->tree < 0) {
            if (!exists(p->path)) make_dirs("tmpfs", p->path);
            close(mount_tmpfs("tmpfs", p->path, "1777"));
            continue;
        }
        const char *step = p->read_only ? "bind-readonly" : "bind-writable";
        if (!exists(p->path) && p->is_file) {
            // A file is mounted on a file: make its folder, then an empty file to cover.
            char parent[PATH_MAX];
            snprintf(parent, sizeof parent, "%s", p->path);
            char *slash = strrchr(parent, '/');
            if (slash && slash != parent) {
                *slash = 0;
                if (!exists(parent)) make_dirs(step, parent);
            }
            int fd = open(p->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0) csbx_fail_path(step, p->path, errno);
            close(fd);
        } else if (!exists(p->path)) {
            make_dirs(step, p->path);
        }
        if (move_mount(p->tree, "", AT_FDCWD, p->path, MOVE_MOUNT_F_EMPTY_PATH) < 0) csbx_fail_path(step, p->path, errno);
        close(p->tree);
    }
    free(places);

    // /tmp/.X11-unix shows only the session's display: other displays (the user's :0) stay out.
    if (display >= 0 || is_dir(x11_dir)) {
        if (!exists(x11_dir)) make_dirs("display-socket", x11_dir);
        int dir = mount_tmpfs("display-socket", x11_dir, "1777");
        if (display >= 0) {
            char target[PATH_MAX];
            snprintf(target, sizeof target, "%s/%s", x11_dir, plan->display_name);
            int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0) csbx_fail_path("display-socket", target, errno);
            close(fd);
            if (move_mount(display, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                csbx_fail_path("display-socket", target, errno);
            close(display);
        }
        set_read_only("display-socket", dir, x11_dir, 0);
        close(dir);
    }

    // Protected paths last, so that they lie on top of the writable roots. A path the view no
    // longer shows (under a tmpfs of ours) has nothing left to protect.
    for (size_t i = 0; i < plan->pin_count; i++) {
        const csbx_pin *pin = &plan->pins[i];
        if (!exists(pin->path)) continue;
        if (pin->kind == CSBX_PIN_BIND)
            bind_read_only("protect", pin->path, pin->path, AT_SYMLINK_NOFOLLOW);
        else
            bind_read_only("protect", "/dev/null", pin->path, 0);
    }

    // A /proc of the new PID namespace, with the kernel's knobs read-only as bubblewrap does: uid
    // 0 without capabilities could otherwise still write many of /proc/sys's root-owned files.
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) csbx_fail("proc", errno);
    static const char *const proc_read_only[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"};
    for (size_t i = 0; i < sizeof proc_read_only / sizeof proc_read_only[0]; i++)
        if (exists(proc_read_only[i])) bind_read_only("proc-readonly", proc_read_only[i], proc_read_only[i], 0);

    if (run >= 0) {
        set_read_only("hide-run", run, "/run", 0);
        close(run);
    }
}
