import Processes

#if canImport(Glibc)
    import Glibc
#endif

/// An administration program that elevated mode runs (nft, useradd, setfacl…), started with
/// posix_spawn like every other child of foredesk, with its output captured for error messages.
struct SystemTool: Sendable {
    let name: String
    /// The Debian package that provides it.
    let package: String

    static let nft = SystemTool(name: "nft", package: "nftables")
    static let groupadd = SystemTool(name: "groupadd", package: "passwd")
    static let groupdel = SystemTool(name: "groupdel", package: "passwd")
    static let useradd = SystemTool(name: "useradd", package: "passwd")
    static let usermod = SystemTool(name: "usermod", package: "passwd")
    static let userdel = SystemTool(name: "userdel", package: "passwd")
    static let setfacl = SystemTool(name: "setfacl", package: "acl")
    static let getfacl = SystemTool(name: "getfacl", package: "acl")

    /// Where the program is: the PATH first, then the sbin folders (sudo's and root's PATH have
    /// them, a user's often does not); nil when it is not installed.
    var path: String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.lazy.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
    }

    /// The program's path, or the error that names the package to install.
    func require() throws(ElevatedError) -> String {
        guard let path else { throw .toolMissing(tool: name, package: package) }
        return path
    }

    /// Runs the program; its exit status and what it printed (stdout and stderr together).
    func run(_ arguments: [String]) throws(ElevatedError) -> (status: Int32, output: String) {
        let executable = try require()
        var template = Array("/tmp/foredesk-\(name)-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw .toolFailed(command: name, status: -1, output: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        close(fd)
        let log = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(log) }
        let status: Int32
        do {
            let process = try ChildProcess(executable, arguments, environment: ["LC_ALL": "C"], output: .file(log))
            // setfacl -R over a large workspace is the slowest; nothing here should take minutes.
            status = process.wait(timeout: .seconds(600)) ?? process.terminate(grace: .seconds(1))
        } catch {
            throw .toolFailed(command: name, status: -1, output: error.description)
        }
        return (status, TextFile.read(log).trimmingSuffix())
    }

    /// Runs the program and fails unless it exits with 0; what it printed.
    @discardableResult
    func check(_ arguments: [String]) throws(ElevatedError) -> String {
        let (status, output) = try run(arguments)
        guard status == 0 else { throw .toolFailed(command: ([name] + arguments).joined(separator: " "), status: status, output: output) }
        return output
    }
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var text = self
        while text.last?.isNewline == true || text.last == " " { text.removeLast() }
        return text
    }
}
