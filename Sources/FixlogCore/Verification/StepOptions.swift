import Foundation

/// A duration written the way fix logs and the command line write it: `30s`, `2m`, `1h`, `1m30s`, `500ms`,
/// or a bare number of seconds (`45`).
public struct StepDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int

    public init(milliseconds: Int) { self.milliseconds = max(0, milliseconds) }
    public init(seconds: Int) { self.init(milliseconds: seconds * 1000) }

    /// Parses `30s`, `2m`, `1h`, `1m30s`, `250ms`, `1.5s`, `45` (seconds). Returns nil for anything else
    /// (including zero and negative values).
    public init?(parsing text: String) {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !s.isEmpty else { return nil }
        if let n = Double(s) {
            guard n > 0, n < 1e7 else { return nil }
            self.init(milliseconds: Int(n * 1000))
            return
        }
        var total = 0.0
        var number = ""
        var index = s.startIndex
        var sawUnit = false
        while index < s.endIndex {
            let c = s[index]
            if c.isNumber || c == "." {
                number.append(c)
                index = s.index(after: index)
                continue
            }
            var unit = ""
            while index < s.endIndex, s[index].isLetter {
                unit.append(s[index])
                index = s.index(after: index)
            }
            guard let value = Double(number) else { return nil }
            let factor: Double
            switch unit {
            case "ms": factor = 0.001
            case "s", "sec", "secs": factor = 1
            case "m", "min", "mins": factor = 60
            case "h", "hr", "hrs": factor = 3600
            default: return nil
            }
            total += value * factor
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0, total < 1e7 else { return nil }
        self.init(milliseconds: Int((total * 1000).rounded()))
    }

    /// The Swift `Duration` of the same length.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// `10m`, `30s`, `1m30s`, `250ms`.
    public var description: String {
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        var seconds = milliseconds / 1000
        var out = ""
        if seconds >= 3600 { out += "\(seconds / 3600)h"; seconds %= 3600 }
        if seconds >= 60 { out += "\(seconds / 60)m"; seconds %= 60 }
        if seconds > 0 || out.isEmpty { out += "\(seconds)s" }
        return out
    }

    /// The default step timeout: 10 minutes.
    public static let defaultTimeout = StepDuration(seconds: 600)
}

/// The per-block options of a verification step, read from `VerificationStep.options`
/// (the fence info string or a `<!-- fixlog: … -->` comment right before the block).
///
/// | option | meaning |
/// |---|---|
/// | `timeout=30s` | the step's timeout (overrides `--timeout` and `.fixlog.yml`) |
/// | `requires=podman` | a command that must be on PATH, else the step is skipped (repeat the key for more) |
/// | `skip` or `skip=reason` | never run the step; it is reported `skipped` with the reason |
/// | `exit=1` | the exit status the step is expected to end with (default 0) |
/// | `env=NAME` | another environment variable passed through to this step (repeat the key for more) |
public struct StepOptions: Sendable, Hashable {
    /// `timeout=`: the step's timeout.
    public var timeout: StepDuration?
    /// `requires=`: commands that must be on PATH.
    public var requires: [String]
    /// `skip`: why the step is never run.
    public var skipReason: String?
    /// `exit=`: the exit status that counts as success.
    public var expectedExitStatus: Int32
    /// `env=`: more variables passed through.
    public var environmentNames: [String]
    /// Problems found while reading the options (unknown option, unreadable value).
    public var problems: [String]

    public init(timeout: StepDuration? = nil, requires: [String] = [], skipReason: String? = nil,
                expectedExitStatus: Int32 = 0, environmentNames: [String] = [], problems: [String] = []) {
        self.timeout = timeout
        self.requires = requires
        self.skipReason = skipReason
        self.expectedExitStatus = expectedExitStatus
        self.environmentNames = environmentNames
        self.problems = problems
    }

    /// Reads the options map. Unknown keys and unreadable values become `problems` (the step then errors).
    public init(_ options: [String: String]) {
        self.init()
        for key in options.keys.sorted() {
            let value = (options[key] ?? "").trimmingCharacters(in: .whitespaces)
            switch key.lowercased() {
            case "timeout":
                if let d = StepDuration(parsing: value) { timeout = d } else {
                    problems.append("timeout=\(value) is not a duration (use 30s, 2m, 1h)")
                }
            case "requires", "require":
                requires += Self.list(value)
            case "skip":
                skipReason = value.isEmpty || value == "true" ? "skip option" : value
            case "exit", "exit-status", "status":
                if let n = Int32(value) { expectedExitStatus = n } else {
                    problems.append("exit=\(value) is not an exit status")
                }
            case "env":
                environmentNames += Self.list(value)
            case "lang", "language", "fixlog":
                break
            default:
                problems.append("unknown option '\(key)'")
            }
        }
    }

    static func list(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init).filter { !$0.isEmpty }
    }
}
