import Foundation
import Testing
import Yams
@testable import FixlogCore

/// The files other tools read: action.yml, .pre-commit-hooks.yaml, and the docs describing the config.
@Suite("Ecosystem files")
struct EcosystemFilesTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: TestSupport.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func actionRunsFixlogFromItsImage() throws {
        let action = try #require(try Yams.compose(yaml: Self.text("action.yml"))?.mapping)
        #expect(action["name"]?.string == "fixlog")
        let runs = try #require(action["runs"]?.mapping)
        #expect(runs["using"]?.string == "docker")
        let image = try #require(runs["image"]?.string)
        #expect(FileManager.default.fileExists(atPath: TestSupport.packageRoot.appendingPathComponent(image).path))
        #expect(runs["args"]?.sequence?.last?.string?.contains("exec fixlog $FIXLOG_ARGS") == true)
        #expect(action["inputs"]?.mapping?["args"]?.mapping?["default"]?.string == "ci")
    }

    @Test func preCommitHooksCallFixlog() throws {
        let hooks = try #require(try Yams.compose(yaml: Self.text(".pre-commit-hooks.yaml"))?.sequence)
        let byID = Dictionary(uniqueKeysWithValues: hooks.compactMap { h in h.mapping.flatMap { m in m["id"]?.string.map { ($0, m) } } })
        #expect(byID["fixlog-check"]?["entry"]?.string == "fixlog check")
        #expect(byID["fixlog-regenerate-check"]?["entry"]?.string == "fixlog regenerate --check")
        for (id, hook) in byID {
            #expect(hook["pass_filenames"]?.bool == false, "\(id)")
            let pattern = try #require(hook["files"]?.string)
            let regex = try NSRegularExpression(pattern: pattern)
            for path in ["DOCKERFILE_FIXES.md", "svc/Dockerfile.prod", ".fixlog.yml"] {
                #expect(regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil, "\(id) runs for \(path)")
            }
            #expect(regex.firstMatch(in: "README.md", range: NSRange(location: 0, length: 9)) == nil)
        }
    }

    @Test func configDocsNameEveryKey() throws {
        let docs = try Self.text("docs/config.md")
        for key in FixlogConfig.keys + FixlogConfig.Site.keys {
            #expect(docs.contains("`\(key)`") || docs.contains("`site.\(key)`"), "docs/config.md documents \(key)")
        }
        let ci = try Self.text("docs/ci.md")
        for name in [CIOutputs.sarifName, CIOutputs.junitName, CIOutputs.annotationsName, CIOutputs.summaryName, CIOutputs.defaultDirectory] {
            #expect(ci.contains(name), "docs/ci.md says where \(name) goes")
        }
    }
}
