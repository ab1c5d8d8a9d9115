/// A parsed Markdown file: its exact source and the block tree cmark built from it.
public struct MarkdownDocument: Sendable {
    public var source: SourceText
    public var root: MarkdownNode
    /// True when nesting deeper than ``CMarkConverter/maximumDepth`` levels was flattened.
    public var flattened: Bool

    /// Parses with source positions, no smart punctuation. Fenced-ness of code blocks is read back from
    /// the source (cmark does not expose it).
    public init(source: SourceText) {
        self.init(source: source, pieces: nil)
    }

    /// Parses in up to `pieces` runs of lines on all cores (nil: chosen by size); the tree is the same.
    init(source: SourceText, pieces: Int?) {
        self.source = source
        let result = ChunkedParse.parse(source, pieces: pieces)
        self.root = result.root
        self.flattened = result.flattened
        self.pieces = result.pieces
    }

    /// A tree built elsewhere (``ChunkedParse/reparse(_:previous:previousMayDefineLinks:edited:known:)``).
    init(source: SourceText, root: MarkdownNode) {
        self.source = source
        self.root = root
        self.flattened = false
        self.pieces = 1
    }

    /// How many pieces the file was parsed in (1: in one piece).
    let pieces: Int

    public init(path: String = "<memory>", markdown: String) {
        self.init(source: SourceText(path: path, string: markdown))
    }

    /// Renders Markdown text to HTML through cmark, in safe mode unless `options.unsafeHTML`.
    public static func renderHTML(_ markdown: String, options: MarkdownOptions = .default) -> String {
        CMarkConverter.renderHTML(markdown, unsafe: options.unsafeHTML)
    }
}
