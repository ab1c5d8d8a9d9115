import Foundation
import Testing
@testable import FixlogCore

/// Property: a log that documents a whole real-world Dockerfile as one change finds every documented
/// instruction in that Dockerfile (heredocs, continuations with comments, JSON forms, ONBUILD …).
/// Reads the shared corpus from `FIXLOG_CORPUS` (default `../shared/corpus`); skipped when it is absent.
@Suite struct CorpusSelfCheckTests {
    static let corpus: String = {
        let env = ProcessInfo.processInfo.environment["FIXLOG_CORPUS"]
        let path = env ?? (TestLog.packageRoot + "/../shared/corpus")
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }()
    static let dockerfiles = corpus + "/dockerfiles"
    static var available: Bool { FileManager.default.fileExists(atPath: dockerfiles) }

    static func files() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dockerfiles) else { return [] }
        return e.compactMap { $0 as? String }.filter { name in
            let base = (name as NSString).lastPathComponent
            return name.contains("/") && !["LICENSES", "NOTICE.txt", "MANIFEST.tsv", "README.md"].contains(base)
                && !base.hasPrefix(".")
        }.sorted()
    }

    @Test(.enabled(if: available, "shared corpus not found (set FIXLOG_CORPUS); corpus self-check skipped"))
    func everyInstructionOfACorpusDockerfileIsFoundInIt() throws {
        var checked = 0
        for name in Self.files() {
            let path = Self.dockerfiles + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let content = String(decoding: data, as: UTF8.self)
            guard !content.contains("```") else { continue }
            let parsed = DockerfileParser.parse(SourceText(path: path, bytes: [UInt8](data)))
            guard parsed.dockerfile != nil else { continue }  // negative cases are the parser's business
            let markdown = "# Fixes\n\n## Fix #1: Self (2025-01-01)\n\n**Issue:** x\n\n### Solution\n\n```dockerfile\n"
                + content + (content.hasSuffix("\n") ? "" : "\n") + "```\n"
            let log = FixLogIngester.ingest(SourceText(path: "FIXES.md", string: markdown))
            let report = CrossLinker.check(log: log, logPath: "FIXES.md", root: Self.dockerfiles,
                                           dockerfileOverride: path)
            for r in report.results {
                #expect(r.status != .error, "\(name): \(r.diagnostics.map(\.message))")
                for c in r.claims where c.kind == .present {
                    let ok = c.status == .holds || (c.status == .moved && (c.detail ?? "").contains("outside the documented"))
                    #expect(ok, "\(name): \(c.status) \(c.instruction.prefix(100)) \(c.diff?.plain.prefix(200) ?? "")")
                }
            }
            checked += 1
        }
        #expect(checked > 100)
    }
}
