import ArgumentParser
import FixlogCore
import Foundation

struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Publish the incident site: every record, whether it still holds, and the Dockerfile lines it is about.",
        discussion: """
            Builds a static site (index, one page per record, one page per Dockerfile, a timeline and search) \
            from the log, the check verdicts and the verification results. The site works opened from file:// \
            and served from any sub-path. It is built in a temporary directory and moved into place, so a \
            failed build leaves the previous site untouched. See docs/site.md.

            Exit status: 0 when the site was written; 2 on usage or input errors and failed builds.

            Settings from .fixlog.yml apply (log, root, templates/site, and site: output, title, base-url, \
            unsafe-html; see docs/config.md); flags override them.

            Examples:
              fixlog site
              fixlog site --out public --title "Dockerfile fixes"
              fixlog site --base-url https://example.org/fixes/ --results .fixlog/results.json
            """)

    @Argument(help: "The fix log (default: the config's log, else DOCKERFILE_FIXES.md in the current directory).")
    var log: String?

    @Option(help: "Repository root that target files are resolved against (default: the git top level, else the log's directory).")
    var root: String?

    @Option(help: "Verification results to show (default: .fixlog/results.json beside the log, when it exists).")
    var results: String?

    @Option(help: "Where to write the site (default: .fixlog/site beside the log). Replaced on every build.")
    var out: String?

    @Option(help: "A directory whose templates and assets override the built-in ones (same layout as Templates/site).")
    var templates: String?

    @Option(help: "The absolute http(s) URL the site is served from (for canonical links only; links stay relative).")
    var baseURL: String?

    @Option(help: "The site title (default: the log's title).")
    var title: String?

    @Flag(help: "Pass raw HTML in the log through to the pages (off: raw HTML is dropped, unsafe URLs neutralised).")
    var unsafeHTML = false

    @OptionGroup var configOption: ConfigOption

    func validate() throws {
        if let baseURL, SiteHTML.normalisedBaseURL(baseURL) == nil {
            throw ValidationError("--base-url must be an absolute http(s) URL, got '\(baseURL)'")
        }
    }

    func run() async throws {
        let fm = FileManager.default
        // .fixlog.yml: log, root, templates (its site/ folder) and the site: options; flags override them.
        let config = try configOption.load(logPath: log, root: root)
        let log = config.logs(named: log.map { [$0] } ?? [])[0].path
        let root = config.root(flag: root)
        let templates = templates ?? config.templates.map { config.resolve(($0 as NSString).appendingPathComponent("site")) }
            .flatMap { fm.fileExists(atPath: $0) ? $0 : nil }
        let out = out ?? config.site.output.map(config.resolve)
        let title = title ?? config.site.title
        let baseURL = baseURL ?? config.site.baseURL
        let unsafeHTML = unsafeHTML || config.site.unsafeHTML
        if let baseURL, SiteHTML.normalisedBaseURL(baseURL) == nil {
            Output.error("fixlog site: error: base-url must be an absolute http(s) URL, got '\(baseURL)'; fix site.base-url in .fixlog.yml or pass --base-url")
            throw ExitCode(2)
        }
        if let root {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                Output.error("fixlog: error: root '\(root)' is not a directory")
                throw ExitCode(2)
            }
        }
        // Templates first: a missing or broken template is reported before anything else is done.
        let loaded: SiteTemplates
        do { loaded = try SiteTemplates.load(base: SiteTemplates.defaultDirectory(), override: templates) } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        let (text, loadDiagnostics) = SourceText.load(path: log)
        guard let text, !loadDiagnostics.contains(where: { $0.severity == .error }) else {
            Output.report(loadDiagnostics)
            throw ExitCode(2)
        }
        let fixLog = FixLogIngester.ingest(text)
        if fixLog.diagnostics.contains(where: { $0.severity == .error }) {
            Output.report(fixLog.diagnostics)
            throw ExitCode(2)
        }
        let report = CrossLinker.check(log: fixLog, logPath: log, root: root)
        let logDir = (log as NSString).deletingLastPathComponent
        let resultsPath = results ?? ((logDir.isEmpty ? "." : logDir) as NSString).appendingPathComponent(".fixlog/results.json")
        if results != nil, !fm.fileExists(atPath: resultsPath) {
            Output.error("\(resultsPath): error: [\(DiagnosticID.unreadableResults.rawValue)] results file not found")
            throw ExitCode(2)
        }
        let verification: VerificationResults?
        do { verification = try VerificationResults.read(path: resultsPath) } catch {
            Output.error("\(resultsPath): error: [\(DiagnosticID.unreadableResults.rawValue)] \(error)")
            throw ExitCode(2)
        }
        let input = SiteInput(
            log: fixLog, logText: text, logName: (log as NSString).lastPathComponent, report: report,
            results: verification, dockerfiles: SiteInput.loadDockerfiles(for: report),
            options: SiteOptions(title: title, baseURL: baseURL, unsafeHTML: unsafeHTML))
        let destination = out ?? ((logDir.isEmpty ? "." : logDir) as NSString).appendingPathComponent(".fixlog/site")
        do { try SiteBuilder.build(input, templates: loaded, destination: destination) } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
        Output.write("site: \(input.log.incidents.count) records, \(input.dockerfiles.count) Dockerfile(s) → \(destination)/index.html\n")
    }
}
