/// One record of a fix log: one problem and what was done about it.
public struct Incident: Sendable, Hashable, Codable {
    /// The record's number as written ("#2", "Fix 3", "3."), if any.
    public var number: Int?
    /// The title, with numbering, emoji, emphasis, dates and status markers removed.
    public var title: String
    /// A status marker split off the title or read from a field (`FIXED`, `RESOLVED`, `OPEN`, …).
    public var status: String?
    /// ISO date (YYYY-MM-DD) when the record carries a real calendar date, or inherits one from its group.
    public var date: String?
    /// Where the date came from.
    public var dateSource: DateSource?
    /// The `**Issue:**` (or similar) one-line summary.
    public var summary: String?
    /// How the record was recognised in the log.
    public var shape: RecordShape
    /// The heading that starts the record (or the document title for a single-record log).
    public var heading: HeadingRef
    /// The group heading (severity, date, category) the record sits under, if any.
    public var group: String?
    /// The record's bytes: from its heading up to the next record (or end of file).
    public var range: SourceRange

    public var fields: [Field]
    public var sections: [Section]
    public var problems: [Item]
    public var rootCauses: [Item]
    /// The solution section's prose (first paragraph), if there is one.
    public var solution: String?
    public var changes: [DocumentedChange]
    public var verifications: [VerificationStep]
    public var alternatives: [Item]
    public var impact: [ImpactMetric]
    public var result: [String]
    public var lessons: [Item]

    public enum DateSource: String, Sendable, Hashable, Codable { case heading, field, group, document }

    public init(
        number: Int?, title: String, status: String? = nil, date: String? = nil, dateSource: DateSource? = nil,
        summary: String? = nil, shape: RecordShape, heading: HeadingRef, group: String? = nil, range: SourceRange,
        fields: [Field] = [], sections: [Section] = [], problems: [Item] = [], rootCauses: [Item] = [],
        solution: String? = nil, changes: [DocumentedChange] = [], verifications: [VerificationStep] = [],
        alternatives: [Item] = [], impact: [ImpactMetric] = [], result: [String] = [], lessons: [Item] = []
    ) {
        self.number = number
        self.title = title
        self.status = status
        self.date = date
        self.dateSource = dateSource
        self.summary = summary
        self.shape = shape
        self.heading = heading
        self.group = group
        self.range = range
        self.fields = fields
        self.sections = sections
        self.problems = problems
        self.rootCauses = rootCauses
        self.solution = solution
        self.changes = changes
        self.verifications = verifications
        self.alternatives = alternatives
        self.impact = impact
        self.result = result
        self.lessons = lessons
    }
}

/// How a record was recognised.
public enum RecordShape: String, Sendable, Hashable, Codable {
    /// `## Fix #N: Title (date)`, sections one level deeper or at the same level.
    case fixHeading
    /// `### N. Title` under a parent section such as "Issues Fixed".
    case numberedItem
    /// `### Issue N: …`, `### Fix N: …`, `### Error N: …`.
    case keywordHeading
    /// The whole document is one record (H1 title plus `**Date:**` / `**Issue:**` fields).
    case singleDocument
    /// An item of a parallel problem list, linked to a fix list by number.
    case problemFixPair
    /// `## 2025-01-09: Fixed numpy conflict`: one of a series of headings led by their date.
    case datedHeading
}

/// The heading that starts a record.
public struct HeadingRef: Sendable, Hashable, Codable {
    public var text: String
    public var level: Int
    public var range: SourceRange
    public init(text: String, level: Int, range: SourceRange) {
        self.text = text
        self.level = level
        self.range = range
    }
}

/// A `**Name:** value` line.
public struct Field: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public var range: SourceRange
    public init(name: String, value: String, range: SourceRange) {
        self.name = name
        self.value = value
        self.range = range
    }
}

/// A section of a record, classified by its heading.
public struct Section: Sendable, Hashable, Codable {
    public var kind: SectionKind
    public var heading: String
    public var level: Int
    /// From the section heading up to the next heading of the same or a higher level within the record.
    public var range: SourceRange
    public init(kind: SectionKind, heading: String, level: Int, range: SourceRange) {
        self.kind = kind
        self.heading = heading
        self.level = level
        self.range = range
    }
}

public enum SectionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case problem, rootCause, solution, changes, verification, expectedOutput, alternatives, impact, result
    case lessons, rationale, benefits, files, nextSteps, notes, other
}

/// A titled point: a root cause, an alternative, a lesson.
public struct Item: Sendable, Hashable, Codable {
    public var title: String
    public var detail: String
    public var range: SourceRange
    public init(title: String, detail: String, range: SourceRange) {
        self.title = title
        self.detail = detail
        self.range = range
    }
}

/// One line of an impact list: `**Build time**: Reduced by ~5-10 minutes`.
public struct ImpactMetric: Sendable, Hashable, Codable {
    public var metric: String
    public var value: String
    public var range: SourceRange
    public init(metric: String, value: String, range: SourceRange) {
        self.metric = metric
        self.value = value
        self.range = range
    }
}
