import ArgumentParser
import Dispatch
import Foundation
import FixlogCore

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the log's documented verification steps (only with --allow-exec) and record the results.",
        discussion: """
            Without --allow-exec (or `exec: true` in .fixlog.yml) nothing from the log runs: fixlog prints \
            the plan — each step, its working directory, prerequisites and expectations — and exits 0. \
            See docs/verification.md. Settings come from .fixlog.yml beside the log or at the repository \
            root (exec, timeout, env, container-cli, root; see docs/config.md); flags override them.

            Exit status: 0 when every step passed, was cached or skipped (or only the plan was printed); \
            1 when a step failed, errored or timed out; 2 on usage or config errors; 130 when interrupted.

            Examples:
              fixlog verify                          # print the plan, run nothing
              fixlog verify --allow-exec --jobs 2
              fixlog verify --allow-exec --only 3 4.2 --no-cache
              fixlog verify --allow-exec --shard 2/4 --junit junit-2.xml
            """)

    @Argument(help: "The fix log (default: the config's log, else DOCKERFILE_FIXES.md in the current directory).")
    var log: String?

    @Option(help: "The root steps run from (default: the current directory when the log is inside it, else the nearest directory above the log holding .git, else the log's directory).")
    var root: String?

    @Flag(help: "Really run the steps. Without it, only the plan is printed.")
    var allowExec = false

    @Option(help: "Steps run in parallel (default: number of cores).")
    var jobs: Int?

    @Option(help: "Default step timeout, e.g. 30s, 2m, 1h (default: 10m; a block's timeout= option wins).")
    var timeout: String?

    @Option(help: "Grace period between SIGTERM and SIGKILL when a step is stopped.")
    var grace: String = "2s"

    @Option(parsing: .upToNextOption, help: "Only these records (N) or steps (N.S), by record number.")
    var only: [String] = []

    @Option(help: "Results file (default: .fixlog/results.json beside the log).")
    var results: String?

    @Option(help: "Also write JUnit XML to this file.")
    var junit: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Run steps even when a passed result with the same inputs exists.")
    var noCache = false

    @Option(help: "Take shard I of N of the records (e.g. 2/4); combine shards with `fixlog results merge`.")
    var shard: String?

    @Option(help: "Run podman steps with docker or docker steps with podman.")
    var containerCli: ContainerCLI?

    @OptionGroup var configOption: ConfigOption

    enum OutputFormat: String, ExpressibleByArgument, Sendable { case text, json }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let timeout, StepDuration(parsing: timeout) == nil { throw ValidationError("--timeout '\(timeout)' is not a duration (30s, 2m, 1h)") }
        if StepDuration(parsing: grace) == nil { throw ValidationError("--grace '\(grace)' is not a duration") }
        if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard must be I/N with 1 ≤ I ≤ N, e.g. 2/4") }
        for o in only where Self.parseOnly(o) == nil { throw ValidationError("--only takes record numbers N or steps N.S, not '\(o)'") }
    }

    static func parseOnly(_ text: String) -> (record: Int, step: Int?)? {
        let parts = text.trimmingCharacters(in: CharacterSet(charactersIn: "# ")).split(separator: ".", omittingEmptySubsequences: false)
        guard let r = parts.first.flatMap({ Int($0) }) else { return nil }
        if parts.count == 1 { return (r, nil) }
        guard parts.count == 2, let s = Int(parts[1]) else { return nil }
        return (r, s)
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let config = try configOption.load(logPath: log, root: root)
        let log = config.logs(named: log.map { [$0] } ?? [])[0].path
        let root = config.root(flag: root)
        let containerCli = containerCli ?? config.containerCLI
        let fixLog = FixLogIngester.load(path: log, scratch: .keepUntilExit)
        // Reading problems that stop verification (missing/unreadable file, not text) are shown; the
        // ingester's warnings belong to `fixlog parse`/`check`.
        let fatal = fixLog.diagnostics.filter { $0.severity == .error }
        for d in fatal { FileHandle.standardError.write(Data((d.formatted + "\n").utf8)) }
        if !fatal.isEmpty && fixLog.incidents.isEmpty {
            if fatal.contains(where: { $0.id == .fileNotFound }) { Output.error(Hint.missingLog) }
            throw ExitCode.failure
        }
        let records = fixLog.incidents.map { VerificationRecord(number: $0.number, title: $0.title, steps: $0.verifications) }

        let logAbs = URL(fileURLWithPath: log).standardizedFileURL.path
        let logDir = (logAbs as NSString).deletingLastPathComponent
        let rootDir = root.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? Self.defaultRoot(logDirectory: logDir, currentDirectory: FileManager.default.currentDirectoryPath)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootDir, isDirectory: &isDir), isDir.boolValue else {
            FileHandle.standardError.write(Data("\(rootDir): error: [\(DiagnosticID.fileNotFound.rawValue)] the root is not a directory; pass --root with the repository's top directory (or fix root: in .fixlog.yml)\n".utf8))
            throw ExitCode.failure
        }

        let stepEnv = VerificationSettings.environment(parent: env, names: config.environmentNames, values: config.environmentValues)
        let masker = SecretMasker(environment: env.merging(config.environmentValues) { $1 })
        let defaultTimeout = timeout.flatMap(StepDuration.init(parsing:)) ?? config.timeout ?? .defaultTimeout
        let plan = VerificationPlan(records: records, logPath: log, root: rootDir,
                                    searchPath: stepEnv["PATH"] ?? VerificationSettings.defaultPath,
                                    defaultTimeout: defaultTimeout, containerCLI: containerCli)
        let selection = shard.flatMap(Shard.init(parsing:))
        let onlies = only.compactMap(Self.parseOnly)
        let steps = plan.steps.filter { step in
            if let selection, !selection.includes(record: step.record) { return false }
            if !onlies.isEmpty, !onlies.contains(where: { $0.record == step.incident && ($0.step == nil || $0.step == step.step) }) { return false }
            return true
        }
        for step in steps where !step.options.problems.isEmpty {
            let at = SourceLocation(line: max(1, step.line - 1), column: 1)
            let d = Diagnostic.error(.invalidStepOptions, "step \(step.identifier): " + step.options.problems.joined(separator: "; "),
                                     file: log, range: SourceRange(start: at, end: at))
            FileHandle.standardError.write(Data((d.formatted + "\n").utf8))
        }
        var shown = plan
        shown.steps = steps

        guard allowExec || config.exec else {
            // The static verdicts of `fixlog check` belong to the plan: what the log claims about the
            // Dockerfile, before anything runs. Only when the log documents changes.
            let hasChanges = fixLog.incidents.contains { !$0.changes.isEmpty }
            let check = hasChanges ? CrossLinker.check(log: fixLog, logPath: log, root: root) : nil
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(PlanOutput(plan: steps.map { PlanEntry($0) }, check: check))
                print(masker.mask(String(decoding: data, as: UTF8.self)))
            } else {
                print(VerificationReport.plan(shown, masker: masker), terminator: "")
                if let check {
                    print("\nStatic check (`fixlog check`) of the documented changes:\n")
                    print(masker.mask(CheckTextRenderer.render(check)), terminator: "")
                }
            }
            return
        }

        let resultsPath = results ?? (logDir as NSString).appendingPathComponent(".fixlog/results.json")
        var previous: VerificationResults?
        do { previous = try VerificationResults.read(path: resultsPath) } catch {
            FileHandle.standardError.write(Data("\(resultsPath): warning: [\(DiagnosticID.unreadableResults.rawValue)] \(error); not using it as a cache\n".utf8))
        }
        let settings = VerificationSettings(
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, useCache: !noCache,
            grace: StepDuration(parsing: grace)?.duration ?? .seconds(2), environment: stepEnv, masker: masker)
        let engine = VerificationEngine(settings: settings)
        let stop = StopSignal()
        let interrupts = InterruptHandler(stop: stop)
        let display = ProgressDisplay(total: steps.count, printLines: format == .text)
        display.startTicker()
        let stepResults = await engine.run(steps, logPath: log, previous: previous, stop: stop) { event in
            display.handle(event)
        }
        display.finish()
        interrupts.cancel()

        var all = stepResults
        if !onlies.isEmpty, let previous {
            // Keep the other steps' earlier results (and so their cache entries).
            let ran = Set(stepResults.map { "\($0.record).\($0.step)" })
            all = VerificationResults.merge([VerificationResults(steps: previous.steps.filter { !ran.contains("\($0.record).\($0.step)") }),
                                             VerificationResults(steps: stepResults)]).steps
        }
        let file = VerificationResults(steps: all)
        do { try file.write(path: resultsPath) } catch {
            FileHandle.standardError.write(Data("\(resultsPath): error: cannot write results: \(error)\n".utf8))
        }
        if let junit {
            let xml = JUnitRenderer.render(VerificationResults(steps: stepResults),
                                           timestamp: VerificationEngine.timestamp(Date()))
            do { try VerificationResults.writeAtomically(Data(xml.utf8), to: junit) } catch {
                FileHandle.standardError.write(Data("\(junit): error: cannot write JUnit XML: \(error)\n".utf8))
            }
        }
        if format == .json {
            print(String(decoding: try VerificationResults(steps: stepResults).encoded(), as: UTF8.self), terminator: "")
        } else {
            print(VerificationReport.summary(stepResults) + "  (results: \(resultsPath))")
        }
        if stop.isStopped { throw ExitCode(130) }
        if stepResults.contains(where: { $0.status.isFailure }) { throw ExitCode.failure }
    }

    /// The default root: the current directory when the log is inside it (you run fixlog from the
    /// project), else the nearest directory above the log holding `.git`, else the log's directory.
    static func defaultRoot(logDirectory: String, currentDirectory: String) -> String {
        let cwd = URL(fileURLWithPath: currentDirectory).standardizedFileURL.path
        if logDirectory == cwd || logDirectory.hasPrefix(cwd == "/" ? "/" : cwd + "/") { return cwd }
        return findRoot(from: logDirectory)
    }

    /// The nearest directory at or above `directory` holding `.git`, else `directory`.
    static func findRoot(from directory: String) -> String {
        var dir = directory
        while true {
            if FileManager.default.fileExists(atPath: dir + "/.git") { return dir }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { return directory }
            dir = parent
        }
    }
}

extension ContainerCLI: ExpressibleByArgument {}

/// `verify --format json` without --allow-exec: the plan and the static check report.
struct PlanOutput: Encodable {
    var plan: [PlanEntry]
    var check: CheckReport?
}

/// The JSON form of a planned step (`verify --format json` without --allow-exec).
struct PlanEntry: Encodable {
    var incident: Int, record: Int, step: Int, line: Int
    var title: String?, label: String?
    var workingDirectory: String
    var timeout: String
    var prerequisites: [Prerequisite]
    var expectedOutput: [String]
    var skipReason: String?
    var inputsHash: String
    init(_ s: PlannedStep) {
        incident = s.incident; record = s.record; step = s.step; line = s.line
        title = s.title; label = s.label; workingDirectory = s.workingDirectory; timeout = s.timeout.description
        prerequisites = s.prerequisites
        expectedOutput = s.expectedOutput.map { $0.text + ($0.condition.map { " (\($0))" } ?? "") }
        skipReason = s.skipReason ?? s.missingPrerequisites
        inputsHash = s.inputsHash
    }
}

/// Turns SIGINT into a stop request for the running steps (a second Ctrl-C exits at once).
///
/// A real `sigaction` handler (not `SIG_IGN` plus a dispatch source: on Linux an ignored signal can be
/// discarded by whichever thread the kernel picks) counts the signal in a `sig_atomic_t`; a task polls
/// the count and asks the steps to stop.
final class InterruptHandler: @unchecked Sendable {
    /// The number of SIGINTs received. The one piece of process-wide mutable state in fixlog: a signal
    /// handler cannot be given context any other way. Written only by the handler.
    nonisolated(unsafe) static let count: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    private let poller: Task<Void, Never>

    init(stop: StopSignal) {
        _ = Self.count   // initialise before the handler can run
        signal(SIGINT) { _ in
            if InterruptHandler.count.pointee > 0 { _exit(130) }
            InterruptHandler.count.pointee = 1
        }
        poller = Task.detached {
            while !Task.isCancelled {
                if InterruptHandler.count.pointee > 0, !stop.isStopped {
                    FileHandle.standardError.write(Data("\nfixlog: interrupted; stopping running steps…\n".utf8))
                    stop.stop()
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    func cancel() {
        poller.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// Prints finished steps in log order; on a TTY keeps a live progress line on stderr.
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let printLines: Bool
    private let isTTY = isatty(STDERR_FILENO) == 1
    private var finished: [Int: StepResult] = [:]
    private var nextToPrint = 0
    private var running: [Int: (String, ContinuousClock.Instant)] = [:]
    private var ticker: Task<Void, Never>?
    private let clock = ContinuousClock()

    init(total: Int, printLines: Bool) {
        self.total = total
        self.printLines = printLines
    }

    func startTicker() {
        guard isTTY else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                self?.redraw()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    func handle(_ event: VerificationEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case .started(let index, let step):
            running[index] = (step.identifier, clock.now)
        case .finished(let index, let result):
            running[index] = nil
            finished[index] = result
            while let r = finished[nextToPrint] {
                if printLines { emit(VerificationReport.resultLine(r)) }
                nextToPrint += 1
            }
        }
    }

    private func emit(_ text: String) {
        if isTTY { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func redraw() {
        lock.lock(); defer { lock.unlock() }
        let now = clock.now
        let items = running.sorted { $0.key < $1.key }.map { (identifier: $0.value.0, elapsedMs: Int((now - $0.value.1) / .milliseconds(1))) }
        let line = VerificationReport.progressLine(running: items, done: nextToPrint, total: total)
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    func finish() {
        ticker?.cancel()
        if isTTY { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
