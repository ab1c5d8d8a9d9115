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

    /// The fields of a result that findings use, read out of it (not its claims).
    private struct Fields {
        var incident: Int?
        var title: String
        var change: Int
        var label: String
        var status: CheckStatus
        var diagnostics: [Diagnostic]
        var logRange: SourceRange
        var file: String?
        var documentedLines: LineSpan?
        var actualLines: LineSpan?
        var lineRefRange: SourceRange?
        var lineRef: String?
        var suggestedLineRef: String?

        init(_ r: borrowing ChangeResult) {
            incident = r.incident
            title = r.title
            change = r.change
            label = r.label
            status = r.status
            diagnostics = r.diagnostics
            logRange = r.logRange
            file = r.file
            documentedLines = r.documentedLines
            actualLines = r.actualLines
            lineRefRange = r.lineRefRange
            lineRef = r.lineRef
            suggestedLineRef = r.suggestedLineRef
        }
    }

    /// Findings in report order.
    public static func findings(in report: CheckReport) -> [CheckFinding] {
        var out: [CheckFinding] = []
        // Results and claims are read in place (iterating would copy each one).
        let results = report.results
        for i in results.indices {
            let r = Fields(results[i])
            let record = r.incident.map { "#\($0)" } ?? "'\(r.title)'"
            let where_ = "record \(record), change \(r.change) (\(r.label))"
            if r.status == .error {
                let message = r.diagnostics.last?.message ?? "the change could not be checked"
                out.append(CheckFinding(rule: "error", level: .error, message: "\(where_): \(message)",
                                        logLines: LineSpan(line: r.logRange.start.line), file: r.file))
                continue
            }
            let claims = results[i].claims
            for k in claims.indices where claims[k].status != .holds && claims[k].status != .unchecked {
                let status = claims[k].status
                let level: Level = switch status {
                case .violated, .missing: .error
                case .moved, .changed: .warning
                default: .note
                }
                var message = claims[k].kind == .present ? "documented: " : "documented as removed: "
                message += claims[k].instruction
                message += " — "
                message += status.rawValue
                if let d = claims[k].detail { message += ": " + d }
                message += " [" + where_ + "]"
                out.append(CheckFinding(rule: status.rawValue, level: level, message: message,
                                        logLines: claims[k].logLines, file: r.file,
                                        fileLines: claims[k].actualLines ?? r.documentedLines))
            }
            if results[i].needsLineRefFix, let range = r.lineRefRange, let old = r.lineRef, let new = r.suggestedLineRef {
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
