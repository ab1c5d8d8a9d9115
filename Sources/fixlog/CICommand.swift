import ArgumentParser
import FixlogCore
import Foundation

/// `fixlog ci`: check + verify + regenerate --check for every log, with reports CI systems pick up.
struct CICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci",
        abstract: "Run check, verify and regenerate --check for CI, writing SARIF, JUnit and GitHub annotations.",
        discussion: """
            For each log (the arguments, else the config's logs, else DOCKERFILE_FIXES.md): checks every \
            documented change against the Dockerfile, runs the verification steps when exec is permitted \
            (--allow-exec or `exec: true` in .fixlog.yml; otherwise verification is reported as skipped), \
            and checks that regenerating the log would change nothing.

            Writes into --output-dir (default fixlog-results/): fixlog.sarif (the check findings, SARIF \
            2.1.0: GitHub code scanning, GitLab), junit.xml (one test case per verification step), \
            github-annotations.txt and summary.md. Under GitHub Actions (GITHUB_ACTIONS=true) the \
            annotations also go to standard output and the summary to $GITHUB_STEP_SUMMARY. See docs/ci.md.

            Exit status: 0 when everything holds and passed; 1 when a change moved, changed, went missing \
            or was violated, a step failed, or the log is not regenerated; 2 on usage, config or input errors.

            Examples:
              fixlog ci
              fixlog ci --allow-exec --jobs 2
              fixlog ci services/*/DOCKERFILE_FIXES.md --output-dir build/fixlog
              fixlog ci --no-verify --annotations github
            """)

    enum Annotations: String, ExpressibleByArgument, CaseIterable {
        case auto, github, none
    }

    @Argument(help: "The fix logs (default: the config's logs, else DOCKERFILE_FIXES.md in the current directory).")
    var logs: [String] = []

    @Option(help: "Repository root (default: the config's root, else the git top level, else the log's directory).")
    var root: String?

    @Option(help: "Check every change against this Dockerfile instead of the log's **File:** values.")
    var dockerfile: String?

    @Flag(help: "Run the verification steps even when the config does not set exec: true.")
    var allowExec = false

    @Flag(help: "Skip verification (check and regenerate --check only).")
    var noVerify = false

    @Option(help: "Steps run in parallel during verification (default: number of cores).")
    var jobs: Int?

    @Option(help: "Default step timeout, e.g. 30s, 2m, 1h (default: the config's timeout, else 10m).")
    var timeout: String?

    @Option(help: "Directory for fixlog.sarif, junit.xml, github-annotations.txt and summary.md.")
    var outputDir: String = CIOutputs.defaultDirectory

    @Option(help: "Write the SARIF file here instead of <output-dir>/fixlog.sarif.")
    var sarif: String?

    @Option(help: "Write the JUnit file here instead of <output-dir>/junit.xml.")
    var junit: String?

    @Option(help: "GitHub annotations on standard output: auto (when GITHUB_ACTIONS=true), github or none.")
    var annotations: Annotations = .auto

    @OptionGroup var configOption: ConfigOption

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let timeout, StepDuration(parsing: timeout) == nil { throw ValidationError("--timeout '\(timeout)' is not a duration (30s, 2m, 1h)") }
        if allowExec && noVerify { throw ValidationError("--allow-exec and --no-verify contradict each other; drop one") }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let config = try configOption.load(logPath: logs.first, root: root)
        let entries = config.logs(named: logs)
        let rootDir = config.root(flag: root)
        if let rootDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: rootDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                Output.error("fixlog ci: error: root '\(rootDir)' is not a directory; pass --root with the repository's top directory")
                throw ExitCode(2)
            }
        }
        let mayExec = !noVerify && (allowExec || config.exec)

        var inputError = false
        var findings = false
        var reports: [CheckReport] = []
        var steps: [StepResult] = []
        var outcomes: [CIOutputs.StageOutcome] = []

        for entry in entries {
            let log = entry.path
            Output.write("== \(log)\n")
            // check
            let fixLog = FixLogIngester.load(path: log, scratch: .keepUntilExit)
            let errors = fixLog.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty {
                Output.report(fixLog.diagnostics)
                if errors.contains(where: { $0.id == .fileNotFound }) { Output.error(Hint.missingLog) }
                outcomes.append(.init(stage: "check", log: log, status: "error", detail: "the log cannot be read"))
                inputError = true
                continue
            }
            let report = CrossLinker.check(log: fixLog, logPath: log, root: rootDir,
                                           dockerfileOverride: config.dockerfile(flag: dockerfile, entry: entry))
            reports.append(report)
            Output.report(report.diagnostics.filter { $0.severity == .error })
            Output.write(CheckTextRenderer.render(report, options: .init(colour: false)))
            switch report.exitCode {
            case 0: outcomes.append(.init(stage: "check", log: log, status: "passed", detail: "every documented change holds"))
            case 1:
                findings = true
                outcomes.append(.init(stage: "check", log: log, status: "failed", detail: "documented changes drifted from the Dockerfile (see fixlog.sarif)"))
            default:
                inputError = true
                outcomes.append(.init(stage: "check", log: log, status: "error", detail: "a target file could not be read"))
            }

            // verify
            if !mayExec {
                let why = noVerify ? "--no-verify" : "running the log's steps needs --allow-exec or exec: true in .fixlog.yml"
                Output.write("verify: skipped (\(why))\n")
                outcomes.append(.init(stage: "verify", log: log, status: "skipped", detail: why))
            } else {
                let resultsPath = ((URL(fileURLWithPath: log).standardizedFileURL.path as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent(".fixlog/results.json")
                var arguments = [log, "--allow-exec", "--results", resultsPath]
                if let rootDir { arguments += ["--root", rootDir] }
                if let jobs { arguments += ["--jobs", String(jobs)] }
                if let timeout { arguments += ["--timeout", timeout] }
                if let path = configOption.config { arguments += ["--config", path] }
                Output.write("verify:\n")
                let status = await Self.runVerify(arguments)
                let ran = (try? VerificationResults.read(path: resultsPath))??.steps ?? []
                steps += ran
                switch status {
                case 0: outcomes.append(.init(stage: "verify", log: log, status: "passed", detail: VerificationReport.summary(ran)))
                case 1:
                    findings = true
                    outcomes.append(.init(stage: "verify", log: log, status: "failed", detail: VerificationReport.summary(ran)))
                case 130:
                    Output.error("fixlog ci: interrupted")
                    throw ExitCode(130)
                default:
                    inputError = true
                    outcomes.append(.init(stage: "verify", log: log, status: "error", detail: "exit status \(status)"))
                }
            }

            // regenerate --check
            Output.write("regenerate --check:\n")
            let regenerated = await RegenerateStage.check(log: log, root: rootDir, config: configOption.config)
            Output.write("regenerate --check: \(regenerated.detail)\n")
            outcomes.append(.init(stage: "regenerate", log: log, status: regenerated.status, detail: regenerated.detail))
            if regenerated.status == "failed" { findings = true }
            if regenerated.status == "error" { inputError = true }
        }

        // Reports for CI systems.
        let sarifPath = sarif ?? (outputDir as NSString).appendingPathComponent(CIOutputs.sarifName)
        let junitPath = junit ?? (outputDir as NSString).appendingPathComponent(CIOutputs.junitName)
        let annotationLines = reports.map(CheckGitHubRenderer.render).joined() + CIOutputs.githubAnnotations(steps)
        let summary = CIOutputs.summary(outcomes)
        let files: [(String, String)] = [
            (sarifPath, CIOutputs.sarif(reports)),
            (junitPath, JUnitRenderer.render(VerificationResults(steps: steps), suiteName: "fixlog ci",
                                             timestamp: VerificationEngine.timestamp(Date()))),
            ((outputDir as NSString).appendingPathComponent(CIOutputs.annotationsName), annotationLines),
            ((outputDir as NSString).appendingPathComponent(CIOutputs.summaryName), summary),
        ]
        for (path, text) in files {
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try VerificationResults.writeAtomically(Data(text.utf8), to: path)
            } catch {
                Output.error("fixlog ci: error: cannot write \(path): \(error); choose a writable --output-dir")
                inputError = true
            }
        }
        let onGitHub = env["GITHUB_ACTIONS"] == "true"
        if annotations == .github || (annotations == .auto && onGitHub) { Output.write(annotationLines) }
        if onGitHub, let stepSummary = env["GITHUB_STEP_SUMMARY"], !stepSummary.isEmpty,
           let handle = FileHandle(forWritingAtPath: stepSummary) {
            handle.seekToEndOfFile()
            handle.write(Data(summary.utf8))
            try? handle.close()
        }
        let verdict = inputError ? 2 : (findings ? 1 : 0)
        Output.write("fixlog ci: \(verdict == 0 ? "all good" : verdict == 1 ? "findings" : "errors") — reports in \(outputDir)\n")
        if verdict != 0 { throw ExitCode(Int32(verdict)) }
    }

    /// Runs `fixlog verify` with `arguments` in-process and returns its exit status.
    static func runVerify(_ arguments: [String]) async -> Int32 {
        do {
            let command = try VerifyCommand.parse(arguments)
            try await command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            Output.error("fixlog ci: error: verify: \(VerifyCommand.fullMessage(for: error))")
            return 2
        }
    }
}

/// The `regenerate --check` stage of `fixlog ci`: `fixlog regenerate --check` run in-process, so it
/// behaves exactly like the command (it prints the diff when the log is out of date).
enum RegenerateStage {
    struct Outcome {
        var status: String
        var detail: String
    }

    static func check(log: String, root: String?, config: String?) async -> Outcome {
        var arguments = [log, "--check"]
        if let root { arguments += ["--root", root] }
        if let config { arguments += ["--config", config] }
        do {
            let command = try RegenerateCommand.parse(arguments)
            try await command.run()
            return Outcome(status: "passed", detail: "the log is current")
        } catch let code as ExitCode {
            switch code.rawValue {
            case 0: return Outcome(status: "passed", detail: "the log is current")
            case 1: return Outcome(status: "failed", detail: "the log is out of date; run 'fixlog regenerate' and commit the result")
            default: return Outcome(status: "error", detail: "regenerate could not run (see the messages above)")
            }
        } catch {
            Output.error("fixlog ci: error: regenerate: \(RegenerateCommand.fullMessage(for: error))")
            return Outcome(status: "error", detail: "regenerate could not run")
        }
    }
}
