import ArgumentParser
import FixlogCore
import Foundation

struct RegenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Rewrite the log's managed parts: corrected line references, status blocks, a summary table.",
        discussion: """
            Every byte outside what fixlog manages is kept. fixlog manages stale line references (corrected \
            to check's suggestions), one status block under each record's heading (cross-link verdicts and \
            verification results) and, with --summary, a table of all records near the top. Blocks edited by \
            hand are refused unless --force. When nothing changes the file is not rewritten.

            Exit status: 0 on success (or, with --check, when the log is current); 1 with --check when the \
            log is out of date (a unified diff is printed); 2 on usage or input errors and refused blocks.

            Settings from .fixlog.yml (log, root; see docs/config.md) apply; flags override them.

            Examples:
              fixlog regenerate
              fixlog regenerate --check            # CI / pre-commit: exit 1 and a diff when out of date
              fixlog regenerate --summary --output preview.md
            """)

    @Argument(help: "The fix log (default: the config's log, else DOCKERFILE_FIXES.md in the current directory).")
    var log: String?

    @Option(help: "Repository root that target files are resolved against (default: the git top level, else the log's directory).")
    var root: String?

    @Option(help: "Verification results file (default: .fixlog/results.json beside the log, when it exists).")
    var results: String?

    @Flag(help: "Write nothing; exit 1 with a unified diff when the log is out of date, 0 when current.")
    var check = false

    @Option(help: "Write the regenerated log to this file instead of rewriting the log.")
    var output: String?

    @Flag(name: .customLong("no-fix-refs"), help: "Leave stale line references as they are.")
    var noFixRefs = false

    @Flag(help: "Add a summary table of all records near the top (an existing one is always kept current).")
    var summary = false

    @Flag(help: "Overwrite status and summary blocks that were edited by hand.")
    var force = false

    @OptionGroup var configOption: ConfigOption

    func run() async throws {
        let config = try configOption.load(logPath: log, root: root)
        let log = config.logs(named: log.map { [$0] } ?? [])[0].path
        let root = config.root(flag: root)
        if let root {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                Output.error("fixlog: error: root '\(root)' is not a directory")
                throw ExitCode(2)
            }
        }
        // One session for both checks (before and after references are corrected): files read once, unchanged
        // changes not evaluated twice. The Dockerfile is read and indexed on another core while the log is read.
        let session = CheckSession(logPath: log, root: root, scratch: .keepUntilExit)
        session.preloadInBackground()
        let loaded = SourceText.load(path: log)
        guard let source = loaded.text, !loaded.diagnostics.contains(where: { $0.severity == .error }) else {
            Output.report(loaded.diagnostics)
            if loaded.diagnostics.contains(where: { $0.id == .fileNotFound }) { Output.error(Hint.missingLog) }
            throw ExitCode(2)
        }
        let logDir = (log as NSString).deletingLastPathComponent
        let defaultResults = ((logDir.isEmpty ? "." : logDir) as NSString).appendingPathComponent(".fixlog/results.json")
        let resultsPath = results ?? (FileManager.default.fileExists(atPath: defaultResults) ? defaultResults : nil)
        var resultsFile: VerificationResults?
        if let resultsPath {
            do {
                resultsFile = try VerificationResults.read(path: resultsPath)
                if resultsFile == nil {
                    Output.error("\(resultsPath): error: [\(DiagnosticID.unreadableResults.rawValue)] no such results file")
                    throw ExitCode(2)
                }
            } catch let error as ResultsFileError {
                Output.error("\(resultsPath): error: [\(DiagnosticID.unreadableResults.rawValue)] \(error.message)")
                throw ExitCode(2)
            }
        }
        let options = Regenerator.Options(fixLineReferences: !noFixRefs, summary: summary, force: force, scratch: .keepUntilExit)
        let outcome = Regenerator.regenerate(source: source, results: resultsFile, options: options, check: session.check)
        // The outcome holds the last check of a long log (hundreds of thousands of small values): never freed.
        Output.keepUntilExit((outcome, session))
        Output.report(outcome.diagnostics)
        if !outcome.succeeded { throw ExitCode(2) }

        if check {
            let diff = UnifiedDiff.diff(old: outcome.original, new: outcome.bytes, oldName: "a/\(log)", newName: "b/\(log)")
            if diff.isEmpty {
                Output.error("\(log): up to date")
                return
            }
            Output.write(diff)
            Output.error("\(log):1:1: error: [\(DiagnosticID.logOutOfDate.rawValue)] the log is out of date; run 'fixlog regenerate' to update it")
            throw ExitCode(1)
        }

        // One write for all the lines (a 10,000-record log can have thousands).
        var fixedLines = ""
        for edit in outcome.fixedReferences {
            fixedLines += "\(log):\(edit.range.start.line):\(edit.range.start.column): fixed: '\(edit.original)' → '\(edit.replacement)'\n"
        }
        if !fixedLines.isEmpty { Output.error(fixedLines) }
        let target = output ?? log
        if output != nil, AtomicFile.holds(outcome.bytes, at: target) {
            Output.error("\(target): up to date")
            return
        }
        if output == nil, !outcome.changed {
            Output.error("\(log): up to date")
            return
        }
        do {
            try AtomicFile.write(outcome.bytes, to: target)
        } catch {
            Output.error("\(target): error: [\(DiagnosticID.regenerateWriteFailed.rawValue)] cannot write: \(error)")
            throw ExitCode(2)
        }
        let blocks = outcome.statusBlocks, fixed = outcome.fixedReferences.count
        Output.error("\(target): regenerated (\(blocks) status block\(blocks == 1 ? "" : "s"), \(fixed) line reference\(fixed == 1 ? "" : "s") fixed)")
    }
}
