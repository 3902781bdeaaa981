import Foundation

/// The name a paired device is recorded under: the label it asked for, or one made from its User-Agent.
enum DeviceLabel {
    /// label cleaned (printable, at most 40 characters) when given, else "Chrome on Android" and the like.
    static func make(label: String?, userAgent: String?) -> String {
        if let label {
            let clean = String(label.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.prefix(40).map(Character.init))
                .trimmingCharacters(in: .whitespaces)
            if !clean.isEmpty { return clean }
        }
        let agent = userAgent ?? ""
        let browsers = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("HeadlessChrome", "Headless Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        let systems = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Mac OS X", "macOS"), ("Windows", "Windows"), ("Linux", "Linux")]
        let browser = browsers.first { agent.contains($0.0) }?.1
        let system = systems.first { agent.contains($0.0) }?.1
        switch (browser, system) {
        case let (browser?, system?): return "\(browser) on \(system)"
        case let (browser?, nil): return browser
        case let (nil, system?): return system
        case (nil, nil): return "a browser"
        }
    }
}
