import Foundation
import Testing
@testable import FixlogCore

/// Cache, results file, golden JSON/JUnit, sharding and merge.
@Suite("Verification results and cache")
struct ResultsTests {
    @Test func cacheHitsUntilADockerfileByteChanges() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        try VT.write("FROM scratch\nCOPY busybox /bin/busybox\n", to: root + "/app/Dockerfile")
        let step = VT.step("echo run >> \(root)/runs.log\ncd app\npodman build -t app . >/dev/null 2>&1 || true\necho built",
                           expected: VT.lines("built"))
        let records = [VerificationRecord(number: 1, title: "cache", steps: [step])]
        // `podman` may be absent: a fake one on PATH keeps the test about caching.
        let bin = root + "/bin"
        try VT.write("#!/bin/sh\nexit 0\n", to: bin + "/podman")
        chmod(bin + "/podman", 0o755)
        let path = bin + ":/usr/bin:/bin"
        let engine = VT.engine(environment: VT.environment(extra: ["PATH": path]))
        func runOnce(_ previous: VerificationResults?, useCache: Bool = true) async -> [StepResult] {
            let plan = VT.plan(records, root: root, path: path)
            let e = useCache ? engine : VT.engine(useCache: false, environment: VT.environment(extra: ["PATH": path]))
            return await e.run(plan.steps, logPath: "L.md", previous: previous)
        }
        func runs() -> Int {
            ((try? String(contentsOfFile: root + "/runs.log", encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let first = await runOnce(nil)
        #expect(first[0].status == .passed)
        #expect(VT.plan(records, root: root, path: path).steps[0].inputFiles == ["app/Dockerfile"])
        let second = await runOnce(VerificationResults(steps: first))
        #expect(second[0].status == .cached)
        #expect(second[0].inputsHash == first[0].inputsHash)
        #expect(runs() == 1, "a cached step starts no process")
        // --no-cache runs it again.
        let forced = await runOnce(VerificationResults(steps: second), useCache: false)
        #expect(forced[0].status == .passed)
        #expect(runs() == 2)
        // One byte of the target Dockerfile changes: a miss.
        try VT.write("FROM scratch\nCOPY busybox /bin/busybox \n", to: root + "/app/Dockerfile")
        let third = await runOnce(VerificationResults(steps: forced))
        #expect(third[0].status == .passed)
        #expect(third[0].inputsHash != first[0].inputsHash)
        #expect(runs() == 3)
        // A failed result is never reused.
        var failed = third
        failed[0].status = .failed
        let fourth = await runOnce(VerificationResults(steps: failed))
        #expect(fourth[0].status == .passed)
        #expect(runs() == 4)
    }

    @Test func resultsFileRoundTripsAtomicallyAndRejectsNewerSchemas() throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let path = dir + "/.fixlog/results.json"
        let results = VerificationResults(steps: [Self.sample(status: .passed)])
        try results.write(path: path)
        #expect(try VerificationResults.read(path: path) == results)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.fixlog") == ["results.json"], "no temp file left")
        #expect(try VerificationResults.read(path: dir + "/none.json") == nil)
        try VT.write("{\"schemaVersion\": 2, \"steps\": []}", to: dir + "/v2.json")
        #expect(throws: ResultsFileError.self) { try VerificationResults.read(path: dir + "/v2.json") }
        try VT.write("not json", to: dir + "/bad.json")
        #expect(throws: ResultsFileError.self) { try VerificationResults.read(path: dir + "/bad.json") }
    }

    static func sample(status: StepStatus, record: Int = 1, step: Int = 1) -> StepResult {
        StepResult(incident: record, record: record, step: step, title: "T\(record)", status: status,
                   durationMs: 5, startedAt: "2026-01-01T00:00:00.000Z", outputExcerpt: "x", inputsHash: "h\(record)")
    }

    /// Real runs of every status, normalised (durations, timestamps, environment, paths), against goldens.
    @Test func goldenResultsJSONAndJUnit() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let records = [
            VerificationRecord(number: 1, title: "Base image", steps: [
                VT.step("echo '2.6.0'\necho 'False'", expected: [ExpectedLine(text: "2.6.0"), ExpectedLine(text: "True", condition: "if CUDA GPU available"), ExpectedLine(text: "...")], label: "Verification Steps", line: 12),
                VT.step("echo 'built <ok> & \"done\"'; echo 'warning: x' >&2; exit 4", label: "Build", line: 20),
            ]),
            VerificationRecord(number: 2, title: "Missing tool", steps: [VT.step("fixlog-missing-tool --version", line: 31)]),
            VerificationRecord(number: 3, title: "Hang", steps: [VT.step("sleep 1000", options: ["timeout": "1s"], line: 40)]),
            VerificationRecord(number: 4, title: "Expectation", steps: [VT.step("echo one", expected: VT.lines("one", "two"), line: 50)]),
            VerificationRecord(number: 5, title: "Bad options", steps: [VT.step("true", options: ["retries": "3"], line: 60)]),
        ]
        let plan = VT.plan(records, root: root)
        var results = await VT.engine(jobs: 2).run(plan.steps, logPath: "DOCKERFILE_FIXES.md", previous: nil)
        // A cached step, from an earlier passed result.
        let again = await VT.engine(jobs: 2).run([plan.steps[0]], logPath: "DOCKERFILE_FIXES.md", previous: VerificationResults(steps: results))
        results.append(again[0])
        let normalised = results.map { r -> StepResult in
            var r = r
            r.durationMs = 1000
            r.startedAt = r.startedAt.map { _ in "2026-01-01T00:00:00.000Z" }
            r.environment = r.environment.map { _ in StepEnvironment(os: "TestOS 1", tools: [:]) }
            r.reason = r.reason?.replacingOccurrences(of: "2026-", with: "YEAR-").replacingOccurrences(of: #"YEAR-\S+"#, with: "TIME", options: .regularExpression)
            return r
        }
        #expect(normalised.map(\.status) == [.passed, .failed, .skipped, .timedOut, .failed, .error, .cached])
        let file = VerificationResults(steps: normalised)
        VT.assertGolden(String(decoding: try file.encoded(), as: UTF8.self), "results.json")
        VT.assertGolden(JUnitRenderer.render(file, timestamp: "2026-01-01T00:00:00Z", hostname: "test"), "junit.xml")
        VT.assertGolden(normalised.map { VerificationReport.resultLine($0) }.joined() + VerificationReport.summary(normalised) + "\n", "report.txt")
        #expect(!file.succeeded)
    }

    @Test func planRendering() throws {
        let root = "/repo"
        let records = [VerificationRecord(number: 2, title: "CI/CD PyTorch Layer Size Issue", steps: [
            VT.step("cd python_back_end\npodman build -t test-backend .\nfixlog-absent-tool x\n",
                    expected: [ExpectedLine(text: "2.6.0"), ExpectedLine(text: "True", condition: "if CUDA GPU available"),
                               ExpectedLine(text: "ok", condition: "if the stars align")],
                    options: ["timeout": "30s"], label: "Verification Steps", line: 80),
        ])]
        let plan = VerificationPlan(records: records, logPath: "python_back_end/DOCKERFILE_FIXES.md", root: root,
                                    searchPath: "/nonexistent-bin", defaultTimeout: .defaultTimeout)
        VT.assertGolden(VerificationReport.plan(plan, masker: SecretMasker(secrets: [])), "plan.txt")
    }

    @Test func shardedRunsMergeIntoTheFullRun() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let records = (1...5).map { i in
            VerificationRecord(number: i * 10, title: "R\(i)", steps: [VT.step("echo \(i)a", expected: VT.lines("\(i)a")),
                                                                        VT.step("echo \(i)b", expected: VT.lines("\(i)b"))])
        }
        let plan = VT.plan(records, root: root)
        var parts: [VerificationResults] = []
        for i in 1...3 {
            let shard = try #require(Shard(index: i, count: 3))
            let steps = plan.steps.filter { shard.includes(record: $0.record) }
            #expect(Set(steps.map(\.record)).count == steps.count / 2, "both steps of a record in the same shard")
            parts.append(VerificationResults(steps: await VT.engine().run(steps, logPath: "L.md", previous: nil)))
        }
        let merged = VerificationResults.merge(parts.reversed())
        #expect(merged.steps.map { "\($0.incident).\($0.step)" } == ["10.1", "10.2", "20.1", "20.2", "30.1", "30.2", "40.1", "40.2", "50.1", "50.2"])
        #expect(merged.succeeded)
        // Merging is idempotent and a later file wins for the same step.
        var override = parts[0]
        override.steps[0].status = .failed
        let again = VerificationResults.merge([merged, override])
        #expect(again.steps.count == 10)
        #expect(again.steps.first?.status == .failed)
        #expect(!again.succeeded)
    }
}
