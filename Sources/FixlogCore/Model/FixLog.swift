/// A fix log read into structure: the text before the first record, the records, and what was noticed
/// while reading. Every node carries the source range it came from.
///
/// The preamble's and the incidents' ranges tile the file: concatenating the bytes of
/// `preamble.range` and each incident's `range`, in order, gives back the file exactly.
public struct FixLog: Sendable, Hashable, Codable {
    public var source: String
    public var preamble: Preamble
    public var incidents: [Incident]
    /// Parts of the log between or after records that belong to no record (group headings, appendices,
    /// a problem list paired with a fix list).
    public var interludes: [Interlude]
    public var diagnostics: [Diagnostic]
    /// Facts about the file's bytes that a rewriter must keep.
    public var layout: TextLayout

    public init(
        source: String, preamble: Preamble, incidents: [Incident], interludes: [Interlude] = [],
        diagnostics: [Diagnostic], layout: TextLayout
    ) {
        self.source = source
        self.preamble = preamble
        self.incidents = incidents
        self.interludes = interludes
        self.diagnostics = diagnostics
        self.layout = layout
    }

    /// The ranges of the preamble, the incidents and the interludes in document order. Together they tile the file.
    public var segments: [SourceRange] {
        ([preamble.range] + incidents.map(\.range) + interludes.map(\.range)).sorted { $0.start < $1.start }
    }
}

/// A stretch of the log that belongs to no record.
public struct Interlude: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// A heading that groups records (severity, date, category).
        case group
        /// A problem of a problem list whose fix is a record of its own.
        case pairedProblem
        /// Anything else (summary, appendix, references).
        case other
    }

    public var heading: String?
    public var role: Role
    public var range: SourceRange

    public init(heading: String?, role: Role, range: SourceRange) {
        self.heading = heading
        self.role = role
        self.range = range
    }
}

/// Whatever comes before the first record: the document title and any introduction.
public struct Preamble: Sendable, Hashable, Codable {
    public var title: String?
    public var range: SourceRange
    public init(title: String?, range: SourceRange) {
        self.title = title
        self.range = range
    }
}

/// Byte-level facts about a text file.
public struct TextLayout: Sendable, Hashable, Codable {
    public var lineEnding: LineEnding
    public var hasBOM: Bool
    public var endsWithNewline: Bool
    public var lineCount: Int

    public enum LineEnding: String, Sendable, Hashable, Codable { case lf, crlf }

    public init(lineEnding: LineEnding, hasBOM: Bool, endsWithNewline: Bool, lineCount: Int) {
        self.lineEnding = lineEnding
        self.hasBOM = hasBOM
        self.endsWithNewline = endsWithNewline
        self.lineCount = lineCount
    }

    public init(_ source: SourceText) {
        self.init(lineEnding: source.usesCRLF ? .crlf : .lf, hasBOM: source.hasBOM,
                  endsWithNewline: source.endsWithNewline, lineCount: source.lineCount)
    }
}
