// sandbox-probe: one escape attempt per run, for the sandbox tests (like bubblewrap's
// try-syscall.c). It prints "OK" when the attempt succeeded, otherwise the errno name
// (EACCES, EROFS, ...), on one line of stdout, and exits 0 either way; the test asserts the name.
//
// USAGE
//   sandbox-probe ATTEMPT [ARG]...
//   write PATH            create or truncate PATH and write to it
//   open-write PATH       open an existing PATH for writing, without blocking (a FIFO, a device)
//   mkdir PATH | unlink PATH | rename FROM TO | link FROM TO | symlink TARGET PATH
//   tcp ADDRESS PORT      connect (IPv4 or IPv6 literal)
//   udp ADDRESS PORT      connect, send one datagram and wait up to 2 s for a reply
//   raw                   open a raw ICMP socket
//   unix PATH             connect to a Unix stream socket
//   ptrace PID            PTRACE_ATTACH
//   kill PID              kill(PID, 0)
//   unshare-user          unshare(CLONE_NEWUSER)
//   clone-user            clone(CLONE_NEWUSER)
//   clone3                clone3 without flags (a plain fork)
//   bpf                   load a two-instruction socket filter program
//   mount PATH            mount a tmpfs at PATH
//   umount PATH           umount2(PATH, MNT_DETACH)
//   pty                   open a new pseudo-terminal pair (what xterm and ssh do)
//   list DIR              print the names in DIR, sorted, space-separated
//   tiocsti               push a byte into a pseudo-terminal's input (stdin's without /dev/ptmx)
//   fork-bomb             fork sleeping children until fork fails (at most 200), and print the errno
//   daemon                double-fork a setsid'd grandchild that sleeps 30 s holding stdout, then exit
//   status                print the Uid, Cap*, NoNewPrivs and Seccomp lines of /proc/self/status
//   fds                   print the open descriptors, space-separated
//
// Wrappers that prepare a state and then execvp COMMAND:
//   no-landlock COMMAND...     with a seccomp filter answering ENOSYS to the Landlock calls, as
//                              on a kernel without Landlock
//   leak-fd PATH COMMAND...    with PATH open, not close-on-exec, on a descriptor above 2
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int result(int ok) {
    if (ok) {
        puts("OK");
    } else {
        const char *name = strerrorname_np(errno);
        puts(name ? name : "E?");
    }
    return 0;
}

static int need(int argc, int count) {
    if (argc < count) {
        fputs("sandbox-probe: missing argument (see the comment at the top of main.c)\n", stderr);
        exit(2);
    }
    return 1;
}

static int connect_inet(int type, const char *address, const char *port) {
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    socklen_t length;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)atoi(port));
        length = sizeof *v4;
    } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)atoi(port));
        length = sizeof *v6;
    } else {
        fputs("sandbox-probe: not an address\n", stderr);
        exit(2);
    }
    int s = socket(storage.ss_family, type | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    if (connect(s, (struct sockaddr *)&storage, length) < 0) return -1;
    return s;
}

static int udp(const char *address, const char *port) {
    int s = connect_inet(SOCK_DGRAM, address, port);
    if (s < 0) return 0;
    struct timeval timeout = {.tv_sec = 2};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (send(s, "probe", 5, 0) < 0) return 0;
    char reply[16];
    // On loopback an unreachable port answers at once, and recv reports ECONNREFUSED.
    return recv(s, reply, sizeof reply, 0) >= 0;
}

static int unix_connect(const char *path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    return s >= 0 && connect(s, (struct sockaddr *)&address, sizeof address) == 0;
}

static int child_exits(long pid) {
    if (pid < 0) return 0;
    if (pid == 0) _exit(0);
    waitpid((pid_t)pid, NULL, 0);
    return 1;
}

static int bpf_load(void) {
    struct bpf_insn program[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    attr.insns = (uintptr_t)program;
    attr.insn_cnt = 2;
    attr.license = (uintptr_t) "GPL";
    return syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr) >= 0;
}

static int tiocsti(void) {
    int fd = STDIN_FILENO;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0) {
        const char *name = ptsname(master);
        int slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
        if (slave >= 0) fd = slave;
    }
    char byte = 'x';
    return ioctl(fd, TIOCSTI, &byte) == 0;
}

static int pty(void) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) return 0;
    const char *name = ptsname(master);
    return name && open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) >= 0;
}

static int list(const char *path) {
    struct dirent **entries;
    int n = scandir(path, &entries, NULL, alphasort);
    if (n < 0) return result(0);
    const char *separator = "";
    for (int i = 0; i < n; i++) {
        if (strcmp(entries[i]->d_name, ".") != 0 && strcmp(entries[i]->d_name, "..") != 0) {
            printf("%s%s", separator, entries[i]->d_name);
            separator = " ";
        }
    }
    puts("");
    return 0;
}

static int fork_bomb(void) {
    for (int count = 0; count < 200; count++) {
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "sandbox-probe: fork failed after %d children\n", count);
            return 0;
        }
        if (pid == 0) {
            pause();
            _exit(0);
        }
    }
    return 1;
}

static int daemonize(void) {
    pid_t child = fork();
    if (child < 0) return 0;
    if (child == 0) {
        setsid();
        if (fork() == 0) {
            sleep(30);
            _exit(0);
        }
        _exit(0);
    }
    waitpid(child, NULL, 0);
    return 1;
}

static int status(void) {
    FILE *file = fopen("/proc/self/status", "re");
    if (!file) return result(0);
    char line[256];
    while (fgets(line, sizeof line, file))
        if (strncmp(line, "Uid:", 4) == 0 || strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs:", 11) == 0 ||
            strncmp(line, "Seccomp:", 8) == 0)
            fputs(line, stdout);
    return 0;
}

static int fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return result(0);
    const char *separator = "";
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (entry->d_name[0] == '.' || atoi(entry->d_name) == dirfd(dir)) continue;
        printf("%s%s", separator, entry->d_name);
        separator = " ";
    }
    puts("");
    return 0;
}

static int no_landlock(char **command) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 444, 0, 2), // landlock_create_ruleset
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 446, 1, 0), // landlock_restrict_self
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) < 0) {
        perror("sandbox-probe: no-landlock");
        return 2;
    }
    execvp(command[0], command);
    perror("sandbox-probe: no-landlock: execvp");
    return 2;
}

static int leak_fd(const char *path, char **command) {
    int fd = open(path, O_RDONLY);
    if (fd < 0 || dup2(fd, 9) < 0) {
        perror("sandbox-probe: leak-fd");
        return 2;
    }
    execvp(command[0], command);
    perror("sandbox-probe: leak-fd: execvp");
    return 2;
}

int main(int argc, char **argv) {
    need(argc, 2);
    const char *attempt = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(attempt, "write") == 0 && need(argc, 3)) {
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        return result(fd >= 0 && write(fd, "probe\n", 6) == 6);
    }
    if (strcmp(attempt, "open-write") == 0 && need(argc, 3))
        return result(open(argv[2], O_WRONLY | O_NONBLOCK | O_CLOEXEC) >= 0);
    if (strcmp(attempt, "mkdir") == 0 && need(argc, 3)) return result(mkdir(argv[2], 0755) == 0);
    if (strcmp(attempt, "unlink") == 0 && need(argc, 3)) return result(unlink(argv[2]) == 0);
    if (strcmp(attempt, "rename") == 0 && need(argc, 4)) return result(rename(argv[2], argv[3]) == 0);
    if (strcmp(attempt, "link") == 0 && need(argc, 4)) return result(link(argv[2], argv[3]) == 0);
    if (strcmp(attempt, "symlink") == 0 && need(argc, 4)) return result(symlink(argv[2], argv[3]) == 0);
    if (strcmp(attempt, "tcp") == 0 && need(argc, 4)) return result(connect_inet(SOCK_STREAM, argv[2], argv[3]) >= 0);
    if (strcmp(attempt, "udp") == 0 && need(argc, 4)) return result(udp(argv[2], argv[3]));
    if (strcmp(attempt, "raw") == 0) return result(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP) >= 0);
    if (strcmp(attempt, "unix") == 0 && need(argc, 3)) return result(unix_connect(argv[2]));
    if (strcmp(attempt, "ptrace") == 0 && need(argc, 3))
        return result(ptrace(PTRACE_ATTACH, (pid_t)atoi(argv[2]), NULL, NULL) == 0);
    if (strcmp(attempt, "kill") == 0 && need(argc, 3)) return result(kill((pid_t)atoi(argv[2]), 0) == 0);
    if (strcmp(attempt, "unshare-user") == 0) return result(unshare(CLONE_NEWUSER) == 0);
    if (strcmp(attempt, "clone-user") == 0)
        return result(child_exits(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL)));
    if (strcmp(attempt, "clone3") == 0) {
        struct clone_args args = {.exit_signal = SIGCHLD};
        return result(child_exits(syscall(SYS_clone3, &args, sizeof args)));
    }
    if (strcmp(attempt, "bpf") == 0) return result(bpf_load());
    if (strcmp(attempt, "mount") == 0 && need(argc, 3)) return result(mount("tmpfs", argv[2], "tmpfs", 0, NULL) == 0);
    if (strcmp(attempt, "umount") == 0 && need(argc, 3)) return result(umount2(argv[2], MNT_DETACH) == 0);
    if (strcmp(attempt, "tiocsti") == 0) return result(tiocsti());
    if (strcmp(attempt, "pty") == 0) return result(pty());
    if (strcmp(attempt, "list") == 0 && need(argc, 3)) return list(argv[2]);
    if (strcmp(attempt, "fork-bomb") == 0) return result(fork_bomb());
    if (strcmp(attempt, "daemon") == 0) return result(daemonize());
    if (strcmp(attempt, "status") == 0) return status();
    if (strcmp(attempt, "fds") == 0) return fds();
    if (strcmp(attempt, "no-landlock") == 0 && need(argc, 3)) return no_landlock(&argv[2]);
    if (strcmp(attempt, "leak-fd") == 0 && need(argc, 4)) return leak_fd(argv[2], &argv[3]);
    fprintf(stderr, "sandbox-probe: unknown attempt %s\n", attempt);
    return 2;
}
