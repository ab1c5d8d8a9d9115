import Foundation
import Testing
@testable import FixlogCore

/// Locates the shared conformance corpus: `$FIXLOG_CORPUS`, or `<package root>/../shared/corpus`.
enum Corpus {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Dockerfile
        .deletingLastPathComponent()  // FixlogCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["FIXLOG_CORPUS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.appendingPathComponent("../shared/corpus").standardizedFileURL
    }()

    static var parserRoot: URL { root.appendingPathComponent("buildkit-parser") }

    static let available: Bool = FileManager.default.fileExists(
        atPath: root.appendingPathComponent("buildkit-parser/FORMAT.md").path)

    static let missingReason: Comment =
        "corpus not found at \(root.path); set FIXLOG_CORPUS to the shared corpus folder"

    private static func subdirectories(_ rel: String) -> [String] {
        let dir = parserRoot.appendingPathComponent(rel)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { "\(rel)/\($0)" }
    }

    /// Positive cases relative to buildkit-parser/ (`testfiles/env`, `extra/testfiles/probe-flags`, `testfile-line`).
    static let positiveCases: [String] = available
        ? subdirectories("testfiles") + subdirectories("extra/testfiles") + ["testfile-line"] : []

    static let negativeCases: [String] = available
        ? subdirectories("testfiles-negative") + subdirectories("extra/testfiles-negative") : []

    /// Real-world files relative to dockerfiles/ (`docker__buildx/Dockerfile`).
    static let realWorldFiles: [String] = {
        guard available else { return [] }
        let dir = root.appendingPathComponent("dockerfiles")
        var out: [String] = []
        let repos = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        for repo in repos where repo != "LICENSES" {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent(repo).path, isDirectory: &isDir),
                  isDir.boolValue else { continue }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(repo).path)) ?? [])
            out += files.sorted().map { "\(repo)/\($0)" }
        }
        return out
    }()

    static func read(_ url: URL) -> [UInt8]? {
        (try? Data(contentsOf: url)).map { [UInt8]($0) }
    }

    static func expected(_ url: URL) -> Expected? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Expected.self, from: data)
    }

    static func parse(_ url: URL, display: String) -> DockerfileParseResult? {
        guard let bytes = read(url) else { return nil }
        return DockerfileParser.parse(SourceText(path: display, bytes: bytes))
    }
}

/// The `expected/*.json` schema (FORMAT.md §7).
struct Expected: Decodable {
    struct Heredoc: Decodable, Equatable {
        var name: String
        var fd: Int
        var expand: Bool
        var chomp: Bool
        var content: String
    }

    struct Instruction: Decodable {
        var start_line: Int
        var end_line: Int
        var keyword: String
        var flags: [String]
        var json_form: Bool
        var heredocs: [Heredoc]
        var prev_comments: [String]
        var original: String
        var dump: String
    }

    struct Warning: Decodable {
        var line: Int
        var message: String
    }

    var input: String
    var ok: Bool
    var error: String?
    var error_lines: [[Int]]?
    var start_line: Int?
    var end_line: Int?
    var escape_token: String?
    var instructions: [Instruction]?
    var warnings: [Warning]?
}
