import Foundation
import Testing
@testable import FixlogCore

/// One malformed log per diagnostic (fixtures/logs/malformed, see its EXPECTED.md): the right id, at the right
/// place, with the right severity — never a crash.
@Suite struct MalformedLogTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var id: String
        var line: Int
        var column: Int
        var error: Bool
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "duplicate-record-number.md", id: "duplicate-record-number", line: 13, column: 1, error: false),
        Case(file: "crlf-duplicate-record-number.md", id: "duplicate-record-number", line: 11, column: 1, error: false),
        Case(file: "record-without-date.md", id: "record-without-date", line: 3, column: 1, error: false),
        Case(file: "unreadable-line-reference-overflow.md", id: "unreadable-line-reference", line: 7, column: 25, error: false),
        Case(file: "unreadable-line-reference-reversed.md", id: "unreadable-line-reference", line: 7, column: 25, error: false),
        Case(file: "change-without-language.md", id: "change-without-language", line: 9, column: 1, error: false),
        Case(file: "unterminated-fence.md", id: "unterminated-fence", line: 9, column: 1, error: false),
        Case(file: "invalid-date.md", id: "invalid-date", line: 3, column: 45, error: false),
        Case(file: "invalid-utf8.md", id: "invalid-utf8", line: 3, column: 15, error: true),
        Case(file: "nul-byte.md", id: "nul-byte", line: 5, column: 29, error: true),
        Case(file: "empty.md", id: "empty-input", line: 1, column: 1, error: true),
        Case(file: "whitespace-only.md", id: "empty-input", line: 1, column: 1, error: true),
        Case(file: "not-markdown.md", id: "not-markdown", line: 1, column: 1, error: true),
        Case(file: "not-markdown-binary.md", id: "invalid-utf8", line: 1, column: 1, error: true),
        Case(file: "no-records.md", id: "no-records", line: 1, column: 1, error: false),
    ]

    @Test(arguments: cases)
    func reportsTheDiagnostic(_ c: Case) throws {
        let path = TestSupport.fixtures.appendingPathComponent("logs/malformed/" + c.file).path
        let log = FixLogIngester.load(path: path, displayPath: c.file)
        let found = log.diagnostics.first { $0.id.rawValue == c.id }
        let d = try #require(found, "expected [\(c.id)], got \(log.diagnostics.map(\.formatted))")
        #expect(d.range?.start.line == c.line)
        #expect(d.range?.start.column == c.column)
        #expect(d.file == c.file)
        #expect(d.severity == (c.error ? .error : .warning))
        #expect(log.diagnostics.hasErrors == c.error)
        #expect(d.formatted.hasPrefix("\(c.file):\(c.line):\(c.column): \(c.error ? "error" : "warning"): [\(c.id)] "))
    }

    @Test func unterminatedFenceStillDocumentsTheChange() throws {
        let path = TestSupport.fixtures.appendingPathComponent("logs/malformed/unterminated-fence.md").path
        let log = FixLogIngester.load(path: path)
        let change = try #require(log.incidents.first?.changes.first)
        #expect(change.lines.filter { $0.role == .present }.count == 2)
    }

    @Test func unreadableReferenceLeavesNoLineRef() throws {
        for name in ["unreadable-line-reference-overflow.md", "unreadable-line-reference-reversed.md"] {
            let log = FixLogIngester.load(path: TestSupport.fixtures.appendingPathComponent("logs/malformed/" + name).path)
            #expect(log.incidents.first?.changes.first.map { $0.lineRef == nil } == true, "\(name)")
        }
    }

    @Test func missingFileIsAnError() {
        let log = FixLogIngester.load(path: "/nonexistent/DOCKERFILE_FIXES.md", displayPath: "DOCKERFILE_FIXES.md")
        #expect(log.diagnostics.map(\.id) == [.fileNotFound])
        #expect(log.diagnostics.first?.formatted == "DOCKERFILE_FIXES.md: error: [file-not-found] no such file 'DOCKERFILE_FIXES.md'")
        #expect(log.incidents.isEmpty)
    }

    @Test func directoryIsAnError() {
        let log = FixLogIngester.load(path: TestSupport.fixtures.path, displayPath: "fixtures")
        #expect(log.diagnostics.map(\.id) == [.fileUnreadable])
    }

    @Test func oversizedFileIsRefusedUnread() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("big.md")
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(SourceText.maximumSize) + 10)  // sparse: nothing is written
            try handle.close()
            let log = FixLogIngester.load(path: url.path, displayPath: "big.md")
            #expect(log.diagnostics.map(\.id) == [.fileTooLarge])
        }
    }
}
