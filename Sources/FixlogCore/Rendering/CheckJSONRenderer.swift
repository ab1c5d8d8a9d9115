/// `fixlog check --format json` (schema version 1, documented in docs/schema.md): keys sorted, two-space
/// indent, `null` for absent values, final newline — like every JSON document fixlog writes.
public enum CheckJSONRenderer {
    public static func render(_ report: CheckReport) -> String {
        value(report).sortingKeys().rendered(newline: true)
    }

    public static func value(_ report: CheckReport) -> JSONValue {
        .object([
            ("schemaVersion", .int(report.schemaVersion)),
            ("log", .string(report.log)),
            ("results", .array(report.results.map(result))),
            ("summary", summary(report)),
            ("diagnostics", .array(report.diagnostics.map(diagnostic))),
        ])
    }

    static func result(_ r: ChangeResult) -> JSONValue {
        .object([
            ("incident", .optional(r.incident)),
            ("change", .int(r.change)),
            ("label", .string(r.label)),
            ("file", .optional(r.file)),
            ("status", .string(r.status.rawValue)),
            ("documentedLines", span(r.documentedLines)),
            ("actualLines", span(r.actualLines)),
            ("lineRef", .optional(r.lineRef)),
            ("suggestedLineRef", .optional(r.suggestedLineRef)),
            ("supersededBy", record(r.supersededBy)),
            ("record", .int(r.record)),
            ("title", .string(r.title)),
            ("date", .optional(r.date)),
            ("stageHint", .optional(r.stageHint)),
            ("stage", r.stage.map { s in .object([("index", .int(s)), ("name", .optional(r.stageName))]) } ?? .null),
            ("logLine", .int(r.logRange.start.line)),
            ("claims", .array(r.claims.map(claim))),
            ("diagnostics", .array(r.diagnostics.map(diagnostic))),
        ])
    }

    static func claim(_ c: ClaimResult) -> JSONValue {
        .object([
            ("kind", .string(c.kind.rawValue)),
            ("instruction", .string(c.instruction)),
            ("status", .string(c.status.rawValue)),
            ("actualLines", span(c.actualLines)),
            ("supersededBy", record(c.supersededBy)),
            ("detail", .optional(c.detail)),
            ("origin", .string(c.origin.rawValue)),
            ("logLines", span(c.logLines)),
            ("actualInstruction", .optional(c.actualInstruction)),
            ("normalisations", .array(c.normalisations.map { .string($0.rawValue) })),
            ("diff", c.diff.map { .string($0.plain) } ?? .null),
            ("similarity", c.similarity.map(JSONValue.double) ?? .null),
        ])
    }

    static func summary(_ report: CheckReport) -> JSONValue {
        let changes = report.changeCounts, claims = report.claimCounts
        var pairs: [(String, JSONValue)] = [("changes", .int(report.results.count))]
        for s in CheckStatus.allCases { pairs.append((s.rawValue, .int(changes[s]))) }
        var claimPairs: [(String, JSONValue)] = [("total", .int(claims.total))]
        for s in CheckStatus.allCases { claimPairs.append((s.rawValue, .int(claims[s]))) }
        pairs.append(("claims", .object(claimPairs)))
        pairs.append(("lineRefsToFix", .int(LineReferenceFixer.edits(for: report).count)))
        pairs.append(("exitCode", .int(Int(report.exitCode))))
        return .object(pairs)
    }

    static func span(_ s: LineSpan?) -> JSONValue {
        guard let s else { return .null }
        return .object([("first", .int(s.first)), ("last", .int(s.last))])
    }

    static func record(_ r: RecordReference?) -> JSONValue {
        guard let r else { return .null }
        return .object([("incident", .optional(r.incident)), ("title", .string(r.title)), ("date", .optional(r.date))])
    }

    /// `{severity, id, message, file, range|null, notes[{message, file, range}]}`, as in `fixlog parse`.
    static func diagnostic(_ d: Diagnostic) -> JSONValue {
        .object([
            ("severity", .string(d.severity.rawValue)),
            ("id", .string(d.id.rawValue)),
            ("message", .string(d.message)),
            ("file", .optional(d.file)),
            ("range", range(d.range)),
            ("notes", .array(d.notes.map { n in
                .object([("message", .string(n.message)), ("file", .optional(n.file)), ("range", range(n.range))])
            })),
        ])
    }

    static func range(_ r: SourceRange?) -> JSONValue {
        guard let r else { return .null }
        func location(_ l: SourceLocation) -> JSONValue { .object([("line", .int(l.line)), ("column", .int(l.column))]) }
        return .object([("start", location(r.start)), ("end", location(r.end))])
    }
}
