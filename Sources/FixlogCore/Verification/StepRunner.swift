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
        /// The step ran more than ``StepRunner/maximumProcesses`` processes at once (a fork bomb) and all
        /// of them were killed.
        case processLimit
    }

    /// The name of the environment variable that marks every process of a step (Linux): its value is
    /// unique per run, so processes that left the step's session (`setsid`, double fork) are still found.
    public static let stepTokenVariable = "FIXLOG_STEP_TOKEN"

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
    /// More processes than this alive at once stop the step (Linux; counted from /proc every 50 ms).
    /// RLIMIT_NPROC cannot do this here: fixlog usually runs as root, and root ignores RLIMIT_NPROC.
    public var maximumProcesses: Int

    public init(shell: String = "/bin/bash", timeout: Duration, grace: Duration = .seconds(2),
                outputLimit: Int = 1 << 20, maximumProcesses: Int = 512) {
        self.maximumProcesses = maximumProcesses
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
    ///
    /// On Linux with glibc 2.34 or later the step is started by ``runDirect(script:workingDirectory:environment:stop:)``
    /// (posix_spawn and one poll loop, on the calling thread for up to 10 ms, then on a thread of its own);
    /// elsewhere by swift-subprocess. Both behave the same.
    public func run(script: String, workingDirectory: String, environment: [String: String],
                    stop: StopSignal = StopSignal()) async -> Outcome {
        #if os(Linux)
        if Self.directSpawnAvailable {
            return await runDirect(script: script, workingDirectory: workingDirectory, environment: environment, stop: stop)
        }
        #endif
        return await runWithSubprocess(script: script, workingDirectory: workingDirectory, environment: environment, stop: stop)
    }

    /// The swift-subprocess path of ``run(script:workingDirectory:environment:stop:)``: used where the
    /// posix_spawn path is unavailable (not Linux, or glibc older than 2.34), and by tests.
    func runWithSubprocess(script: String, workingDirectory: String, environment: [String: String],
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
        let token = UUID().uuidString
        if let key = Environment.Key(rawValue: Self.stepTokenVariable) { env[key] = token }
        // Processes started before the step cannot carry its token: their environments are not read.
        let bornAfter = Self.bootTicks().map { $0 > 2 ? $0 - 2 : 0 }
        let processLimit = maximumProcesses
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
                await Self.watch(pid: pidBox, timeout: timeout, grace: grace, stop: stop, ending: endingBox,
                                 token: token, bornAfter: bornAfter, processLimit: processLimit)
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
        // Nothing of the step may outlive it: its group, its session (background jobs that moved to groups
        // of their own with `set -m`) and whatever carries its token (`setsid`, double forks, daemons).
        if let pid = pidBox.get() {
            _ = kill(-pid, SIGKILL)
            Self.sweep(session: pid, token: token, bornAfter: bornAfter)
        }
        let elapsed = clock.now - start
        let ms = Int((elapsed / .milliseconds(1)).rounded())
        return Outcome(ending: ending, exitStatus: exitStatus, signal: signal, stdout: outBox.get(),
                       stderr: errBox.get(), startedAt: startedAt, durationMs: ms, processGroup: pidBox.get(),
                       launchError: launchError)
    }

    /// Sends SIGKILL to every process of session `sid` (Linux: read from /proc). No-op elsewhere.
    static func killSession(_ sid: Int32) {
        for pid in stepProcesses(session: sid, token: nil) { _ = kill(pid, SIGKILL) }
    }

    /// Kills every process of the step until none is left (a process may fork while the others die);
    /// gives up after 50 rounds. Returns the number of processes killed.
    /// With `windowStart` (the step's main process, while the step is younger than
    /// ``PidWindow/lifetime``), each round looks only at PIDs allocated since then (see ``PidWindow``).
    @discardableResult
    static func sweep(session sid: Int32, token: String, bornAfter: UInt64? = nil, windowStart: Int32? = nil) -> Int {
        var killed = 0
        for _ in 0..<50 {
            let found = stepProcesses(session: sid, token: token, bornAfter: bornAfter,
                                      window: windowStart.flatMap(PidWindow.since))
            if found.isEmpty { break }
            _ = kill(-sid, SIGKILL)
            for pid in found { _ = kill(pid, SIGKILL) }
            killed += found.count
        }
        return killed
    }

    /// Live (non-zombie) processes of a step (Linux, from /proc): those in session `sid` or process group
    /// `sid`, and those whose environment carries `token`. Empty elsewhere. With `bornAfter` (clock ticks
    /// since boot, a little before the step started), the environments of processes started earlier are not
    /// read: the token exists only in the step's descendants. That halves the /proc reads of a sweep.
    /// With `window`, only PIDs inside it are looked at (every process of the step is); a small window is
    /// probed PID by PID without listing /proc.
    static func stepProcesses(session sid: Int32, token: String?, bornAfter: UInt64? = nil,
                              window: PidWindow? = nil) -> [Int32] {
        #if os(Linux)
        let me = getpid()
        let needle = token.map { Array((stepTokenVariable + "=" + $0).utf8) + [0] }
        var found: [Int32] = []
        func examine(_ pid: Int32) {
            guard pid != me, let stat = readProcFile("/proc/\(pid)/stat", limit: 4096),
                  let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return }
            // After the command name: state ppid pgrp session …
            let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
            guard fields.count > 3 else { return }
            if fields[0].first == UInt8(ascii: "Z") || fields[0].first == UInt8(ascii: "X") { return }
            let pgrp = Int32(String(decoding: fields[2], as: UTF8.self))
            let session = Int32(String(decoding: fields[3], as: UTF8.self))
            if session == sid || pgrp == sid {
                found.append(pid)
            } else if let bornAfter, fields.count > 19, let started = UInt64(String(decoding: fields[19], as: UTF8.self)),
                      started < bornAfter {
                return  // field 22, starttime: older than the step
            } else if let needle, let environ = readProcFile("/proc/\(pid)/environ", limit: 1 << 20),
                      contains(environ, needle) {
                found.append(pid)
            }
        }
        if let window, let count = window.count, count <= PidWindow.probeLimit {
            for offset in 0..<Int32(count) { examine(window.first + offset) }
            return found
        }
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            // Read d_name only up to its NUL: readdir's record may be shorter than `dirent` (found by ASan:
            // copying the whole 256-byte field read past the allocation).
            guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { continue }
            let name = String(cString: (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self))
            guard let pid = Int32(name) else { continue }
            if let window, !window.contains(pid) { continue }
            examine(pid)
        }
        return found
        #else
        return []
        #endif
    }

    /// The PIDs a step's processes can have (Linux): every process of a step descends from its main process,
    /// so it was created after it, and Linux hands out PIDs in increasing order, wrapping at `pid_max`
    /// (`alloc_pid` → `idr_alloc_cyclic`). The window runs from the main process's PID to the last PID
    /// allocated, which `/proc/sys/kernel/ns_last_pid` shows; a process outside it existed before the step and cannot
    /// belong to it. On a quiet machine the window of a step that started nothing holds only its main
    /// process, and the sweep after it reads one /proc file instead of one per process on the machine.
    ///
    /// Only valid while the step is young (``lifetime``): PIDs could wrap all the way round during a long
    /// step. Unavailable (nil) when /proc belongs to another PID namespace than fixlog's. A process placed
    /// at a chosen PID (`clone3` with `set_tid`, root only) can land outside the window — like one that
    /// drops the step's token, it has to want to escape.
    struct PidWindow: Sendable, Equatable {
        /// The step's main process.
        var first: Int32
        /// The last PID allocated when the window was read.
        var last: Int32

        /// How long after the spawn a window may be used: PIDs cannot wrap all the way round (at least
        /// `pid_max` − 300 process creations) in that time.
        static let lifetime: Duration = .milliseconds(250)
        /// Windows of up to this many PIDs are probed one by one; larger ones filter a listing of /proc.
        static let probeLimit = 64

        /// Whether `pid` lies in the window (cyclically: `last` < `first` after a wrap).
        func contains(_ pid: Int32) -> Bool {
            first <= last ? (pid >= first && pid <= last) : (pid >= first || pid <= last)
        }

        /// The number of PIDs in the window, nil after a wrap.
        var count: Int? { first <= last ? Int(last - first) + 1 : nil }

        /// The window from `first` to the last PID allocated now; nil where that cannot be known.
        static func since(_ first: Int32) -> PidWindow? {
            guard procIsOwnNamespace, let last = lastAllocatedPid() else { return nil }
            return PidWindow(first: first, last: last)
        }

        /// The PID allocated last in this process's PID namespace: `/proc/sys/kernel/ns_last_pid` (the
        /// kernel's own cursor, Linux 3.3 and later with CONFIG_CHECKPOINT_RESTORE, as on Debian and Ubuntu).
        /// Not the last field of `/proc/loadavg`, which shows the same number but which container tools such
        /// as LXCFS replace with a figure of their own. Nil when it cannot be read: then every process is looked at.
        static func lastAllocatedPid() -> Int32? {
            #if os(Linux)
            guard let text = readProcFile("/proc/sys/kernel/ns_last_pid", limit: 64) else { return nil }
            let digits = text.prefix(while: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            guard !digits.isEmpty, digits.count == text.count || text[digits.count] == UInt8(ascii: "\n") else { return nil }
            return Int32(String(decoding: digits, as: UTF8.self))
            #else
            return nil
            #endif
        }

        /// Whether /proc shows fixlog's own PID namespace (`/proc/self` names this process).
        static let procIsOwnNamespace: Bool = {
            #if os(Linux)
            var buffer = [CChar](repeating: 0, count: 64)
            let n = readlink("/proc/self", &buffer, buffer.count - 1)
            guard n > 0 else { return false }
            return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) == String(getpid())
            #else
            return false
            #endif
        }()
    }

    /// Clock ticks since boot (the unit of `starttime` in /proc/PID/stat), nil where unknown.
    static func bootTicks() -> UInt64? {
        #if os(Linux)
        var now = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &now) == 0 else { return nil }
        let hz = sysconf(Int32(_SC_CLK_TCK))
        guard hz > 0 else { return nil }
        return UInt64(now.tv_sec) * UInt64(hz) + UInt64(now.tv_nsec) * UInt64(hz) / 1_000_000_000
        #else
        return nil
        #endif
    }

    /// Up to `limit` bytes of a /proc file (nil when it cannot be opened, e.g. the process is gone).
    static func readProcFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// Whether `needle` (which starts a NUL-separated environment entry) occurs in `environ`.
    static func contains(_ environ: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= environ.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= environ.count {
            if environ[i] == first, (i == 0 || environ[i - 1] == 0), environ[i..<(i + needle.count)].elementsEqual(needle) {
                return true
            }
            i += 1
        }
        // The last entry has no terminating NUL when the block was cut at the limit.
        return false
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
                      stop: StopSignal, ending: LockedBox<Ending>, token: String, bornAfter: UInt64? = nil,
                      processLimit: Int) async {
        let clock = ContinuousClock()
        var lastCount = clock.now
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
                    // Repeated while the run has not returned: nothing of the step may keep the pipes open,
                    // not even a process that left the session.
                    _ = kill(-pid, SIGKILL)
                    if exited { sweep(session: pid, token: token, bornAfter: bornAfter) }
                    exited = true
                } else {
                    let now = clock.now
                    // Fork-bomb containment: count the step's processes every 50 ms, kill them all past the limit.
                    if terminatingSince == nil, now - lastCount >= .milliseconds(50) {
                        lastCount = now
                        if stepProcesses(session: pid, token: token, bornAfter: bornAfter).count > processLimit {
                            ending.set(.processLimit)
                            sweep(session: pid, token: token, bornAfter: bornAfter)
                            terminatingSince = now
                            killed = true
                        }
                    }
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
