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
        value(report).rendered(newline: true)
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
