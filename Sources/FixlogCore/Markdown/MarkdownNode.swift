/// A node of the Markdown tree, copied out of cmark into plain Swift values.
///
/// Block nodes always carry a source range; inline nodes carry one when cmark reports it.
public struct MarkdownNode: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        // blocks
        case document, blockQuote, list, item, codeBlock, htmlBlock, customBlock, paragraph, heading, thematicBreak
        // inlines
        case text, softBreak, lineBreak, code, htmlInline, customInline, emphasis, strong, link, image
        case unknown

        public var isBlock: Bool {
            switch self {
            case .document, .blockQuote, .list, .item, .codeBlock, .htmlBlock, .customBlock, .paragraph, .heading,
                .thematicBreak:
                true
            default: false
            }
        }
    }

    public var kind: Kind
    /// Heading level 1-6 for headings, 0 otherwise.
    public var headingLevel: Int = 0
    /// The info string of a fenced code block ("" for indented code and unlabelled fences).
    public var fenceInfo: String?
    /// True for fenced code blocks (as opposed to indented ones).
    public var isFenced: Bool = false
    /// Literal text of text, code, code blocks and HTML.
    public var literal: String?
    /// Link and image destination.
    public var url: String?
    /// Ordered list start number; nil for bullet lists.
    public var listStart: Int?
    public var children: [MarkdownNode] = []
    public var range: SourceRange?

    public init(kind: Kind, range: SourceRange? = nil) {
        self.kind = kind
        self.range = range
    }

    /// The first word of the info string: the language tag of a fenced block.
    public var language: String? {
        guard let info = fenceInfo else { return nil }
        let word = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "," }).first
        return word.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Concatenated text of all inline descendants (code spans included, markup dropped).
    public var plainText: String {
        var out = ""
        appendPlainText(to: &out)
        return out
    }

    private func appendPlainText(to out: inout String) {
        switch kind {
        case .text, .code, .htmlInline: out += literal ?? ""
        case .softBreak, .lineBreak: out += " "
        default: for child in children { child.appendPlainText(to: &out) }
        }
    }

    /// Depth-first pre-order walk.
    public func forEach(_ body: (MarkdownNode) throws -> Void) rethrows {
        try body(self)
        for child in children { try child.forEach(body) }
    }
}

/// Options for parsing and rendering Markdown.
public struct MarkdownOptions: Sendable, Hashable {
    /// Pass raw HTML and unsafe link destinations through when rendering HTML (off by default).
    public var unsafeHTML: Bool = false
    public init(unsafeHTML: Bool = false) { self.unsafeHTML = unsafeHTML }
    public static let `default` = MarkdownOptions()
}
