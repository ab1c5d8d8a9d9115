import Foundation
import Testing
@testable import FixlogCore

/// Scripts that try to escape or exhaust the runner. Every attack here is bounded by construction (the
/// fork bomb has a fixed depth, every sleeper a finite time), so a failing containment cannot take the
/// machine down; the test still fails.
@Suite("Hardening: runner under attack", .serialized)
struct RunnerAttackTests {
    let env = VT.environment()

    /// True when `pid` is gone or a zombie.
    static func processGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return true }
        let state = stat[close.upperBound...].split(separator: " ").first
        return state == "Z" || state == "X"
    }

    static func waitGone(_ pid: Int32) async -> Bool {
        for _ in 0..<150 {
            if processGone(pid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return processGone(pid)
    }

    @Test func setsidAndDoubleForkAreReaped() async throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        // One child leaves the session with setsid, one double-forks and then leaves; both outlive the script.
        let script = """
            setsid sleep 300 >/dev/null 2>&1 < /dev/null &
            echo $! > setsid.pid
            ( ( exec setsid sleep 301 >/dev/null 2>&1 < /dev/null ) & echo $! > double.pid ) &
            sleep 0.3
            echo done
            """
        let out = await StepRunner(timeout: .seconds(60), grace: .milliseconds(300)).run(
            script: script, workingDirectory: dir, environment: env)
        #expect(out.ending == .finished)
        #expect(out.stdout.text == "done\n")
        let a = try #require(VT.readPid(dir + "/setsid.pid"))
        let b = try #require(VT.readPid(dir + "/double.pid"))
        #expect(await Self.waitGone(a), "setsid child \(a) survived the step")
        #expect(await Self.waitGone(b), "double-forked child \(b) survived the step")
    }

    @Test func escapeeHoldingStdoutDoesNotHangTheRun() async throws {
        // The escapee keeps the output pipe open; the run must still end, well before the timeout.
        let out = await StepRunner(timeout: .seconds(120), grace: .milliseconds(300)).run(
            script: "setsid sleep 302 &\necho started", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .finished)
        #expect(out.stdout.text == "started\n")
        #expect(out.durationMs < 60_000)
    }

    @Test func forkBombIsContained() async throws {
        // A bounded bomb: 2^9 leaves sleeping, about 1000 processes in all, far past the limit of 40.
        let script = """
            b() { if [ "$1" -le 0 ]; then sleep 120; return; fi; b $(($1-1)) & b $(($1-1)) & wait; }
            b 9
            """
        let runner = StepRunner(timeout: .seconds(100), grace: .milliseconds(300), maximumProcesses: 40)
        let out = await runner.run(script: script, workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .processLimit)
        #expect(out.durationMs < 90_000, "stopped by the limit, not by the timeout")
        let pgid = try #require(out.processGroup)
        #expect(await VT.groupGone(pgid))
        #expect(StepRunner.stepProcesses(session: pgid, token: nil).isEmpty)
    }

    @Test func forkBombBecomesAnErrorResult() async throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let runner = StepRunner(timeout: .seconds(100), grace: .milliseconds(300), maximumProcesses: 30)
        let out = await runner.run(script: "for i in $(seq 60); do sleep 100 & done; wait",
                                   workingDirectory: dir, environment: env)
        #expect(out.ending == .processLimit)
    }

    @Test func scriptDeletingOrRewritingTheLogLosesNothing() async throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let logPath = dir + "/DOCKERFILE_FIXES.md"
        let original = "# Log\n\n## Fix 1: x\n\n**Problem:** y\n"
        try VT.write(original, to: logPath)
        let log = FixLogIngester.load(path: logPath)
        let before = try Data(contentsOf: URL(fileURLWithPath: logPath))
        // The steps delete and rewrite the log while the engine runs; the engine neither reads it again
        // nor writes it, and reports every step.
        let steps = [
            VT.step("rm -f DOCKERFILE_FIXES.md; echo removed", expected: VT.lines("removed")),
            VT.step("printf 'garbage' > DOCKERFILE_FIXES.md; echo rewritten", expected: VT.lines("rewritten")),
        ]
        let results = await VT.run(steps, root: dir)
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.status == .passed })
        #expect(log.incidents.count == 1, "the model read before the run is intact")
        #expect(before == Data(original.utf8))
    }
}

/// The sweep skips the environments of processes older than the step; that relies on /proc's `starttime`
/// and `StepRunner.bootTicks()` counting the same clock.
@Suite("StepRunner: process ages")
struct ProcessAgeTests {
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let stat = StepRunner.readProcFile("/proc/\(pid)/stat", limit: 4096),
              let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        return fields.count > 19 ? UInt64(String(decoding: fields[19], as: UTF8.self)) : nil
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/stat"), "needs /proc"))
    func childrenStartAfterAndThisProcessBefore() throws {
        let before = try #require(StepRunner.bootTicks())
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["2"]
        try child.run()
        defer { child.terminate(); child.waitUntilExit() }
        let started = try #require(Self.startTime(child.processIdentifier))
        #expect(started + 2 >= before, "a process started after the clock was read is not older than it")
        let me = try #require(Self.startTime(getpid()))
        #expect(me <= (StepRunner.bootTicks() ?? 0))
    }
}
