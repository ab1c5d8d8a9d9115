/// The verdict on one claim, one change, or (worst of all) a whole record.
public enum CheckStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Present and inside the documented lines (or no line reference); for an `absent` claim: not there.
    case holds
    /// Gone, but a later record removed or replaced it on purpose.
    case superseded
    /// Present, but outside the documented lines, out of the documented order, or in another stage.
    case moved
    /// Not present as documented; the closest instruction of the same keyword differs (see the word diff).
    case changed
    /// Not present, nothing similar either.
    case missing
    /// An `absent` claim whose instruction is there again: a regression.
    case violated
    /// The change could not be checked: its target file is missing, unreadable, outside the root or not a Dockerfile.
    case error
    /// Nothing to check: the change is not Dockerfile code, or it makes no claim.
    case unchecked

    /// Order used for "worst of".
    public var severity: Int {
        switch self {
        case .unchecked: 0
        case .holds: 1
        case .superseded: 2
        case .moved: 3
        case .changed: 4
        case .missing: 5
        case .violated: 6
        case .error: 7
        }
    }

    /// True for the statuses that make `fixlog check` exit non-zero.
    public var isProblem: Bool {
        switch self {
        case .moved, .changed, .missing, .violated, .error: true
        case .holds, .superseded, .unchecked: false
        }
    }
}

/// A record named as the reason for a `superseded` verdict.
public struct RecordReference: Sendable, Hashable, Codable {
    /// The record's number, if it has one.
    public var incident: Int?
    public var title: String
    public var date: String?
    /// Position of the record in the log (0-based).
    public var position: Int

    public init(incident: Int?, title: String, date: String?, position: Int) {
        self.incident = incident
        self.title = title
        self.date = date
        self.position = position
    }

    /// `#2`, or the title when the record has no number.
    public var display: String { incident.map { "#\($0)" } ?? "'\(title)'" }
}

/// The verdict on one claim.
public struct ClaimResult: Sendable, Hashable, Codable {
    public var kind: Claim.Kind
    public var origin: Claim.Origin
    /// The instruction as documented (white space collapsed).
    public var instruction: String
    public var status: CheckStatus
    /// Where the matched (or, for `changed`, the closest; for `violated`, the offending) instruction is.
    public var actualLines: LineSpan?
    /// The Dockerfile's instruction at `actualLines`, when it differs from the documented text.
    public var actualInstruction: String?
    public var supersededBy: RecordReference?
    /// A sentence explaining the verdict.
    public var detail: String?
    /// Normalisations the match needed.
    public var normalisations: [Normalisation]
    /// For `changed`: the word diff from documented to actual.
    public var diff: WordDiff?
    /// For `changed`: word similarity (0...1).
    public var similarity: Double?
    /// Lines of the log the claim was read from.
    public var logLines: LineSpan
    /// Index of the stage searched, when the change's stage hint resolved.
    public var stage: Int?

    public init(kind: Claim.Kind, origin: Claim.Origin, instruction: String, status: CheckStatus,
                actualLines: LineSpan? = nil, actualInstruction: String? = nil, supersededBy: RecordReference? = nil,
                detail: String? = nil, normalisations: [Normalisation] = [], diff: WordDiff? = nil,
                similarity: Double? = nil, logLines: LineSpan, stage: Int? = nil) {
        self.kind = kind
        self.origin = origin
        self.instruction = instruction
        self.status = status
        self.actualLines = actualLines
        self.actualInstruction = actualInstruction
        self.supersededBy = supersededBy
        self.detail = detail
        self.normalisations = normalisations
        self.diff = diff
        self.similarity = similarity
        self.logLines = logLines
        self.stage = stage
    }
}

/// The verdict on one documented change.
public struct ChangeResult: Sendable, Hashable, Codable {
    /// The record's number (`#2` → 2), if it has one.
    public var incident: Int?
    /// Position of the record in the log (0-based).
    public var record: Int
    /// The record's title.
    public var title: String
    public var date: String?
    /// Index of the change within its record (0-based).
    public var change: Int
    public var label: String
    /// The target file, relative to the root (or as written when it could not be resolved).
    public var file: String?
    /// The `**File:**` value as written in the log.
    public var fileAsWritten: String?
    public var status: CheckStatus
    public var documentedLines: LineSpan?
    public var actualLines: LineSpan?
    /// The line reference as written (`lines 1-25`).
    public var lineRef: String?
    /// Where that text is in the log (what `--fix` rewrites).
    public var lineRefRange: SourceRange?
    /// The reference the log should carry, in the original's form; equals `lineRef` when it holds.
    public var suggestedLineRef: String?
    public var supersededBy: RecordReference?
    /// The stage hint and, when it resolved, the stage it names.
    public var stageHint: String?
    public var stage: Int?
    public var stageName: String?
    /// The fenced block in the log.
    public var logRange: SourceRange
    public var claims: [ClaimResult]
    /// Problems with this change (its target file, its code).
    public var diagnostics: [Diagnostic]

    public init(incident: Int?, record: Int, title: String, date: String?, change: Int, label: String,
                file: String?, fileAsWritten: String?, status: CheckStatus, documentedLines: LineSpan?,
                actualLines: LineSpan?, lineRef: String?, lineRefRange: SourceRange?, suggestedLineRef: String?,
                supersededBy: RecordReference?, stageHint: String?, stage: Int?, stageName: String?,
                logRange: SourceRange, claims: [ClaimResult], diagnostics: [Diagnostic]) {
        self.incident = incident
        self.record = record
        self.title = title
        self.date = date
        self.change = change
        self.label = label
        self.file = file
        self.fileAsWritten = fileAsWritten
        self.status = status
        self.documentedLines = documentedLines
        self.actualLines = actualLines
        self.lineRef = lineRef
        self.lineRefRange = lineRefRange
        self.suggestedLineRef = suggestedLineRef
        self.supersededBy = supersededBy
        self.stageHint = stageHint
        self.stage = stage
        self.stageName = stageName
        self.logRange = logRange
        self.claims = claims
        self.diagnostics = diagnostics
    }

    /// True when `--fix` would rewrite this change's line reference.
    public var needsLineRefFix: Bool {
        guard let lineRef, let suggestedLineRef, lineRefRange != nil else { return false }
        return lineRef != suggestedLineRef
    }
}

/// Counts by status.
public struct StatusCounts: Sendable, Hashable, Codable {
    public var counts: [CheckStatus: Int]
    public init(_ statuses: [CheckStatus]) {
        // Counted by severity (one slot per status) before the dictionary is made.
        var tally = [Int](repeating: 0, count: CheckStatus.allCases.count)
        for s in statuses { tally[s.severity] += 1 }
        var c: [CheckStatus: Int] = [:]
        for s in CheckStatus.allCases { c[s] = tally[s.severity] }
        counts = c
    }
    public subscript(_ status: CheckStatus) -> Int { counts[status] ?? 0 }
    public var total: Int { counts.values.reduce(0, +) }
}

/// The result of `fixlog check`: a verdict for every documented change.
public struct CheckReport: Sendable, Hashable, Codable {
    /// Version of the JSON output (see docs/schema.md).
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// The log as the user named it.
    public var log: String
    /// The repository root that target files are resolved against.
    public var root: String
    public var results: [ChangeResult]
    /// Problems found while checking (target files, Dockerfile parse errors), located.
    public var diagnostics: [Diagnostic]

    public init(log: String, root: String, results: [ChangeResult], diagnostics: [Diagnostic]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.log = log
        self.root = root
        self.results = results
        self.diagnostics = diagnostics
    }

    // (Statuses are read in place: mapping over the results would copy every result.)
    public var changeCounts: StatusCounts {
        var statuses: [CheckStatus] = []
        statuses.reserveCapacity(results.count)
        for i in results.indices { statuses.append(results[i].status) }
        return StatusCounts(statuses)
    }

    public var claimCounts: StatusCounts {
        var statuses: [CheckStatus] = []
        for i in results.indices {
            for k in results[i].claims.indices { statuses.append(results[i].claims[k].status) }
        }
        return StatusCounts(statuses)
    }

    /// 0 when every change holds or is superseded (or is unchecked); 1 when anything moved, changed, went
    /// missing or was violated; 2 when a change could not be checked (input error).
    public var exitCode: Int32 {
        if results.indices.contains(where: { results[$0].status == .error }) { return 2 }
        if results.indices.contains(where: { results[$0].status.isProblem }) { return 1 }
        return 0
    }
}
