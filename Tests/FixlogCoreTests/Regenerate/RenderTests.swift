import Foundation
import Testing
@testable import FixlogCore

/// What a rendered log must keep of the model (no ranges, no shapes, no line numbers).
struct ModelProjection: Equatable, CustomStringConvertible {
    struct Change: Equatable { var code: String; var lines: [Int]?; var file: String?; var stage: String?; var role: String; var language: String? }
    struct Step: Equatable { var script: String; var expected: [String] }
    struct Record: Equatable {
        var number: Int?; var title: String; var date: String?; var status: String?; var summary: String?
        var solution: String?
        var changes: [Change]; var steps: [Step]
        var rootCauses: [String]; var alternatives: [String]; var lessons: [String]
    }
    var records: [Record]

    init(_ log: FixLog) {
        records = log.incidents.map { r in
            Record(number: r.number, title: r.title, date: r.date, status: r.status, summary: r.summary,
                   solution: r.solution,
                   changes: r.changes.map { c in
                       Change(code: c.code.trimmingCharacters(in: .newlines), lines: c.lineRef.map { [$0.first, $0.last] },
                              file: c.file, stage: c.stage, role: "\(c.role)", language: c.languageGuessed ? nil : c.language)
                   },
                   steps: r.verifications.map { s in
                       Step(script: Self.scriptBody(s.script), expected: s.expectedOutput.map { [$0.text, $0.condition ?? ""].joined(separator: "|") })
                   },
                   rootCauses: r.rootCauses.map { "\($0.title): \($0.detail)" },
                   alternatives: r.alternatives.map { "\($0.title): \($0.detail)" },
                   lessons: r.lessons.map { "\($0.title): \($0.detail)" })
        }
    }

    /// The script without an `# Expected output:` comment section (the renderer may add one).
    static func scriptBody(_ s: String) -> String {
        var out: [Substring] = []
        for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.lowercased().contains("expected output") { break }
            out.append(line)
        }
        return out.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var description: String { records.map { "\($0)" }.joined(separator: "\n") }
}

enum RenderSupport {
    static let templates = TestSupport.packageRoot.appendingPathComponent("Templates").path

    static func set() throws -> TemplateSet {
        switch TemplateSet.load(directory: templates) {
        case .success(let s): return s
        case .failure(let e): throw e
        }
    }

    static var fixtureLogs: [String] {
        ["fixtures/projects/voice-backend/DOCKERFILE_FIXES.md", "fixtures/projects/dockerfile-history/DOCKERFILE_FIXES.md",
         "fixtures/projects/busybox-app/DOCKERFILE_FIXES.md"] + TestSupport.fixtureFiles(under: "logs/shapes", ext: "md")
    }
}

@Suite("render and new")
struct RenderTests {
    @Test(arguments: RenderSupport.fixtureLogs)
    func renderedLogReadsBackToTheSameModel(path: String) throws {
        let set = try RenderSupport.set()
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        let rendered = LogRenderer.render(log, templates: set)
        let again = FixLogIngester.ingest(SourceText(path: "rendered.md", string: rendered))
        let a = ModelProjection(log), b = ModelProjection(again)
        #expect(a.records.count == b.records.count)
        for (x, y) in zip(a.records, b.records) {
            #expect(x == y, "\(path): record \(x.number.map(String.init) ?? x.title)")
        }
        // Canonical: the rendered form is a fixed point (rendering it again gives the same bytes).
        let second = LogRenderer.render(again, templates: set)
        #expect(second == rendered)
    }

    @Test func voiceBackendRenderGolden() throws {
        let path = "fixtures/projects/voice-backend/DOCKERFILE_FIXES.md"
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        TestSupport.assertGolden(LogRenderer.render(log, templates: try RenderSupport.set()), "../Regenerate/Goldens/voice-backend.rendered.md")
    }
}

@Suite("templates and new records")
struct TemplateAndNewTests {
    /// A copy of Templates/ in a temporary directory.
    func copyTemplates(to dir: URL) throws -> String {
        let target = dir.appendingPathComponent("Templates")
        try FileManager.default.copyItem(atPath: RenderSupport.templates, toPath: target.path)
        return target.path
    }

    @Test func missingTemplateIsNamed() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let templates = try copyTemplates(to: dir)
            try FileManager.default.removeItem(atPath: templates + "/partials/change.mustache")
            guard case .failure(let error) = TemplateSet.load(directory: templates) else {
                Issue.record("a missing partial must fail"); return
            }
            #expect(error.diagnostics.map(\.id) == [.templateMissing])
            #expect(error.diagnostics[0].formatted.contains("partials/change.mustache:1:1: error: [template-missing]"))
        }
        guard case .failure(let e) = TemplateSet.load(directory: "/nonexistent/templates") else { Issue.record("must fail"); return }
        #expect(e.diagnostics.first?.id == .templateMissing)
    }

    @Test func brokenTemplateGivesLineAndColumn() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let templates = try copyTemplates(to: dir)
            try Data("{{% CONTENT_TYPE: TEXT }}\n# {{title}}\n\n{{#records}}\n{{> partials/record}}\n".utf8)
                .write(to: URL(fileURLWithPath: templates + "/fixlog.md.mustache"))
            guard case .failure(let error) = TemplateSet.load(directory: templates) else {
                Issue.record("an unclosed section must fail"); return
            }
            let d = try #require(error.diagnostics.first)
            #expect(d.id == .templateInvalid)
            #expect(d.file?.hasSuffix("fixlog.md.mustache") == true)
            #expect((d.range?.start.line ?? 0) >= 4, "\(d.formatted)")
        }
    }

    @Test func customTemplatesAreUsed() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let templates = try copyTemplates(to: dir)
            try Data("{{% CONTENT_TYPE: TEXT }}\n# {{title}} (custom)\n\n{{#records}}\n{{> partials/record}}\n{{/records}}\n".utf8)
                .write(to: URL(fileURLWithPath: templates + "/fixlog.md.mustache"))
            guard case .success(let set) = TemplateSet.load(directory: templates) else { Issue.record("must load"); return }
            let path = "fixtures/projects/voice-backend/DOCKERFILE_FIXES.md"
            let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
            let text = LogRenderer.render(log, templates: set)
            #expect(text.hasPrefix("# Dockerfile Fixes Documentation (custom)\n"))
            #expect(text.contains("RUN pip install --no-cache-dir \"numpy>=1.24.0,<1.26.0\""), "no HTML escaping")
        }
    }

    @Test func newRecordGoesFirstInANewestFirstLog() throws {
        let path = "fixtures/projects/voice-backend/DOCKERFILE_FIXES.md"
        let source = SourceText(path: path, bytes: try TestSupport.read(path))
        let log = FixLogIngester.ingest(source)
        let (bytes, plan) = LogRenderer.insertNewRecord(title: "Pin the Whisper Model", date: "2025-12-01", into: source, log: log,
                                                        templates: try RenderSupport.set())
        #expect(plan.number == 6)
        #expect(plan.newestFirst)
        let after = FixLogIngester.ingest(SourceText(path: path, bytes: bytes))
        #expect(after.incidents.map(\.number) == [6, 5, 4, 3, 2, 1])
        #expect(after.incidents[0].title == "Pin the Whisper Model")
        #expect(after.incidents[0].date == "2025-12-01")
        #expect(after.incidents[0].sections.map(\.heading) == log.incidents[0].sections.map(\.heading))
        // Everything else is untouched.
        let inserted = bytes.count - source.bytes.count
        #expect(Array(bytes[..<plan.offset]) == Array(source.bytes[..<plan.offset]))
        #expect(Array(bytes[(plan.offset + inserted)...]) == Array(source.bytes[plan.offset...]))
        TestSupport.assertGolden(String(decoding: bytes[plan.offset..<(plan.offset + inserted)], as: UTF8.self),
                                 "../Regenerate/Goldens/voice-backend.new-record.md")
    }

    @Test func newRecordGoesLastInAnOldestFirstLogAndKeepsCRLF() throws {
        let text = "# Fixes\r\n\r\n## Fix #1: One (2025-01-01)\r\n\r\n### Root Cause\r\n\r\nx\r\n\r\n## Fix #2: Two (2025-01-02)\r\n\r\n### Root Cause\r\n\r\ny"
        let source = SourceText(path: "log.md", string: text)
        let log = FixLogIngester.ingest(source)
        let (bytes, plan) = LogRenderer.insertNewRecord(title: "Three", date: "2025-01-03", into: source, log: log,
                                                        templates: try RenderSupport.set())
        #expect(plan.number == 3)
        #expect(!plan.newestFirst)
        let result = String(decoding: bytes, as: UTF8.self)
        #expect(result.hasPrefix(text))
        #expect(result.hasSuffix("## Fix #3: Three (2025-01-03)\r\n\r\n### Root Cause"))
        #expect(!result.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
        let after = FixLogIngester.ingest(SourceText(path: "log.md", bytes: bytes))
        #expect(after.incidents.map(\.number) == [1, 2, 3])
        #expect(LogRenderer.isCalendarDate("2025-02-28") && !LogRenderer.isCalendarDate("2025-02-30") && !LogRenderer.isCalendarDate("25-1-1"))
    }
}

@Suite("templates folder lookup")
struct TemplateLookupTests {
    @Test func installedLayoutIsFoundBesideTheExecutable() throws {
        try TestSupport.withTemporaryDirectory { prefix in
            let fm = FileManager.default
            try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
            let exe = prefix.appendingPathComponent("bin/fixlog").path
            #expect(fm.createFile(atPath: exe, contents: Data()))
            #expect(TemplateSet.defaultDirectory(executable: exe) == nil)
            try fm.createDirectory(at: prefix.appendingPathComponent("share/fixlog"), withIntermediateDirectories: true)
            try fm.copyItem(atPath: RenderSupport.templates, toPath: prefix.appendingPathComponent("share/fixlog/Templates").path)
            let found = try #require(TemplateSet.defaultDirectory(executable: exe))
            #expect(URL(fileURLWithPath: found).resolvingSymlinksInPath().path
                    == prefix.appendingPathComponent("share/fixlog/Templates").resolvingSymlinksInPath().path)
        }
    }

    @Test func packageTemplatesAreFoundFromTheBuildFolder() {
        let exe = TestSupport.packageRoot.appendingPathComponent(".build/debug/fixlog").path
        #expect(TemplateSet.defaultDirectory(executable: exe) == TestSupport.packageRoot.appendingPathComponent("Templates").path)
    }
}
