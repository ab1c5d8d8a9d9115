/// `fixlog check` text output: per record, a compact table (change, documented lines, actual lines,
/// status), the claims that do not hold, and a summary.
public enum CheckTextRenderer {
    public struct Options: Sendable {
        /// Use ANSI colours.
        public var colour: Bool
        public init(colour: Bool = false) { self.colour = colour }
    }

    public static func render(_ report: CheckReport, options: Options = Options()) -> String {
        // Results and claims are read in place (iterating would copy each one), and the text is built in one
        // buffer with the padding appended in place.
        let results = report.results
        var widest = 0
        for i in results.indices { widest = max(widest, characterCount(results[i].label) + 2) }
        let labelWidth = min(36, max(5, results.isEmpty ? 5 : widest))
        var out = ""
        out.reserveCapacity(results.count * 160)
        var currentRecord = -1
        for i in results.indices {
            if results[i].record != currentRecord {
                currentRecord = results[i].record
                if !out.isEmpty { out += "\n" }
                var heading = results[i].incident.map { "#\($0) " } ?? ""
                heading += results[i].title
                if let date = results[i].date { heading += " (\(date))" }
                out += paint(heading, .bold, options)
                out += "\n  "
                appendPadded(&out, "change", labelWidth + 2)
                out += "documented  actual    status\n"
            }
            let status = results[i].status
            out += "  "
            appendPadded(&out, truncate("\(results[i].change) \(results[i].label)", labelWidth), labelWidth + 2)
            appendPadded(&out, results[i].documentedLines?.description ?? "—", 12)
            appendPadded(&out, results[i].actualLines?.description ?? "—", 10)
            out += paint(status.rawValue, colour(for: status), options)
            if let by = results[i].supersededBy { out += " by " + by.display }
            if results[i].needsLineRefFix, let s = results[i].suggestedLineRef { out += " → " + s }
            out += "\n"
            if status == .error {
                for d in results[i].diagnostics.indices where results[i].diagnostics[d].severity == .error {
                    out += "      " + results[i].diagnostics[d].message + "\n"
                }
            } else if status == .unchecked {
                for d in results[i].diagnostics.indices {
                    out += "      " + paint(results[i].diagnostics[d].message, .dim, options) + "\n"
                }
            }
            let claims = results[i].claims
            for k in claims.indices where claims[k].status != .holds && claims[k].status != .unchecked {
                out += "      "
                if options.colour {
                    out += paint(pad(claims[k].status.rawValue, 11), colour(for: claims[k].status), options)
                } else {
                    appendPadded(&out, claims[k].status.rawValue, 11)
                }
                if claims[k].kind == .absent { out += "removed: " }
                out += truncate(claims[k].instruction, 90)
                out += "\n"
                if let d = claims[k].detail { out += "                 " + d + "\n" }
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
        let count = characterCount(s)
        return count >= width ? s + " " : s + String(repeating: " ", count: width - count)
    }

    /// `out += pad(s, width)`, without building the padded string.
    static func appendPadded(_ out: inout String, _ s: String, _ width: Int) {
        out += s
        let count = characterCount(s)
        if count >= width { out += " "; return }
        let n = width - count
        out += n < spaces.count ? spaces[n] : String(repeating: " ", count: n)
    }

    /// `spaces[n]` is `n` spaces.
    static let spaces: [String] = (0..<64).map { String(repeating: " ", count: $0) }

    static func truncate(_ s: String, _ width: Int) -> String {
        characterCount(s) <= width ? s : String(s.prefix(max(1, width - 1))) + "…"
    }

    /// `s.count`, from the bytes when they are ASCII without CR (then every byte is a character).
    static func characterCount(_ s: String) -> Int {
        let fast = s.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            for b in bytes where b >= 0x80 || b == 13 { return nil }
            return bytes.count
        }
        if let fast, let count = fast { return count }
        return s.count
    }
}
