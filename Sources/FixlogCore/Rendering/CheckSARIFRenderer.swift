/// `fixlog check --format sarif`: SARIF 2.1.0. Each finding is located on the log line that documents it,
/// with the Dockerfile lines as a related location; stale line references carry a fix.
public enum CheckSARIFRenderer {
    static let rules: [(id: String, text: String)] = [
        ("violated", "An instruction the log documents as removed is present again (a regression)."),
        ("missing", "An instruction the log documents is not in the Dockerfile."),
        ("changed", "An instruction the log documents differs from the closest one in the Dockerfile."),
        ("moved", "An instruction the log documents is outside the documented lines, order or stage."),
        ("superseded", "An instruction the log documents was removed by a later record."),
        ("error", "A documented change could not be checked (target file missing, unreadable or outside the root)."),
        ("line-ref-stale", "A line reference in the log no longer points at the documented instructions."),
    ]

    public static func render(_ report: CheckReport) -> String {
        // Written straight out in the order `value(report)` lists the keys: the text `value(report).rendered(
        // newline: true)` gives (a test holds the two to the same bytes), without building the tree.
        let findings = CheckFinding.findings(in: report)
        var w = JSONTextWriter(capacity: findings.count * 1024)
        w.beginObject()
        w.key("$schema")
        w.string("https://json.schemastore.org/sarif-2.1.0.json")
        w.key("version")
        w.string("2.1.0")
        w.key("runs")
        w.beginArray()
        w.element()
        w.beginObject()
        w.key("tool")
        w.beginObject()
        w.key("driver")
        w.beginObject()
        w.key("name")
        w.string("fixlog")
        w.key("version")
        w.string(FixlogVersion.current)
        w.key("rules")
        w.beginArray()
        for rule in rules {
            w.element()
            w.beginObject()
            w.key("id")
            w.string(rule.id)
            w.key("shortDescription")
            w.beginObject()
            w.key("text")
            w.string(rule.text)
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.key("results")
        w.beginArray()
        for f in findings {
            w.element()
            w.beginObject()
            w.key("ruleId")
            w.string(f.rule)
            w.key("ruleIndex")
            w.int(rules.firstIndex { $0.id == f.rule } ?? 0)
            w.key("level")
            w.string(f.level.rawValue)
            w.key("message")
            w.beginObject()
            w.key("text")
            w.string(f.message)
            w.endObject()
            w.key("locations")
            w.beginArray()
            w.element()
            writeLocation(uri: report.log, lines: f.logLines, column: f.logColumn, to: &w)
            w.endArray()
            if let file = f.file, let lines = f.fileLines {
                w.key("relatedLocations")
                w.beginArray()
                w.element()
                w.beginObject()
                w.key("id")
                w.int(0)
                w.key("physicalLocation")
                writePhysicalLocation(uri: file, lines: lines, column: nil, to: &w)
                w.key("message")
                w.beginObject()
                w.key("text")
                w.string("Dockerfile \(lines.isSingleLine ? "line" : "lines") \(lines)")
                w.endObject()
                w.endObject()
                w.endArray()
            }
            if let fix = f.fix {
                w.key("fixes")
                w.beginArray()
                w.element()
                w.beginObject()
                w.key("description")
                w.beginObject()
                w.key("text")
                w.string("Rewrite the line reference as '\(fix.text)'")
                w.endObject()
                w.key("artifactChanges")
                w.beginArray()
                w.element()
                w.beginObject()
                w.key("artifactLocation")
                w.beginObject()
                w.key("uri")
                w.string(report.log)
                w.endObject()
                w.key("replacements")
                w.beginArray()
                w.element()
                w.beginObject()
                w.key("deletedRegion")
                w.beginObject()
                w.key("startLine")
                w.int(fix.range.start.line)
                w.key("startColumn")
                w.int(fix.range.start.column)
                w.key("endLine")
                w.int(fix.range.end.line)
                w.key("endColumn")
                w.int(fix.range.end.column)
                w.endObject()
                w.key("insertedContent")
                w.beginObject()
                w.key("text")
                w.string(fix.text)
                w.endObject()
                w.endObject()
                w.endArray()
                w.endObject()
                w.endArray()
                w.endObject()
                w.endArray()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.finish(newline: true)
    }

    /// `location(uri:lines:column:)`, written.
    static func writeLocation(uri: String, lines: LineSpan, column: Int?, to w: inout JSONTextWriter) {
        w.beginObject()
        w.key("physicalLocation")
        writePhysicalLocation(uri: uri, lines: lines, column: column, to: &w)
        w.endObject()
    }

    static func writePhysicalLocation(uri: String, lines: LineSpan, column: Int?, to w: inout JSONTextWriter) {
        w.beginObject()
        w.key("artifactLocation")
        w.beginObject()
        w.key("uri")
        w.string(uri)
        w.endObject()
        w.key("region")
        w.beginObject()
        w.key("startLine")
        w.int(lines.first)
        if let column {
            w.key("startColumn")
            w.int(column)
        }
        if lines.last != lines.first {
            w.key("endLine")
            w.int(lines.last)
        }
        w.endObject()
        w.endObject()
    }

    public static func value(_ report: CheckReport) -> JSONValue {
        let findings = CheckFinding.findings(in: report)
        let driver: JSONValue = .object([
            ("name", .string("fixlog")),
            ("version", .string(FixlogVersion.current)),
            ("rules", .array(rules.map { rule in
                .object([
                    ("id", .string(rule.id)),
                    ("shortDescription", .object([("text", .string(rule.text))])),
                ])
            })),
        ])
        let results: [JSONValue] = findings.map { f in
            var pairs: [(String, JSONValue)] = [
                ("ruleId", .string(f.rule)),
                ("ruleIndex", .int(rules.firstIndex { $0.id == f.rule } ?? 0)),
                ("level", .string(f.level.rawValue)),
                ("message", .object([("text", .string(f.message))])),
                ("locations", .array([location(uri: report.log, lines: f.logLines, column: f.logColumn)])),
            ]
            if let file = f.file, let lines = f.fileLines {
                var related = location(uri: file, lines: lines, column: nil)
                if case .object(var p) = related {
                    p.insert(("id", .int(0)), at: 0)
                    p.append(("message", .object([("text", .string("Dockerfile \(lines.isSingleLine ? "line" : "lines") \(lines)"))])))
                    related = .object(p)
                }
                pairs.append(("relatedLocations", .array([related])))
            }
            if let fix = f.fix {
                pairs.append(("fixes", .array([.object([
                    ("description", .object([("text", .string("Rewrite the line reference as '\(fix.text)'"))])),
                    ("artifactChanges", .array([.object([
                        ("artifactLocation", .object([("uri", .string(report.log))])),
                        ("replacements", .array([.object([
                            ("deletedRegion", .object([
                                ("startLine", .int(fix.range.start.line)), ("startColumn", .int(fix.range.start.column)),
                                ("endLine", .int(fix.range.end.line)), ("endColumn", .int(fix.range.end.column)),
                            ])),
                            ("insertedContent", .object([("text", .string(fix.text))])),
                        ])])),
                    ])])),
                ])])))
            }
            return .object(pairs)
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", driver)])),
                ("results", .array(results)),
            ])])),
        ])
    }

    static func location(uri: String, lines: LineSpan, column: Int?) -> JSONValue {
        var region: [(String, JSONValue)] = [("startLine", .int(lines.first))]
        if let column { region.append(("startColumn", .int(column))) }
        if lines.last != lines.first { region.append(("endLine", .int(lines.last))) }
        return .object([("physicalLocation", .object([
            ("artifactLocation", .object([("uri", .string(uri))])),
            ("region", .object(region)),
        ]))])
    }
}
