public import Desktop
public import Imaging
public import Policy

/// Turns what a person did, key by key and button by button, into scenario steps: printable
/// characters merged into `type`, combinations and special keys into `key` (repeats counted),
/// clicks, double clicks, right and middle clicks relative to the window they landed in, drags,
/// wheel notches merged into `scroll`, a `wait_window` (and `activate`) when the input moves to
/// another window, and a `sleep` where the person waited for the app. Pure: it sees values only.
///
/// Feed it `add(_:anchor:)` in the order things happened, `screenChanged(at:)` when the screen
/// was drawn on, and `advance(to:)` as time passes; `steps` holds what is decided so far and
/// `flushed()` everything, as if the person stopped now. Text typed into a sensitive window is
/// never kept, not even while its step is being decided: only its placeholder is.
public struct RecordingComposer: Sendable {
    /// How the composer reads a person's timing and movements.
    public struct Options: Sendable, Equatable {
        /// The longest `sleep` a pause becomes (`--max-pause`).
        public var maxPause: Duration
        /// A gap between two inputs at least this long is a pause: it ends a `type` or `key` run.
        public var pauseThreshold: Duration
        /// The screen changing later than this after the person's last input, and before their
        /// next, means they waited for the app: the pause becomes a `sleep` until that change.
        public var lateChange: Duration
        /// Two clicks of one button this close in time (and place) are a double click.
        public var doubleClickInterval: Duration
        /// A press and release of the left button further apart than this (in pixels) are a drag.
        public var dragThreshold: Int
        /// Which windows are sensitive: text typed there becomes a placeholder variable.
        public var record: RecordPolicy
        /// Screen changes are reported (`screenChanged(at:)`); without them every pause is slept.
        public var watchesScreen: Bool
        /// How closely replay must find an anchor image (`--anchor-images`).
        public var anchorSearch: SearchOptions

        /// Options from their parts; the defaults suit a person at a desktop.
        public init(
            maxPause: Duration = .seconds(5), pauseThreshold: Duration = .seconds(1),
            lateChange: Duration = .milliseconds(300), doubleClickInterval: Duration = .milliseconds(400),
            dragThreshold: Int = 4, record: RecordPolicy = RecordPolicy(), watchesScreen: Bool = true,
            anchorSearch: SearchOptions = SearchOptions(tolerance: 24)
        ) {
            self.maxPause = maxPause
            self.pauseThreshold = pauseThreshold
            self.lateChange = lateChange
            self.doubleClickInterval = doubleClickInterval
            self.dragThreshold = dragThreshold
            self.record = record
            self.watchesScreen = watchesScreen
            self.anchorSearch = anchorSearch
        }
    }

    /// A template image cut around a button press (`--anchor-images`): replay clicks where it is found.
    public struct Anchor: Sendable, Equatable {
        /// The PNG's path as the scenario writes it (relative to the scenario's folder).
        public var path: String
        /// The press point's distance from the template's centre.
        public var offset: Point

        /// An anchor from its parts.
        public init(path: String, offset: Point) {
            self.path = path
            self.offset = offset
        }
    }

    /// The steps decided so far, in order.
    public private(set) var steps: [RecordedStep] = []
    /// The placeholder variables of text typed into sensitive windows (`secret_1`, `secret_2`…), in order.
    public private(set) var secrets: [String] = []

    private let options: Options
    /// The window replay will have active: where the last pointer step went, or what got the focus.
    private var active: WindowInfo?
    /// Windows a step has already waited for.
    private var known: Set<WindowID> = []
    private var lastInput: ContinuousClock.Instant?
    private var lastChange: ContinuousClock.Instant?
    private var pending: Pending?
    private var pressed: PressedButton?

    private enum Pending: Sendable {
        case typing(TypingRun)
        case keys(combo: KeyCombination, count: Int, time: ContinuousClock.Instant)
        case click(ClickRun)
        case scroll(ScrollRun)
    }

    private struct TypingRun: Sendable {
        var text: String
        var sensitive: Bool
        var time: ContinuousClock.Instant
        var window: WindowInfo?
    }

    private struct ClickRun: Sendable {
        var button: Int
        var point: Point
        var window: WindowInfo?
        var anchor: Anchor?
        var time: ContinuousClock.Instant
        var released: ContinuousClock.Instant
    }

    private struct ScrollRun: Sendable {
        var direction: ScrollDirection
        var clicks: Int
        var point: Point
        var window: WindowInfo?
        var time: ContinuousClock.Instant
    }

    private struct PressedButton: Sendable {
        var button: Int
        var point: Point
        var window: WindowInfo?
        var anchor: Anchor?
        var time: ContinuousClock.Instant
    }

    /// A composer; window is the one active when recording starts (the launched app's), which
    /// replay has active too, so the first step in it needs no wait.
    public init(options: Options = Options(), activeWindow window: WindowInfo? = nil) {
        self.options = options
        self.active = window
        if let window { known.insert(window.id) }
    }

    /// The composer as if the person stopped now: every step decided, the placeholders with them.
    public func flushed() -> RecordingComposer {
        var copy = self
        copy.flush()
        return copy
    }

    /// The screen was drawn on at time.
    public mutating func screenChanged(at time: ContinuousClock.Instant) {
        if lastChange.map({ time > $0 }) ?? true { lastChange = time }
    }

    /// Time has passed: a click with no second click in time is a click, and a run of typing or
    /// keys followed by a pause is over.
    public mutating func advance(to now: ContinuousClock.Instant) {
        guard let pending else { return }
        if case let .click(click) = pending, now - click.released > options.doubleClickInterval {
            flush()
        } else if let lastInput, now - lastInput >= options.pauseThreshold {
            flush()
        }
    }

    /// One key or button event; anchor is the template cut around a button press, if any.
    public mutating func add(_ input: PersonInput, anchor: Anchor? = nil) {
        defer { lastInput = max(lastInput ?? input.time, input.time) }
        switch input.kind {
        case .keyPress:
            // A key with no keysym (NoSymbol) types nothing and names no key replay could press.
            guard let key = input.key, !key.isModifier, key.name.lowercased() != "nosymbol" else { return }
            pause(before: input.time)
            keyPressed(key, window: input.window, at: input.time)
        case .keyRelease:
            return
        case .buttonPress:
            guard let point = input.pointer else { return }
            pause(before: input.time)
            if let direction = Self.scrollDirection(input.code) {
                scrolled(direction, at: point, window: input.window, time: input.time)
            } else if (1...3).contains(input.code) {
                if case .click = pending {
                    // Perhaps the first half of a double click: decided at the release.
                } else {
                    flush()
                }
                pressed = PressedButton(button: input.code, point: point, window: input.window, anchor: anchor, time: input.time)
            }
        case .buttonRelease:
            guard let press = pressed, press.button == input.code, let point = input.pointer else { return }
            pressed = nil
            released(press, at: point, time: input.time)
        }
    }

    // MARK: - Keys

    private mutating func keyPressed(_ key: PersonInput.Key, window: WindowInfo?, at time: ContinuousClock.Instant) {
        focus(window, at: time)
        let commands: Set<KeyCombo.Modifier> = [.ctrl, .alt, .super, .meta, .hyper]
        let held = key.modifiers
        if let text = key.text, !held.contains(where: commands.contains) {
            let sensitive = window.map {
                options.record.isSensitive(className: $0.className, instanceName: $0.instanceName, title: $0.title)
            } ?? false
            if case var .typing(run) = pending, run.window?.id == window?.id, run.sensitive == sensitive {
                if !sensitive { run.text += text }
                pending = .typing(run)
            } else {
                flush()
                pending = .typing(TypingRun(text: sensitive ? "" : text, sensitive: sensitive, time: time, window: window))
            }
            return
        }
        let modifiers = Set(held.compactMap { KeyCombination.Modifier(rawValue: $0.rawValue) })
        let combo = KeyCombination(modifiers: modifiers, key: key.name)
        if case let .keys(current, count, start) = pending, current == combo, count < 1000 {
            pending = .keys(combo: combo, count: count + 1, time: start)
        } else {
            flush()
            pending = .keys(combo: combo, count: 1, time: time)
        }
    }

    /// The focus is in window: a window replay has not seen yet is waited for first.
    private mutating func focus(_ window: WindowInfo?, at time: ContinuousClock.Instant) {
        guard let window, window.id != active?.id else { return }
        flush()
        if !known.contains(window.id), let match = Self.match(window) {
            known.insert(window.id)
            append(
                .waitWindow(match, timeout: Scenario.defaultTimeout), at: time,
                comment: "the focus moved to '\(window.title)'")
        }
        active = window
    }

    // MARK: - Buttons

    private mutating func released(_ press: PressedButton, at point: Point, time: ContinuousClock.Instant) {
        let moved = max(abs(point.x - press.point.x), abs(point.y - press.point.y))
        if moved > options.dragThreshold, press.button == 1 {
            flush()
            let start = target(press.point, in: press.window, anchor: press.anchor, at: press.time)
            let end: DragEnd
            if case .image = start {
                end = .offset(dx: point.x - press.point.x, dy: point.y - press.point.y)
            } else if case let .window(origin) = start {
                end = .window(Point(x: origin.x + point.x - press.point.x, y: origin.y + point.y - press.point.y))
            } else {
                end = .screen(point)
            }
            let held = Self.rounded(time - press.time)
            append(.drag(from: start, to: end, duration: held >= .milliseconds(100) ? held : .zero), at: press.time)
            return
        }
        if case let .click(first) = pending, first.button == press.button,
            press.time - first.released <= options.doubleClickInterval,
            max(abs(press.point.x - first.point.x), abs(press.point.y - first.point.y)) <= options.dragThreshold
        {
            pending = nil
            append(.doubleClick(target(first.point, in: first.window, anchor: first.anchor, at: first.time)), at: first.time)
            return
        }
        flush()
        pending = .click(
            ClickRun(
                button: press.button, point: press.point, window: press.window, anchor: press.anchor, time: press.time,
                released: time))
    }

    private mutating func scrolled(
        _ direction: ScrollDirection, at point: Point, window: WindowInfo?, time: ContinuousClock.Instant
    ) {
        if case var .scroll(run) = pending, run.direction == direction, run.window?.id == window?.id,
            max(abs(point.x - run.point.x), abs(point.y - run.point.y)) <= options.dragThreshold, run.clicks < 1000
        {
            run.clicks += 1
            pending = .scroll(run)
            return
        }
        flush()
        pending = .scroll(ScrollRun(direction: direction, clicks: 1, point: point, window: window, time: time))
    }

    /// Where a pointer step acts for a screen point in window: the anchor image when there is one,
    /// else the point relative to the window, which replay makes active first. Points outside
    /// any application window, and menus (override-redirect), stay relative to the active window
    /// or, without one, on the screen.
    private mutating func target(
        _ point: Point, in window: WindowInfo?, anchor: Anchor?, at time: ContinuousClock.Instant
    ) -> PointerTarget {
        var relativeTo = active
        if let window, !window.isOverrideRedirect, window.frame.contains(point), let match = Self.match(window) {
            if window.id != active?.id {
                if !known.contains(window.id) {
                    known.insert(window.id)
                    append(.waitWindow(match, timeout: Scenario.defaultTimeout), at: time)
                }
                append(.activate(.window(match), timeout: Scenario.defaultTimeout), at: time)
                active = window
            }
            relativeTo = window
        }
        if let anchor {
            var image = ImageTarget(path: anchor.path, search: options.anchorSearch)
            image.offset = anchor.offset
            return .image(image, timeout: Scenario.defaultTimeout)
        }
        guard let relativeTo else { return .screen(point) }
        return .window(Point(x: point.x - relativeTo.frame.x, y: point.y - relativeTo.frame.y))
    }

    // MARK: - Pauses and flushing

    /// A gap of at least the pause threshold before time ends what was pending; when the screen
    /// changed late in it (the person waited for the app), replay sleeps until that change.
    private mutating func pause(before time: ContinuousClock.Instant) {
        guard let lastInput, time - lastInput >= options.pauseThreshold else { return }
        flush()
        let gap = time - lastInput
        var wait: Duration?
        var reason = "a pause of \(Self.seconds(gap))"
        if !options.watchesScreen {
            wait = gap
        } else if let lastChange, lastChange > lastInput, lastChange <= time, lastChange - lastInput > options.lateChange {
            // A little past the change: replay's own settle wait then sees the screen quiet.
            wait = lastChange - lastInput + .milliseconds(200)
            reason += "; the screen changed until \(Self.seconds(lastChange - lastInput)) into it"
        }
        guard let wait else { return }
        let capped = min(Self.rounded(wait, up: true), options.maxPause)
        if capped < Self.rounded(wait, up: true) { reason += ", capped by --max-pause" }
        append(.sleep(capped), at: lastInput, comment: reason)
    }

    /// Turns what is pending into its step.
    private mutating func flush() {
        guard let pending else { return }
        self.pending = nil
        switch pending {
        case let .typing(run):
            if run.sensitive {
                let name = "secret_\(secrets.count + 1)"
                secrets.append(name)
                let where_ = run.window.map { "'\($0.className)'" } ?? "a sensitive window"
                append(
                    .type(text: "${\(name)}", secret: true), at: run.time,
                    comment: "typed into \(where_), which the policy marks sensitive: set \(name) before replay")
            } else {
                append(.type(text: run.text, secret: false), at: run.time)
            }
        case let .keys(combo, count, time):
            append(.key(combo, times: count), at: time)
        case let .click(click):
            let target = target(click.point, in: click.window, anchor: click.anchor, at: click.time)
            switch click.button {
            case 2: append(.middleClick(target), at: click.time)
            case 3: append(.rightClick(target), at: click.time)
            default: append(.click(target), at: click.time)
            }
        case let .scroll(run):
            let target = target(run.point, in: run.window, anchor: nil, at: run.time)
            append(.scroll(target, direction: run.direction, clicks: run.clicks), at: run.time)
        }
    }

    private mutating func append(_ action: Step.Action, at time: ContinuousClock.Instant, comment: String? = nil) {
        steps.append(RecordedStep(action, at: time, comment: comment))
    }

    // MARK: - Values

    /// The wheel buttons: 4 up, 5 down, 6 left, 7 right.
    static func scrollDirection(_ button: Int) -> ScrollDirection? {
        switch button {
        case 4: .up
        case 5: .down
        case 6: .left
        case 7: .right
        default: nil
        }
    }

    /// How a step finds window again: its exact title and its class; nil when it has neither.
    public static func match(_ window: WindowInfo) -> WindowMatch? {
        let title = window.title.isEmpty ? nil : try? TextPattern("^" + escaped(window.title) + "$")
        let windowClass = window.className.isEmpty ? nil : window.className
        guard title != nil || windowClass != nil else { return nil }
        return WindowMatch(title: title, windowClass: windowClass)
    }

    /// text with every regular-expression metacharacter escaped.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A duration to whole tenths of a second (down, or up).
    static func rounded(_ duration: Duration, up: Bool = false) -> Duration {
        let milliseconds = ScenarioRunner.milliseconds(duration)
        let tenths = up ? (milliseconds + 99) / 100 : milliseconds / 100
        return .milliseconds(tenths * 100)
    }

    static func seconds(_ duration: Duration) -> String {
        let tenths = ScenarioRunner.milliseconds(duration) / 100
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
