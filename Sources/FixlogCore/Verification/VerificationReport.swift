import Foundation

/// Text renderers for `fixlog verify`. Pure functions: everything they show (times included) is passed in.
public enum VerificationReport {
    /// The plan printed when execution is not allowed: each step, where it would run, its prerequisites,
    /// its expectations and its script.
    public static func plan(_ plan: VerificationPlan, masker: SecretMasker, configNote: String? = nil) -> String {
        var out = "fixlog verify: plan for \(plan.logPath) (\(plan.steps.count) step\(plan.steps.count == 1 ? "" : "s")); nothing was run\n"
        for step in plan.steps {
            out += "\n" + header(step) + "\n"
            out += "  run in:     \(step.workingDirectory)  (bash -e -o pipefail, stdin closed)\n"
            out += "  timeout:    \(step.timeout)\n"
            if let skip = step.skipReason { out += "  skipped:    \(skip)\n" }
            if !step.options.problems.isEmpty { out += "  error:      invalid step options: \(step.options.problems.joined(separator: "; "))\n" }
            if step.prerequisites.isEmpty {
                out += "  requires:   (no external commands)\n"
            } else {
                let list = step.prerequisites.map { p -> String in
                    let name = p.runAs == p.command ? p.command : "\(p.command) → \(p.runAs)"
                    return p.isAvailable ? name : "\(name) (NOT FOUND: would be skipped)"
                }
                out += "  requires:   \(list.joined(separator: ", "))\n"
            }
            if step.options.expectedExitStatus != 0 { out += "  exit:       \(step.options.expectedExitStatus)\n" }
            if step.expectedOutput.isEmpty {
                out += "  expects:    exit status \(step.options.expectedExitStatus) (no expected output)\n"
            } else {
                for (i, line) in step.expectedOutput.enumerated() {
                    let cond = line.condition.map { "   [\($0): \(ConditionRegistry.check(for: $0) == nil ? "unknown, unchecked" : "checked when true")]" } ?? ""
                    out += (i == 0 ? "  expects:    " : "              ") + masker.mask(line.text) + cond + "\n"
                }
            }
            if !step.inputFiles.isEmpty { out += "  inputs:     \(step.inputFiles.joined(separator: ", "))\n" }
            out += "  script:\n"
            for line in step.script.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "    | " + masker.mask(String(line)) + "\n"
            }
        }
        out += "\nNothing was executed. Run with --allow-exec (or set `exec: true` in .fixlog.yml beside the log) to run these steps.\n"
        if let configNote { out += configNote + "\n" }
        return out
    }

    static func header(_ step: PlannedStep) -> String {
        var h = step.identifier
        if let t = step.title { h += "  \(t)" }
        if let l = step.label { h += " — \(l)" }
        h += "  (line \(step.line))"
        return h
    }

    /// The tag shown for a status: `PASS`, `FAIL`, `SKIP`, `TIME`, `ERR `, `CACHE`.
    public static func tag(_ status: StepStatus) -> String {
        switch status {
        case .passed: return "PASS "
        case .failed: return "FAIL "
        case .skipped: return "SKIP "
        case .timedOut: return "TIME "
        case .error: return "ERROR"
        case .cached: return "CACHE"
        }
    }

    /// One finished step: a status line, then for failures the missing lines and the output excerpt.
    public static func resultLine(_ r: StepResult, verbose: Bool = false) -> String {
        var line = "\(tag(r.status)) #\(r.incident).\(r.step)"
        if let t = r.title { line += " \(t)" }
        if let l = r.label { line += " — \(l)" }
        if r.status != .skipped && r.status != .cached { line += " (\(seconds(r.durationMs)))" }
        if let reason = r.reason { line += ": \(reason)" }
        var out = line + "\n"
        for m in r.expectation.missingLines { out += "      missing: \(m)\n" }
        for u in r.expectation.uncheckedLines { out += "      unchecked (unknown condition): \(u)\n" }
        if (r.status.isFailure || verbose), !r.outputExcerpt.isEmpty {
            var lines = r.outputExcerpt.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            for l in lines.suffix(25) { out += "      | \(l)\n" }
        }
        return out
    }

    /// `3 passed, 1 failed, 2 skipped, 4 cached`.
    public static func summary(_ results: [StepResult]) -> String {
        var counts: [StepStatus: Int] = [:]
        for r in results { counts[r.status, default: 0] += 1 }
        let parts = StepStatus.allCases.compactMap { s -> String? in
            guard let n = counts[s], n > 0 else { return nil }
            return "\(n) \(s.rawValue)"
        }
        return "fixlog verify: " + (parts.isEmpty ? "no steps" : parts.joined(separator: ", "))
    }

    /// The live progress line shown on a TTY: running steps with their elapsed time.
    public static func progressLine(running: [(identifier: String, elapsedMs: Int)], done: Int, total: Int,
                                    width: Int = 100) -> String {
        let items = running.map { "\($0.identifier) \(seconds($0.elapsedMs))" }.joined(separator: ", ")
        var line = "[\(done)/\(total)] " + (items.isEmpty ? "" : "running: \(items)")
        if line.count > width { line = String(line.prefix(max(0, width - 1))) + "…" }
        return line
    }

    /// `1.2s`, `12s`, `2m05s`.
    public static func seconds(_ ms: Int) -> String {
        if ms < 10_000 { return "\(ms / 1000).\((ms % 1000) / 100)s" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s"
    }
}
