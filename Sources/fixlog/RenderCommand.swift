import ArgumentParser
import FixlogCore
import Foundation

/// Finding and loading the templates folder (shared by render and new).
enum Templates {
    static func load(_ option: String?, config: FixlogConfig = FixlogConfig()) throws -> TemplateSet {
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        guard let directory = option ?? config.templates.map(config.resolve) ?? TemplateSet.defaultDirectory(executable: executable) else {
            Output.error("fixlog: error: [\(DiagnosticID.templateMissing.rawValue)] no Templates folder found (looked in <prefix>/share/fixlog/Templates and beside the package); use --templates DIR")
            throw ExitCode(2)
        }
        switch TemplateSet.load(directory: directory) {
        case .success(let set): return set
        case .failure(let error):
            Output.report(error.diagnostics)
            throw ExitCode(2)
        }
    }
}

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render the whole log in canonical form through the Mustache templates.",
        discussion: """
            Reads the log into fixlog's model and writes it back through Templates/fixlog.md.mustache and its \
            partials. Reading the rendered log gives back the same model. Prints to standard output unless \
            --output is given. A missing or broken template is reported before anything is written. \
            Settings from .fixlog.yml (log, templates; see docs/config.md) apply; flags override them.

            Examples:
              fixlog render > canonical.md
              fixlog render docs/DOCKERFILE_FIXES.md --templates my-templates --output canonical.md
            """)

    @Argument(help: "The fix log (default: the config's log, else DOCKERFILE_FIXES.md in the current directory).")
    var log: String?

    @Option(help: "Templates folder (default: <prefix>/share/fixlog/Templates, or Templates/ of the package).")
    var templates: String?

    @Option(help: "Write the rendered log to this file.")
    var output: String?

    @OptionGroup var configOption: ConfigOption

    func run() async throws {
        let config = try configOption.load(logPath: log, root: nil)
        let log = config.logs(named: log.map { [$0] } ?? [])[0].path
        let set = try Templates.load(templates, config: config)
        let fixLog = FixLogIngester.load(path: log, scratch: .keepUntilExit)
        if fixLog.diagnostics.contains(where: { $0.severity == .error }) {
            Output.report(fixLog.diagnostics)
            throw ExitCode(2)
        }
        let text = LogRenderer.render(fixLog, templates: set)
        guard let output else {
            Output.write(text)
            return
        }
        do { try AtomicFile.write(Array(text.utf8), to: output) } catch {
            Output.error("\(output): error: [\(DiagnosticID.regenerateWriteFailed.rawValue)] cannot write: \(error)")
            throw ExitCode(2)
        }
    }
}

struct NewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Add the next record to the log from Templates/record.md.mustache.",
        discussion: """
            The record is numbered highest + 1 and placed where the log's order puts new records (first when \
            the newest record comes first), with the section headings the log's latest record uses. \
            Settings from .fixlog.yml (log, templates; see docs/config.md) apply; flags override them.

            Examples:
              fixlog new "apt-get install fails behind the proxy"
              fixlog new "Wheel build needs gcc" services/api/DOCKERFILE_FIXES.md --date 2026-01-31
            """)

    @Argument(help: "The new record's title.")
    var title: String

    @Argument(help: "The fix log (default: the config's log, else DOCKERFILE_FIXES.md in the current directory).")
    var log: String?

    @Option(help: "The record's date, YYYY-MM-DD (default: today, UTC).")
    var date: String?

    @OptionGroup var configOption: ConfigOption

    @Option(help: "Templates folder (default: <prefix>/share/fixlog/Templates, or Templates/ of the package).")
    var templates: String?

    func run() async throws {
        let config = try configOption.load(logPath: log, root: nil)
        let log = config.logs(named: log.map { [$0] } ?? [])[0].path
        let day: String
        if let date {
            guard LogRenderer.isCalendarDate(date) else {
                Output.error("fixlog: error: [\(DiagnosticID.newRecordDate.rawValue)] '\(date)' is not a date in the form YYYY-MM-DD")
                throw ExitCode(2)
            }
            day = date
        } else {
            // The only place fixlog reads the clock.
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd"
            day = f.string(from: Date())
        }
        let set = try Templates.load(templates, config: config)
        let loaded = SourceText.load(path: log)
        guard let source = loaded.text, !loaded.diagnostics.contains(where: { $0.severity == .error }) else {
            Output.report(loaded.diagnostics)
            throw ExitCode(2)
        }
        let fixLog = FixLogIngester.ingest(source)
        let (bytes, plan) = LogRenderer.insertNewRecord(title: title, date: day, into: source, log: fixLog, templates: set)
        do { try AtomicFile.write(bytes, to: log) } catch {
            Output.error("\(log): error: [\(DiagnosticID.regenerateWriteFailed.rawValue)] cannot write: \(error)")
            throw ExitCode(2)
        }
        let line = SourceText(path: log, bytes: bytes).location(ofOffset: plan.offset).line
        Output.error("\(log):\(line): added Fix #\(plan.number): \(title) (\(day))")
    }
}
