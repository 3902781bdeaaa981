import Foundation
import Glibc
import Testing

/// Escapes from the writable root, against the real kernel. Inside the view everything but the
/// roots is a read-only mount, so most attempts fail with EROFS (the mount check comes before
/// Landlock's); EACCES shows Landlock where a read-only mount does not apply.
@Suite("Filesystem escapes", .timeLimit(.minutes(2)))
struct FilesystemEscapeTests {
    @Test func writingInsideTheWritableRootWorks() throws {
        try withWorkspace { ws throws in
            #expect(try attempt(ws.options, "write", ws.root + "/new").result == "OK")
            #expect(try String(contentsOfFile: ws.root + "/new", encoding: .utf8) == "probe\n")
            #expect(try attempt(ws.options, "mkdir", ws.root + "/dir").result == "OK")
            #expect(try attempt(ws.options, "rename", ws.root + "/file", ws.root + "/dir/moved").result == "OK")
        }
    }

    @Test func aRelativePathFromTheWorkingDirectoryLandsInTheWritableRoot() throws {
        // The working directory is entered again inside the view; otherwise it would still point
        // at the read-only mount under the bind.
        try withWorkspace { ws throws in
            #expect(try attempt(ws.options, "write", "relative", in: ws.root).result == "OK")
            #expect(FileManager.default.fileExists(atPath: ws.root + "/relative"))
        }
    }

    @Test func writingOutsideTheRootIsReadOnly() throws {
        try withWorkspace { ws throws in
            let outcome = try attempt(ws.options, "write", ws.outside + "/new")
            #expect(outcome.result == "EROFS", "\(outcome)")
            #expect(outcome.status == 0 && outcome.report.isEmpty)
            #expect(try attempt(ws.options, "write", ws.outside + "/secret").result == "EROFS")
            #expect(try attempt(ws.options, "write", "/etc/foredesk-escape").result == "EROFS")
            #expect(try attempt(ws.options, "mkdir", ws.outside + "/dir").result == "EROFS")
            #expect(try attempt(ws.options, "unlink", ws.outside + "/secret").result == "EROFS")
            #expect(try String(contentsOfFile: ws.outside + "/secret", encoding: .utf8) == "outside\n")
            #expect(!FileManager.default.fileExists(atPath: ws.outside + "/new"))
        }
    }

    @Test func renamingAndLinkingAcrossTheRootBoundaryCrossesMounts() throws {
        try withWorkspace { ws throws in
            #expect(try attempt(ws.options, "rename", ws.root + "/file", ws.outside + "/file").result == "EXDEV")
            #expect(try attempt(ws.options, "rename", ws.outside + "/secret", ws.root + "/secret").result == "EXDEV")
            #expect(try attempt(ws.options, "link", ws.outside + "/secret", ws.root + "/hard").result == "EXDEV")
        }
    }

    @Test func aSymlinkInsideTheRootDoesNotRedirectWritesOutside() throws {
        try withWorkspace { ws throws in
            #expect(try attempt(ws.options, "symlink", ws.outside + "/secret", ws.root + "/link").result == "OK")
            #expect(try attempt(ws.options, "write", ws.root + "/link").result == "EROFS")
            #expect(try attempt(ws.options, "write", "/proc/self/root" + ws.outside + "/secret").result == "EROFS")
            #expect(try attempt(ws.options, "write", "/proc/self/cwd/../outside/secret", in: ws.root).result == "EROFS")
            // The parent (PID 1 of the namespace) is not dumpable: its /proc links stay closed.
            #expect(try attempt(ws.options, "write", "/proc/1/cwd/../outside/secret", in: ws.root).result == "EACCES")
            #expect(try String(contentsOfFile: ws.outside + "/secret", encoding: .utf8) == "outside\n")
        }
    }

    @Test(.enabled(if: Features.landlock, "Landlock is not available on this kernel"))
    func landlockDeniesWritingToAFIFOThatAReadOnlyMountLetsThrough() throws {
        try withWorkspace { ws throws in
            // A FIFO (like a device node) can be opened for writing on a read-only mount.
            let reader = open(ws.outside + "/fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            defer { close(reader) }
            #expect(try unconfined("open-write", ws.outside + "/fifo").result == "OK")
            #expect(try attempt(ws.options, "open-write", ws.outside + "/fifo").result == "EACCES")
            #expect(try attempt(ws.options, "open-write", "/dev/null").result == "OK")
        }
    }

    @Test func theProtectedGitStaysReadOnlyAndCannotBeMoved() throws {
        try withWorkspace { ws throws in
            #expect(try attempt(ws.options, "write", ws.git + "/config").result == "EROFS")
            #expect(try attempt(ws.options, "write", ws.git + "/hooks/pre-commit").result == "EROFS")
            // `mv .git elsewhere && mkdir .git`: a mount point cannot be renamed or removed.
            #expect(try attempt(ws.options, "rename", ws.git, ws.root + "/moved").result == "EBUSY")
            #expect(try attempt(ws.options, "umount", ws.git).result == "EPERM")
            #expect(try String(contentsOfFile: ws.git + "/config", encoding: .utf8) == "[core]\n")
        }
    }

    @Test func onlyTheNamedPartsOfGitAreProtected() throws {
        try withWorkspace { ws throws in
            let options = ["--rw", ws.root, "--protect", ws.git + "/hooks", "--protect", ws.git + "/config"]
            #expect(try attempt(options, "write", ws.git + "/index").result == "OK")
            #expect(try attempt(options, "write", ws.git + "/config").result == "EROFS")
            #expect(try attempt(options, "write", ws.git + "/hooks/pre-commit").result == "EROFS")
            #expect(try attempt(options, "rename", ws.git + "/hooks", ws.git + "/old-hooks").result == "EBUSY")
        }
    }

    @Test func aMissingProtectedPathCannotBeCreatedAndLeavesNoTrace() throws {
        try withWorkspace { ws throws in
            let agents = ws.root + "/.agents"
            let options = ["--rw", ws.root, "--protect", agents]
            #expect(try attempt(options, "mkdir", agents).result == "EEXIST")
            #expect(try attempt(options, "symlink", ws.outside, agents).result == "EEXIST")
            #expect(try attempt(options, "rename", ws.root + "/file", agents).result == "EBUSY")
            #expect(try attempt(options, "write", agents + "/AGENTS.md").result == "ENOTDIR")
            // The placeholder that held the mount point is gone once the run is over.
            #expect(!FileManager.default.fileExists(atPath: agents))
            #expect(try String(contentsOfFile: ws.root + "/file", encoding: .utf8) == "inside\n")
        }
    }

    @Test func aSymlinkedProtectedPathCannotBeFollowedOrReplaced() throws {
        try withWorkspace { ws throws in
            let real = ws.root + "/real-git"
            try FileManager.default.moveItem(atPath: ws.git, toPath: real)
            try FileManager.default.createSymbolicLink(atPath: ws.git, withDestinationPath: real)
            #expect(try attempt(ws.options, "write", ws.git + "/config").result == "ENOTDIR")
            #expect(try attempt(ws.options, "unlink", ws.git).result == "EBUSY")
            #expect(try attempt(ws.options, "rename", ws.root + "/file", ws.git).result == "EBUSY")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: ws.git) == real)
        }
    }

    @Test func devHoldsOnlyTheBasicDevicesAndAPrivateDevpts() throws {
        // A read-only mount does not stop writes to a device node, so the host's disks and
        // consoles must not be there at all (uid 0 owns them).
        let listed = try attempt([], "list", "/dev")
        #expect(listed.stdout == "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero\n", "\(listed)")
        #expect(try attempt([], "open-write", "/dev/kmsg").result == "ENOENT")
        #expect(try attempt([], "write", "/dev/new").result == "EROFS")
        #expect(try attempt([], "open-write", "/dev/null").result == "OK")
        #expect(try attempt([], "write", "/dev/shm/segment").result == "OK")
        #expect(try attempt([], "pty").result == "OK")
        #expect(try attempt([], "list", "/dev/pts").stdout == "ptmx\n", "the host's terminals are not listed")
    }

    @Test func kernelKnobsInProcAreReadOnly() throws {
        try withWorkspace { ws throws in
            // uid 0 without capabilities could otherwise still write root-owned sysctls.
            #expect(try attempt(ws.options, "write", "/proc/sys/kernel/hostname").result == "EROFS")
        }
    }

    @Test(.enabled(if: Features.root, "placing a host socket under /run needs root"))
    func hostSocketsUnderRunAreHidden() throws {
        let directory = "/run/foredesk-sandbox-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try UnixListener(directory + "/service.sock")
        #expect(try unconfined("unix", host.path).result == "OK")
        try withWorkspace { ws throws in
            #expect(try attempt(ws.options, "unix", host.path).result == "ENOENT")
            #expect(try attempt(ws.options, "write", "/run/new").result == "EROFS")
        }
    }

    @Test func theX11DirectoryShowsOnlyTheSessionDisplay() throws {
        try withWorkspace { ws throws in
            let display = try UnixListener(ws.base + "/X77")
            let other = try UnixListener("/tmp/.X11-unix/foredesk-sandbox-test-" + UUID().uuidString)
            #expect(try unconfined("unix", other.path).result == "OK")
            let options = ws.options + ["--display-socket", display.path]
            #expect(try attempt(options, "unix", "/tmp/.X11-unix/X77").result == "OK")
            #expect(try attempt(options, "unix", other.path).result == "ENOENT")
            #expect(try attempt(ws.options, "unix", other.path).result == "ENOENT")
            #expect(try attempt(options, "write", "/tmp/.X11-unix/X78").result == "EROFS")
        }
    }

    @Test func aPrivateTmpfsIsWritableAndEmpty() throws {
        try withWorkspace { ws throws in
            let options = ["--rw", ws.root, "--tmpfs", ws.outside]
            #expect(try attempt(options, "write", ws.outside + "/scratch").result == "OK")
            #expect(try attempt(options, "unix", ws.outside + "/secret").result == "ENOENT")
            #expect(!FileManager.default.fileExists(atPath: ws.outside + "/scratch"))
        }
    }
}
