#if canImport(Glibc)
    import Glibc
#endif

/// The cost of starting a confined `true`: the helper alone and `foredesk exec` (cgroups too),
/// against a plain `true` and `bwrap` with comparable options, alternating.
enum SandboxBench {
    static func run(_ context: BenchContext) throws {
        let report = context.report
        let workspace = context.options.outputDirectory + "/sandbox-ws"
        try BenchMain.makeDirectories(workspace + "/.git/hooks")
        var root = [CChar](repeating: 0, count: 4096)
        let ws = realpath(workspace, &root).map { String(cString: $0) } ?? workspace
        // foredesk-confine sits beside the CLI it was built with.
        let confine = String(context.options.foredesk.dropLast("foredesk".count)) + "foredesk-confine"
        var commands = [
            context.command(["/bin/true"], label: "true"),
            context.command(
                [confine, "--rw", ws, "--protect", ws + "/.git/hooks", "--protect", ws + "/.git/config", "--tmpfs", "/tmp",
                 "--network", "off", "--", "/bin/true"],
                label: "foredesk-confine … -- true"),
            context.foredesk(["exec", "--workspace", ws, "--", "/bin/true"], label: "foredesk exec -- true"),
        ]
        let bwrap = context.missing("bwrap")
        if bwrap == nil {
            commands.append(context.command(
                ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--bind", ws, ws,
                 "--ro-bind", ws + "/.git/hooks", ws + "/.git/hooks", "--tmpfs", "/tmp", "--unshare-all",
                 "--new-session", "--die-with-parent", "--cap-drop", "ALL", "--", "/bin/true"],
                label: "bwrap (same view, --unshare-all) -- true"))
        }
        let (times, failures) = context.alternate(commands, rounds: context.options.processRuns * 2)
        for (index, command) in commands.enumerated() { report.record(.sandbox, command.label, times[index]) }
        let plain = Summary(times[0])!
        report.add(Row(group: .sandbox, measurement: "plain true (the floor)", foredesk: "–", other: Format.spread(plain)))
        for index in [1, 2] {
            let ours = Summary(times[index])!
            let failed = failures[index] > 0 ? " (\(failures[index]) runs FAILED)" : ""
            var row = Row(
                group: .sandbox, measurement: commands[index].label, foredesk: Format.spread(ours) + failed,
                other: "true \(Format.duration(plain.median))",
                ratio: Format.ratio(Summary.pairedRatio(times[index], over: times[0]) ?? .nan) + " of true")
            if bwrap == nil {
                let theirs = Summary(times[3])!
                let speed = Summary.pairedRatio(times[3], over: times[index]) ?? .nan
                row.other = "\(commands[3].label) \(Format.spread(theirs))"
                row.ratio = Format.ratio(speed)
                // Within 2x of bwrap: bwrap's time over ours at least 0.5.
                row.target = index == 1 ? "within 2x of bwrap" : "–"
                row.verdict = index == 1 ? Verdict(speed >= 0.5, failures[index] == 0) : .info
            }
            report.add(row)
        }
        if let bwrap { report.skip(.sandbox, "vs bwrap", because: bwrap) }
    }
}
