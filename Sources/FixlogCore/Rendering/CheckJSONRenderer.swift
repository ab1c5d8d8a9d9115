/// `fixlog check --format json` (schema version 1, documented in docs/schema.md): keys sorted, two-space
/// indent, `null` for absent values, final newline — like every JSON document fixlog writes.
public enum CheckJSONRenderer {
    public static func render(_ report: CheckReport) -> String {
        // Written straight out, keys in code-point order: the text `value(report).sortingKeys().rendered(newline:
        // true)` gives (a test holds the two to the same bytes), without building and sorting the tree.
        var w = JSONTextWriter(capacity: report.results.count * 2048)
        let results = report.results
        w.beginObject()
        w.key("diagnostics")
        write(report.diagnostics, to: &w)
        w.key("log")
        w.string(report.log)
        w.key("results")
        w.beginArray()
        for i in results.indices {
            w.element()
            writeResult(results[i], to: &w)
        }
        w.endArray()
        w.key("schemaVersion")
        w.int(report.schemaVersion)
        w.key("summary")
        writeSummary(report, to: &w)
        w.endObject()
        return w.finish(newline: true)
    }

    static func writeResult(_ r: borrowing ChangeResult, to w: inout JSONTextWriter) {
        w.beginObject()
        w.key("actualLines")
        write(r.actualLines, to: &w)
        w.key("change")
        w.int(r.change)
        w.key("claims")
        w.beginArray()
        let claims = r.claims
        for k in claims.indices {
            w.element()
            writeClaim(claims[k], to: &w)
        }
        w.endArray()
        w.key("date")
        w.string(r.date)
        w.key("diagnostics")
        write(r.diagnostics, to: &w)
        w.key("documentedLines")
        write(r.documentedLines, to: &w)
        w.key("file")
        w.string(r.file)
        w.key("incident")
        w.int(r.incident)
        w.key("label")
        w.string(r.label)
        w.key("lineRef")
        w.string(r.lineRef)
        w.key("logLine")
        w.int(r.logRange.start.line)
        w.key("record")
        w.int(r.record)
        w.key("stage")
        if let s = r.stage {
            w.beginObject()
            w.key("index")
            w.int(s)
            w.key("name")
            w.string(r.stageName)
            w.endObject()
        } else {
            w.null()
        }
        w.key("stageHint")
        w.string(r.stageHint)
        w.key("status")
        w.string(r.status.rawValue)
        w.key("suggestedLineRef")
        w.string(r.suggestedLineRef)
        w.key("supersededBy")
        write(r.supersededBy, to: &w)
        w.key("title")
        w.string(r.title)
        w.endObject()
    }

    static func writeClaim(_ c: borrowing ClaimResult, to w: inout JSONTextWriter) {
        w.beginObject()
        w.key("actualInstruction")
        w.string(c.actualInstruction)
        w.key("actualLines")
        write(c.actualLines, to: &w)
        w.key("detail")
        w.string(c.detail)
        w.key("diff")
        w.string(c.diff?.plain)
        w.key("instruction")
        w.string(c.instruction)
        w.key("kind")
        w.string(c.kind.rawValue)
        w.key("logLines")
        write(c.logLines, to: &w)
        w.key("normalisations")
        w.beginArray()
        for n in c.normalisations {
            w.element()
            w.string(n.rawValue)
        }
        w.endArray()
        w.key("origin")
        w.string(c.origin.rawValue)
        w.key("similarity")
        if let similarity = c.similarity { w.double(similarity) } else { w.null() }
        w.key("status")
        w.string(c.status.rawValue)
        w.key("supersededBy")
        write(c.supersededBy, to: &w)
        w.endObject()
    }

    static func writeSummary(_ report: CheckReport, to w: inout JSONTextWriter) {
        let changes = report.changeCounts, claims = report.claimCounts
        w.beginObject()
        w.key("changed")
        w.int(changes[.changed])
        w.key("changes")
        w.int(report.results.count)
        w.key("claims")
        w.beginObject()
        for (key, status) in [("changed", CheckStatus.changed), ("error", .error), ("holds", .holds), ("missing", .missing),
                              ("moved", .moved), ("superseded", .superseded)] {
            w.key(key)
            w.int(claims[status])
        }
        w.key("total")
        w.int(claims.total)
        w.key("unchecked")
        w.int(claims[.unchecked])
        w.key("violated")
        w.int(claims[.violated])
        w.endObject()
        w.key("error")
        w.int(changes[.error])
        w.key("exitCode")
        w.int(Int(report.exitCode))
        w.key("holds")
        w.int(changes[.holds])
        w.key("lineRefsToFix")
        w.int(LineReferenceFixer.edits(for: report).count)
        for (key, status) in [("missing", CheckStatus.missing), ("moved", .moved), ("superseded", .superseded),
                              ("unchecked", .unchecked), ("violated", .violated)] {
            w.key(key)
            w.int(changes[status])
        }
        w.endObject()
    }

    static func write(_ s: LineSpan?, to w: inout JSONTextWriter) {
        guard let s else { return w.null() }
        w.beginObject()
        w.key("first")
        w.int(s.first)
        w.key("last")
        w.int(s.last)
        w.endObject()
    }

    static func write(_ r: RecordReference?, to w: inout JSONTextWriter) {
        guard let r else { return w.null() }
        w.beginObject()
        w.key("date")
        w.string(r.date)
        w.key("incident")
        w.int(r.incident)
        w.key("title")
        w.string(r.title)
        w.endObject()
    }

    static func write(_ diagnostics: [Diagnostic], to w: inout JSONTextWriter) {
        w.beginArray()
        for i in diagnostics.indices {
            w.element()
            w.beginObject()
            w.key("file")
            w.string(diagnostics[i].file)
            w.key("id")
            w.string(diagnostics[i].id.rawValue)
            w.key("message")
            w.string(diagnostics[i].message)
            w.key("notes")
            w.beginArray()
            let notes = diagnostics[i].notes
            for n in notes.indices {
                w.element()
                w.beginObject()
                w.key("file")
                w.string(notes[n].file)
                w.key("message")
                w.string(notes[n].message)
                w.key("range")
                write(notes[n].range, to: &w)
                w.endObject()
            }
            w.endArray()
            w.key("range")
            write(diagnostics[i].range, to: &w)
            w.key("severity")
            w.string(diagnostics[i].severity.rawValue)
            w.endObject()
        }
        w.endArray()
    }

    static func write(_ r: SourceRange?, to w: inout JSONTextWriter) {
        guard let r else { return w.null() }
        w.beginObject()
        for (key, l) in [("end", r.end), ("start", r.start)] {
            w.key(key)
            w.beginObject()
            w.key("column")
            w.int(l.column)
            w.key("line")
            w.int(l.line)
            w.endObject()
        }
        w.endObject()
    }

    /// The document as a value (keys in the order the schema lists them); ``render(_:)`` prints it with the
    /// keys sorted.

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
