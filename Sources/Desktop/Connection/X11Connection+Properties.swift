internal import CX11

extension X11Connection {
    /// The 32-bit items of a window property (CARDINAL, WINDOW, ATOM); nil when absent or the window is gone.
    func cardinals(_ window: UInt, _ property: String, type: UInt = 0) -> [UInt]? {
        let atom = atom(property, onlyIfExists: true)
        guard atom != 0 else { return nil }
        guard let raw = rawProperty(window, atom, type: type), raw.format == 32 else { return nil }
        return raw.items
    }

    /// A property as UTF-8 text (UTF8_STRING or STRING); nil when absent.
    func utf8Property(_ window: UInt, _ property: String) -> String? {
        let atom = atom(property, onlyIfExists: true)
        guard atom != 0, let raw = rawProperty(window, atom, type: 0), raw.format == 8 else { return nil }
        return String(decoding: raw.bytes, as: UTF8.self)
    }

    /// The window's title via `WM_NAME`, converting Latin-1 or compound text to UTF-8.
    func legacyTitle(_ window: UInt) -> String? {
        var property = XTextProperty()
        guard XGetWMName(handle, window, &property) != 0, let value = property.value else { return nil }
        defer { XFree(value) }
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        guard Xutf8TextPropertyToTextList(handle, &property, &list, &count) >= 0, let list, count > 0 else {
            return nil
        }
        defer { XFreeStringList(list) }
        return list[0].map { String(cString: $0) }
    }

    /// WM_CLASS as (instance, class).
    func classHint(_ window: UInt) -> (instance: String, className: String) {
        var hint = XClassHint()
        guard XGetClassHint(handle, window, &hint) != 0 else { return ("", "") }
        defer {
            if let name = hint.res_name { XFree(name) }
            if let cls = hint.res_class { XFree(cls) }
        }
        return (hint.res_name.map { String(cString: $0) } ?? "", hint.res_class.map { String(cString: $0) } ?? "")
    }

    struct RawProperty {
        var format: Int32
        var items: [UInt]
        var bytes: [UInt8]
    }

    /// Reads a whole property. Format-32 data arrives as C longs (8 bytes here), hence `UInt`.
    private func rawProperty(_ window: UInt, _ atom: UInt, type: UInt) -> RawProperty? {
        var actualType: UInt = 0
        var format: Int32 = 0
        var count: UInt = 0
        var after: UInt = 0
        var data: UnsafeMutablePointer<UInt8>?
        cx11_trap_begin()
        let status = XGetWindowProperty(
            handle, window, atom, 0, 1 << 20, 0, type == 0 ? 0 /* AnyPropertyType */ : type, &actualType, &format,
            &count, &after, &data)
        let errors = cx11_trap_end_after_reply(nil)
        defer { if let data { XFree(data) } }
        guard status == Success, errors == 0, actualType != 0, let data else { return nil }
        switch format {
        case 32:
            let items = data.withMemoryRebound(to: UInt.self, capacity: Int(count)) {
                Array(UnsafeBufferPointer(start: $0, count: Int(count)))
            }
            return RawProperty(format: 32, items: items, bytes: [])
        case 8:
            return RawProperty(format: 8, items: [], bytes: Array(UnsafeBufferPointer(start: data, count: Int(count))))
        default:
            return RawProperty(format: format, items: [], bytes: [])
        }
    }
}
