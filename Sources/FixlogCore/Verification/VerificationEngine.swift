import Foundation

/// How a verification run behaves.
public struct VerificationSettings: Sendable {
    /// Steps run at the same time (at least 1).
    public var jobs: Int
    /// Reuse passed results with the same inputs hash.
    public var useCache: Bool
    /// TERM → KILL grace when stopping a step.
    public var grace: Duration
    /// Bytes kept per output stream while running.
    public var outputLimit: Int
    /// Bytes kept per stream in the stored excerpt.
    public var excerptLimit: Int
    /// The environment steps get (already reduced to the allowlist).
    public var environment: [String: String]
    /// Masks secret values in everything stored or printed.
    public var masker: SecretMasker

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, useCache: Bool = true,
                grace: Duration = .seconds(2), outputLimit: Int = 1 << 20, excerptLimit: Int = 4096,
                environment: [String: String], masker: SecretMasker = SecretMasker(secrets: [])) {
        self.jobs = max(1, jobs)
        self.useCache = useCache
        self.grace = grace
        self.outputLimit = outputLimit
        self.excerptLimit = excerptLimit
        self.environment = environment
        self.masker = masker
    }

    /// Variables every step gets from fixlog's environment when set.
    public static let allowlist = ["PATH", "HOME", "LANG", "CI"]
    /// The PATH used when fixlog's own environment has none.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The allowlisted environment: PATH, HOME, LANG, CI from `parent`, `TERM=dumb`, the names the config
    /// lists (from `parent`), and the config's explicit values.
    public static func environment(parent: [String: String], names: [String], values: [String: String]) -> [String: String] {
        var env: [String: String] = [:]
        for name in allowlist + names { if let v = parent[name] { env[name] = v } }
        for (k, v) in values { env[k] = v }
        env["TERM"] = "dumb"
        if env["PATH"] == nil { env["PATH"] = defaultPath }
        return env
    }
}

/// Events a run reports while it progresses (called from several tasks; the receiver must be thread-safe).
public enum VerificationEvent: Sendable {
    case started(index: Int, step: PlannedStep)
    case finished(index: Int, result: StepResult)
}

/// Runs a plan: cache lookups, prerequisite skips, parallel execution, expectation checks, results.
public struct VerificationEngine: Sendable {
    /// How steps are run.
    public var settings: VerificationSettings

    public init(settings: VerificationSettings) {
        self.settings = settings
    }

    /// Runs `steps` (a plan's steps, possibly filtered) and returns their results in the given order.
    public func run(_ steps: [PlannedStep], logPath: String?, previous: VerificationResults?,
                    stop: StopSignal = StopSignal(),
                    onEvent: @escaping @Sendable (VerificationEvent) -> Void = { _ in }) async -> [StepResult] {
        let cache = ResultsCache(previous: settings.useCache ? previous : nil)
        let probe = EnvironmentProbe(searchPath: settings.environment["PATH"] ?? VerificationSettings.defaultPath)
        let jobs = settings.jobs
        if jobs == 1 {
            // One step at a time in this task: no child task per step, so no hand-off between threads
            // before and after every step (measured: about a third of the context switches of a trivial step).
            var results: [StepResult] = []
            results.reserveCapacity(steps.count)
            for (index, step) in steps.enumerated() {
                onEvent(.started(index: index, step: step))
                let result = await runOne(step, logPath: logPath, cache: cache, probe: probe, stop: stop)
                results.append(result)
                onEvent(.finished(index: index, result: result))
            }
            return results
        }
        let results = LockedBox<[StepResult?]>(Array(repeating: nil, count: steps.count))
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                let step = steps[index]
                group.addTask {
                    onEvent(.started(index: index, step: step))
                    let result = await self.runOne(step, logPath: logPath, cache: cache, probe: probe, stop: stop)
                    results.update { $0[index] = result }
                    onEvent(.finished(index: index, result: result))
                }
            }
            while next < steps.count && next < jobs { add() }
            while await group.next() != nil {
                if next < steps.count { add() }
            }
        }
        return results.get().enumerated().map { i, r in
            r ?? base(steps[i], logPath: logPath, status: .error, reason: "not run")
        }
    }

    func base(_ step: PlannedStep, logPath: String?, status: StepStatus, reason: String?) -> StepResult {
        StepResult(incident: step.incident, record: step.record, step: step.step, title: step.title.map(settings.masker.mask),
                   label: step.label.map(settings.masker.mask), log: logPath, line: step.line, status: status,
                   reason: reason.map(settings.masker.mask), inputsHash: step.inputsHash)
    }

    /// Decides and (when needed) runs one step.
    func runOne(_ step: PlannedStep, logPath: String?, cache: ResultsCache, probe: EnvironmentProbe,
                stop: StopSignal) async -> StepResult {
        if !step.options.problems.isEmpty {
            return base(step, logPath: logPath, status: .error,
                        reason: "invalid step options: " + step.options.problems.joined(separator: "; "))
        }
        if let reason = step.skipReason {
            return base(step, logPath: logPath, status: .skipped, reason: reason)
        }
        if let old = cache.reusable(record: step.record, step: step.step, inputsHash: step.inputsHash) {
            var r = old
            r.status = .cached
            r.title = base(step, logPath: logPath, status: .cached, reason: nil).title
            r.label = base(step, logPath: logPath, status: .cached, reason: nil).label
            r.incident = step.incident
            r.line = step.line
            r.log = logPath
            r.reason = "inputs unchanged since the run at \(old.startedAt ?? "an earlier run")"
            return r
        }
        if let missing = step.missingPrerequisites {
            return base(step, logPath: logPath, status: .skipped, reason: missing)
        }
        if stop.isStopped {
            return base(step, logPath: logPath, status: .error, reason: "interrupted before it started")
        }
        // Conditions of expected lines: decided once per run (the GPU probe runs at most once).
        let registry = ConditionRegistry(
            commandExists: { [path = settings.environment["PATH"] ?? VerificationSettings.defaultPath] name in
                Prerequisites(searchPath: path).locate(name, directory: "/") != nil
            },
            gpuAvailable: { await probe.gpuAvailable() })
        let conditions = await registry.evaluateAll(step.expectedOutput.compactMap(\.condition))
        let tools = await probe.versions(for: step.prerequisites)

        var env = settings.environment
        for name in step.options.environmentNames {
            if let v = ProcessInfo.processInfo.environment[name] { env[name] = v }
        }
        let runner = StepRunner(timeout: step.timeout.duration, grace: settings.grace, outputLimit: settings.outputLimit)
        let outcome = await runner.run(script: step.runnableScript, workingDirectory: step.workingDirectory,
                                       environment: env, stop: stop)
        let masker = settings.masker
        let stdout = masker.mask(outcome.stdout.text)
        let stderr = masker.mask(outcome.stderr.text)
        var result = base(step, logPath: logPath, status: .passed, reason: nil)
        result.exitStatus = outcome.exitStatus.map(Int.init)
        result.signal = outcome.signal.map(Int.init)
        result.durationMs = outcome.durationMs
        result.startedAt = Self.timestamp(outcome.startedAt)
        result.environment = StepEnvironment(os: probe.operatingSystem, tools: tools)
        var excerpt = CappedOutput.excerpt(stdout, limit: settings.excerptLimit)
        if !stderr.isEmpty {
            excerpt += (excerpt.isEmpty || excerpt.hasSuffix("\n") ? "" : "\n") + "--- stderr ---\n"
                + CappedOutput.excerpt(stderr, limit: settings.excerptLimit)
        }
        result.outputExcerpt = excerpt
        let expectation = ExpectationMatcher.match(expected: step.expectedOutput, output: outcome.stdout.text,
                                                   conditions: conditions)
        result.expectation = ExpectationOutcome(missingLines: expectation.missingLines.map(masker.mask),
                                                uncheckedLines: expectation.uncheckedLines.map(masker.mask),
                                                notApplicableLines: expectation.notApplicableLines.map(masker.mask))
        if let error = outcome.launchError {
            result.status = .error
            result.reason = masker.mask("could not start bash: \(error)")
        } else if outcome.ending == .timedOut {
            result.status = .timedOut
            result.reason = "timed out after \(step.timeout)"
        } else if outcome.ending == .processLimit {
            result.status = .error
            result.reason = "stopped: more than \(runner.maximumProcesses) processes at once (fork bomb?); all were killed"
        } else if outcome.ending == .interrupted {
            result.status = .error
            result.reason = "interrupted"
        } else if let sig = outcome.signal {
            result.status = .failed
            result.reason = "killed by signal \(sig)"
        } else if let code = outcome.exitStatus, code != step.options.expectedExitStatus {
            result.status = .failed
            result.reason = step.options.expectedExitStatus == 0 ? "exit status \(code)"
                : "exit status \(code), expected \(step.options.expectedExitStatus)"
        } else if !expectation.missingLines.isEmpty {
            result.status = .failed
            let n = expectation.missingLines.count
            result.reason = "\(n) expected line\(n == 1 ? "" : "s") missing from stdout"
        }
        return result
    }

    /// ISO 8601 UTC with milliseconds (`2026-01-10T12:00:00.123Z`). Built with `gmtime_r`: an
    /// `ISO8601DateFormatter` per step costs more than running a trivial step.
    public static func timestamp(_ date: Date) -> String {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(totalMs >= 0 ? totalMs / 1000 : (totalMs - 999) / 1000)
        let millis = Int(totalMs - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "." + pad(Int32(millis), 3) + "Z"
    }
}
