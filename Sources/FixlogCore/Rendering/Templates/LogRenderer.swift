import Foundation

/// View models handed to the templates: plain values, one struct per template, so templates never see
/// the model's internals (ranges, annotations).
public enum TemplateViews {
    /// `fixlog.md.mustache`.
    public struct Log {
        /// The document title (not shown for a single-record document, whose title is the record's).
        public var title: String
        /// The whole document is one record.
        public var single: Bool
        public var records: [Record]
    }

    /// `partials/record.mustache`.
    public struct Record {
        /// `Fix #3: Title (2025-01-02)`
        public var heading: String
        /// `##`, or `#` for a single-record document.
        public var hashes: String
        /// The date as a `**Date:**` field (single-record documents).
        public var dateField: String?
        public var number: Int?
        public var title: String
        public var date: String?
        public var status: String?
        public var summary: String?
        public var rootCauses: [Item]
        public var hasRootCauses: Bool
        public var solution: String?
        public var changes: [Change]
        public var hasSolution: Bool
        public var verifications: [Step]
        public var hasVerifications: Bool
        public var alternatives: [Item]
        public var hasAlternatives: Bool
        public var lessons: [Item]
        public var hasLessons: Bool
        /// The last record (no separator after it).
        public var last: Bool
    }

    /// `partials/item.mustache`: a root cause, an alternative or a lesson.
    public struct Item {
        public var index: Int
        public var title: String
        public var detail: String?
    }

    /// `partials/change.mustache`.
    public struct Change {
        public var label: String
        public var file: String?
        /// The line reference, shown after the file.
        public var lineRef: String?
        /// The line reference shown in the heading (when there is no file).
        public var headingLineRef: String?
        public var before: Bool
        /// A fence longer than any backtick run in the code.
        public var fence: String
        public var language: String
        public var code: String
    }

    /// `partials/verification.mustache`.
    public struct Step {
        public var fence: String
        public var language: String
        public var script: String
        /// Expected lines the script does not already carry as `# Expected output:` comments.
        public var expected: [String]
        public var appendExpected: Bool
    }

    /// `record.md.mustache` (`fixlog new`).
    public struct NewRecord {
        /// `##`
        public var hashes: String
        /// `Fix #6: Title (2026-01-05)`
        public var heading: String
        public var number: Int
        public var title: String
        public var date: String
        public var issueField: Bool
        public var sections: [Section]
        /// Records are separated by `---` lines and this record goes before another one.
        public var separator: Bool
    }

    /// A section heading of a new record.
    public struct Section {
        public var hashes: String
        public var heading: String
    }
}

/// `fixlog render` and `fixlog new`: the log (or a new record) through the Mustache templates.
public enum LogRenderer {
    /// The canonical form of the whole log.
    public static func render(_ log: FixLog, templates: TemplateSet) -> String {
        var text = templates.render(view(of: log), .log)
        // Exactly one final newline.
        while text.hasSuffix("\n\n") { text.removeLast() }
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// The view model of a log.
    public static func view(of log: FixLog) -> TemplateViews.Log {
        let single = log.incidents.count == 1 && log.incidents[0].shape == .singleDocument
        let records = log.incidents.enumerated().map { i, incident in
            record(incident, last: i == log.incidents.count - 1, single: single)
        }
        return TemplateViews.Log(title: log.preamble.title ?? "Dockerfile Fixes", single: single, records: records)
    }

    static func record(_ r: Incident, last: Bool, single: Bool) -> TemplateViews.Record {
        var heading = single ? r.title : (r.number.map { "Fix #\($0): " } ?? "Fix: ") + r.title
        if let d = r.date, !single { heading += " (\(d))" }
        func items(_ list: [Item]) -> [TemplateViews.Item] {
            list.enumerated().map { TemplateViews.Item(index: $0 + 1, title: $1.title, detail: $1.detail.isEmpty ? nil : $1.detail) }
        }
        let changes = r.changes.map(change)
        let steps = r.verifications.map(step)
        return TemplateViews.Record(
            heading: heading, hashes: single ? "#" : "##", dateField: single ? r.date : nil, number: r.number, title: r.title, date: r.date, status: r.status, summary: r.summary,
            rootCauses: items(r.rootCauses), hasRootCauses: !r.rootCauses.isEmpty,
            solution: r.solution, changes: changes, hasSolution: r.solution != nil || !changes.isEmpty,
            verifications: steps, hasVerifications: !steps.isEmpty,
            alternatives: items(r.alternatives), hasAlternatives: !r.alternatives.isEmpty,
            lessons: items(r.lessons), hasLessons: !r.lessons.isEmpty, last: last)
    }

    static func fence(for code: String) -> String {
        var longest = 0, run = 0
        for c in code { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func change(_ c: DocumentedChange) -> TemplateViews.Change {
        let code = c.code.hasSuffix("\n") ? String(c.code.dropLast()) : c.code
        // Line references in one canonical form.
        let ref = c.lineRef.map { $0.first == $0.last ? "line \($0.first)" : "lines \($0.first)-\($0.last)" }
        return TemplateViews.Change(
            label: c.label, file: c.file, lineRef: c.file == nil ? nil : ref,
            headingLineRef: c.file == nil ? ref : nil, before: c.role == .before,
            fence: fence(for: code), language: c.languageGuessed ? "" : (c.language ?? ""), code: code)
    }

    static func step(_ s: VerificationStep) -> TemplateViews.Step {
        let script = s.script.hasSuffix("\n") ? String(s.script.dropLast()) : s.script
        let carried = script.range(of: "expected output", options: .caseInsensitive) != nil
        let expected = carried ? [] : s.expectedOutput.map { e in e.condition.map { "\(e.text) (\($0))" } ?? e.text }
        return TemplateViews.Step(fence: fence(for: script), language: s.language ?? "", script: script,
                                  expected: expected, appendExpected: !expected.isEmpty)
    }

    // MARK: - fixlog new

    /// Where a new record goes and what it looks like.
    public struct NewRecordPlan: Sendable {
        /// The new record's number.
        public var number: Int
        /// Byte offset where the record's text is inserted.
        public var offset: Int
        /// True when the log lists its newest record first.
        public var newestFirst: Bool
    }

    /// The log with a new record inserted, numbered highest + 1, placed where the log's order puts new
    /// records (before the first record when the newest comes first, else after the last record), with the
    /// section headings of the log's most recent record. Line endings follow the log's.
    public static func insertNewRecord(title: String, date: String, into source: SourceText, log: FixLog,
                                       templates: TemplateSet) -> (bytes: [UInt8], plan: NewRecordPlan) {
        let numbers = log.incidents.compactMap(\.number)
        let number = (numbers.max() ?? log.incidents.count) + 1
        let newestFirst = isNewestFirst(log)
        let latest = newestFirst ? log.incidents.first : log.incidents.last
        let level = latest?.heading.level ?? 2
        let hashes = String(repeating: "#", count: max(1, min(6, level)))
        var sections: [TemplateViews.Section] = []
        var seen = Set<String>()
        for s in latest?.sections ?? [] where s.level > level && !seen.contains(s.heading) {
            seen.insert(s.heading)
            sections.append(TemplateViews.Section(hashes: String(repeating: "#", count: min(6, s.level)), heading: s.heading))
        }
        let separated = usesSeparators(source: source, log: log)
        let view = TemplateViews.NewRecord(
            hashes: hashes, heading: "Fix #\(number): \(title) (\(date))", number: number, title: title, date: date,
            issueField: latest?.summary != nil || latest == nil, sections: sections,
            separator: separated && newestFirst && !log.incidents.isEmpty)
        var text = templates.render(view, .record)
        while text.hasSuffix("\n\n") { text.removeLast() }
        if !text.hasSuffix("\n") { text += "\n" }

        var offset: Int
        var bytes = source.bytes
        if log.incidents.isEmpty {
            offset = bytes.count
        } else if newestFirst, let first = log.incidents.first {
            offset = source.offset(of: first.heading.range.start)
            text += "\n"
        } else if let last = log.incidents.last {
            offset = source.byteRange(of: last.range).upperBound
        } else {
            offset = bytes.count
        }
        if !newestFirst || log.incidents.isEmpty {
            // After the last record: make sure a blank line separates it.
            var prefix = ""
            if offset > 0, bytes[offset - 1] != 0x0A { prefix += "\n" }
            if offset > 1, !(bytes[offset - 1] == 0x0A && (bytes[offset - 2] == 0x0A || (offset > 2 && bytes[offset - 2] == 0x0D && bytes[offset - 3] == 0x0A))) { prefix += "\n" }
            if separated && !log.incidents.isEmpty { prefix += "---\n\n" }
            text = prefix + text
            if offset == bytes.count, !source.endsWithNewline, !source.bytes.isEmpty { text.removeLast() }
        }
        if source.usesCRLF { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        bytes.insert(contentsOf: Array(text.utf8), at: offset)
        offset = min(offset, bytes.count)
        return (bytes, NewRecordPlan(number: number, offset: offset, newestFirst: newestFirst))
    }

    /// Newest first when dates descend (or, without dates, numbers descend) from the first record to the last.
    static func isNewestFirst(_ log: FixLog) -> Bool {
        let dates = log.incidents.compactMap(\.date)
        if let a = dates.first, let b = dates.last, a != b { return a > b }
        let numbers = log.incidents.compactMap(\.number)
        if let a = numbers.first, let b = numbers.last, a != b { return a > b }
        return false
    }

    /// Whether a `---` line separates the log's records.
    static func usesSeparators(source: SourceText, log: FixLog) -> Bool {
        guard log.incidents.count >= 2 else { return false }
        var n = log.incidents[1].heading.range.start.line - 1
        while n >= 1, source.line(n).trimmingCharacters(in: .whitespaces).isEmpty { n -= 1 }
        return n >= 1 && source.line(n).trimmingCharacters(in: .whitespaces) == "---"
    }
}
