import Foundation

/// One verification step, ready to run: where, with what, expecting what.
public struct PlannedStep: Sendable, Hashable {
    /// The record's number as written (or its position when it has none).
    public var incident: Int
    /// The record's 1-based position in the log.
    public var record: Int
    /// The step's 1-based position within its record.
    public var step: Int
    /// The record's title / the step's label.
    public var title: String?
    public var label: String?
    /// The log's line of the block's first content line.
    public var line: Int
    /// The script as written in the log.
    public var script: String
    /// The script bash runs: the prelude (the `cd` rule, a container CLI swap) plus the commands.
    public var runnableScript: String
    /// The fence language.
    public var language: String?
    /// Expected stdout lines.
    public var expectedOutput: [ExpectedLine]
    /// The block's options as read, and as understood.
    public var rawOptions: [String: String]
    public var options: StepOptions
    /// Absolute directory the script starts in (the repository root).
    public var workingDirectory: String
    /// Absolute directory of the log.
    public var logDirectory: String
    /// What the script invokes and names.
    public var analysis: ScriptAnalysis
    /// Commands the step needs, resolved on PATH.
    public var prerequisites: [Prerequisite]
    /// The step's timeout.
    public var timeout: StepDuration
    /// Files the inputs hash covers, relative to the root.
    public var inputFiles: [String]
    /// SHA-256 of the script and its input files.
    public var inputsHash: String
    /// Why the step will not run (the `skip` option, a block that is not shell), if so.
    public var skipReason: String?

    /// `#3.1`.
    public var identifier: String { "#\(incident).\(step)" }

    /// The skip reason from missing prerequisites ("podman not found"), if any.
    public var missingPrerequisites: String? { Prerequisites.skipReason(prerequisites) }
}

/// A record of the log, reduced to what verification needs.
public struct VerificationRecord: Sendable, Hashable {
    /// The record's number as written, its title and its verification blocks.
    public var number: Int?
    /// The record's title / the step's label.
    public var title: String?
    public var steps: [VerificationStep]
    public init(number: Int?, title: String?, steps: [VerificationStep]) {
        self.number = number
        self.title = title
        self.steps = steps
    }
}

/// The verification steps of one log, in log order, with everything decided that can be decided
/// without running anything.
public struct VerificationPlan: Sendable, Hashable {
    /// The log path as given.
    public var logPath: String
    /// The absolute root directory and the planned steps in log order.
    public var root: String
    public var steps: [PlannedStep]

    /// Shell languages fixlog runs. Blocks in any other language are skipped.
    public static let shellLanguages: Set<String> = ["bash", "sh", "shell", "zsh", "console", "shell-session", "terminal", ""]

    /// Builds the plan for `records` of the log at `logPath`, run from `root`.
    /// - Parameters:
    ///   - searchPath: the PATH steps run with (prerequisites are looked up on it).
    ///   - defaultTimeout: used when a step has no `timeout=` option.
    public init(records: [VerificationRecord], logPath: String, root: String, searchPath: String,
                defaultTimeout: StepDuration = .defaultTimeout, containerCLI: ContainerCLI? = nil) {
        let rootAbs = Self.absolute(root)
        let logAbs = Self.absolute(logPath)
        let logDir = (logAbs as NSString).deletingLastPathComponent
        let prerequisites = Prerequisites(searchPath: searchPath, containerCLI: containerCLI)
        self.logPath = logPath
        self.root = rootAbs
        var steps: [PlannedStep] = []
        // The same for every step: computed once.
        let prelude = Self.prelude(root: rootAbs, logDirectory: logDir, containerCLI: containerCLI)
        let besideLog = Self.besideLogFiles(root: rootAbs, logDirectory: logDir)
        for (r, record) in records.enumerated() {
            for (s, step) in record.steps.enumerated() {
                let options = StepOptions(step.options)
                let language = step.language?.lowercased() ?? ""
                // CRLF logs: bash would see `cmd\r`.
                let script = Self.commands(of: step.script.replacingOccurrences(of: "\r\n", with: "\n"), language: language)
                let analysis = ScriptAnalysis(script: script)
                let prereqs = prerequisites.resolve(commands: analysis.commands, requires: options.requires, directory: rootAbs)
                var skip = options.skipReason
                if skip == nil, !Self.shellLanguages.contains(language) {
                    skip = "not a shell block (\(language))"
                }
                let files = Self.inputFiles(analysis: analysis, root: rootAbs, logDirectory: logDir, besideLog: besideLog)
                let hash = ResultsCache.inputsHash(script: step.script, options: step.options,
                                                   containerCLI: containerCLI, files: files)
                steps.append(PlannedStep(
                    incident: record.number ?? (r + 1), record: r + 1, step: s + 1, title: record.title,
                    label: step.label, line: step.contentStartLine, script: step.script,
                    runnableScript: prelude + script,
                    language: step.language, expectedOutput: step.expectedOutput, rawOptions: step.options,
                    options: options, workingDirectory: rootAbs, logDirectory: logDir, analysis: analysis,
                    prerequisites: prereqs, timeout: options.timeout ?? defaultTimeout,
                    inputFiles: files.map(\.relative), inputsHash: hash, skipReason: skip))
            }
        }
        self.steps = steps
    }

    /// The plan for a whole ingested log.
    public init(fixLog: FixLog, logPath: String, root: String, searchPath: String,
                defaultTimeout: StepDuration = .defaultTimeout, containerCLI: ContainerCLI? = nil) {
        self.init(records: fixLog.incidents.map { VerificationRecord(number: $0.number, title: $0.title, steps: $0.verifications) },
                  logPath: logPath, root: root, searchPath: searchPath, defaultTimeout: defaultTimeout,
                  containerCLI: containerCLI)
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return ScriptAnalysis.join("/", full)
    }

    /// For `console` blocks, the commands are the `$ `-prefixed lines; other languages run as written.
    static func commands(of script: String, language: String) -> String {
        guard language == "console" || language == "shell-session" || language == "terminal" else { return script }
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.contains(where: { $0.hasPrefix("$ ") || $0 == "$" }) else { return script }
        return lines.compactMap { line -> String? in
            if line.hasPrefix("$ ") { return String(line.dropFirst(2)) }
            return nil
        }.joined(separator: "\n") + "\n"
    }

    /// The bash lines run before the script:
    /// - `cd DIR` where DIR names the log's own directory (relative to the root, or its base name) and
    ///   does not exist from where the script is goes to the log's directory, so the step works both
    ///   when the root is the repository and when it is the log's directory itself;
    /// - with a container CLI swap, a function running the chosen engine for the other one.
    static func prelude(root: String, logDirectory: String, containerCLI: ContainerCLI?) -> String {
        var names: [String] = []
        if logDirectory.hasPrefix(root + "/") { names.append(String(logDirectory.dropFirst(root.count + 1))) }
        let base = (logDirectory as NSString).lastPathComponent
        if !base.isEmpty, base != "/", !names.contains(base) { names.append(base) }
        var out = ""
        if !names.isEmpty {
            let tests = names.flatMap { [$0, $0 + "/", "./" + $0] }.map { "\"$1\" = \(quote($0))" }.joined(separator: " ] || [ ")
            out += "cd() { if [ \"$#\" -eq 1 ] && [ ! -d \"$1\" ] && { [ \(tests) ]; }; then builtin cd -- \(quote(logDirectory)); else builtin cd \"$@\"; fi; }\n"
        }
        if let cli = containerCLI {
            out += "\(cli.other.rawValue)() { command \(cli.rawValue) \"$@\"; }\n"
        }
        return out
    }

    /// `s` quoted for bash (single quotes).
    public static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Input files for the hash: Dockerfiles the build commands use, the Dockerfile/Containerfile beside
    /// the log, and existing files the script names.
    /// The `Dockerfile` / `Containerfile` beside the log that exist, as absolute paths.
    static func besideLogFiles(root: String, logDirectory: String) -> [String] {
        ["Dockerfile", "Containerfile"].map { logDirectory + "/" + $0 }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    static func inputFiles(analysis: ScriptAnalysis, root: String, logDirectory: String,
                           besideLog: [String]? = nil) -> [(relative: String, absolute: String)] {
        var out: [(String, String)] = []
        var seen: Set<String> = []
        let fm = FileManager.default
        func relative(_ abs: String) -> String {
            abs.hasPrefix(root + "/") ? String(abs.dropFirst(root.count + 1)) : abs
        }
        func addIfFile(_ abs: String, always: Bool = false) {
            let normal = ScriptAnalysis.join("/", abs)
            var isDir: ObjCBool = false
            let exists = fm.fileExists(atPath: normal, isDirectory: &isDir)
            guard (exists && !isDir.boolValue) || always, !seen.contains(normal) else { return }
            seen.insert(normal)
            out.append((relative(normal), normal))
        }
        func candidates(_ path: String) -> [String] {
            if path.hasPrefix("/") { return [path] }
            var list = [root + "/" + path]
            // `cd <log dir name>` may have been redirected to the log directory (the cd rule).
            let base = (logDirectory as NSString).lastPathComponent
            if path.hasPrefix(base + "/") { list.append(logDirectory + "/" + path.dropFirst(base.count + 1)) }
            return list
        }
        for file in analysis.buildFiles {
            let list = candidates(file)
            if let hit = list.first(where: { fm.fileExists(atPath: $0) }) { addIfFile(hit) } else if let first = list.first { addIfFile(first, always: true) }
        }
        for path in besideLog ?? besideLogFiles(root: root, logDirectory: logDirectory) {
            let normal = ScriptAnalysis.join("/", path)
            if !seen.contains(normal) { seen.insert(normal); out.append((relative(normal), normal)) }
        }
        for named in analysis.namedPaths {
            let path = named.path.hasPrefix("/") ? named.path : ScriptAnalysis.join(named.directory, named.path)
            for candidate in candidates(path) where fm.fileExists(atPath: candidate) {
                addIfFile(candidate)
                break
            }
        }
        return out
    }
}
