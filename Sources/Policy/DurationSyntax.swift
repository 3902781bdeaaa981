/// The duration syntax policy and scenario files share: whole numbers, each with a unit, such as
/// `500ms`, `30s`, `10m` or `1h30m`.
public enum DurationSyntax {
    /// The duration text spells, or nil when it is not whole numbers with units `ms`, `s`, `m`, `h`.
    public static func parse(_ text: String) -> Duration? {
        var total = Duration.zero
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += .milliseconds(number)
            case "s": total += .seconds(number)
            case "m": total += .seconds(number * 60)
            case "h": total += .seconds(number * 3600)
            default: return nil
            }
        }
        return total
    }
}
