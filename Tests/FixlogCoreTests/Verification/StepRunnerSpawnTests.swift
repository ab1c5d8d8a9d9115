import Foundation
import Testing
@testable import FixlogCore
#if canImport(Glibc)
import Glibc
#endif

/// The posix_spawn path of the runner (Linux) and the PID window of the sweep, with real processes. Each test
/// checks the behaviour the swift-subprocess path had: descriptors, signals, working directory, output caps,
/// hand-off of long steps to a thread, cancellation, escapees, no zombies.
@Suite("StepRunner: spawn path, descriptors, sweep window",
       .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "reads /proc (Linux)"))
struct StepRunnerSpawnTests {
    let env = VT.environment()

    func runner(timeout: Duration = .seconds(30), limit: Int = 64 * 1024) -> StepRunner {
        StepRunner(timeout: timeout, grace: .milliseconds(300), outputLimit: limit)
    }

    /// Whether `pid` is a child of this process that has not been reaped.
    static func isUnreapedChild(_ pid: Int32) -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
    }

    @Test func onlyTheStandardDescriptorsReachTheStep() async throws {
        // Opened without O_CLOEXEC, as a careless library might: the child must still not get it.
        let leaked = open("/dev/null", O_RDONLY)
        try #require(leaked > 2)
        defer { close(leaked) }
        let out = await runner().run(script: "ls /proc/$$/fd; readlink /proc/$$/fd/0", workingDirectory: "/tmp",
                                     environment: env)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.text == "0\n1\n2\n/dev/null\n")
    }

    @Test func signalsAreAtTheirDefaultsAndUnblocked() async throws {
        // An ignored signal survives exec unless the runner resets it.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        // `exec`: what bash inherited, not what bash itself ignores while it runs (it ignores SIGQUIT).
        let out = await runner().run(script: "exec grep -E '^Sig(Blk|Ign):' /proc/self/status", workingDirectory: "/tmp",
                                     environment: env)
        var masks: [String: UInt64] = [:]
        for line in out.stdout.text.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 { masks[String(parts[0])] = UInt64(parts[1], radix: 16) }
        }
        #expect(masks["SigBlk:"] == 0, "no signal blocked")
        let ignored = try #require(masks["SigIgn:"])
        #expect(ignored & (1 << UInt64(SIGUSR2 - 1)) == 0, "SIGUSR2, ignored here, is at its default in the step")
        #expect(ignored & (1 << UInt64(SIGPIPE - 1)) == 0)
        #expect(ignored & (1 << UInt64(SIGINT - 1)) == 0)
    }

    @Test func workingDirectoryAndExitStatus() async throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let out = await runner().run(script: "pwd; exit 7", workingDirectory: dir, environment: env)
        #expect(out.exitStatus == 7)
        #expect(out.signal == nil)
        let real = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        #expect(out.stdout.text == real + "\n" || out.stdout.text == dir + "\n")
    }

    @Test func killedBySignalIsReported() async throws {
        let out = await runner().run(script: "kill -USR1 $$", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .finished)
        #expect(out.signal == SIGUSR1)
        #expect(out.exitStatus == nil)
    }

    @Test func bothStreamsAreCappedWithoutDeadlock() async throws {
        // Both pipes fill at once: draining one only would block the writer of the other.
        let script = "head -c 3000000 /dev/zero | tr '\\0' e >&2 &\nhead -c 3000000 /dev/zero | tr '\\0' o\nwait\necho; echo END"
        let out = await runner(limit: 1000).run(script: script, workingDirectory: "/tmp", environment: env)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.totalBytes == 3_000_005)
        #expect(out.stderr.totalBytes == 3_000_000)
        #expect(out.stdout.head.count + out.stdout.tail.count == 1000)
        #expect(out.stderr.head.count + out.stderr.tail.count == 1000)
        #expect(out.stdout.text.hasSuffix("\nEND\n"))
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func longStepMovesOffTheCallingThreadAndIsReaped() async throws {
        // Longer than the inline budget: the rest of the loop runs on a thread of its own.
        let out = await runner().run(script: "echo early; sleep 0.3; echo late >&2", workingDirectory: "/tmp", environment: env)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.text == "early\n")
        #expect(out.stderr.text == "late\n")
        let pid = try #require(out.processGroup)
        #expect(!Self.isUnreapedChild(pid), "the main process was reaped: no zombie")
    }

    @Test func manyQuickStepsLeaveNoZombieAndNoDescriptor() async throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        var pids: [Int32] = []
        for i in 0..<20 {
            let out = await runner().run(script: "echo \(i)", workingDirectory: "/tmp", environment: env)
            #expect(out.stdout.text == "\(i)\n")
            pids.append(try #require(out.processGroup))
        }
        #expect(pids.allSatisfy { !Self.isUnreapedChild($0) })
        let after = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        // Other tests run at the same time and open descriptors of their own: allow some slack, but not
        // three descriptors a step (two pipes and a pidfd).
        #expect(after < before + 20)
    }

    @Test func cancellingTheTaskStopsTheStep() async throws {
        let r = runner()
        let env = self.env
        let task = Task { await r.run(script: "echo started; sleep 1000", workingDirectory: "/tmp", environment: env) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let out = await task.value
        #expect(out.signal == SIGTERM)
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func quickEscapeeIsSweptThroughTheWindow() async throws {
        // The step ends as soon as its escapee has left the session: the sweep runs while the step is young,
        // so it looks only at PIDs allocated since the step's main process.
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let script = """
            setsid sh -c 'echo $$ > escapee.pid.tmp; mv escapee.pid.tmp escapee.pid; exec sleep 303' >/dev/null 2>&1 </dev/null &
            while [ ! -e escapee.pid ]; do :; done
            echo done
            """
        let out = await runner().run(script: script, workingDirectory: dir, environment: env)
        #expect(out.ending == .finished)
        #expect(out.stdout.text == "done\n")
        let escapee = try #require(VT.readPid(dir + "/escapee.pid"))
        #expect(await RunnerAttackTests.waitGone(escapee), "escapee \(escapee) survived the step")
    }

    @Test func timeoutAlsoKillsEscapees() async throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let script = """
            setsid sh -c 'echo $$ > escapee.pid.tmp; mv escapee.pid.tmp escapee.pid; exec sleep 304' >/dev/null 2>&1 </dev/null &
            sleep 1000
            """
        let out = await runner(timeout: .seconds(1)).run(script: script, workingDirectory: dir, environment: env)
        #expect(out.ending == .timedOut)
        let escapee = try #require(VT.readPid(dir + "/escapee.pid"))
        #expect(await RunnerAttackTests.waitGone(escapee), "escapee \(escapee) survived the timeout")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func pipeHeldByAnUntraceableEscapeeIsGivenUpAtTheDeadline() async throws {
        // Out of the session and without the token (env -i): the sweep cannot find it. The run must still end
        // (at the step's deadline) instead of waiting for the escapee to close stdout.
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        // The escapee outlives any plausible run by far (300 s), so a run that waited for it cannot pass for one
        // that gave up, even on a machine so busy that the step's own task waits long for a thread (suites run
        // side by side; under ThreadSanitizer such a run took 77 s).
        let script = "setsid env -i /bin/sh -c 'echo $$ > escapee.pid; exec /bin/sleep 300' &\nwhile [ ! -s escapee.pid ]; do :; done\necho started"
        let out = await runner(timeout: .seconds(1)).run(script: script, workingDirectory: dir, environment: env)
        if let escapee = VT.readPid(dir + "/escapee.pid") { _ = kill(escapee, SIGKILL) }
        #expect(out.ending == .finished)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.text == "started\n")
        #expect(out.durationMs < 200_000, "gave up the pipe instead of waiting for the escapee")
    }

    #if os(Linux)
    @Test(.enabled(if: StepRunner.directSpawnAvailable, "needs the posix_spawn path"))
    func withoutAPidfdTheMainProcessIsPolled() throws {
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let job = StepRunner.DirectJob(
            shell: "/bin/bash", arguments: ["/bin/bash"] + StepRunner.arguments(for: "echo out; echo err >&2; sleep 0.05; exit 3"),
            environment: env, workingDirectory: dir, timeout: .seconds(30), grace: .milliseconds(300),
            outputLimit: 4096, processLimit: 512, token: UUID().uuidString, bornAfter: nil, stop: StopSignal())
        let supervisor = StepRunner.DirectSupervisor(job: job, cancelled: LockedBox(false), usePidfd: false)
        #expect(supervisor.pidfd == -1)
        #expect(supervisor.advance(until: nil))
        let result = supervisor.finish()
        #expect(result.exitStatus == 3)
        #expect(result.stdout.text == "out\n")
        #expect(result.stderr.text == "err\n")
        #expect(!Self.isUnreapedChild(try #require(result.processGroup)))
    }
    #endif

    @Test func subprocessPathStillWorks() async throws {
        let out = await runner().runWithSubprocess(script: "echo hi; echo err >&2; exit 3", workingDirectory: "/tmp",
                                                   environment: env)
        #expect(out.exitStatus == 3)
        #expect(out.stdout.text == "hi\n")
        #expect(out.stderr.text == "err\n")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func missingShellIsALaunchError() async {
        let r = StepRunner(shell: "/nonexistent-\(UUID().uuidString)/bash", timeout: .seconds(5))
        let out = await r.run(script: "true", workingDirectory: "/tmp", environment: env)
        #expect(out.launchError != nil)
        #expect(out.processGroup == nil)
    }
}

@Suite("StepRunner: PID window")
struct PidWindowTests {
    typealias Window = StepRunner.PidWindow

    @Test func containsAndCount() {
        let w = Window(first: 100, last: 105)
        #expect(w.contains(100) && w.contains(105) && w.contains(103))
        #expect(!w.contains(99) && !w.contains(106))
        #expect(w.count == 6)
        let single = Window(first: 42, last: 42)
        #expect(single.count == 1 && single.contains(42) && !single.contains(43))
    }

    @Test func wrappedWindow() {
        // PIDs wrapped at pid_max (restarting at 300) between the main process (4000) and the last allocation (310).
        let w = Window(first: 4000, last: 310)
        #expect(w.contains(4000) && w.contains(4_000_000) && w.contains(300) && w.contains(310))
        #expect(!w.contains(311) && !w.contains(3999))
        #expect(w.count == nil)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/sys/kernel/ns_last_pid"), "needs /proc/sys/kernel/ns_last_pid"))
    func aProcessStartedLaterFallsInsideTheWindow() throws {
        let before = try #require(Window.lastAllocatedPid())
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let window = try #require(Window.since(before))
        #expect(window.contains(child.processIdentifier))
        #expect(!window.contains(1), "init is older than any step")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/sys/kernel/ns_last_pid"), "needs /proc/sys/kernel/ns_last_pid"))
    func windowedScanFindsWhatTheFullScanFinds() throws {
        let before = try #require(Window.lastAllocatedPid())
        // A process found only by the token in its environment, like a step's escapee.
        let token = UUID().uuidString
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        child.environment = [StepRunner.stepTokenVariable: token]
        try child.run()
        let pid = child.processIdentifier
        defer { kill(pid, SIGKILL); child.waitUntilExit() }
        // The environment is readable once the child has exec'd sleep.
        var full: [Int32] = []
        for _ in 0..<400 {
            full = StepRunner.stepProcesses(session: -2, token: token)
            if !full.isEmpty { break }
            usleep(5000)
        }
        let windowed = StepRunner.stepProcesses(session: -2, token: token, window: Window.since(before))
        #expect(full == [pid])
        #expect(windowed == [pid])
        let older = Window(first: 1, last: max(1, before - 1))
        #expect(StepRunner.stepProcesses(session: -2, token: token, window: older).isEmpty,
                "a window that ends before the process was created does not see it")
    }
}
