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
    public var headingLevel: Int {
        get { Int(storedHeadingLevel) }
        set { storedHeadingLevel = UInt8(clamping: newValue) }
    }
    /// The info string of a fenced code block ("" for indented code and unlabelled fences).
    public var fenceInfo: String? {
        get { kind == .codeBlock ? extra : nil }
        set { if kind == .codeBlock { extra = newValue } }
    }
    /// True for fenced code blocks (as opposed to indented ones).
    public var isFenced: Bool = false
    /// Literal text of text, code, code blocks and HTML.
    public var literal: String?
    /// Link and image destination.
    public var url: String? {
        get { kind == .link || kind == .image ? extra : nil }
        set { if kind == .link || kind == .image { extra = newValue } }
    }
    /// Ordered list start number; nil for bullet lists.
    public var listStart: Int? {
        get { hasListStart ? Int(storedListStart) : nil }
        set {
            hasListStart = newValue != nil
            storedListStart = Int32(clamping: newValue ?? 0)
        }
    }
    public var children: [MarkdownNode] = []
    public var range: SourceRange? {
        get {
            guard hasRange else { return nil }
            return SourceRange(start: SourceLocation(line: Int(startLine), column: Int(startColumn)),
                               end: SourceLocation(line: Int(endLine), column: Int(endColumn)))
        }
        set {
            hasRange = newValue != nil
            startLine = Int32(clamping: newValue?.start.line ?? 0)
            startColumn = Int32(clamping: newValue?.start.column ?? 0)
            endLine = Int32(clamping: newValue?.end.line ?? 0)
            endColumn = Int32(clamping: newValue?.end.column ?? 0)
        }
    }

    // Compact storage: a 27 MB log has some 1.5 million nodes, so every byte and every reference counts
    // (positions fit 32 bits: inputs are at most 64 MB). The info string and the link destination share a slot.
    private var storedHeadingLevel: UInt8 = 0
    private var hasListStart = false
    private var hasRange = false
    private var storedListStart: Int32 = 0
    private var startLine: Int32 = 0, startColumn: Int32 = 0, endLine: Int32 = 0, endColumn: Int32 = 0
    private var extra: String?

    public init(kind: Kind, range: SourceRange? = nil) {
        self.kind = kind
        self.range = range
    }

    /// Every field at once (the copy out of cmark). `extra` is the info string of a code block or the destination
    /// of a link or image (ignored for other kinds, as the setters do).
    init(kind: Kind, range: SourceRange?, headingLevel: Int, isFenced: Bool, literal: String?, extra: String?,
         listStart: Int?) {
        self.kind = kind
        self.range = range
        self.storedHeadingLevel = UInt8(clamping: headingLevel)
        self.isFenced = isFenced
        self.literal = literal
        if kind == .codeBlock || kind == .link || kind == .image { self.extra = extra }
        self.hasListStart = listStart != nil
        self.storedListStart = Int32(clamping: listStart ?? 0)
    }

    /// The first word of the info string: the language tag of a fenced block.
    public var language: String? {
        guard var info = fenceInfo else { return nil }
        if let word = info.withUTF8({ Self.firstWordASCII(of: $0) }) { return word.isEmpty ? nil : word }
        return Self.firstWordCharacters(of: info)
    }

    /// The language tag read on characters, for any info string.
    static func firstWordCharacters(of info: String) -> String? {
        let word = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "," }).first
        return word.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The first word of an ASCII info string, read on its bytes ("" when there is none); nil for other text
    /// (a separator followed by a combining mark is no separator). In ASCII only "\r\n" is a character of two
    /// bytes, and neither byte is a separator.
    static func firstWordASCII(of b: UnsafeBufferPointer<UInt8>) -> String? {
        if b.contains(where: { $0 >= 0x80 }) { return nil }
        func isSeparator(_ x: UInt8) -> Bool {
            x == UInt8(ascii: " ") || x == UInt8(ascii: "\t") || x == UInt8(ascii: "{") || x == UInt8(ascii: ",")
        }
        var start = 0
        while start < b.count, isSeparator(b[start]) { start += 1 }
        var end = start
        while end < b.count, !isSeparator(b[end]) { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    /// Concatenated text of all inline descendants (code spans included, markup dropped).
    public var plainText: String {
        switch kind {
        case .text, .code, .htmlInline: return literal ?? ""
        case .softBreak, .lineBreak: return " "
        default:
            // Most headings and labels are one text node: its literal, shared, not copied.
            if children.count == 1 { return children.withUnsafeBufferPointer { $0[0].plainText } }
            var out = ""
            appendPlainText(to: &out)
            return out
        }
    }

    private func appendPlainText(to out: inout String) {
        switch kind {
        case .text, .code, .htmlInline: out += literal ?? ""
        case .softBreak, .lineBreak: out += " "
        default: children.withUnsafeBufferPointer { for i in $0.indices { $0[i].appendPlainText(to: &out) } }
        }
    }

    /// The nodes of `parts`, in order, moved into one array; `parts` is left holding empty nodes.
    static func joinMoving(_ parts: inout [[MarkdownNode]]) -> [MarkdownNode] {
        let total = parts.reduce(0) { $0 + $1.count }
        return [MarkdownNode](unsafeUninitializedCapacity: total) { destination, initialized in
            initialized = 0
            for p in parts.indices {
                parts[p].withUnsafeMutableBufferPointer { source in
                    guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                    for i in 0..<source.count {
                        (to + initialized).initialize(to: (from + i).move())
                        (from + i).initialize(to: MarkdownNode(kind: .document))
                        initialized += 1
                    }
                }
            }
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
