import Foundation
import Yams

/// The project configuration, `.fixlog.yml`, shared by every command (schema: docs/config.md).
///
/// ```yaml
/// version: 1                      # the schema version (optional; 1 when omitted)
/// logs: [DOCKERFILE_FIXES.md]     # or `log: DOCKERFILE_FIXES.md`; entries may be {path:, dockerfile:}
/// root: .                         # repository root target files are resolved against
/// dockerfile: Dockerfile          # check every change against this file (like --dockerfile)
/// timeout: 10m                    # default verification step timeout
/// exec: false                     # true: verify runs steps without --allow-exec
/// env: [CONTAINERS_CONF]          # extra variables passed to steps (names, or a map of names to values)
/// container-cli: podman           # run container steps with podman or docker
/// templates: templates            # templates directory (regenerate, site)
/// site: {output: site, title: "…", base-url: "https://…", unsafe-html: false}
/// ```
///
/// Relative paths are relative to the directory holding the config file. Keys starting with `x-` are
/// ignored (room for other tools); any other unknown key is an error with a "did you mean" suggestion.
/// Command-line flags override the config.
public struct FixlogConfig: Sendable, Hashable {
    /// The config file's name.
    public static let fileName = ".fixlog.yml"
    /// The highest schema version this fixlog reads.
    public static let supportedVersion = 1

    /// One log the config names, with an optional Dockerfile of its own.
    public struct LogEntry: Sendable, Hashable {
        /// The log path, as written.
        public var path: String
        /// The Dockerfile this log's changes are checked against, as written (overrides the top-level `dockerfile`).
        public var dockerfile: String?
        public init(path: String, dockerfile: String? = nil) {
            self.path = path
            self.dockerfile = dockerfile
        }
    }

    /// The `site:` options.
    public struct Site: Sendable, Hashable {
        /// The directory the site is written to.
        public var output: String?
        /// The site's title.
        public var title: String?
        /// The absolute http(s) URL the site is served from (for canonical links).
        public var baseURL: String?
        /// Pass raw HTML in the log through to the pages.
        public var unsafeHTML: Bool
        public init(output: String? = nil, title: String? = nil, baseURL: String? = nil, unsafeHTML: Bool = false) {
            self.output = output
            self.title = title
            self.baseURL = baseURL
            self.unsafeHTML = unsafeHTML
        }
        /// The keys `site:` accepts.
        public static let keys = ["output", "title", "base-url", "unsafe-html"]
    }

    /// The schema version the file declares (1 when omitted).
    public var version: Int
    /// The file the config was read from; nil for the built-in defaults.
    public var path: String?
    /// The logs, as written (relative to `baseDirectory`).
    public var logs: [LogEntry]
    /// The repository root, as written.
    public var root: String?
    /// The Dockerfile every change is checked against, as written.
    public var dockerfile: String?
    /// The default step timeout.
    public var timeout: StepDuration?
    /// `exec: true` lets `verify` and `ci` run steps without `--allow-exec`.
    public var exec: Bool
    /// Variable names passed through to steps from fixlog's environment.
    public var environmentNames: [String]
    /// Variables with values set by the config.
    public var environmentValues: [String: String]
    /// The container engine steps are run with.
    public var containerCLI: ContainerCLI?
    /// The templates directory, as written.
    public var templates: String?
    /// Site options.
    public var site: Site

    public init(version: Int = FixlogConfig.supportedVersion, path: String? = nil, logs: [LogEntry] = [],
                root: String? = nil, dockerfile: String? = nil, timeout: StepDuration? = nil, exec: Bool = false,
                environmentNames: [String] = [], environmentValues: [String: String] = [:],
                containerCLI: ContainerCLI? = nil, templates: String? = nil, site: Site = Site()) {
        self.version = version
        self.path = path
        self.logs = logs
        self.root = root
        self.dockerfile = dockerfile
        self.timeout = timeout
        self.exec = exec
        self.environmentNames = environmentNames
        self.environmentValues = environmentValues
        self.containerCLI = containerCLI
        self.templates = templates
        self.site = site
    }

    /// The top-level keys of schema version 1.
    public static let keys = ["version", "log", "logs", "root", "dockerfile", "timeout", "exec", "env",
                              "container-cli", "templates", "site"]

    /// The directory relative paths in the config are resolved against (the config file's directory,
    /// or the current directory for the defaults).
    public var baseDirectory: String {
        guard let path else { return FileManager.default.currentDirectoryPath }
        return (FixlogConfig.absolute(path) as NSString).deletingLastPathComponent
    }

    /// `written` resolved against `baseDirectory` (absolute paths stay as they are).
    public func resolve(_ written: String) -> String {
        if written.hasPrefix("/") { return URL(fileURLWithPath: written).standardizedFileURL.path }
        return URL(fileURLWithPath: (baseDirectory as NSString).appendingPathComponent(written)).standardizedFileURL.path
    }

    /// The verification settings (`exec`, `timeout`, `env`) as `verify` uses them.
    public var verification: VerificationConfig {
        VerificationConfig(exec: exec, timeout: timeout, environmentNames: environmentNames,
                           environmentValues: environmentValues)
    }

    // MARK: Finding the file

    /// Where the config for a command is looked for, in order: beside the log (or in the current
    /// directory when no log is named), then at the repository root (`root`, else the nearest directory
    /// above holding `.git`). The first existing file wins.
    public static func candidates(logPath: String?, root: String?,
                                  currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        let start: String
        if let logPath {
            start = (absolute(logPath, in: currentDirectory) as NSString).deletingLastPathComponent
        } else {
            start = absolute(currentDirectory)
        }
        var dirs = [start]
        if let root { dirs.append(absolute(root, in: currentDirectory)) } else if let top = gitTopLevel(from: start) { dirs.append(top) }
        var seen = Set<String>()
        return dirs.filter { seen.insert($0).inserted }.map { ($0 as NSString).appendingPathComponent(fileName) }
    }

    /// Finds and reads the config for a command (see `candidates`). An explicit `configPath` is read
    /// as is and must exist. With no file found, the defaults come back with `path == nil`.
    public static func discover(configPath: String? = nil, logPath: String?, root: String?,
                                currentDirectory: String = FileManager.default.currentDirectoryPath)
        -> (config: FixlogConfig, diagnostics: [Diagnostic]) {
        if let configPath {
            guard FileManager.default.fileExists(atPath: configPath) else {
                return (FixlogConfig(), [Diagnostic.error(.fileNotFound, "config file not found; check the --config path, or run 'fixlog init' to write one", file: configPath)])
            }
            return load(path: configPath)
        }
        for candidate in candidates(logPath: logPath, root: root, currentDirectory: currentDirectory)
        where FileManager.default.fileExists(atPath: candidate) {
            return load(path: candidate)
        }
        return (FixlogConfig(), [])
    }

    /// Reads the config file at `path`. Problems give the defaults plus diagnostics.
    public static func load(path: String) -> (config: FixlogConfig, diagnostics: [Diagnostic]) {
        // Size-checked before reading: a huge (or sparse) file is refused, not read into memory.
        let (source, diagnostics) = SourceText.load(path: path, maximumSize: VerificationConfig.maximumSize)
        guard let source, diagnostics.isEmpty else {
            return (FixlogConfig(path: path), diagnostics)
        }
        return parse(String(decoding: source.bytes, as: UTF8.self), path: path)
    }

    // MARK: Parsing

    /// Parses the YAML text of a config file read from `path`.
    public static func parse(_ text: String, path: String) -> (config: FixlogConfig, diagnostics: [Diagnostic]) {
        var parser = ConfigParser(path: path)
        let config = parser.parse(text)
        return (config, parser.diagnostics)
    }

    // MARK: Helpers

    static func absolute(_ path: String, in directory: String = FileManager.default.currentDirectoryPath) -> String {
        let joined = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// The nearest directory at or above `directory` holding `.git`.
    static func gitTopLevel(from directory: String) -> String? {
        var dir = directory
        while true {
            if FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(".git")) { return dir }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { return nil }
            dir = parent
        }
    }
}

/// Reads one config document, collecting located diagnostics.
struct ConfigParser {
    let path: String
    var diagnostics: [Diagnostic] = []

    init(path: String) { self.path = path }

    mutating func parse(_ text: String) -> FixlogConfig {
        var config = FixlogConfig(path: path)
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            var range: SourceRange? = nil
            if let yamlError = error as? YamlError, case let .scanner(_, _, mark, _) = yamlError {
                range = Self.range(mark)
            } else if let yamlError = error as? YamlError, case let .parser(_, _, mark, _) = yamlError {
                range = Self.range(mark)
            }
            diagnostics.append(.error(.invalidConfig, "\(FixlogConfig.fileName) is not valid YAML: \(Self.describe(error)); fix the syntax (a YAML linter shows the spot)", file: path, range: range))
            return config
        }
        guard let node else { return config }   // an empty file: the defaults
        guard let mapping = node.mapping else {
            problem(.invalidConfig, "\(FixlogConfig.fileName) must be a mapping of settings (key: value); see docs/config.md", at: node)
            return config
        }
        // The version comes first: a newer schema's keys are not reported one by one.
        if let versionNode = mapping["version"] {
            if let v = versionNode.int, v >= 1 {
                if v > FixlogConfig.supportedVersion {
                    problem(.unsupportedConfigVersion, "config version \(v) is newer than this fixlog understands (it reads version \(FixlogConfig.supportedVersion) at most); upgrade fixlog or write version: \(FixlogConfig.supportedVersion)", at: versionNode)
                    return config
                }
                config.version = v
            } else {
                problem(.invalidConfig, "version must be a whole number (this fixlog reads version \(FixlogConfig.supportedVersion))", at: versionNode)
            }
        }
        var sawLog = false
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                problem(.invalidConfig, "a setting's name must be text", at: keyNode)
                continue
            }
            switch key {
            case "version":
                break
            case "log", "logs":
                if sawLog {
                    problem(.invalidConfig, "give the logs once, under either 'log' or 'logs'", at: keyNode)
                }
                sawLog = true
                config.logs = logEntries(value)
            case "root":
                config.root = path(value, key: key)
            case "dockerfile":
                config.dockerfile = path(value, key: key)
            case "templates":
                config.templates = path(value, key: key)
            case "exec":
                if let b = value.bool { config.exec = b } else {
                    problem(.invalidVerifyConfig, "exec must be true or false", at: value)
                }
            case "timeout":
                if let s = value.string, let d = StepDuration(parsing: s) { config.timeout = d } else {
                    problem(.invalidVerifyConfig, "timeout must be a duration such as 30s, 2m or 1h", at: value)
                }
            case "env":
                if let seq = value.sequence {
                    for item in seq {
                        if let name = item.string, !name.isEmpty { config.environmentNames.append(name) } else {
                            problem(.invalidVerifyConfig, "env entries must be variable names", at: item)
                        }
                    }
                } else if let map = value.mapping {
                    for (k, v) in map {
                        if let name = k.string { config.environmentValues[name] = v.string ?? "" }
                    }
                } else if let s = value.string {
                    config.environmentNames = StepOptions.list(s)
                } else {
                    problem(.invalidVerifyConfig, "env must be a list of names or a map of names to values", at: value)
                }
            case "container-cli":
                if let s = value.string, let cli = ContainerCLI(rawValue: s) { config.containerCLI = cli } else {
                    problem(.invalidConfig, "container-cli must be \(ContainerCLI.allCases.map(\.rawValue).joined(separator: " or "))", at: value)
                }
            case "site":
                config.site = site(value)
            default:
                if key.hasPrefix("x-") { continue }   // extensions: other tools' settings
                unknown(key, at: keyNode, known: FixlogConfig.keys, in: nil)
            }
        }
        return config
    }

    private mutating func logEntries(_ value: Node) -> [FixlogConfig.LogEntry] {
        if let s = value.string, value.scalar != nil {
            return s.isEmpty ? [] : [FixlogConfig.LogEntry(path: s)]
        }
        guard let seq = value.sequence else {
            problem(.invalidConfig, "logs must be a path or a list of paths", at: value)
            return []
        }
        var entries: [FixlogConfig.LogEntry] = []
        for item in seq {
            if let s = item.scalar?.string, !s.isEmpty {
                entries.append(.init(path: s))
            } else if let map = item.mapping {
                var entry = FixlogConfig.LogEntry(path: "")
                for (k, v) in map {
                    switch k.string {
                    case "path": entry.path = path(v, key: "path") ?? ""
                    case "dockerfile": entry.dockerfile = path(v, key: "dockerfile")
                    default: unknown(k.string ?? "", at: k, known: ["path", "dockerfile"], in: "logs entry")
                    }
                }
                if entry.path.isEmpty {
                    problem(.invalidConfig, "a logs entry needs a path (path: DOCKERFILE_FIXES.md)", at: item)
                } else {
                    entries.append(entry)
                }
            } else {
                problem(.invalidConfig, "logs entries must be paths or {path:, dockerfile:} maps", at: item)
            }
        }
        return entries
    }

    private mutating func site(_ value: Node) -> FixlogConfig.Site {
        var site = FixlogConfig.Site()
        guard let map = value.mapping else {
            problem(.invalidConfig, "site must be a mapping (\(FixlogConfig.Site.keys.joined(separator: ", ")))", at: value)
            return site
        }
        for (k, v) in map {
            guard let key = k.string else { continue }
            switch key {
            case "output": site.output = path(v, key: "site.output")
            case "title": site.title = text(v, key: "site.title")
            case "unsafe-html":
                if let b = v.bool { site.unsafeHTML = b } else { problem(.invalidConfig, "site.unsafe-html must be true or false", at: v) }
            case "base-url":
                if let url = text(v, key: "site.base-url") {
                    if url.hasPrefix("http://") || url.hasPrefix("https://") { site.baseURL = url } else {
                        problem(.invalidConfig, "site.base-url must be an absolute http(s) URL", at: v)
                    }
                }
            default:
                if key.hasPrefix("x-") { continue }
                unknown(key, at: k, known: FixlogConfig.Site.keys, in: "site")
            }
        }
        return site
    }

    private mutating func path(_ value: Node, key: String) -> String? {
        guard let s = value.scalar?.string, !s.isEmpty else {
            problem(.invalidConfig, "\(key) must be a path", at: value)
            return nil
        }
        return s
    }

    private mutating func text(_ value: Node, key: String) -> String? {
        guard let s = value.scalar?.string else {
            problem(.invalidConfig, "\(key) must be text", at: value)
            return nil
        }
        return s
    }

    private mutating func unknown(_ key: String, at node: Node, known: [String], in section: String?) {
        let place = section.map { " in \($0)" } ?? ""
        var message = "unknown setting '\(key)'\(place)"
        if let suggestion = Suggestion.nearest(to: key, in: known) {
            message += "; did you mean '\(suggestion)'?"
        } else {
            message += "; known settings: \(known.joined(separator: ", ")) (prefix other tools' keys with x-)"
        }
        problem(.unknownConfigKey, message, at: node)
    }

    private mutating func problem(_ id: DiagnosticID, _ message: String, at node: Node) {
        diagnostics.append(.error(id, message, file: path, range: node.mark.map(Self.range)))
    }

    static func range(_ mark: Mark) -> SourceRange {
        let at = SourceLocation(line: max(1, mark.line), column: max(1, mark.column))
        return SourceRange(start: at, end: at)
    }

    static func describe(_ error: any Error) -> String {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case let .scanner(_, problem, _, _), let .parser(_, problem, _, _):
                return problem
            default:
                return "\(yamlError)"
            }
        }
        return "\(error)"
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The candidate closest to `word` (case-insensitive edit distance, a transposition counting as one
    /// edit, at most a third of its length and at least 1), or nil. Ties go to the candidate whose length
    /// is nearest.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (candidate: String, distance: Int, lengthGap: Int)? = nil
        for c in candidates {
            let d = distance(w, Array(c.lowercased()))
            let gap = abs(c.count - w.count)
            guard d <= max(1, w.count / 3) else { continue }
            if let b = best, (d, gap) >= (b.distance, b.lengthGap) { continue }
            best = (c, d, gap)
        }
        if let best { return best.candidate }
        // The same letters without separators, or a longer spelling ("baseurl" → "base-url", "logpath" → "log").
        let squashed = word.lowercased().filter { $0.isLetter }
        return candidates.first { c in
            let cs = c.lowercased().filter { $0.isLetter }
            return cs == squashed || (cs.count >= 3 && squashed.hasPrefix(cs))
        }
    }

    /// Edit distance (optimal string alignment: insertions, deletions, substitutions, adjacent transpositions).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
