import Foundation

/// How `fixlog site` builds the site.
public struct SiteOptions: Sendable, Hashable {
    /// The site's title (default: the log's document title, else "Fix log").
    public var title: String?
    /// An absolute `http(s)` URL the site will be served from; used only for `<link rel="canonical">`.
    /// Every link between pages stays relative.
    public var baseURL: String?
    /// Pass raw HTML in the log through (cmark's unsafe mode). Off by default: raw HTML is dropped and
    /// unsafe link URLs are neutralised.
    public var unsafeHTML: Bool

    public init(title: String? = nil, baseURL: String? = nil, unsafeHTML: Bool = false) {
        self.title = title
        self.baseURL = baseURL
        self.unsafeHTML = unsafeHTML
    }
}

/// A Dockerfile the site shows: its path relative to the root (as the check report names it) and its text.
public struct SiteDockerfile: Sendable, Hashable {
    public var path: String
    public var text: String
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// Everything a site is built from. Every page is a pure function of this value and the templates.
public struct SiteInput: Sendable {
    public var log: FixLog
    /// The log's bytes (the model's ranges point into them).
    public var logText: SourceText
    /// How to name the log on the pages (a file name, not an absolute path).
    public var logName: String
    public var report: CheckReport
    public var results: VerificationResults?
    public var dockerfiles: [SiteDockerfile]
    public var options: SiteOptions

    public init(log: FixLog, logText: SourceText, logName: String, report: CheckReport, results: VerificationResults?,
                dockerfiles: [SiteDockerfile], options: SiteOptions) {
        self.log = log
        self.logText = logText
        self.logName = logName
        self.report = report
        self.results = results
        self.dockerfiles = dockerfiles
        self.options = options
    }

    /// Reads the Dockerfiles the report's changes point at (relative to `report.root`), in path order.
    /// Files that cannot be read are left out (their changes already carry an `error` verdict).
    public static func loadDockerfiles(for report: CheckReport) -> [SiteDockerfile] {
        var paths = Set<String>()
        for r in report.results where r.status != .error && r.status != .unchecked {
            if let file = r.file, !file.hasPrefix("/") { paths.insert(file) }
        }
        var out: [SiteDockerfile] = []
        for path in paths.sorted() {
            let full = (report.root as NSString).appendingPathComponent(path)
            let (text, diagnostics) = SourceText.load(path: full, displayPath: path)
            guard let text, !diagnostics.contains(where: { $0.severity == .error }) else { continue }
            out.append(SiteDockerfile(path: path, text: String(decoding: text.bytes, as: UTF8.self)))
        }
        return out
    }
}

/// The named steps of a site build, in order. A failure names the step it happened in.
public enum SiteBuildStep: String, Sendable, Hashable, CaseIterable {
    case loadTemplates, buildModel, renderIndex, renderRecords, renderDockerfiles, renderTimeline,
         writeSearchIndex, copyAssets, install
}

/// A site build failure: the step, the file (template, page or destination) and what went wrong.
public struct SiteBuildError: Error, Sendable, Hashable, CustomStringConvertible {
    public var step: SiteBuildStep
    public var path: String
    public var message: String
    public var id: DiagnosticID

    public init(step: SiteBuildStep, path: String, message: String, id: DiagnosticID = .siteBuildFailed) {
        self.step = step
        self.path = path
        self.message = message
        self.id = id
    }

    public var description: String { "\(path): error: [\(id.rawValue)] \(step.rawValue): \(message)" }

    /// The failure as a diagnostic located at its file.
    public var diagnostic: Diagnostic {
        .error(id, "\(step.rawValue): \(message)", file: path)
    }
}
