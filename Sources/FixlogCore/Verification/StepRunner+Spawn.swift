#if os(Linux)
import CFixlogSpawn
import Foundation
import Glibc

/// The Linux spawn path of ``StepRunner``: `posix_spawn` (glibc clones with `CLONE_VM | CLONE_VFORK`, so the
/// page tables of fixlog, a large process, are not copied) and one `poll(2)` loop over the two output pipes
/// and a pidfd. It replaces swift-subprocess's path on Linux because that one costs about 1 ms of CPU a
/// step more (measured: docs/performance.md, "verify (session 3)"): a `fork` of the whole process, a
/// monitor thread, epoll and futex wake-ups between threads.
///
/// The loop runs on the calling thread for at most ``inlineBudget`` (a trivial step is over by then, and
/// the only wake-up is the one poll(2) returns with, as for a shell waiting for its child); a step still
/// running then is handed to a thread of its own, so long steps never hold a Swift concurrency thread.
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

    /// How long a step's loop may block the calling (Swift concurrency) thread before it moves to a thread
    /// of its own.
    static let inlineBudget: Duration = .milliseconds(10)

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
            let supervisor = DirectSupervisor(job: job, cancelled: cancelled)
            if supervisor.advance(until: clock.now + Self.inlineBudget) {
                return supervisor.finish()
            }
            return await withCheckedContinuation { (continuation: CheckedContinuation<DirectResult, Never>) in
                let handOff = SupervisorHandOff(supervisor)
                let started = Self.detachThread {
                    let supervisor = handOff.take()
                    _ = supervisor.advance(until: nil)
                    continuation.resume(returning: supervisor.finish())
                }
                if !started {
                    let supervisor = handOff.take()
                    _ = supervisor.advance(until: nil)
                    continuation.resume(returning: supervisor.finish())
                }
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

    /// What a direct run hands back.
    struct DirectResult: Sendable {
        var ending: Ending = .finished
        var exitStatus: Int32?
        var signal: Int32?
        var stdout: CappedOutput
        var stderr: CappedOutput
        var processGroup: Int32?
        var launchError: String?
    }

    /// Everything one direct run needs.
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
    }

    /// Moves a supervisor to the thread that finishes it. The supervisor is used by one thread at a time:
    /// the caller stops touching it before the thread starts.
    final class SupervisorHandOff: @unchecked Sendable {
        private let supervisor: DirectSupervisor
        init(_ supervisor: DirectSupervisor) { self.supervisor = supervisor }
        func take() -> DirectSupervisor { supervisor }
    }

    /// One step from spawn to reaping: reads both pipes until end of file, enforces the timeout, the stop
    /// signal and the process limit, kills what is left of the step once the main process has exited.
    final class DirectSupervisor {
        let job: DirectJob
        let cancelled: LockedBox<Bool>
        let clock = ContinuousClock()
        var result: DirectResult
        /// The main process (0 when the spawn failed).
        var pid: pid_t = 0
        var pidfd: Int32 = -1
        var out: Int32 = -1
        var err: Int32 = -1
        var spawned: ContinuousClock.Instant
        var deadline: ContinuousClock.Instant
        var exited = false
        var terminatingSince: ContinuousClock.Instant?
        var killedHard = false
        var lastCount: ContinuousClock.Instant
        var exitPollInterval = Duration.microseconds(200)  // only without a pidfd
        var heldInterval = Duration.milliseconds(1)
        var nextHeldSweep: ContinuousClock.Instant
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        var fds = [pollfd](repeating: pollfd(), count: 3)

        /// Spawns the step (a failure is recorded in `result.launchError`). Without `usePidfd` (or where
        /// pidfd_open fails: Linux before 5.3) the main process is polled with `waitid(WNOWAIT)`, every 0.2 ms
        /// at first, doubling up to 50 ms.
        init(job: DirectJob, cancelled: LockedBox<Bool>, usePidfd: Bool = true) {
            self.job = job
            self.cancelled = cancelled
            result = DirectResult(stdout: CappedOutput(limit: job.outputLimit), stderr: CappedOutput(limit: job.outputLimit))
            spawned = clock.now
            deadline = spawned
            lastCount = spawned
            nextHeldSweep = spawned
            var outPipe: [Int32] = [-1, -1]
            var errPipe: [Int32] = [-1, -1]
            guard fixlog_pipe_cloexec(&outPipe) == 0 else {
                result.launchError = "pipe: " + String(cString: strerror(errno))
                return
            }
            guard fixlog_pipe_cloexec(&errPipe) == 0 else {
                result.launchError = "pipe: " + String(cString: strerror(errno))
                close(outPipe[0]); close(outPipe[1])
                return
            }
            var child: pid_t = 0
            let rc = Self.withCStringArray(job.arguments) { argv in
                Self.withCStringArray(job.environmentEntries) { envp in
                    fixlog_spawn(&child, job.shell, argv, envp, job.workingDirectory, outPipe[1], errPipe[1])
                }
            }
            close(outPipe[1])
            close(errPipe[1])
            guard rc == 0 else {
                close(outPipe[0]); close(errPipe[0])
                result.launchError = "could not run \(job.shell) in \(job.workingDirectory): " + String(cString: strerror(rc))
                return
            }
            pid = child
            result.processGroup = child
            out = outPipe[0]
            err = errPipe[0]
            pidfd = usePidfd ? fixlog_pidfd_open(child) : -1
            // The timeout counts from the spawn, so a slow start on a loaded machine does not eat the script's time.
            spawned = clock.now
            deadline = spawned + job.timeout
            lastCount = spawned
            nextHeldSweep = spawned
        }

        deinit {
            if out >= 0 { close(out) }
            if err >= 0 { close(err) }
            if pidfd >= 0 { close(pidfd) }
            buffer.deallocate()
        }

        /// Whether nothing is left to wait for: the main process exited and both pipes are closed (or given up).
        var isDone: Bool { pid == 0 || (exited && out < 0 && err < 0) }

        /// The step's PID window start while it is young enough (see ``StepRunner/PidWindow``).
        func windowStart() -> Int32? { clock.now - spawned < PidWindow.lifetime ? pid : nil }

        /// SIGKILL to the group, then every process of the session and every carrier of the token.
        func killEverything() {
            guard pid > 0 else { return }
            _ = kill(-pid, SIGKILL)
            StepRunner.sweep(session: pid, token: job.token, bornAfter: job.bornAfter, windowStart: windowStart())
        }

        /// Runs the loop until the step is done (true) or `limit` has passed (false).
        func advance(until limit: ContinuousClock.Instant?) -> Bool {
            while !isDone {
                let now = clock.now
                if let limit, now >= limit { return false }
                if !exited {
                    // Fork-bomb containment: count the step's processes every 50 ms, kill them all past the limit.
                    if terminatingSince == nil, now - lastCount >= .milliseconds(50) {
                        lastCount = now
                        let window = windowStart().flatMap(PidWindow.since)
                        if StepRunner.stepProcesses(session: pid, token: job.token, bornAfter: job.bornAfter,
                                                    window: window).count > job.processLimit {
                            result.ending = .processLimit
                            StepRunner.sweep(session: pid, token: job.token, bornAfter: job.bornAfter,
                                             windowStart: windowStart())
                            terminatingSince = now
                            killedHard = true
                        }
                    }
                    if let since = terminatingSince {
                        if !killedHard, now - since >= job.grace {
                            _ = kill(-pid, SIGKILL)
                            killedHard = true
                        }
                    } else if now >= deadline || job.stop.isStopped || cancelled.get() {
                        result.ending = now >= deadline ? .timedOut : .interrupted
                        _ = kill(-pid, SIGTERM)
                        terminatingSince = now
                    }
                } else {
                    // The main process is gone and something still holds an output pipe: kill again (a process
                    // may have forked while the others died) until the pipes close, or give them up at the
                    // deadline or on a stop request.
                    if now >= deadline || job.stop.isStopped || cancelled.get() {
                        if out >= 0 { close(out); out = -1 }
                        if err >= 0 { close(err); err = -1 }
                        break
                    }
                    if now >= nextHeldSweep {
                        killEverything()
                        heldInterval = min(heldInterval * 2, .milliseconds(50))
                        nextHeldSweep = now + heldInterval
                    }
                }

                var wake = now + .milliseconds(50)
                if !exited {
                    if let since = terminatingSince {
                        if !killedHard { wake = min(wake, since + job.grace) }
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
                if let limit { wake = min(wake, limit) }
                var count = 0
                var outSlot = -1, errSlot = -1, pidSlot = -1
                if out >= 0 { fds[count] = pollfd(fd: out, events: Int16(POLLIN), revents: 0); outSlot = count; count += 1 }
                if err >= 0 { fds[count] = pollfd(fd: err, events: Int16(POLLIN), revents: 0); errSlot = count; count += 1 }
                if !exited, pidfd >= 0 {
                    fds[count] = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0); pidSlot = count; count += 1
                }
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
            return true
        }

        /// Reaps the main process (once ``advance(until:)`` returned true) and returns the result.
        func finish() -> DirectResult {
            guard pid != 0 else { return result }
            var status: Int32 = 0
            var rc: pid_t
            repeat { rc = waitpid(pid, &status, 0) } while rc == -1 && errno == EINTR
            if rc == pid {
                if status & 0x7f == 0 { result.exitStatus = (status >> 8) & 0xff } else { result.signal = status & 0x7f }
            } else {
                result.launchError = "could not wait for \(job.shell): " + String(cString: strerror(errno))
            }
            pid = 0
            return result
        }

        /// Reads what is there (poll said so); closes the pipe at end of file.
        func readOnce(_ fd: inout Int32, into capped: inout CappedOutput) {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n > 0 {
                capped.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                close(fd)
                fd = -1
            }
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
