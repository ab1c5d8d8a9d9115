#if os(Linux)
import CFixlogSpawn
import Foundation
import Glibc

/// The Linux spawn path of ``StepRunner``: `posix_spawn` (glibc clones with `CLONE_VM | CLONE_VFORK`, so the
/// page tables of fixlog, a large process, are not copied) and one `poll(2)` loop over the two output pipes
/// and a pidfd, on a thread of its own. It replaces swift-subprocess's path on Linux because that one
/// costs about 1 ms a step more (measured: docs/performance.md, "verify (session 3)"): a `fork` of the
/// whole process, a monitor thread, epoll and futex wake-ups, a signal handler reset loop.
///
/// Behaviour is that of ``StepRunner/runWithSubprocess(script:workingDirectory:environment:stop:)``:
/// new session, stdin on /dev/null, exactly the given environment plus the step token, every descriptor
/// but 0–2 closed in the child, signals at their defaults, output capped, timeout and stop (SIGTERM to the
/// group, SIGKILL after the grace period), fork-bomb containment, and nothing of the step left running:
/// when the main process exits, its group is killed and the step's session and token are swept before it
/// is reaped (while it is a zombie its PID, group and session cannot be reused).
extension StepRunner {
    /// Whether the posix_spawn path can be used (Linux with glibc 2.34 or later).
    static let directSpawnAvailable: Bool = fixlog_spawn_available() != 0

    /// Runs `script` through posix_spawn; see ``run(script:workingDirectory:environment:stop:)``.
    func runDirect(script: String, workingDirectory: String, environment: [String: String],
                   stop: StopSignal = StopSignal()) async -> Outcome {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let token = UUID().uuidString
        var env = environment
        env[Self.stepTokenVariable] = token
        let job = DirectJob(
            shell: shell, arguments: [shell] + Self.arguments(for: script), environment: env,
            workingDirectory: workingDirectory, timeout: timeout, grace: grace, outputLimit: outputLimit,
            processLimit: maximumProcesses, token: token,
            // Processes started before the step cannot carry its token: their environments are not read.
            bornAfter: Self.bootTicks().map { $0 > 2 ? $0 - 2 : 0 }, stop: stop)
        let cancelled = LockedBox(false)
        let result: DirectResult = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<DirectResult, Never>) in
                let started = Self.detachThread { continuation.resume(returning: job.execute(cancelled: cancelled)) }
                if !started { continuation.resume(returning: job.execute(cancelled: cancelled)) }
            }
        } onCancel: {
            cancelled.set(true)
        }
        let elapsed = clock.now - start
        return Outcome(ending: result.ending, exitStatus: result.exitStatus, signal: result.signal,
                       stdout: result.stdout, stderr: result.stderr, startedAt: startedAt,
                       durationMs: Int((elapsed / .milliseconds(1)).rounded()), processGroup: result.processGroup,
                       launchError: result.launchError)
    }

    /// What a direct run hands back from its thread.
    struct DirectResult: Sendable {
        var ending: Ending = .finished
        var exitStatus: Int32?
        var signal: Int32?
        var stdout: CappedOutput
        var stderr: CappedOutput
        var processGroup: Int32?
        var launchError: String?
    }

    /// Everything one direct run needs, handed to its thread.
    struct DirectJob: Sendable {
        var shell: String
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String
        var timeout: Duration
        var grace: Duration
        var outputLimit: Int
        var processLimit: Int
        var token: String
        var bornAfter: UInt64?
        var stop: StopSignal

        /// `KEY=value` entries; names that cannot be environment names (empty, `=` or NUL inside) are left out.
        var environmentEntries: [String] {
            environment.compactMap { key, value in
                key.isEmpty || key.utf8.contains(UInt8(ascii: "=")) || key.utf8.contains(0) ? nil : key + "=" + value
            }
        }

        /// Spawns the step and blocks until its main process is reaped (the caller's thread is not a
        /// Swift concurrency thread).
        func execute(cancelled: LockedBox<Bool>) -> DirectResult {
            var result = DirectResult(stdout: CappedOutput(limit: outputLimit), stderr: CappedOutput(limit: outputLimit))
            var outPipe: [Int32] = [-1, -1]
            var errPipe: [Int32] = [-1, -1]
            guard fixlog_pipe_cloexec(&outPipe) == 0 else {
                result.launchError = "pipe: " + String(cString: strerror(errno))
                return result
            }
            guard fixlog_pipe_cloexec(&errPipe) == 0 else {
                result.launchError = "pipe: " + String(cString: strerror(errno))
                close(outPipe[0]); close(outPipe[1])
                return result
            }
            var pid: pid_t = 0
            let rc = Self.withCStringArray(arguments) { argv in
                Self.withCStringArray(environmentEntries) { envp in
                    fixlog_spawn(&pid, shell, argv, envp, workingDirectory, outPipe[1], errPipe[1])
                }
            }
            close(outPipe[1])
            close(errPipe[1])
            guard rc == 0 else {
                close(outPipe[0]); close(errPipe[0])
                result.launchError = "could not run \(shell) in \(workingDirectory): " + String(cString: strerror(rc))
                return result
            }
            result.processGroup = pid
            let status = supervise(pid: pid, stdout: outPipe[0], stderr: errPipe[0], cancelled: cancelled, into: &result)
            if status & 0x7f == 0 {
                result.exitStatus = (status >> 8) & 0xff
            } else {
                result.signal = status & 0x7f
            }
            return result
        }

        /// The poll loop: reads both pipes until end of file, enforces the timeout, the stop signal and the
        /// process limit, kills what is left of the step once the main process has exited, then reaps it.
        /// Returns the wait status.
        func supervise(pid: pid_t, stdout outFD: Int32, stderr errFD: Int32, cancelled: LockedBox<Bool>,
                       into result: inout DirectResult) -> Int32 {
            let clock = ContinuousClock()
            let spawned = clock.now
            // The timeout counts from the spawn, so a slow start on a loaded machine does not eat the script's time.
            let deadline = spawned + timeout
            let pidfd = fixlog_pidfd_open(pid)
            defer { if pidfd >= 0 { close(pidfd) } }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
            defer { buffer.deallocate() }
            var fds = [pollfd](repeating: pollfd(), count: 3)
            var out = outFD
            var err = errFD
            var exited = false
            var terminatingSince: ContinuousClock.Instant?
            var killedHard = false
            var lastCount = spawned
            var exitPollInterval = Duration.microseconds(200)  // only without a pidfd
            var heldInterval = Duration.milliseconds(1)
            var nextHeldSweep = spawned

            /// The step's PID window while it is young enough (see ``StepRunner/PidWindow``).
            func windowStart() -> Int32? { clock.now - spawned < PidWindow.lifetime ? pid : nil }
            /// SIGKILL to the group, then every process of the session and every carrier of the token.
            func killEverything() {
                _ = kill(-pid, SIGKILL)
                StepRunner.sweep(session: pid, token: token, bornAfter: bornAfter, windowStart: windowStart())
            }
            func readOnce(_ fd: inout Int32, into capped: inout CappedOutput) {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n > 0 {
                    capped.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fd)
                    fd = -1
                }
            }

            while out >= 0 || err >= 0 || !exited {
                let now = clock.now
                if !exited {
                    // Fork-bomb containment: count the step's processes every 50 ms, kill them all past the limit.
                    if terminatingSince == nil, now - lastCount >= .milliseconds(50) {
                        lastCount = now
                        let window = windowStart().flatMap(PidWindow.since)
                        if StepRunner.stepProcesses(session: pid, token: token, bornAfter: bornAfter, window: window).count
                            > processLimit {
                            result.ending = .processLimit
                            StepRunner.sweep(session: pid, token: token, bornAfter: bornAfter, windowStart: windowStart())
                            terminatingSince = now
                            killedHard = true
                        }
                    }
                    if let since = terminatingSince {
                        if !killedHard, now - since >= grace {
                            _ = kill(-pid, SIGKILL)
                            killedHard = true
                        }
                    } else if now >= deadline || stop.isStopped || cancelled.get() {
                        result.ending = now >= deadline ? .timedOut : .interrupted
                        _ = kill(-pid, SIGTERM)
                        terminatingSince = now
                    }
                } else {
                    // The main process is gone and something still holds an output pipe: kill again (a process
                    // may have forked while the others died) until the pipes close, or give them up at the
                    // deadline or on a stop request.
                    if now >= deadline || stop.isStopped || cancelled.get() { break }
                    if now >= nextHeldSweep {
                        killEverything()
                        heldInterval = min(heldInterval * 2, .milliseconds(50))
                        nextHeldSweep = now + heldInterval
                    }
                }

                var wake = now + .milliseconds(50)
                if !exited {
                    if let since = terminatingSince {
                        if !killedHard { wake = min(wake, since + grace) }
                    } else {
                        wake = min(wake, deadline, lastCount + .milliseconds(50))
                    }
                    if pidfd < 0 {
                        wake = min(wake, now + exitPollInterval)
                        exitPollInterval = min(exitPollInterval * 2, .milliseconds(50))
                    }
                } else {
                    wake = min(wake, nextHeldSweep, deadline)
                }
                var count = 0
                var outSlot = -1, errSlot = -1, pidSlot = -1
                if out >= 0 { fds[count] = pollfd(fd: out, events: Int16(POLLIN), revents: 0); outSlot = count; count += 1 }
                if err >= 0 { fds[count] = pollfd(fd: err, events: Int16(POLLIN), revents: 0); errSlot = count; count += 1 }
                if !exited, pidfd >= 0 { fds[count] = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0); pidSlot = count; count += 1 }
                let ready = poll(&fds, nfds_t(count), Self.pollTimeout(wake - now))
                if ready > 0 {
                    if outSlot >= 0, fds[outSlot].revents != 0 { readOnce(&out, into: &result.stdout) }
                    if errSlot >= 0, fds[errSlot].revents != 0 { readOnce(&err, into: &result.stderr) }
                }
                if !exited {
                    let gone = pidSlot >= 0 ? (ready > 0 && fds[pidSlot].revents != 0) : (pidfd < 0 && StepRunner.hasExited(pid))
                    if gone {
                        exited = true
                        // Nothing of the step may outlive it: its group, its session (background jobs that moved
                        // to groups of their own with `set -m`) and whatever carries its token (`setsid`, double
                        // forks, daemons). The main process is still a zombie: its PID and group are reserved.
                        killEverything()
                        nextHeldSweep = clock.now + heldInterval
                    }
                }
            }
            if out >= 0 { close(out) }
            if err >= 0 { close(err) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 {
                if errno != EINTR { break }
            }
            return status
        }

        /// Milliseconds for poll(2), rounded up (0 when already due).
        static func pollTimeout(_ duration: Duration) -> Int32 {
            if duration <= .zero { return 0 }
            let (seconds, attoseconds) = duration.components
            let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            return Int32(clamping: ms)
        }

        /// Calls `body` with a NULL-terminated array of C strings (valid only during the call).
        static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
            var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
            pointers.append(nil)
            defer { for p in pointers { free(p) } }
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }

    /// A detached thread running `body`; false when none could be created.
    static func detachThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Start {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Start(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            if let raw { Unmanaged<Start>.fromOpaque(raw).takeRetainedValue().body() }
            return nil
        }, box)
        if rc != 0 {
            Unmanaged<Start>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
#endif
