import Foundation
import Testing
import FixlogCore

/// `fixlog verify` and `fixlog results merge` as a user runs them: the real binary on temporary logs.
@Suite("fixlog verify (CLI)")
struct VerifyCLITests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The built `fixlog` next to the test bundle, or in .build/debug.
    static var binary: String? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fixlog").path,
            packageRoot + "/.build/debug/fixlog",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Run { var status: Int32?; var stdout: String; var stderr: String }

    static func fixlog(_ args: [String], in dir: String, env extra: [String: String] = [:]) async throws -> Run {
        guard let binary else { try Test.cancel("the fixlog binary is not built (swift build --build-tests)") }
        var env = VerificationSettings.environment(parent: ProcessInfo.processInfo.environment, names: [], values: extra)
        env["LANG"] = "C.UTF-8"
        let script = "exec " + ([binary] + args).map(VerificationPlan.quote).joined(separator: " ")
        let out = await StepRunner(timeout: .seconds(60), grace: .milliseconds(500)).run(script: script, workingDirectory: dir, environment: env)
        return Run(status: out.exitStatus, stdout: out.stdout.text, stderr: out.stderr.text)
    }

    static func tempProject(_ log: String, config: String? = nil) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try log.write(toFile: dir + "/DOCKERFILE_FIXES.md", atomically: true, encoding: .utf8)
        if let config { try config.write(toFile: dir + "/.fixlog.yml", atomically: true, encoding: .utf8) }
        return dir
    }

    static let log = """
        # Fixes

        ## Fix #1: First (2026-01-01)

        ### Verification Steps

        ```bash
        touch ran-1
        echo one

        # Expected output:
        # one
        ```

        ## Fix #2: Second (2026-01-02)

        ### Verification

        <!-- fixlog: exit=3 -->
        ```bash
        touch ran-2
        exit 3
        ```

        ## Fix #3: Third (2026-01-03)

        ### Verification Steps

        ```bash
        touch ran-3
        echo three
        # Expected output:
        # four
        ```

        """

    @Test func withoutAllowExecNothingRuns() async throws {
        let dir = try Self.tempProject(Self.log); defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try await Self.fixlog(["verify", "DOCKERFILE_FIXES.md"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.contains("nothing was run"))
        #expect(run.stdout.contains("#1.1  ") && run.stdout.contains("First"))
        #expect(run.stdout.contains("expects:    one"))
        for i in 1...3 { #expect(!FileManager.default.fileExists(atPath: dir + "/ran-\(i)")) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/.fixlog/results.json"))
    }

    @Test func planShowsStaticCheckVerdicts() async throws {
        let fixture = Self.packageRoot + "/fixtures/projects/busybox-app"
        let run = try await Self.fixlog(["verify", "DOCKERFILE_FIXES.md"], in: fixture)
        #expect(run.status == 0)
        #expect(run.stdout.contains("nothing was run"))
        #expect(run.stdout.contains("Static check (`fixlog check`) of the documented changes:"))
        #expect(run.stdout.contains("holds"))
        #expect(!FileManager.default.fileExists(atPath: fixture + "/.fixlog"), "plan mode writes nothing")
        let json = try await Self.fixlog(["verify", "DOCKERFILE_FIXES.md", "--format", "json"], in: fixture)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["plan"] as? [Any])?.count == 1)
        #expect(object?["check"] is [String: Any])
    }

    @Test func allowExecRunsWritesResultsAndJUnitAndFailsOnFailure() async throws {
        let dir = try Self.tempProject(Self.log); defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try await Self.fixlog(["verify", "--allow-exec", "--jobs", "2", "--junit", "out/junit.xml"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.contains("PASS  #1.1"))
        #expect(run.stdout.contains("PASS  #2.1"))
        #expect(run.stdout.contains("FAIL  #3.1"))
        #expect(run.stdout.contains("missing: four"))
        let lines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }
        #expect(lines.map { String($0.prefix(10)) } == ["PASS  #1.1", "PASS  #2.1", "FAIL  #3.1"], "log order")
        let results = try #require(try VerificationResults.read(path: dir + "/.fixlog/results.json"))
        #expect(results.schemaVersion == 1)
        #expect(results.steps.map(\.status) == [.passed, .passed, .failed])
        let junit = try String(contentsOfFile: dir + "/out/junit.xml", encoding: .utf8)
        #expect(junit.contains("failures=\"1\""))
        // Second run: the passed steps are cached, the failed one runs again.
        try FileManager.default.removeItem(atPath: dir + "/ran-1")
        let again = try await Self.fixlog(["verify", "--allow-exec"], in: dir)
        #expect(again.stdout.contains("CACHE #1.1"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/ran-1"))
        #expect(again.stdout.contains("FAIL  #3.1"))
        // --only 1 --no-cache runs just record 1 and keeps the others' results.
        let only = try await Self.fixlog(["verify", "--allow-exec", "--no-cache", "--only", "1"], in: dir)
        #expect(only.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/ran-1"))
        let kept = try #require(try VerificationResults.read(path: dir + "/.fixlog/results.json"))
        #expect(kept.steps.count == 3)
    }

    @Test func configExecTrueRunsWithoutTheFlag() async throws {
        let dir = try Self.tempProject(Self.log, config: "exec: true\n"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try await Self.fixlog(["verify", "--only", "1", "--format", "json"], in: dir)
        #expect(run.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/ran-1"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/ran-2"))
        let decoded = try JSONDecoder().decode(VerificationResults.self, from: Data(run.stdout.utf8))
        #expect(decoded.steps.map(\.status) == [.passed])
    }

    @Test func shardsAndMerge() async throws {
        let dir = try Self.tempProject(Self.log); defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try await Self.fixlog(["verify", "--allow-exec", "--shard", "1/2", "--results", "a.json"], in: dir)
        let b = try await Self.fixlog(["verify", "--allow-exec", "--shard", "2/2", "--results", "b.json"], in: dir)
        #expect(a.status == 1)   // records 1 and 3 (3 fails)
        #expect(b.status == 0)   // record 2
        let ra = try #require(try VerificationResults.read(path: dir + "/a.json"))
        let rb = try #require(try VerificationResults.read(path: dir + "/b.json"))
        #expect(ra.steps.map(\.record) == [1, 3])
        #expect(rb.steps.map(\.record) == [2])
        let merged = try await Self.fixlog(["results", "merge", "b.json", "a.json", "-o", "all.json"], in: dir)
        #expect(merged.status == 1)
        let all = try #require(try VerificationResults.read(path: dir + "/all.json"))
        #expect(all.steps.map(\.record) == [1, 2, 3])
        let bad = try await Self.fixlog(["verify", "--shard", "3/2"], in: dir)
        #expect(bad.status == 2)  // usage errors exit 2 (see Fixlog.main)
    }

    @Test func ctrlCStopsRunningStepsAndLeavesNothing() async throws {
        let log = """
            ## Fix #1: Hang

            ### Verification Steps

            ```bash
            echo $$ > step.pid
            sleep 1000
            ```

            """
        let dir = try Self.tempProject(log); defer { try? FileManager.default.removeItem(atPath: dir) }
        guard let binary = Self.binary else { try Test.cancel("the fixlog binary is not built") }
        let env = VerificationSettings.environment(parent: ProcessInfo.processInfo.environment, names: [], values: [:])
        let script = "echo $$ > fixlog.pid\nexec \(VerificationPlan.quote(binary)) verify --allow-exec --grace 300ms"
        async let outcome = StepRunner(timeout: .seconds(30)).run(script: script, workingDirectory: dir, environment: env)
        var stepPid: Int32?
        for _ in 0..<1000 {   // up to 20 s on a loaded machine
            if let text = try? String(contentsOfFile: dir + "/step.pid", encoding: .utf8), let p = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { stepPid = p; break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let fixlogPid = try #require(Int32((try? String(contentsOfFile: dir + "/fixlog.pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        let pid = try #require(stepPid)
        kill(fixlogPid, SIGINT)
        let out = await outcome
        #expect(out.ending == .finished)
        #expect(out.exitStatus == 130)
        #expect(kill(pid, 0) != 0 || Self.isZombie(pid), "the step's process is gone")
        let results = try #require(try VerificationResults.read(path: dir + "/.fixlog/results.json"))
        #expect(results.steps.first?.status == .error)
        #expect(results.steps.first?.reason == "interrupted")
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return true }
        return stat[close.upperBound...].split(separator: " ").first.map(String.init) == "Z"
    }
}
