import Foundation
import Testing
@testable import FixlogCore

/// Paths written in a log must never make fixlog read files outside the root.
@Suite("Hardening: paths outside the root")
struct PathEscapeTests {
    @Test func relativeEscapesAbsolutePathsAndSymlinksAreRefused() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let root = dir.appendingPathComponent("project/sub").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try Data("FROM scratch\n".utf8).write(to: URL(fileURLWithPath: root + "/Dockerfile"))
            try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "/etc/passwd")
            try Data("secret\n".utf8).write(to: dir.appendingPathComponent("outside.txt"))
            let resolver = TargetResolver(root: root, logPath: root + "/DOCKERFILE_FIXES.md")
            for name in ["../../etc/passwd", "../../../../../../../../etc/passwd", "../../outside.txt", "link",
                         "./../sub/../../outside.txt"] {
                switch resolver.resolve(name) {
                case .success(let target): Issue.record("'\(name)' resolved to \(target.path)")
                case .failure(let error): #expect(error.diagnostic.id == .pathOutsideRoot, "\(name): \(error.diagnostic.message)")
                }
            }
            // An absolute path outside the root is only matched by its tails under the root.
            if case .success(let target) = resolver.resolve("/etc/passwd") {
                Issue.record("/etc/passwd resolved to \(target.path)")
            }
            // Inside the root still works.
            guard case .success(let ok) = resolver.resolve("Dockerfile") else { Issue.record("Dockerfile"); return }
            #expect(ok.path.hasSuffix("/sub/Dockerfile"))
        }
    }

    @Test func checkReportsTheEscapeAsADiagnostic() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let log = """
                # Log

                ## Fix 1: escape

                **File:** `../../etc/passwd` (line 1)

                ```dockerfile
                root:x:0:0:root:/root:/bin/bash
                ```

                """
            let path = dir.appendingPathComponent("DOCKERFILE_FIXES.md").path
            try Data(log.utf8).write(to: URL(fileURLWithPath: path))
            let parsed = FixLogIngester.load(path: path)
            let report = CrossLinker.check(log: parsed, logPath: path, root: dir.path)
            let all = (report.diagnostics + report.results.flatMap(\.diagnostics)).map(\.id)
            #expect(all.contains(.pathOutsideRoot), "\(report.diagnostics.map(\.formatted))")
        }
    }
}
