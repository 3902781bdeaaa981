/// What the confinement helper said before the command started (its `--report-fd` lines).
public struct ConfinementReport: Sendable, Equatable {
    /// A layer that could not be applied.
    public struct Step: Sendable, Equatable {
        /// The helper's name for the step ("landlock", "cgroup", "userns"…).
        public var step: String
        /// The layer, for degraded steps ("landlock", "cgroup").
        public var layer: String?
        public var errno: Int32
        /// The errno's name ("ENOSYS").
        public var errnoName: String
    }

    /// The step that made the helper refuse; nil when the command started.
    public var failure: Step?
    /// Layers missing on this machine that the confinement allowed to be missing.
    public var degraded: [Step]

    /// Parses lines such as `failed step=landlock errno=38 name=ENOSYS` and
    /// `degraded layer=cgroup step=cgroup errno=13 name=EACCES`; unknown lines are ignored.
    public init(parsing text: String) {
        failure = nil
        degraded = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let kind = words.first else { continue }
            var fields: [String: String] = [:]
            for word in words.dropFirst() {
                let pair = word.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            let step = Step(
                step: fields["step"] ?? "?", layer: fields["layer"], errno: Int32(fields["errno"] ?? "") ?? 0,
                errnoName: fields["name"] ?? "?")
            switch kind {
            case "failed": failure = step
            case "degraded": degraded.append(step)
            default: continue
            }
        }
    }
}
