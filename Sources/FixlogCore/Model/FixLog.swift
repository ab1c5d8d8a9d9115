/// A fix log read into structure: the text before the first record, the records, and what was noticed
/// while reading. Every node carries the source range it came from.
///
/// The preamble's and the incidents' ranges tile the file: concatenating the bytes of
/// `preamble.range` and each incident's `range`, in order, gives back the file exactly.
public struct FixLog: Sendable, Hashable, Codable {
    public var source: String
    public var preamble: Preamble
    public var incidents: [Incident]
    public var diagnostics: [Diagnostic]
    /// Facts about the file's bytes that a rewriter must keep.
    public var layout: TextLayout

    public init(source: String, preamble: Preamble, incidents: [Incident], diagnostics: [Diagnostic], layout: TextLayout) {
        self.source = source
        self.preamble = preamble
        self.incidents = incidents
        self.diagnostics = diagnostics
        self.layout = layout
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
