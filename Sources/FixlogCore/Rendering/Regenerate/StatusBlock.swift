import Foundation

/// The content of a record's status block: its cross-link verdicts and its verification results, as
/// Markdown that also reads well as plain text (a block quote with short lists). A pure function of
/// the record, the check results and the results file: no clock, no environment, no log line numbers
/// (they move when blocks are inserted), so regenerating twice gives the same bytes.
public enum StatusBlock {
    /// The content lines (without line endings) between the markers of one record's block.
    /// - Parameters:
    ///   - incident: the record.
    ///   - position: its 0-based position in the log.
    ///   - changes: the check results of its changes.
    ///   - steps: the results file's steps for this record, or nil when no results file was given.
    public static func lines(incident: Incident, position: Int, changes: [ChangeResult], steps: [StepResult]?) -> [String] {
        var out: [String] = [""]
        out.append("> **Changes:** " + changeSummary(changes))
        let details = changes.filter { $0.status != .holds && $0.status != .unchecked }
        for c in details { out.append("> - " + changeDetail(c)) }
        if !incident.verifications.isEmpty || !(steps ?? []).isEmpty {
            out.append(">")
            out.append("> **Verification:** " + verificationSummary(documented: incident.verifications.count, steps: steps))
            for s in steps ?? [] { out.append("> - " + stepLine(s)) }
        }
        out.append("")
        return out
    }

    /// `3 of 3 documented changes hold; Builder Stage lines 1-25 ✓, Runtime lines 30-40 ✓`
    public static func changeSummary(_ changes: [ChangeResult]) -> String {
        if changes.isEmpty { return "no documented changes" }
        let checked = changes.filter { $0.status != .unchecked }
        let unchecked = changes.count - checked.count
        let uncheckedNote = unchecked == 0 ? "" : " (\(unchecked) not checked: not Dockerfile code)"
        if checked.isEmpty { return "no Dockerfile changes to check" + uncheckedNote }
        let holding = checked.filter { $0.status == .holds }.count
        let verb = checked.count == 1 ? "holds" : "hold"
        let noun = checked.count == 1 ? "documented change" : "documented changes"
        // Changes that read the same (a Before and an After block under one heading) are listed once.
        var items: [String] = []
        var seen: [String: Int] = [:]
        for c in checked {
            let item = "\(name(c)) \(symbol(c.status))"
            if let k = seen[item] { items[k] = item; continue }
            seen[item] = items.count
            items.append(item)
        }
        return "\(holding) of \(checked.count) \(noun) \(verb)\(uncheckedNote); " + items.joined(separator: ", ")
    }

    /// `Builder Stage lines 1-25`: the change's label and its line reference as the log writes it
    /// (after correction, the check's suggestion).
    static func name(_ c: ChangeResult) -> String {
        var label = c.label.trimmingCharacters(in: .whitespaces)
        while let l = label.last, l == ":" { label.removeLast() }
        if label.isEmpty { label = "change \(c.change + 1)" }
        var ref = c.suggestedLineRef ?? c.lineRef
        if let r = ref, !r.isEmpty, r.allSatisfy(\.isNumber) { ref = "line \(r)" }
        return inline(ref.map { "\(label) \($0)" } ?? label)
    }

    /// One line per change that does not hold: what happened to it.
    static func changeDetail(_ c: ChangeResult) -> String {
        var text = "\(name(c)): \(c.status.rawValue)"
        switch c.status {
        case .moved:
            if let a = c.actualLines { text += " (now \(span(a)))" }
        case .superseded:
            if let s = c.supersededBy { text += " by \(inline(s.display))" }
        case .changed, .missing, .violated:
            if let claim = c.claims.first(where: { $0.status == c.status }) {
                text += " — `\(code(claim.instruction))`"
                if let a = claim.actualLines { text += " (\(span(a)))" }
            }
        case .error:
            // The diagnostic's id, not its message: messages name absolute paths, which differ between machines.
            let file = c.fileAsWritten ?? c.file ?? "Dockerfile"
            text += " — cannot check `\(code(file))`"
            if let d = c.diagnostics.first { text += " (\(d.id.rawValue))" }
        case .holds, .unchecked:
            break
        }
        return text
    }

    static func span(_ s: LineSpan) -> String { s.first == s.last ? "line \(s.first)" : "lines \(s.first)-\(s.last)" }

    /// The mark shown after a change's name.
    public static func symbol(_ s: CheckStatus) -> String {
        switch s {
        case .holds: "✓"
        case .superseded: "↷ superseded"
        case .moved: "→ moved"
        case .changed: "≠ changed"
        case .missing: "✗ missing"
        case .violated: "✗ violated"
        case .error: "⚠ error"
        case .unchecked: "· not checked"
        }
    }

    /// `2 passed, 1 skipped (results of 2025-11-20T10:00:00Z)`
    public static func verificationSummary(documented: Int, steps: [StepResult]?) -> String {
        let stepsWord = documented == 1 ? "step" : "steps"
        guard let steps else { return "\(documented) documented \(stepsWord), no results" }
        if steps.isEmpty { return "\(documented) documented \(stepsWord), not run" }
        var counts: [StepStatus: Int] = [:]
        for s in steps { counts[s.status, default: 0] += 1 }
        let parts = StepStatus.allCases.compactMap { st in counts[st].map { "\($0) \(words(st))" } }
        var text = parts.joined(separator: ", ")
        let times = steps.compactMap(\.startedAt).sorted()
        if let first = times.first, let last = times.last {
            text += first == last ? " (results of \(first))" : " (results of \(first) to \(last))"
        }
        return text
    }

    static func words(_ s: StepStatus) -> String {
        switch s {
        case .timedOut: "timed out"
        case .error: "errored"
        default: s.rawValue
        }
    }

    static func stepSymbol(_ s: StepStatus) -> String {
        switch s {
        case .passed, .cached: "✓"
        case .failed: "✗"
        case .skipped: "–"
        case .timedOut: "⏱"
        case .error: "⚠"
        }
    }

    /// `step 2 ✗ failed: exit status 1 — 2025-11-20T10:00:00Z, inputs 1a2b3c4d`
    public static func stepLine(_ s: StepResult) -> String {
        var text = "step \(s.step)"
        if let label = s.label?.trimmingCharacters(in: .whitespaces), !label.isEmpty { text += " (\(inline(label)))" }
        text += " \(stepSymbol(s.status)) \(words(s.status))"
        if let reason = s.reason, !reason.isEmpty { text += ": " + inline(reason, limit: 160) }
        var facts: [String] = []
        if let t = s.startedAt, !(s.reason ?? "").contains(t) { facts.append(s.status == .cached ? "reused run of \(t)" : t) }
        if !s.inputsHash.isEmpty { facts.append("inputs \(s.inputsHash.prefix(8))") }
        if !facts.isEmpty { text += " — " + facts.joined(separator: ", ") }
        return text
    }

    /// One line of text, safe inside the block: line breaks collapsed, `<` escaped so no HTML tag (or
    /// marker) can form, shortened to `limit` characters.
    static func inline(_ s: String, limit: Int = 200) -> String {
        // Fast path: most labels and titles are short single lines without `<`.
        if s.utf8.count <= limit, !s.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x3C }),
           s.first != " ", s.last != " " {
            return s
        }
        var t = s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        if t.count > limit { t = String(t.prefix(limit - 1)) + "…" }
        return t.replacingOccurrences(of: "<", with: "\\<")
    }

    /// Text for a code span: no backticks or line breaks.
    static func code(_ s: String) -> String {
        inline(s, limit: 120).replacingOccurrences(of: "\\<", with: "<").replacingOccurrences(of: "`", with: "'")
    }
}

/// The table of all records near the top of the log (`fixlog regenerate --summary`).
public enum SummaryTable {
    /// The content lines (without line endings) between the summary markers.
    public static func lines(log: FixLog, report: CheckReport, steps: [[StepResult]?]) -> [String] {
        var out = ["", "| # | Record | Date | Changes | Verification |", "|---|---|---|---|---|"]
        var byRecord: [Int: [ChangeResult]] = [:]
        for r in report.results { byRecord[r.record, default: []].append(r) }
        for (i, incident) in log.incidents.enumerated() {
            let changes = byRecord[i] ?? []
            let checked = changes.filter { $0.status != .unchecked }
            var changeCell = "—"
            if !checked.isEmpty {
                let holding = checked.filter { $0.status == .holds }.count
                let worst = checked.map(\.status).max { $0.severity < $1.severity } ?? .holds
                let mark = worst == .holds ? "✓" : StatusBlock.symbol(worst).split(separator: " ").first.map(String.init) ?? ""
                changeCell = "\(mark) \(holding) of \(checked.count) hold"
            }
            var verifyCell = "—"
            let recordSteps = i < steps.count ? steps[i] : nil
            if let recordSteps, !recordSteps.isEmpty {
                var counts: [StepStatus: Int] = [:]
                for s in recordSteps { counts[s.status, default: 0] += 1 }
                let mark = recordSteps.contains { $0.status.isFailure } ? "✗" : "✓"
                verifyCell = mark + " " + StepStatus.allCases.compactMap { st in counts[st].map { "\($0) \(StatusBlock.words(st))" } }
                    .joined(separator: ", ")
            } else if !incident.verifications.isEmpty {
                verifyCell = recordSteps == nil ? "no results" : "not run"
            }
            let number = incident.number.map(String.init) ?? "(\(i + 1))"
            out.append("| \(number) | \(cell(incident.title)) | \(incident.date ?? "—") | \(changeCell) | \(verifyCell) |")
        }
        out.append("")
        return out
    }

    static func cell(_ s: String) -> String {
        StatusBlock.inline(s, limit: 100).replacingOccurrences(of: "|", with: "\\|")
    }
}
