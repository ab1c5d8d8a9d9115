import ArgumentParser
import FixlogCore
import Foundation

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every documented change against the real Dockerfile.",
        discussion: """
            For each change the log documents, says whether the Dockerfile still carries it (holds), where \
            it went (moved), what became of it (changed, missing, superseded by a later record), or whether \
            something the log says was removed is back (violated).

            Settings come from .fixlog.yml (beside the log or at the repository root; see docs/config.md): \
            log, root and dockerfile. Flags override them.

            Exit status: 0 when every change holds or is superseded; 1 when anything moved, changed, went \
            missing or was violated; 2 on usage or input errors.

            Examples:
              fixlog check
              fixlog check docs/DOCKERFILE_FIXES.md --root .
              fixlog check --dockerfile Dockerfile.prod --format sarif > fixlog.sarif
              fixlog check --fix          # rewrite stale line references in place
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif, github
    }

    @Argument(help: "The fix log (default: the config's log, else DOCKERFILE_FIXES.md in the current directory).")
    var log: String?

    @Option(help: "Repository root that target files are resolved against and confined to (default: the git top level, else the log's directory).")
    var root: String?

    @Option(help: "Check every change against this Dockerfile instead of the log's **File:** values.")
    var dockerfile: String?

    @Option(help: "Output format: text, json, sarif or github.")
    var format: Format = .text

    @Flag(help: "Rewrite stale line references in the log (atomically; nothing else changes).")
    var fix = false

    @Flag(help: "Colour the text output even when not on a terminal (or when NO_COLOR is set).")
    var color = false

    @OptionGroup var configOption: ConfigOption

    func run() async throws {
        let fm = FileManager.default
        let config = try configOption.load(logPath: log, root: root)
        let entry = config.logs(named: log.map { [$0] } ?? [])[0]
        let log = entry.path
        let root = config.root(flag: root)
        let dockerfile = config.dockerfile(flag: dockerfile, entry: entry)
        if let root {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                Output.error("fixlog: error: root '\(root)' is not a directory; pass --root with the repository's top directory")
                throw ExitCode(2)
            }
        }
        // The Dockerfile is read and indexed on another core while the log is read.
        let session = CheckSession(logPath: log, root: root, dockerfileOverride: dockerfile, scratch: .keepUntilExit)
        session.preloadInBackground()
        let fixLog = FixLogIngester.load(path: log, scratch: .keepUntilExit)
        Output.keepUntilExit(fixLog)
        let inputErrors = fixLog.diagnostics.filter { $0.severity == .error }
        if !inputErrors.isEmpty {
            Output.report(fixLog.diagnostics)
            if inputErrors.contains(where: { $0.id == .fileNotFound }) { Output.error(Hint.missingLog) }
            throw ExitCode(2)
        }
        var report = session.check(fixLog)
        Output.keepUntilExit(report)

        if fix {
            let (applied, diagnostics) = LineReferenceFixer.fix(logPath: log, report: report)
            Output.report(diagnostics)
            if !diagnostics.isEmpty { throw ExitCode(2) }
            for edit in applied {
                Output.error("\(log):\(edit.range.start.line):\(edit.range.start.column): fixed: '\(edit.original)' → '\(edit.replacement)'")
            }
            if !applied.isEmpty {
                // Check again against the rewritten log, so the output and exit status describe the result.
                let again = FixLogIngester.load(path: log, scratch: .keepUntilExit)
                report = session.check(again)
                Output.keepUntilExit(report)
            }
        }

        Output.report(report.diagnostics.filter { $0.severity == .error })
        switch format {
        case .text:
            // Colour on a terminal unless NO_COLOR is set (non-empty); --color forces it.
            let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            let colour = color || (!noColor && isatty(STDOUT_FILENO) != 0)
            Output.write(CheckTextRenderer.render(report, options: .init(colour: colour)))
        case .json:
            Output.write(CheckJSONRenderer.render(report))
        case .sarif:
            Output.write(CheckSARIFRenderer.render(report))
        case .github:
            Output.write(CheckGitHubRenderer.render(report))
        }
        let code = report.exitCode
        if code != 0 { throw ExitCode(code) }
    }
}
