/// A parsed Markdown file: its exact source and the block tree cmark built from it.
public struct MarkdownDocument: Sendable {
    public var source: SourceText
    public var root: MarkdownNode
    /// True when nesting deeper than ``CMarkConverter/maximumDepth`` levels was flattened.
    public var flattened: Bool

    /// Parses with source positions, no smart punctuation. Fenced-ness of code blocks is read back from
    /// the source (cmark does not expose it).
    public init(source: SourceText) {
        self.source = source
        var (root, flattened) = CMarkConverter.parse(source.bytes)
        Self.markFences(&root, source: source)
        self.root = root
        self.flattened = flattened
    }

    public init(path: String = "<memory>", markdown: String) {
        self.init(source: SourceText(path: path, string: markdown))
    }

    private static func markFences(_ node: inout MarkdownNode, source: SourceText) {
        if node.kind == .codeBlock, let range = node.range {
            let first = source.line(range.start.line)
            let column = range.start.column - 1
            let utf8 = Array(first.utf8)
            if column >= 0, column < utf8.count, utf8[column] == UInt8(ascii: "`") || utf8[column] == UInt8(ascii: "~") {
                node.isFenced = true
            }
        }
        for i in node.children.indices { markFences(&node.children[i], source: source) }
    }

    /// Renders Markdown text to HTML through cmark, in safe mode unless `options.unsafeHTML`.
    public static func renderHTML(_ markdown: String, options: MarkdownOptions = .default) -> String {
        CMarkConverter.renderHTML(markdown, unsafe: options.unsafeHTML)
    }
}
