/// A stable, documented identifier for a kind of diagnostic (printed as `[id]`).
///
/// New identifiers are added as static members; existing ones never change their raw value.
/// `docs/diagnostics.md` is generated from ``DiagnosticID/catalog`` (a test fails when it is stale).
public struct DiagnosticID: RawRepresentable, Sendable, Hashable, Codable, Comparable,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static func < (lhs: DiagnosticID, rhs: DiagnosticID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Documentation for one identifier.
    public struct Entry: Sendable {
        public var id: DiagnosticID
        public var stage: String
        public var severity: Diagnostic.Severity
        public var summary: String

        public init(_ id: DiagnosticID, stage: String, _ severity: Diagnostic.Severity, _ summary: String) {
            self.id = id
            self.stage = stage
            self.severity = severity
            self.summary = summary
        }
    }
}

extension DiagnosticID {
    /// Every identifier fixlog can report, with its documentation, stage by stage. Each stage keeps its ids
    /// and entries in `DiagnosticID+<Stage>.swift`; append new entries there, never remove one.
    public static let catalog: [Entry] = inputCatalog + dockerfileCatalog + checkCatalog + verifyCatalog
        + regenerateCatalog + siteCatalog + configCatalog

    /// The catalog entry for this identifier, if documented.
    public var entry: Entry? { Self.catalog.first { $0.id == self } }
}
