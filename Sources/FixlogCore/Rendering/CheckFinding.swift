/// One reportable problem of a check, flattened for the SARIF and GitHub renderers: a claim that does not
/// hold, a change that could not be checked, or a stale line reference.
public struct CheckFinding: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable { case error, warning, note }

    /// `violated`, `missing`, `changed`, `moved`, `superseded`, `error`, or `line-ref-stale`.
    public var rule: String
    public var level: Level
    public var message: String
    /// Where in the log.
    public var logLines: LineSpan
    public var logColumn: Int?
    /// The target Dockerfile and the lines concerned, when known.
    public var file: String?
    public var fileLines: LineSpan?
    /// For `line-ref-stale`: the replacement text and the exact range it replaces.
    public var fix: (range: SourceRange, text: String)?

    public static func == (a: CheckFinding, b: CheckFinding) -> Bool {
        a.rule == b.rule && a.message == b.message && a.logLines == b.logLines && a.fileLines == b.fileLines
    }
    public func hash(into h: inout Hasher) { h.combine(rule); h.combine(message); h.combine(logLines) }

    /// Findings in report order.
    public static func findings(in report: CheckReport) -> [CheckFinding] {
        var out: [CheckFinding] = []
        for r in report.results {
            let record = r.incident.map { "#\($0)" } ?? "'\(r.title)'"
            let where_ = "record \(record), change \(r.change) (\(r.label))"
            if r.status == .error {
                let message = r.diagnostics.last?.message ?? "the change could not be checked"
                out.append(CheckFinding(rule: "error", level: .error, message: "\(where_): \(message)",
                                        logLines: LineSpan(line: r.logRange.start.line), file: r.file))
                continue
            }
            for c in r.claims where c.status != .holds && c.status != .unchecked {
                let level: Level = switch c.status {
                case .violated, .missing: .error
                case .moved, .changed: .warning
                default: .note
                }
                var message = "\(c.kind == .present ? "documented" : "documented as removed"): \(c.instruction) — \(c.status.rawValue)"
                if let d = c.detail { message += ": " + d }
                message += " [\(where_)]"
                out.append(CheckFinding(rule: c.status.rawValue, level: level, message: message,
                                        logLines: c.logLines, file: r.file,
                                        fileLines: c.actualLines ?? r.documentedLines))
            }
            if r.needsLineRefFix, let range = r.lineRefRange, let old = r.lineRef, let new = r.suggestedLineRef {
                out.append(CheckFinding(rule: "line-ref-stale", level: .warning,
                                        message: "line reference '\(old)' is stale; the documented code is at '\(new)' [\(where_)]",
                                        logLines: LineSpan(first: range.start.line, last: range.end.line),
                                        logColumn: range.start.column, file: r.file, fileLines: r.actualLines,
                                        fix: (range, new)))
            }
        }
        return out
    }
}
