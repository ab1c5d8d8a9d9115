import Foundation

/// The status of one verification step.
public enum StepStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case passed, failed, skipped, timedOut, error, cached

    /// Whether this status makes `fixlog verify` exit non-zero.
    public var isFailure: Bool { self == .failed || self == .timedOut || self == .error }
}

/// Where a step ran and with which tools.
public struct StepEnvironment: Sendable, Hashable, Codable {
    /// The operating system (`Debian GNU/Linux 12 (bookworm)`).
    public var os: String
    /// `tool → first line of "tool --version"` for the known tools the step used.
    public var tools: [String: String]
    public init(os: String, tools: [String: String] = [:]) {
        self.os = os
        self.tools = tools
    }
}

/// What happened to one verification step. Field names are the results file's JSON keys.
public struct StepResult: Sendable, Hashable, Codable {
    /// The record's number as written in the log, or its 1-based position when it has none.
    public var incident: Int
    /// The record's 1-based position in the log (ordering and sharding).
    public var record: Int
    /// The step's 1-based position within its record.
    public var step: Int
    /// The record title and the step's label, for people reading reports.
    public var title: String?
    /// The label of the section above the block.
    public var label: String?
    /// The log file (as given) and the line of the block's first content line.
    public var log: String?
    /// The log line of the block's first content line.
    public var line: Int?
    /// What happened.
    public var status: StepStatus
    /// Why a step was skipped or errored, or what failed.
    public var reason: String?
    /// The exit status, when the script exited by itself.
    public var exitStatus: Int?
    /// The signal that ended the script, when one did.
    public var signal: Int?
    /// Wall time of the run in milliseconds (0 when nothing ran).
    public var durationMs: Int
    /// ISO 8601 UTC timestamp of the start (for a cached step: of the run it reuses).
    public var startedAt: String?
    /// The kept output (stdout, then stderr under a `--- stderr ---` line), masked and shortened.
    public var outputExcerpt: String
    /// Missing, unchecked and not applicable expected lines.
    public var expectation: ExpectationOutcome
    /// SHA-256 (hex) of the script and the files it depends on (see `ResultsCache`).
    public var inputsHash: String
    /// OS and tool versions, for steps that ran.
    public var environment: StepEnvironment?

    public init(incident: Int, record: Int, step: Int, title: String? = nil, label: String? = nil,
                log: String? = nil, line: Int? = nil, status: StepStatus, reason: String? = nil,
                exitStatus: Int? = nil, signal: Int? = nil, durationMs: Int = 0, startedAt: String? = nil,
                outputExcerpt: String = "", expectation: ExpectationOutcome = ExpectationOutcome(),
                inputsHash: String = "", environment: StepEnvironment? = nil) {
        self.incident = incident
        self.record = record
        self.step = step
        self.title = title
        self.label = label
        self.log = log
        self.line = line
        self.status = status
        self.reason = reason
        self.exitStatus = exitStatus
        self.signal = signal
        self.durationMs = durationMs
        self.startedAt = startedAt
        self.outputExcerpt = outputExcerpt
        self.expectation = expectation
        self.inputsHash = inputsHash
        self.environment = environment
    }

    /// `#3.1` — the record number and step number.
    public var identifier: String { "#\(incident).\(step)" }
}

/// Problems reading or writing a results file.
public struct ResultsFileError: Error, Sendable, CustomStringConvertible {
    /// The results file.
    public var path: String
    /// What is wrong with it.
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// The results file: `{"schemaVersion": 1, "steps": [...]}`.
public struct VerificationResults: Sendable, Hashable, Codable {
    /// The schema version this build writes and reads.
    public static let currentSchemaVersion = 1

    /// Always ``currentSchemaVersion`` when written by this build.
    public var schemaVersion: Int
    /// One entry per step, in log order.
    public var steps: [StepResult]

    public init(steps: [StepResult]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.steps = steps
    }

    /// Whether nothing failed, errored or timed out.
    public var succeeded: Bool { !steps.contains { $0.status.isFailure } }

    /// Counts per status.
    public var counts: [StepStatus: Int] {
        var out: [StepStatus: Int] = [:]
        for s in steps { out[s.status, default: 0] += 1 }
        return out
    }

    /// Pretty, key-sorted JSON with a final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a results file. A missing file gives nil; an unreadable or newer-schema file throws.
    public static func read(path: String) throws -> VerificationResults? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        // Size-checked before reading: a results file is never near SourceText.maximumSize.
        let loaded = SourceText.load(path: path)
        guard let text = loaded.text else {
            throw ResultsFileError(path: path, message: loaded.diagnostics.first?.message ?? "cannot read")
        }
        data = Data(text.bytes)
        struct Header: Decodable { var schemaVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ResultsFileError(path: path, message: "not a fixlog results file (invalid JSON)")
        }
        guard let version = header.schemaVersion, version <= currentSchemaVersion, version >= 1 else {
            throw ResultsFileError(path: path, message: "unsupported schemaVersion \(header.schemaVersion.map(String.init) ?? "(none)"); this fixlog reads version \(currentSchemaVersion)")
        }
        do { return try JSONDecoder().decode(VerificationResults.self, from: data) } catch {
            throw ResultsFileError(path: path, message: "not a fixlog results file: \(error)")
        }
    }

    /// Writes the file atomically (a temporary file in the same directory, then rename), creating
    /// the directory when needed.
    public func write(path: String) throws {
        try Self.writeAtomically(try encoded(), to: path)
    }

    /// Writes `data` to `path` through a temporary file and `rename(2)`.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: tmp)
        if rename(tmp.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: tmp)
            throw ResultsFileError(path: path, message: "cannot replace file: \(String(cString: strerror(code)))")
        }
    }

    /// Combines shard results. Steps are ordered by record and step; when two files hold the same
    /// step, the later file wins. (Reading a file with a newer schema fails in ``read(path:)``.)
    public static func merge(_ parts: [VerificationResults]) -> VerificationResults {
        var byKey: [String: StepResult] = [:]
        for part in parts {
            for step in part.steps { byKey["\(step.log ?? "")#\(step.record).\(step.step)"] = step }
        }
        let steps = byKey.values.sorted {
            ($0.log ?? "", $0.record, $0.step) < ($1.log ?? "", $1.record, $1.step)
        }
        return VerificationResults(steps: steps)
    }
}
