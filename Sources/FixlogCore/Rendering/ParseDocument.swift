/// The JSON form of `fixlog parse` (schema version 1, documented in docs/schema.md).
public struct ParseDocumentV1: Encodable, Sendable {
    public static let schemaVersion = 1
    public var log: FixLog

    public init(_ log: FixLog) { self.log = log }

    enum Keys: String, CodingKey {
        case schemaVersion, source, preamble, incidents, interludes, diagnostics, layout
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.schemaVersion, forKey: .schemaVersion)
        try c.encode(log.source, forKey: .source)
        try c.encode(PreambleJSON(log.preamble), forKey: .preamble)
        try c.encode(log.incidents.map(IncidentJSON.init), forKey: .incidents)
        try c.encode(log.interludes.map(InterludeJSON.init), forKey: .interludes)
        try c.encode(log.diagnostics.map(DiagnosticJSON.init), forKey: .diagnostics)
        try c.encode(log.layout, forKey: .layout)
    }
}

struct PreambleJSON: Encodable {
    var p: Preamble
    init(_ p: Preamble) { self.p = p }
    enum K: String, CodingKey { case title, range }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try NullEncoding.put(&c, p.title, .title)
        try c.encode(p.range, forKey: .range)
    }
}

struct InterludeJSON: Encodable {
    var i: Interlude
    init(_ i: Interlude) { self.i = i }
    enum K: String, CodingKey { case heading, role, range }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try NullEncoding.put(&c, i.heading, .heading)
        try c.encode(i.role, forKey: .role)
        try c.encode(i.range, forKey: .range)
    }
}

/// A diagnostic in JSON: `{severity, id, message, file, range, notes}`.
public struct DiagnosticJSON: Encodable, Sendable {
    var d: Diagnostic
    public init(_ d: Diagnostic) { self.d = d }
    enum K: String, CodingKey { case severity, id, message, file, range, notes }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(d.severity, forKey: .severity)
        try c.encode(d.id, forKey: .id)
        try c.encode(d.message, forKey: .message)
        try NullEncoding.put(&c, d.file, .file)
        try NullEncoding.put(&c, d.range, .range)
        try c.encode(d.notes, forKey: .notes)
    }
}

struct IncidentJSON: Encodable {
    var i: Incident
    init(_ i: Incident) { self.i = i }
    enum K: String, CodingKey {
        case number, title, status, date, dateSource, summary, shape, group, heading, range, fields, sections, problems
        case rootCauses, solution, changes, verifications, alternatives, impact, result, lessons
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try NullEncoding.put(&c, i.number, .number)
        try c.encode(i.title, forKey: .title)
        try NullEncoding.put(&c, i.status, .status)
        try NullEncoding.put(&c, i.date, .date)
        try NullEncoding.put(&c, i.dateSource, .dateSource)
        try NullEncoding.put(&c, i.summary, .summary)
        try c.encode(i.shape, forKey: .shape)
        try NullEncoding.put(&c, i.group, .group)
        try c.encode(i.heading, forKey: .heading)
        try c.encode(i.range, forKey: .range)
        try c.encode(i.fields, forKey: .fields)
        try c.encode(i.sections, forKey: .sections)
        try c.encode(i.problems, forKey: .problems)
        try c.encode(i.rootCauses, forKey: .rootCauses)
        try NullEncoding.put(&c, i.solution, .solution)
        try c.encode(i.changes.map(ChangeJSON.init), forKey: .changes)
        try c.encode(i.verifications.map(VerificationJSON.init), forKey: .verifications)
        try c.encode(i.alternatives, forKey: .alternatives)
        try c.encode(i.impact, forKey: .impact)
        try c.encode(i.result, forKey: .result)
        try c.encode(i.lessons, forKey: .lessons)
    }
}

struct ChangeJSON: Encodable {
    var ch: DocumentedChange
    init(_ ch: DocumentedChange) { self.ch = ch }
    enum K: String, CodingKey {
        case label, file, stage, lineRef, previousLineRef, language, languageGuessed, code, role, annotations, lines
        case replacement, range
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(ch.label, forKey: .label)
        try NullEncoding.put(&c, ch.file, .file)
        try NullEncoding.put(&c, ch.stage, .stage)
        try NullEncoding.put(&c, ch.lineRef, .lineRef)
        try NullEncoding.put(&c, ch.previousLineRef, .previousLineRef)
        try NullEncoding.put(&c, ch.language, .language)
        try c.encode(ch.languageGuessed, forKey: .languageGuessed)
        try c.encode(ch.code, forKey: .code)
        try c.encode(ch.role, forKey: .role)
        try c.encode(ch.annotations, forKey: .annotations)
        try c.encode(ch.lines.filter { $0.role != .blank }.map(CodeLineJSON.init), forKey: .lines)
        try NullEncoding.put(&c, ch.replacement, .replacement)
        try c.encode(ch.range, forKey: .range)
    }
}

struct CodeLineJSON: Encodable {
    var l: CodeLine
    init(_ l: CodeLine) { self.l = l }
    enum K: String, CodingKey { case line, role, content }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(l.line, forKey: .line)
        try c.encode(l.role, forKey: .role)
        try c.encode(l.content, forKey: .content)
    }
}

struct VerificationJSON: Encodable {
    var v: VerificationStep
    init(_ v: VerificationStep) { self.v = v }
    enum K: String, CodingKey { case language, script, expectedOutput, options, label, range }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try NullEncoding.put(&c, v.language, .language)
        try c.encode(v.script, forKey: .script)
        try c.encode(v.expectedOutput.map(ExpectedJSON.init), forKey: .expectedOutput)
        try c.encode(v.options, forKey: .options)
        try NullEncoding.put(&c, v.label, .label)
        try c.encode(v.range, forKey: .range)
    }
}

struct ExpectedJSON: Encodable {
    var e: ExpectedLine
    init(_ e: ExpectedLine) { self.e = e }
    enum K: String, CodingKey { case text, condition, range }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(e.text, forKey: .text)
        try NullEncoding.put(&c, e.condition, .condition)
        try NullEncoding.put(&c, e.range, .range)
    }
}
