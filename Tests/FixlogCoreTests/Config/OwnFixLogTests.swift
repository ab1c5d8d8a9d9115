import Foundation
import Testing
@testable import FixlogCore

/// fixlog eats its own cooking: its own DOCKERFILE_FIXES.md must hold against its own Dockerfile.
@Suite("fixlog's own fix log")
struct OwnFixLogTests {
    static let log = TestSupport.packageRoot.appendingPathComponent("DOCKERFILE_FIXES.md").path

    @Test func everyDocumentedChangeHolds() throws {
        let fixLog = FixLogIngester.load(path: Self.log)
        #expect(fixLog.diagnostics.filter { $0.severity >= .warning }.isEmpty, "\(fixLog.diagnostics.map(\.formatted))")
        #expect(fixLog.incidents.count >= 5)
        let report = CrossLinker.check(log: fixLog, logPath: Self.log, root: TestSupport.packageRoot.path)
        let dockerfileChanges = report.results.filter { $0.status != .unchecked }
        #expect(dockerfileChanges.count >= 4)
        for change in dockerfileChanges {
            #expect(change.status == .holds, "record \(change.record) '\(change.label)': \(change.status) \(change.claims.map { "\($0.status) \($0.instruction)" })")
        }
        // The only unchecked change is the containers.conf recipe (a bash block), not a Dockerfile snippet.
        #expect(report.results.filter { $0.status == .unchecked }.count == 1)
        #expect(report.exitCode == 0)
    }

    @Test func theDockerfileParsesAndHasABuildAndARuntimeStage() {
        let result = DockerfileParser.load(path: TestSupport.packageRoot.appendingPathComponent("Dockerfile").path)
        let dockerfile = result.dockerfile
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty)
        #expect(dockerfile?.stages.map(\.name) == ["build", "runtime"])
        #expect(dockerfile?.instructions.contains { $0.original.contains("libcmark0.30.2") } == true)
        #expect(dockerfile?.instructions.contains { $0.original.contains("--static-swift-stdlib") } == true)
    }
}
