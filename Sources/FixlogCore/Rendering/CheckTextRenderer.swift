/// `fixlog check` text output: per record, a compact table (change, documented lines, actual lines,
/// status), the claims that do not hold, and a summary.
public enum CheckTextRenderer {
    public struct Options: Sendable {
        /// Use ANSI colours.
        public var colour: Bool
        public init(colour: Bool = false) { self.colour = colour }
    }

    public static func render(_ report: CheckReport, options: Options = Options()) -> String {
        var out = ""
        let labelWidth = min(36, max(5, report.results.map { $0.label.count + 2 }.max() ?? 5))
        var currentRecord = -1
        for r in report.results {
            if r.record != currentRecord {
                currentRecord = r.record
                if !out.isEmpty { out += "\n" }
                var heading = r.incident.map { "#\($0) " } ?? ""
                heading += r.title
                if let date = r.date { heading += " (\(date))" }
                out += paint(heading, .bold, options) + "\n"
                out += "  " + pad("change", labelWidth + 2) + pad("documented", 12) + pad("actual", 10) + "status\n"
            }
            let label = truncate("\(r.change) \(r.label)", labelWidth)
            var status = paint(r.status.rawValue, colour(for: r.status), options)
            if let by = r.supersededBy { status += " by " + by.display }
            if r.needsLineRefFix, let s = r.suggestedLineRef { status += " → " + s }
            out += "  " + pad(label, labelWidth + 2) + pad(r.documentedLines?.description ?? "—", 12)
                + pad(r.actualLines?.description ?? "—", 10) + status + "\n"
            if r.status == .error {
                for d in r.diagnostics where d.severity == .error { out += "      " + d.message + "\n" }
            } else if r.status == .unchecked {
                for d in r.diagnostics { out += "      " + paint(d.message, .dim, options) + "\n" }
            }
            for c in r.claims where c.status != .holds && c.status != .unchecked {
                out += "      " + paint(pad(c.status.rawValue, 11), colour(for: c.status), options)
                out += (c.kind == .absent ? "removed: " : "") + truncate(c.instruction, 90) + "\n"
                if let d = c.detail { out += "      " + String(repeating: " ", count: 11) + d + "\n" }
            }
        }
        out += "\n" + summary(report) + "\n"
        return out
    }

    /// `8 changes: 3 holds, 1 superseded, 4 moved; 4 line references to fix (fixlog check --fix)`.
    public static func summary(_ report: CheckReport) -> String {
        let counts = report.changeCounts
        let parts = CheckStatus.allCases.filter { counts[$0] > 0 }.map { "\(counts[$0]) \($0.rawValue)" }
        var s = "\(report.results.count) change\(report.results.count == 1 ? "" : "s")"
        if !parts.isEmpty { s += ": " + parts.joined(separator: ", ") }
        let fixes = LineReferenceFixer.edits(for: report).count
        if fixes > 0 { s += "; \(fixes) line reference\(fixes == 1 ? "" : "s") to fix (fixlog check --fix)" }
        return s
    }

    enum Colour: String { case green = "32", yellow = "33", red = "31", cyan = "36", dim = "2", bold = "1", boldRed = "1;31" }

    static func colour(for status: CheckStatus) -> Colour {
        switch status {
        case .holds: .green
        case .superseded: .cyan
        case .moved, .changed: .yellow
        case .missing, .error: .red
        case .violated: .boldRed
        case .unchecked: .dim
        }
    }

    static func paint(_ s: String, _ c: Colour, _ options: Options) -> String {
        options.colour ? "\u{1B}[\(c.rawValue)m\(s)\u{1B}[0m" : s
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func truncate(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(1, width - 1))) + "…"
    }
}
