import Foundation
import Testing
@testable import FixlogCore

/// Compares a parsed Dockerfile with an `expected/*.json` record; returns readable mismatches.
func conformanceMismatches(_ d: Dockerfile, _ e: Expected) -> [String] {
    var problems: [String] = []
    let got = d.instructions
    let want = e.instructions ?? []
    if got.count != want.count { problems.append("instruction count \(got.count) != \(want.count)") }
    for (g, w) in zip(got, want) {
        let at = "instruction at \(w.start_line) (\(w.keyword))"
        if g.lines.first != w.start_line || g.lines.last != w.end_line {
            problems.append("\(at): lines \(g.lines.first)-\(g.lines.last) != \(w.start_line)-\(w.end_line)")
        }
        if g.keyword != w.keyword { problems.append("\(at): keyword \(g.keyword) != \(w.keyword)") }
        if g.flags != w.flags { problems.append("\(at): flags \(g.flags) != \(w.flags)") }
        if g.jsonForm != w.json_form { problems.append("\(at): json_form \(g.jsonForm) != \(w.json_form)") }
        if g.original != w.original { problems.append("\(at): original \(g.original.debugDescription) != \(w.original.debugDescription)") }
        if g.dump() != w.dump { problems.append("\(at): dump \(g.dump()) != \(w.dump)") }
        if g.previousComments != w.prev_comments {
            problems.append("\(at): prev_comments \(g.previousComments) != \(w.prev_comments)")
        }
        let heredocs = g.heredocs.map {
            Expected.Heredoc(name: $0.name, fd: $0.fileDescriptor, expand: $0.expand, chomp: $0.chomp, content: $0.content)
        }
        if heredocs != w.heredocs { problems.append("\(at): heredocs \(heredocs) != \(w.heredocs)") }
    }
    if let first = got.first?.lines.first, let start = e.start_line, first != start {
        problems.append("file start \(first) != \(start)")
    }
    if let last = got.last?.lines.last, let end = e.end_line, last != end {
        problems.append("file end \(last) != \(end)")
    }
    if let escape = e.escape_token, String(d.escapeCharacter) != escape {
        problems.append("escape \(d.escapeCharacter) != \(escape)")
    }
    let warnings = d.warnings.map { "\($0.range?.start.line ?? -1): \($0.message)" }
    let wantWarnings = (e.warnings ?? []).map { "\($0.line): \($0.message)" }
    if warnings != wantWarnings { problems.append("warnings \(warnings) != \(wantWarnings)") }
    return problems
}

@Suite("BuildKit parser conformance")
struct DockerfileConformanceTests {
    @Test("corpus is present", .enabled(if: Corpus.available, Corpus.missingReason))
    func corpusPresent() {
        #expect(Corpus.positiveCases.count >= 58)
        #expect(Corpus.negativeCases.count >= 17)
        #expect(Corpus.realWorldFiles.count == 231)
    }

    @Test("positive case: dump and lines", .enabled(if: Corpus.available, Corpus.missingReason),
          arguments: Corpus.positiveCases)
    func positive(_ rel: String) throws {
        let dir = Corpus.parserRoot.appendingPathComponent(rel)
        let result = try #require(Corpus.parse(dir.appendingPathComponent("Dockerfile"), display: "\(rel)/Dockerfile"))
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.formatted)
        #expect(errors.isEmpty, "unexpected errors: \(errors)")
        let dockerfile = try #require(result.dockerfile)
        if let want = Corpus.read(dir.appendingPathComponent("result")) {
            let got = dockerfile.dump()
            #expect(Array(got.utf8) == want, "dump differs")
            #expect(got == String(decoding: want, as: UTF8.self))
        }
        let expected = try #require(Corpus.expected(Corpus.parserRoot.appendingPathComponent("expected/\(rel).json")))
        #expect(expected.ok)
        let problems = conformanceMismatches(dockerfile, expected)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("negative case: rejected at BuildKit's line", .enabled(if: Corpus.available, Corpus.missingReason),
          arguments: Corpus.negativeCases)
    func negative(_ rel: String) throws {
        let dir = Corpus.parserRoot.appendingPathComponent(rel)
        let result = try #require(Corpus.parse(dir.appendingPathComponent("Dockerfile"), display: "\(rel)/Dockerfile"))
        #expect(result.dockerfile == nil, "BuildKit rejects this file")
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.file == "\(rel)/Dockerfile")
        #expect(error.range != nil)
        let expected = try #require(Corpus.expected(Corpus.parserRoot.appendingPathComponent("expected/\(rel).json")))
        #expect(!expected.ok)
        if let message = expected.error { #expect(error.message == message) }
        if let lines = expected.error_lines?.first, let first = lines.first, let last = lines.last {
            let got = try #require(result.buildkitErrorLines)
            #expect(got == first...last, "BuildKit reports lines \(lines)")
        }
    }

    @Test("real-world Dockerfile: dump and lines", .enabled(if: Corpus.available, Corpus.missingReason),
          arguments: Corpus.realWorldFiles)
    func realWorld(_ rel: String) throws {
        let file = Corpus.root.appendingPathComponent("dockerfiles/\(rel)")
        let result = try #require(Corpus.parse(file, display: rel))
        let dockerfile = try #require(result.dockerfile, "\(result.diagnostics.map(\.formatted))")
        let expectedDir = Corpus.root.appendingPathComponent("dockerfiles-expected")
        let want = try #require(Corpus.read(expectedDir.appendingPathComponent("\(rel).result")))
        let got = dockerfile.dump()
        #expect(Array(got.utf8) == want, "dump differs")
        #expect(got == String(decoding: want, as: UTF8.self))
        let expected = try #require(Corpus.expected(expectedDir.appendingPathComponent("\(rel).json")))
        let problems = conformanceMismatches(dockerfile, expected)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("upstream line-number case", .enabled(if: Corpus.available, Corpus.missingReason))
    func upstreamLineNumbers() throws {
        let result = try #require(Corpus.parse(
            Corpus.parserRoot.appendingPathComponent("testfile-line/Dockerfile"), display: "Dockerfile"))
        let d = try #require(result.dockerfile)
        #expect(d.instructions.map(\.lines) == [LineSpan(first: 5, last: 5), LineSpan(first: 11, last: 12),
                                                LineSpan(first: 17, last: 31)])
    }
}
