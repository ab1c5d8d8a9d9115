// View models: plain values shaped for the templates (not domain types). Mustache reads them through
// Mirror, so every field a template uses is a stored property. Names are distinct across nesting levels,
// because Mustache looks a missing key up in the enclosing contexts.

/// A status badge.
struct BadgeVM: Sendable, Hashable {
    /// `check` or `verify`.
    var badgeKind: String
    /// CSS class suffix and filter value (`holds`, `failed`, `none`).
    var badgeStatus: String
    /// What the badge says.
    var badgeLabel: String
    /// Tooltip.
    var badgeTitle: String
}

/// A link to another page.
struct LinkVM: Sendable, Hashable {
    var linkHref: String
    var linkLabel: String
    var linkTitle: String
}

/// One record on the index or the timeline.
struct RecordRowVM: Sendable, Hashable {
    var rowHref: String
    var rowNumber: String
    var rowTitle: String
    var rowDate: String?
    /// The summary rendered by cmark (safe mode unless --unsafe-html), as inline HTML.
    var rowSummary: String?
    var rowCheck: BadgeVM
    var rowVerify: BadgeVM
}

struct TotalVM: Sendable, Hashable {
    var totalLabel: String
    var totalCount: Int
    var totalStatus: String
}

struct FilterVM: Sendable, Hashable {
    var filterKind: String
    var filterValue: String
    var filterLabel: String
    var filterCount: Int
}

struct IndexVM: Sendable {
    var records: [RecordRowVM]
    var hasRecords: Bool
    var recordCount: Int
    var changeTotals: [TotalVM]
    var stepTotals: [TotalVM]
    var filters: [FilterVM]
    var dockerfileLinks: [LinkVM]
    var hasDockerfiles: Bool
    var introHTML: String
}

/// One numbered line of a code listing.
struct CodeLineVM: Sendable, Hashable {
    var lineNumber: Int
    var lineAnchor: String
    var lineHref: String
    var lineText: String
    var lineMarked: Bool
    var lineStatus: String
    var lineRefs: [LinkVM]
    /// Set on the row standing for lines left out of an excerpt ("12 lines"); the other fields are unused.
    var lineGap: String? = nil
}

struct ClaimVM: Sendable, Hashable {
    var claimKind: String
    var claimInstruction: String
    var claimBadge: BadgeVM
    var claimDetail: String?
    var claimWhere: LinkVM?
    var claimActual: String?
}

struct StaleVM: Sendable, Hashable {
    var staleWritten: String
    var staleCorrect: String
}

struct ChangeVM: Sendable, Hashable {
    var changeAnchor: String
    var changeLabel: String
    /// `before`, `diff` or nil for the state after the fix.
    var changeRole: String?
    var changeFile: String?
    var changeFileLink: LinkVM?
    var changeBadge: BadgeVM
    var changeLineRef: String?
    var changeStale: StaleVM?
    var changeSuperseded: LinkVM?
    var changeExcerpt: [CodeLineVM]
    var hasExcerpt: Bool
    var changeExcerptCaption: String?
    var changeClaims: [ClaimVM]
    var hasClaims: Bool
    var changeNotes: [String]
}

struct StepRunVM: Sendable, Hashable {
    var runBadge: BadgeVM
    var runReason: String?
    var runOutput: String
    var runMissing: [String]
    var hasMissing: Bool
    var runUnchecked: [String]
    var hasUnchecked: Bool
    var runEnvironment: String?
}

struct StepVM: Sendable, Hashable {
    var stepAnchor: String
    var stepNumber: Int
    var stepLabel: String
    /// The script's first comment line, when it has one (what the step checks).
    var stepPurpose: String?
    var stepLanguage: String
    var stepScript: String
    var stepExpected: String?
    var stepRun: StepRunVM?
    var stepBadge: BadgeVM
}

struct RecordPageVM: Sendable {
    var number: String
    var title: String
    var date: String?
    var status: String?
    var group: String?
    var summary: String?
    var checkBadge: BadgeVM
    var verifyBadge: BadgeVM
    var bodyHTML: String
    var changes: [ChangeVM]
    var hasChanges: Bool
    var steps: [StepVM]
    var hasSteps: Bool
    var supersededBy: [LinkVM]
    var supersedes: [LinkVM]
    var hasSupersession: Bool
    var previous: LinkVM?
    var next: LinkVM?
    var logName: String
    var logLines: String
}

struct DockerfilePageVM: Sendable {
    var path: String
    var lines: [CodeLineVM]
    var lineCount: Int
    var documentedBy: [LinkVM]
    var hasDocumentedBy: Bool
}

struct TimelineGroupVM: Sendable, Hashable {
    var groupLabel: String
    var groupAnchor: String
    var entries: [RecordRowVM]
}

struct TimelineVM: Sendable {
    var groups: [TimelineGroupVM]
    var hasGroups: Bool
}

/// What the layout wraps around each page.
struct LayoutVM: Sendable {
    var pageTitle: String
    var siteTitle: String
    var root: String
    var canonical: String?
    var content: String
    var logName: String
    var navIndex: Bool
    var navTimeline: Bool
}
