/// Escaping for HTML and XML text and attribute values.
enum Markup {
    /// Escapes `& < > " '` and replaces characters XML 1.0 forbids (C0 controls but tab, LF, CR;
    /// U+FFFE, U+FFFF) with U+FFFD, since not even a character reference may name them.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A relative path for an `href` or `src`: each segment percent-encoded, so names stay links, not markup.
    static func relativeURL(_ path: String) -> String {
        let out = pathURL(path)
        // "../" or an absolute path would leave the session folder; such names are not ours to link.
        if out.hasPrefix("/") || out.split(separator: "/").contains("..") { return "#" }
        return out
    }

    /// A path percent-encoded for a URL, `..` and all: only for paths foredesk computed itself.
    static func pathURL(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
