import Foundation
import Testing
@testable import FixlogCore

/// Real processes: each test checks the status, the output and that nothing of the group is left.
@Suite("StepRunner: isolation, timeouts, output cap")
struct StepRunnerTests {
    let env = VT.environment()

    // Generous by default: only the tests about timeouts use short ones (the machine may be loaded).
    func runner(timeout: Duration = .seconds(30), limit: Int = 64 * 1024) -> StepRunner {
        StepRunner(timeout: timeout, grace: .milliseconds(300), outputLimit: limit)
    }

    @Test func passingScript() async throws {
        let out = await runner().run(script: "echo hello; echo warn >&2", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .finished)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.text == "hello\n")
        #expect(out.stderr.text == "warn\n")
        let pgid = try #require(out.processGroup)
        #expect(await VT.groupGone(pgid))
    }

    @Test func stopsAtFirstFailingCommand() async throws {
        let out = await runner().run(script: "echo before\nfalse\necho after", workingDirectory: "/tmp", environment: env)
        #expect(out.exitStatus == 1)
        #expect(out.stdout.text == "before\n")
        let pipe = await runner().run(script: "false | true\necho after", workingDirectory: "/tmp", environment: env)
        #expect(pipe.exitStatus == 1, "pipefail: a failing stage fails the pipeline")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func hangIsStoppedAtTimeout() async throws {
        let out = await runner(timeout: .seconds(1)).run(script: "echo start; sleep 1000", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .timedOut)
        #expect(out.signal == SIGTERM)
        #expect(out.stdout.text == "start\n")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func backgroundChildHoldingStdoutDoesNotBlock() async throws {
        // The script exits at once; its background child keeps stdout open. fixlog must not wait for it.
        let out = await runner(timeout: .seconds(30)).run(script: "sleep 1000 &\necho started", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .finished)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.text == "started\n")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func backgroundChildAndHangingParentAreBothKilled() async throws {
        let out = await runner(timeout: .seconds(1)).run(script: "(sleep 1000; echo late) &\nsleep 1000", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .timedOut)
        #expect(!out.stdout.text.contains("late"))
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func scriptIgnoringSIGTERMIsKilled() async throws {
        let out = await runner(timeout: .seconds(2)).run(script: "trap '' TERM\n(trap '' TERM; sleep 1000) &\nsleep 1000", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .timedOut)
        #expect(out.signal == SIGKILL)
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func jobControlEscapeesAreSweptAtTimeout() async throws {
        // With `set -m`, bash puts background jobs in process groups of their own; they stay in the session.
        let dir = try VT.tempDir(); defer { VT.remove(dir) }
        let out = await runner(timeout: .seconds(2)).run(script: "set -m\nsleep 1000 &\necho $! > job.pid\nsleep 1000",
                                                         workingDirectory: dir, environment: env)
        #expect(out.ending == .timedOut)
        let job = try #require(VT.readPid(dir + "/job.pid"))
        #expect(job != out.processGroup)
        #expect(await VT.groupGone(job), "the job's own group is gone too")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func noControllingTerminal() async throws {
        let out = await runner().run(script: "if (exec < /dev/tty) 2>/dev/null; then echo tty; else echo no-tty; fi",
                                     workingDirectory: "/tmp", environment: env)
        #expect(out.stdout.text == "no-tty\n")
    }

    @Test func closedOutputPipesStillTimeOut() async throws {
        let out = await runner(timeout: .seconds(1)).run(script: "exec >&- 2>&-\nsleep 1000", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .timedOut)
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func hundredMegabytesAreCapped() async throws {
        let out = await runner(timeout: .seconds(30), limit: 64 * 1024)
            .run(script: "head -c 100000000 /dev/zero | tr '\\0' 'a'\necho; echo END", workingDirectory: "/tmp", environment: env)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.totalBytes == 100_000_005)
        #expect(out.stdout.isTruncated)
        #expect(out.stdout.head.count + out.stdout.tail.count == 64 * 1024)
        let text = out.stdout.text
        #expect(text.contains(CappedOutput.cutMarker(omitted: 100_000_005 - 64 * 1024)))
        #expect(text.hasSuffix("\nEND\n"))
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func stdinIsClosed() async throws {
        let out = await runner().run(script: "cat; read -r line || echo EOF", workingDirectory: "/tmp", environment: env)
        #expect(out.ending == .finished)
        #expect(out.exitStatus == 0)
        #expect(out.stdout.text == "EOF\n")
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func environmentIsTheAllowlist() async throws {
        let env = VerificationSettings.environment(parent: ["PATH": "/usr/bin:/bin", "HOME": "/root", "SECRET_THING": "x",
                                                            "LANG": "C.UTF-8", "CONTAINERS_CONF": "/c.conf", "OTHER": "o"],
                                                   names: ["CONTAINERS_CONF"], values: ["EXTRA": "1"])
        #expect(env == ["PATH": "/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb",
                        "CONTAINERS_CONF": "/c.conf", "EXTRA": "1"])
        let out = await runner().run(script: "env | sort", workingDirectory: "/tmp", environment: env)
        let names = out.stdout.text.split(separator: "\n").map { String($0.prefix(while: { $0 != "=" })) }
        #expect(!names.contains("SECRET_THING"))
        #expect(!names.contains("OTHER"))
        #expect(names.contains("CONTAINERS_CONF"))
        #expect(out.stdout.text.contains("TERM=dumb"))
    }

    @Test func stopSignalInterrupts() async throws {
        let stop = StopSignal()
        async let outcome = runner(timeout: .seconds(30)).run(script: "sleep 1000", workingDirectory: "/tmp", environment: env, stop: stop)
        try await Task.sleep(for: .milliseconds(200))
        stop.stop()
        let out = await outcome
        #expect(out.ending == .interrupted)
        #expect(await VT.groupGone(try #require(out.processGroup)))
    }

    @Test func badWorkingDirectoryIsALaunchError() async {
        let out = await runner().run(script: "true", workingDirectory: "/nonexistent-\(UUID().uuidString)", environment: env)
        #expect(out.launchError != nil)
    }
}
