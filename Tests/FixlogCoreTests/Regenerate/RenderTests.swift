import Foundation
import Testing
@testable import FixlogCore

/// What a rendered log must keep of the model (no ranges, no shapes, no line numbers).
struct ModelProjection: Equatable, CustomStringConvertible {
    struct Change: Equatable { var code: String; var lines: [Int]?; var file: String?; var stage: String?; var role: String; var language: String? }
    struct Step: Equatable { var script: String; var expected: [String] }
    struct Record: Equatable {
        var number: Int?; var title: String; var date: String?; var status: String?; var summary: String?
        var changes: [Change]; var steps: [Step]
        var rootCauses: [String]; var alternatives: [String]; var lessons: [String]
    }
    var records: [Record]

    init(_ log: FixLog) {
        records = log.incidents.map { r in
            Record(number: r.number, title: r.title, date: r.date, status: r.status, summary: r.summary,
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
        // Canonical: rendering converges (the second rendering is a fixed point; the first may still drop
        // inline-code backticks from solution prose, which the ingester reads as plain text in fix headings).
        let second = LogRenderer.render(again, templates: set)
        let third = LogRenderer.render(FixLogIngester.ingest(SourceText(path: "r2.md", string: second)), templates: set)
        #expect(third == second)
    }

    @Test func voiceBackendRenderGolden() throws {
        let path = "fixtures/projects/voice-backend/DOCKERFILE_FIXES.md"
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        TestSupport.assertGolden(LogRenderer.render(log, templates: try RenderSupport.set()), "../Regenerate/Goldens/voice-backend.rendered.md")
    }
}
