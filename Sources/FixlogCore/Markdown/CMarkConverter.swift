// The one file that touches cmark's C API. Every pointer is created and freed here; only Swift
// values leave it.
import CCmark
import Foundation

enum CMarkConverter {
    /// Parses Markdown with source positions on and smart punctuation off (fixlog rewrites what it reads).
    /// Code blocks are marked fenced when `fences` (the text the lines and columns point into) is given.
    static func parse(_ bytes: [UInt8], fences: SourceText? = nil) -> (MarkdownNode, flattened: Bool) {
        bytes.withUnsafeBufferPointer { parse($0, lineOffset: 0, fences: fences) }
    }

    /// Parses the bytes of `buffer` as a document of their own; every line number is shifted by `lineOffset`
    /// (the buffer is a run of whole lines starting at line `lineOffset + 1` of a larger file). With `fences`,
    /// the whole file, code blocks whose first byte there is a backtick or tilde are marked fenced (cmark
    /// does not say).
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, lineOffset: Int, fences: SourceText? = nil)
        -> (MarkdownNode, flattened: Bool) {
        let options = CMARK_OPT_SOURCEPOS
        let root: OpaquePointer? =
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cmark_parse_document($0, buffer.count, options) }
            } ?? cmark_parse_document("", 0, options)
        guard let root else { return (MarkdownNode(kind: .document), false) }
        defer { cmark_node_free(root) }
        // Trees no deeper than the limit (all real logs) are copied directly, child by child; deeper ones
        // go through the iterator walk that flattens them.
        var scratch: [OpaquePointer] = []
        if let tree = build(root, depth: 0, lineOffset: lineOffset, fences: fences, scratch: &scratch) { return (tree, false) }
        return convert(root, lineOffset: lineOffset, fences: fences)
    }

    /// Both copies of one parse, for tests: the direct one (nil when too deep) and the iterator walk.
    static func parseBothWays(_ bytes: [UInt8]) -> (direct: MarkdownNode?, walked: MarkdownNode, flattened: Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            let root: OpaquePointer? =
                buffer.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        cmark_parse_document($0, buffer.count, CMARK_OPT_SOURCEPOS)
                    }
                } ?? cmark_parse_document("", 0, CMARK_OPT_SOURCEPOS)
            guard let root else { return (nil, MarkdownNode(kind: .document), false) }
            defer { cmark_node_free(root) }
            let walked = convert(root, lineOffset: 0)
            var scratch: [OpaquePointer] = []
            return (build(root, depth: 0, lineOffset: 0, scratch: &scratch), walked.0, walked.1)
        }
    }

    /// Copies a subtree whose containers all lie less than ``maximumDepth`` levels deep (nil otherwise).
    /// Recursion is bounded by that limit.
    private static func build(_ node: OpaquePointer, depth: Int, lineOffset: Int, fences: SourceText? = nil,
                              scratch: inout [OpaquePointer]) -> MarkdownNode? {
        let type = cmark_node_get_type(node)
        var value = makeNode(node, type: type, lineOffset: lineOffset, fences: fences)
        return buildChildren(of: node, type: type, into: &value, depth: depth, lineOffset: lineOffset, fences: fences,
                             scratch: &scratch) ? value : nil
    }

    /// Copies the children of `node` (of type `type`) into `value.children`, each written in place into an
    /// array of exactly their number; false when a container lies ``maximumDepth`` levels deep. `scratch`
    /// holds the children of the nodes being copied (one walk of cmark's sibling links per node).
    private static func buildChildren(of node: OpaquePointer, type: cmark_node_type, into value: inout MarkdownNode,
                                      depth: Int, lineOffset: Int, fences: SourceText?,
                                      scratch: inout [OpaquePointer]) -> Bool {
        guard hasChildren(type) else { return true }
        guard depth < maximumDepth else { return false }
        let first = scratch.count
        var next = cmark_node_first_child(node)
        while let child = next {
            scratch.append(child)
            next = cmark_node_next(child)
        }
        let count = scratch.count - first
        guard count > 0 else { return true }
        defer { scratch.removeLast(count) }
        var complete = true
        value.children = [MarkdownNode](unsafeUninitializedCapacity: count) { slots, initialized in
            initialized = 0
            guard let base = slots.baseAddress else { complete = false; return }
            for k in first..<first + count {
                let child = scratch[k]
                let childType = cmark_node_get_type(child)
                let slot = base + initialized
                slot.initialize(to: makeNode(child, type: childType, lineOffset: lineOffset, fences: fences))
                initialized += 1
                guard buildChildren(of: child, type: childType, into: &slot.pointee, depth: depth + 1, lineOffset: lineOffset,
                                    fences: fences, scratch: &scratch)
                else { complete = false; return }
            }
        }
        return complete
    }

    /// Renders Markdown to HTML. Safe mode (cmark's default) drops raw HTML and unsafe link URLs.
    static func renderHTML(_ markdown: String, unsafe: Bool) -> String {
        let options = unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT
        let utf8 = Array(markdown.utf8)
        let rendered: UnsafeMutablePointer<CChar>? = utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cmark_markdown_to_html($0, buffer.count, options) }
            } ?? cmark_markdown_to_html("", 0, options)
        }
        guard let rendered else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Nesting deeper than this (block quotes in lists in block quotes …) is flattened: deeper containers'
    /// children are attached to the container at this depth, so every later walk of the tree is bounded.
    static let maximumDepth = 128

    /// Walks the tree with cmark's iterator and an explicit stack (no recursion: nesting depth is
    /// only bounded by the input). Returns the tree and whether it had to be flattened.
    static func convert(_ root: OpaquePointer, lineOffset: Int = 0, fences: SourceText? = nil) -> (MarkdownNode, flattened: Bool) {
        guard let iterator = cmark_iter_new(root) else { return (MarkdownNode(kind: .document), false) }
        defer { cmark_iter_free(iterator) }
        var stack: [MarkdownNode] = []
        var pushed: [Bool] = []  // one entry per open container: was it pushed on `stack`?
        var flattened = false
        var result = MarkdownNode(kind: .document)
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let container = hasChildren(cmark_node_get_type(node))
            if event == CMARK_EVENT_ENTER {
                if container {
                    if stack.count < maximumDepth || stack.isEmpty {
                        stack.append(makeNode(node, lineOffset: lineOffset, fences: fences))
                        pushed.append(true)
                    } else {
                        flattened = true
                        pushed.append(false)
                    }
                } else if stack.isEmpty {
                    result = makeNode(node, lineOffset: lineOffset, fences: fences)
                } else {
                    stack[stack.count - 1].children.append(makeNode(node, lineOffset: lineOffset, fences: fences))
                }
            } else if event == CMARK_EVENT_EXIT, container {
                guard let wasPushed = pushed.popLast(), wasPushed, let finished = stack.popLast() else { continue }
                if stack.isEmpty { result = finished } else { stack[stack.count - 1].children.append(finished) }
            }
        }
        return (result, flattened)
    }

    private static func hasChildren(_ type: cmark_node_type) -> Bool {
        switch type {
        case CMARK_NODE_DOCUMENT, CMARK_NODE_BLOCK_QUOTE, CMARK_NODE_LIST, CMARK_NODE_ITEM, CMARK_NODE_CUSTOM_BLOCK,
            CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_CUSTOM_INLINE, CMARK_NODE_EMPH, CMARK_NODE_STRONG,
            CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            true
        default: false
        }
    }

    private static func kind(_ type: cmark_node_type) -> MarkdownNode.Kind {
        switch type {
        case CMARK_NODE_DOCUMENT: .document
        case CMARK_NODE_BLOCK_QUOTE: .blockQuote
        case CMARK_NODE_LIST: .list
        case CMARK_NODE_ITEM: .item
        case CMARK_NODE_CODE_BLOCK: .codeBlock
        case CMARK_NODE_HTML_BLOCK: .htmlBlock
        case CMARK_NODE_CUSTOM_BLOCK: .customBlock
        case CMARK_NODE_PARAGRAPH: .paragraph
        case CMARK_NODE_HEADING: .heading
        case CMARK_NODE_THEMATIC_BREAK: .thematicBreak
        case CMARK_NODE_TEXT: .text
        case CMARK_NODE_SOFTBREAK: .softBreak
        case CMARK_NODE_LINEBREAK: .lineBreak
        case CMARK_NODE_CODE: .code
        case CMARK_NODE_HTML_INLINE: .htmlInline
        case CMARK_NODE_CUSTOM_INLINE: .customInline
        case CMARK_NODE_EMPH: .emphasis
        case CMARK_NODE_STRONG: .strong
        case CMARK_NODE_LINK: .link
        case CMARK_NODE_IMAGE: .image
        default: .unknown
        }
    }

    /// Whether the byte at `location` of `source` opens a fence (a backtick or a tilde).
    static func startsFence(_ location: SourceLocation, in source: SourceText) -> Bool {
        guard location.line >= 1, location.line <= source.lineStarts.count, location.column >= 1 else { return false }
        let offset = source.lineStarts[location.line - 1] + location.column - 1
        guard offset < source.bytes.count else { return false }
        let byte = source.bytes[offset]
        return byte == UInt8(ascii: "`") || byte == UInt8(ascii: "~")
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func makeNode(_ node: OpaquePointer, lineOffset: Int, fences: SourceText?) -> MarkdownNode {
        makeNode(node, type: cmark_node_get_type(node), lineOffset: lineOffset, fences: fences)
    }

    private static func makeNode(_ node: OpaquePointer, type: cmark_node_type, lineOffset: Int, fences: SourceText?)
        -> MarkdownNode {
        var range: SourceRange?
        let startLine = Int(cmark_node_get_start_line(node))
        if startLine > 0 {
            // cmark's end column is inclusive; ours is exclusive.
            range = SourceRange(
                start: SourceLocation(line: startLine + lineOffset, column: max(1, Int(cmark_node_get_start_column(node)))),
                end: SourceLocation(line: Int(cmark_node_get_end_line(node)) + lineOffset,
                                    column: Int(cmark_node_get_end_column(node)) + 1))
        }
        // The node is made in one initialisation from what was read (a node mutated field by field here
        // was copied once more on return).
        var headingLevel = 0
        var literal: String?
        var extra: String?
        var listStart: Int?
        var isFenced = false
        switch type {
        case CMARK_NODE_HEADING:
            headingLevel = Int(cmark_node_get_heading_level(node))
        case CMARK_NODE_CODE_BLOCK:
            extra = string(cmark_node_get_fence_info(node)) ?? ""
            literal = string(cmark_node_get_literal(node)) ?? ""
            if let fences, let range { isFenced = startsFence(range.start, in: fences) }
        case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
            literal = string(cmark_node_get_literal(node)) ?? ""
        case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            extra = string(cmark_node_get_url(node))
        case CMARK_NODE_LIST:
            if cmark_node_get_list_type(node) == CMARK_ORDERED_LIST {
                listStart = Int(cmark_node_get_list_start(node))
            }
        default:
            break
        }
        return MarkdownNode(kind: kind(type), range: range, headingLevel: headingLevel, isFenced: isFenced, literal: literal,
                            extra: extra, listStart: listStart)
    }
}
