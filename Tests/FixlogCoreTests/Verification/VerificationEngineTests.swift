import Foundation
import Testing
@testable import FixlogCore

/// The engine end to end on steps built in code: statuses, expectations, prerequisites, options,
/// masking, the cd rule, the container CLI swap, and that no process of a step is left.
@Suite("VerificationEngine")
struct VerificationEngineTests {
    @Test func passFailAndMissingLine() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let results = await VT.run([
            VT.step("echo $$ > pid1\necho hello\necho world", expected: VT.lines("hello", "world")),
            VT.step("echo $$ > pid2\necho one\nexit 3"),
            VT.step("echo $$ > pid3\necho hello", expected: VT.lines("hello", "goodbye")),
        ], root: root)
        #expect(results.map(\.status) == [.passed, .failed, .failed])
        #expect(results[0].exitStatus == 0)
        #expect(results[1].exitStatus == 3)
        #expect(results[1].reason == "exit status 3")
        #expect(results[2].expectation.missingLines == ["goodbye"])
        #expect(results[2].reason == "1 expected line missing from stdout")
        #expect(results.map(\.step) == [1, 1, 1])
        #expect(results.map(\.incident) == [1, 2, 3])
        for i in 1...3 {
            let pid = try #require(VT.readPid(root + "/pid\(i)"))
            #expect(await VT.groupGone(pid))
        }
    }

    @Test func crlfScriptsRun() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let results = await VT.run([VT.step("echo one\r\necho two\r\n", expected: VT.lines("one", "two"))], root: root)
        #expect(results[0].status == .passed, "\(results[0].outputExcerpt)")
    }

    @Test func hangTimesOutAndLeavesNothing() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let results = await VT.run([VT.step("echo $$ > pid\n(sleep 1000) &\nsleep 1000", options: ["timeout": "2s"])], root: root)
        #expect(results[0].status == .timedOut)
        #expect(results[0].reason == "timed out after 2s")
        #expect(await VT.groupGone(try #require(VT.readPid(root + "/pid"))))
    }

    @Test func missingCommandIsSkipped() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let results = await VT.run([
            VT.step("echo $$ > pid\nfixlog-no-such-tool build -t x .\necho done"),
            VT.step("echo ok", options: ["requires": "fixlog-other-missing-tool"]),
        ], root: root)
        #expect(results[0].status == .skipped)
        #expect(results[0].reason == "fixlog-no-such-tool not found")
        #expect(!FileManager.default.fileExists(atPath: root + "/pid"), "a skipped step starts no process")
        #expect(results[1].status == .skipped)
        #expect(results[1].reason == "fixlog-other-missing-tool not found")
    }

    @Test func wildcardAndContiguity() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let script = "printf 'STEP 1/3\\nnoise\\nSTEP 2/3\\n  2.6.0  \\nFalse\\nSuccessfully tagged localhost/app:latest\\n'"
        let results = await VT.run([
            VT.step(script, expected: VT.lines("STEP 1/3", "...", "2.6.0", "False", "Successfully tagged ...")),
            VT.step(script, expected: VT.lines("STEP 1/3", "STEP 2/3")),   // not adjacent without `...`
            VT.step(script, expected: VT.lines("2.6.0", "...", "STEP 1/3")), // order matters
        ], root: root)
        #expect(results[0].status == .passed)
        #expect(results[1].status == .failed)
        #expect(results[1].expectation.missingLines == ["STEP 2/3"])
        #expect(results[2].status == .failed)
        #expect(results[2].expectation.missingLines == ["STEP 1/3"])
    }

    @Test func conditionalLines() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let expected = [
            ExpectedLine(text: "A"),
            ExpectedLine(text: "bash here", condition: "if bash installed"),
            ExpectedLine(text: "never printed", condition: "if fixlog-absent-tool installed"),
            ExpectedLine(text: "True", condition: "if the moon is full"),
            ExpectedLine(text: "Z"),
        ]
        let results = await VT.run([VT.step("echo A; echo bash here; echo False; echo Z", expected: expected)], root: root)
        #expect(results[0].status == .passed)
        #expect(results[0].expectation.uncheckedLines == ["True"])
        #expect(results[0].expectation.notApplicableLines == ["never printed"])
        // A satisfied condition is really checked.
        let failing = await VT.run([VT.step("echo A; echo Z", expected: expected)], root: root)
        #expect(failing[0].status == .failed)
        #expect(failing[0].expectation.missingLines == ["bash here"])
    }

    @Test func stepOptions() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let results = await VT.run([
            VT.step("exit 2", options: ["exit": "2"]),
            VT.step("exit 0", options: ["exit": "2"]),
            VT.step("touch ran", options: ["skip": "needs a GPU runner"]),
            VT.step("true", options: ["colour": "blue"]),
            VT.step("echo \"${MY_FLAG:-unset}\"", expected: VT.lines("on"), options: ["env": "MY_FLAG"]),
        ], root: root)
        #expect(results[0].status == .passed)
        #expect(results[1].status == .failed)
        #expect(results[1].reason == "exit status 0, expected 2")
        #expect(results[2].status == .skipped)
        #expect(results[2].reason == "needs a GPU runner")
        #expect(!FileManager.default.fileExists(atPath: root + "/ran"))
        #expect(results[3].status == .error)
        #expect(results[3].reason == "invalid step options: unknown option 'colour'")
        // env= names a variable not set in the test process: the step sees it unset.
        #expect(results[4].status == (ProcessInfo.processInfo.environment["MY_FLAG"] == "on" ? .passed : .failed))
    }

    @Test func secretsAreMaskedInStoredOutput() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let secret = "s3cr3t-\(UUID().uuidString)"
        let masker = SecretMasker(environment: ["API_TOKEN": secret, "PATH": "/usr/bin"])
        let env = VT.environment(extra: ["API_TOKEN": secret])
        let results = await VT.run([
            VT.step("echo \"token is $API_TOKEN\"; echo \"$API_TOKEN\" >&2; exit 1", expected: VT.lines("token is \(secret)")),
        ], root: root, engine: VT.engine(environment: env, masker: masker))
        let json = String(decoding: try VerificationResults(steps: results).encoded(), as: UTF8.self)
        #expect(!json.contains(secret))
        #expect(results[0].outputExcerpt.contains("token is ***"), "\(results[0])")
        #expect(results[0].expectation.missingLines.isEmpty, "matching uses the real output")
        let line = VerificationReport.resultLine(results[0])
        #expect(!line.contains(secret))
        #expect(!JUnitRenderer.render(VerificationResults(steps: results), timestamp: "t").contains(secret))
    }

    @Test func cdIntoTheLogsOwnDirectoryWorksFromRootAndFromInside() async throws {
        let repo = try VT.tempDir(); defer { VT.remove(repo) }
        let logDir = repo + "/python_back_end"
        try VT.write("FROM scratch\n", to: logDir + "/Dockerfile")
        let step = VT.step("cd python_back_end\npwd\nls", expected: VT.lines("...", "Dockerfile"))
        let records = [VerificationRecord(number: 1, title: "t", steps: [step])]
        // Root = repository: a plain cd.
        let fromRoot = VT.plan(records, root: repo, logDirectory: logDir)
        // Root = the log's directory itself: `cd python_back_end` still lands there.
        let fromInside = VT.plan(records, root: logDir, logDirectory: logDir)
        let engine = VT.engine()
        let a = await engine.run(fromRoot.steps, logPath: nil, previous: nil)
        let b = await engine.run(fromInside.steps, logPath: nil, previous: nil)
        #expect(a[0].status == .passed)
        #expect(b[0].status == .passed)
        #expect(b[0].outputExcerpt.hasPrefix(logDir + "\n") || b[0].outputExcerpt.contains("python_back_end\n"))
        #expect(fromRoot.steps[0].inputFiles == ["python_back_end/Dockerfile"])
    }

    @Test func containerCLISwapRunsTheOtherEngine() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let bin = root + "/bin"
        try VT.write("#!/bin/sh\necho \"fake-docker $*\"\n", to: bin + "/docker")
        chmod(bin + "/docker", 0o755)
        let path = bin + ":/usr/bin:/bin"
        let step = VT.step("podman version", expected: VT.lines("fake-docker version"))
        let records = [VerificationRecord(number: 7, title: "swap", steps: [step])]
        let plan = VT.plan(records, root: root, containerCLI: .docker, path: path)
        #expect(plan.steps[0].prerequisites.map(\.runAs) == ["docker"])
        let results = await VT.engine(environment: VT.environment(extra: ["PATH": path]))
            .run(plan.steps, logPath: nil, previous: nil)
        #expect(results[0].status == .passed)
        // Without the swap, podman is looked up (and missing on this PATH).
        let plain = VT.plan(records, root: root, path: bin)
        #expect(plain.steps[0].missingPrerequisites == "podman not found")
    }

    @Test func resultsComeBackInLogOrderWithParallelJobs() async throws {
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let steps = (1...6).map { i in VT.step("sleep 0.\(7 - i); echo \(i)", expected: VT.lines("\(i)")) }
        let results = await VT.run(steps, root: root, engine: VT.engine(jobs: 3))
        #expect(results.map(\.incident) == [1, 2, 3, 4, 5, 6])
        #expect(results.allSatisfy { $0.status == .passed })
    }

    @Test func oneJobRunsStepsInTurnWithTheSameResults() async throws {
        // `--jobs 1` runs the steps in the calling task, one after another: same results and statuses as with
        // several jobs, events in log order, each step started only after the previous one finished.
        let root = try VT.tempDir(); defer { VT.remove(root) }
        let steps = [
            VT.step("echo one", expected: VT.lines("one")),
            VT.step("echo two; exit 4"),
            VT.step("echo ok", options: ["requires": "fixlog-no-such-tool"]),
            VT.step("echo four", expected: VT.lines("four", "missing")),
        ]
        let events = LockedBox<[String]>([])
        let plan = VT.plan(steps.enumerated().map { VerificationRecord(number: $0.offset + 1, title: "R\($0.offset + 1)", steps: [$0.element]) },
                           root: root)
        let one = await VT.engine(jobs: 1).run(plan.steps, logPath: "DOCKERFILE_FIXES.md", previous: nil) { event in
            switch event {
            case .started(let index, _): events.update { $0.append("start \(index)") }
            case .finished(let index, _): events.update { $0.append("end \(index)") }
            }
        }
        let two = await VT.engine(jobs: 2).run(plan.steps, logPath: "DOCKERFILE_FIXES.md", previous: nil)
        #expect(one.map(\.status) == [.passed, .failed, .skipped, .failed])
        #expect(one.map(\.status) == two.map(\.status))
        #expect(one.map(\.reason) == two.map(\.reason))
        #expect(one.map(\.incident) == [1, 2, 3, 4])
        #expect(events.get() == ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3"])
        // A stop before the run: every step is reported, none runs.
        let stop = StopSignal()
        stop.stop()
        let stopped = await VT.engine(jobs: 1).run(plan.steps, logPath: "DOCKERFILE_FIXES.md", previous: nil, stop: stop)
        #expect(stopped.count == 4)
        #expect(stopped[0].reason == "interrupted before it started")
        #expect(stopped[2].status == .skipped)
    }
}
