import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one bash script as an isolated process group and reports what happened.
///
/// - `bash --noprofile --norc -e -o pipefail -c SCRIPT` in `workingDirectory`, with exactly the
///   given environment and stdin closed (`/dev/null`: reading gets EOF at once).
/// - The script runs in a new session and process group (sid = pgid = its pid), without a controlling terminal.
/// - When the main process exits, whatever is left of the group (background children, even ones
///   holding the output pipes) is killed with SIGKILL.
/// - On timeout or a ``StopSignal``, the group gets SIGTERM, then SIGKILL after `grace`.
/// - stdout and stderr are drained concurrently, each capped (head and tail kept).
public struct StepRunner: Sendable {
    /// What ended the run.
    public enum Ending: String, Sendable, Hashable, Codable {
        /// The main process ended by itself.
        case finished
        /// The timeout expired and the group was stopped.
        case timedOut
        /// A stop was requested (Ctrl-C) and the group was stopped.
        case interrupted
    }

    /// The outcome of a run.
    public struct Outcome: Sendable {
        /// What ended the run.
        public var ending: Ending
        /// Exit status, when the main process exited normally.
        public var exitStatus: Int32?
        /// Terminating signal, when the main process was killed by one.
        public var signal: Int32?
        /// Captured standard output (capped).
        public var stdout: CappedOutput
        /// Captured standard error (capped).
        public var stderr: CappedOutput
        /// When the process was started.
        public var startedAt: Date
        /// Wall time until the group was gone, in milliseconds.
        public var durationMs: Int
        /// The process group the script ran in (its pid), for callers that want to check it is gone.
        public var processGroup: Int32?
        /// Set when the process could not be started.
        public var launchError: String?
    }

    /// The bash executable.
    public var shell: String
    /// How long the script may run.
    public var timeout: Duration
    /// Time between SIGTERM and SIGKILL when stopping the group.
    public var grace: Duration
    /// Bytes kept per stream (half head, half tail).
    public var outputLimit: Int

    public init(shell: String = "/bin/bash", timeout: Duration, grace: Duration = .seconds(2),
                outputLimit: Int = 1 << 20) {
        self.shell = shell
        self.timeout = timeout
        self.grace = grace
        self.outputLimit = outputLimit
    }

    /// The arguments passed to bash for `script`.
    public static func arguments(for script: String) -> [String] {
        ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script, "fixlog-step"]
    }

    /// Runs `script` and waits until its whole process group is gone (or was killed).
    public func run(script: String, workingDirectory: String, environment: [String: String],
                    stop: StopSignal = StopSignal()) async -> Outcome {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        var options = PlatformOptions()
        // A new session: its own process group (pgid = sid = pid) and no controlling terminal, so a
        // step cannot prompt on the user's terminal (sudo, ssh) or be stopped by terminal signals.
        options.createSession = true
        // Safety net if the calling task is cancelled: Subprocess tears the group down itself.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)]
        let platformOptions = options
        var env: [Environment.Key: String] = [:]
        for (k, v) in environment { if let key = Environment.Key(rawValue: k) { env[key] = v } }
        let environmentValue = Environment.custom(env)
        let limit = outputLimit
        let timeout = self.timeout
        let grace = self.grace
        let pidBox = LockedBox<Int32?>(nil)
        let outBox = LockedBox(CappedOutput(limit: limit))
        let errBox = LockedBox(CappedOutput(limit: limit))

        struct RunResult: Sendable {
            var exitStatus: Int32?
            var signal: Int32?
            var launchError: String?
        }
        let endingBox = LockedBox(Ending.finished)
        // Two tasks: the run (which returns once the main process is reaped and both pipes reached EOF)
        // and a watchdog enforcing the deadline and the stop signal, and killing what is left of the
        // group when the main process has exited but children still hold the pipes. The watchdog never
        // delays a step that ends normally: it is cancelled as soon as the run returns.
        let runResult: RunResult = await withTaskGroup(of: RunResult?.self) { group in
            group.addTask {
                do {
                    let result = try await Subprocess.run(
                        .path(FilePath(shell)), arguments: Arguments(Self.arguments(for: script)),
                        environment: environmentValue, workingDirectory: FilePath(workingDirectory),
                        platformOptions: platformOptions, input: .none, output: .sequence, error: .sequence
                    ) { execution in
                        pidBox.set(execution.processIdentifier.value)
                        async let o: Void = Self.drain(execution.standardOutput, into: outBox)
                        async let e: Void = Self.drain(execution.standardError, into: errBox)
                        _ = try? await (o, e)
                    }
                    switch result.terminationStatus {
                    case .exited(let code): return RunResult(exitStatus: code)
                    case .signaled(let sig): return RunResult(signal: sig)
                    }
                } catch {
                    return RunResult(launchError: "\(error)")
                }
            }
            group.addTask {
                await Self.watch(pid: pidBox, timeout: timeout, grace: grace, stop: stop, ending: endingBox)
                return nil
            }
            var outcome = RunResult()
            while let next = await group.next() {
                if let next {
                    outcome = next
                    group.cancelAll()
                }
            }
            return outcome
        }
        let ending = endingBox.get()
        let exitStatus = runResult.exitStatus
        let signal = runResult.signal
        let launchError = runResult.launchError
        // Nothing of the group may outlive the step. After a timeout or a stop, also sweep the session:
        // background jobs that moved to process groups of their own (`set -m`) are still in it.
        if let pid = pidBox.get() {
            _ = kill(-pid, SIGKILL)
            if ending != .finished { Self.killSession(pid) }
        }
        let elapsed = clock.now - start
        let ms = Int((elapsed / .milliseconds(1)).rounded())
        return Outcome(ending: ending, exitStatus: exitStatus, signal: signal, stdout: outBox.get(),
                       stderr: errBox.get(), startedAt: startedAt, durationMs: ms, processGroup: pidBox.get(),
                       launchError: launchError)
    }

    /// Sends SIGKILL to every process of session `sid` (Linux: read from /proc). No-op elsewhere.
    static func killSession(_ sid: Int32) {
        #if os(Linux)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { continue }
            // After the command name: state ppid pgrp session …
            let fields = stat[close.upperBound...].split(separator: " ")
            if fields.count > 3, Int32(fields[3]) == sid { _ = kill(pid, SIGKILL) }
        }
        #endif
    }

    static func drain(_ sequence: SubprocessOutputSequence, into box: LockedBox<CappedOutput>) async throws {
        for try await buffer in sequence {
            buffer.withUnsafeBytes { raw in box.update { $0.append(raw) } }
        }
    }

    /// Whether the process `pid` has exited (without reaping it).
    static func hasExited(_ pid: Int32) -> Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        if rc == -1 { return errno == ECHILD }
        return info.si_signo != 0
    }

    /// Until cancelled: polls the main process (every 0.2 ms at first, doubling up to 50 ms), enforcing
    /// the timeout (counted from when the process is seen started, so a slow spawn on a loaded machine
    /// does not eat the script's time) and the stop signal (SIGTERM to the group, SIGKILL after `grace`), and kills what is
    /// left of the group once the main process has exited, so the output pipes close.
    static func watch(pid pidBox: LockedBox<Int32?>, timeout: Duration, grace: Duration,
                      stop: StopSignal, ending: LockedBox<Ending>) async {
        let clock = ContinuousClock()
        var interval = Duration.microseconds(200)
        var terminatingSince: ContinuousClock.Instant?
        var killed = false
        var exited = false
        var startedAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            if let pid = pidBox.get() {
                let deadline: ContinuousClock.Instant
                if let known = startedAt { deadline = known + timeout } else {
                    startedAt = clock.now
                    deadline = clock.now + timeout
                }
                if exited || hasExited(pid) {
                    // Repeated while the run has not returned: nothing of the group may keep the pipes open.
                    _ = kill(-pid, SIGKILL)
                    exited = true
                } else {
                    let now = clock.now
                    if let since = terminatingSince {
                        if !killed, now - since >= grace {
                            _ = kill(-pid, SIGKILL)
                            killed = true
                        }
                    } else if now >= deadline || stop.isStopped {
                        ending.set(now >= deadline ? .timedOut : .interrupted)
                        _ = kill(-pid, SIGTERM)
                        terminatingSince = now
                        interval = .milliseconds(5)
                    }
                }
            }
            try? await Task.sleep(for: interval)
            interval = min(interval * 2, .milliseconds(50))
        }
    }
}
