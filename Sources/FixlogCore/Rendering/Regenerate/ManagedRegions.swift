import Crypto
import Foundation

/// The blocks fixlog manages inside a log: a status block under each record's heading and an optional
/// summary table near the top, each between an opening marker carrying a checksum of the content and a
/// closing marker:
///
/// ```
/// <!-- fixlog:status sha256=0123456789abcdef -->
/// …
/// <!-- /fixlog:status -->
/// ```
///
/// Markers are recognised only as whole lines starting in column 1.
public enum ManagedRegions {
    /// The two kinds of managed block.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case status, summary

        /// `<!-- fixlog:status`
        var openPrefix: String { "<!-- fixlog:\(rawValue)" }
        /// `<!-- /fixlog:status -->`
        public var closeMarker: String { "<!-- /fixlog:\(rawValue) -->" }
        /// The opening marker line for content with this checksum.
        public func openMarker(checksum: String) -> String { "<!-- fixlog:\(rawValue) sha256=\(checksum) -->" }
    }

    /// One block found in a log.
    public struct Block: Sendable, Hashable {
        public var kind: Kind
        /// 1-based lines of the opening and closing markers.
        public var openLine: Int
        public var closeLine: Int
        /// The checksum written in the opening marker (nil when it carries none).
        public var recordedChecksum: String?
        /// The checksum of the content between the markers as it is now.
        public var actualChecksum: String
        /// True when the content no longer matches the marker's checksum.
        public var isEdited: Bool { recordedChecksum != actualChecksum }
    }

    private static let markerWord = Array("fixlog:".utf8)

    /// Number of hex digits of SHA-256 kept in markers.
    public static let checksumLength = 16

    /// The checksum of a block's content lines (line endings removed, joined with LF).
    public static func checksum(ofLines lines: [String]) -> String {
        let joined = lines.joined(separator: "\n")
        let digest = SHA256.hash(data: Data(joined.utf8))
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(checksumLength)
        for byte in digest.prefix(checksumLength / 2) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The kind of opening marker on this line, if it is one.
    static func openKind(_ line: String) -> Kind? {
        for kind in Kind.allCases where line.hasPrefix(kind.openPrefix) {
            let rest = line.dropFirst(kind.openPrefix.count)
            if (rest.first == " " || rest.hasPrefix("-->")), line.trimmingTrailingSpaces.hasSuffix("-->") { return kind }
        }
        return nil
    }

    static func recordedChecksum(_ line: String) -> String? {
        guard let r = line.range(of: "sha256=") else { return nil }
        let hex = line[r.upperBound...].prefix { $0.isHexDigit }
        return hex.isEmpty ? nil : String(hex)
    }

    /// Every managed block of the source (terminated ones), plus diagnostics for unterminated markers.
    /// Markers inside fenced code blocks are not recognised.
    public static func scan(_ source: SourceText) -> (blocks: [Block], diagnostics: [Diagnostic]) {
        scan(source, asciiFastPath: true)
    }

    /// ``scan(_:)``; `asciiFastPath: false` reads every candidate line as a string (the reference the tests
    /// compare the byte path with).
    static func scan(_ source: SourceText, asciiFastPath: Bool) -> (blocks: [Block], diagnostics: [Diagnostic]) {
        // Every marker, opening or closing, holds `fixlog:`; most logs have none (one memchr pass).
        guard source.contains(Self.markerWord) else { return ([], []) }
        var blocks: [Block] = []
        var diagnostics: [Diagnostic] = []
        var fence: (char: Character, count: Int, indent: Int)?
        var open: (kind: Kind, line: Int, checksum: String?)?
        var content: [String] = []
        // An HTML block cmark reads as HTML: fence lines inside it are not fences (fuzz regression
        // regenerate/fence-inside-html-block-hides-status-block.md).
        var html: HTMLBlock.End?
        let bytes = source.bytes
        for n in stride(from: 1, through: source.lineCount, by: 1) {
            // Only lines inside a block, and lines that could be a marker or a fence, become strings.
            if open == nil {
                let start = source.lineStarts[n - 1]
                let lineEnd = n < source.lineCount ? source.lineStarts[n] : bytes.count
                if let end = html {
                    if HTMLBlock.ends(end, bytes, start, lineEnd) { html = nil }
                    if html != nil || end != .blankLine { continue }
                }
                var k = start
                if n == 1, source.hasBOM { k += 3 }
                while k < bytes.count, bytes[k] == 0x20, k - start < 4 { k += 1 }
                if fence == nil, k - start < 4, k < lineEnd, bytes[k] == UInt8(ascii: "<"),
                   let end = HTMLBlock.start(bytes, k, lineEnd), !HTMLBlock.isManagedMarker(bytes, k, lineEnd) {
                    // Kinds 1-5 may end on their first line.
                    if end == .blankLine || !HTMLBlock.ends(end, bytes, k + 1, lineEnd) { html = end }
                    continue
                }
                // A fence opened inside a list item (indented) ends with the item: a non-blank line indented
                // less than the fence closes it, as cmark does (fuzz regression
                // regenerate/unclosed-fence-in-list-hides-status-block.md).
                if let f = fence, f.indent > 0, k - start < f.indent, k < bytes.count,
                   bytes[k] != 0x0A, bytes[k] != 0x0D {
                    fence = nil
                }
                guard k < bytes.count, bytes[k] == UInt8(ascii: "<") || bytes[k] == UInt8(ascii: "`") || bytes[k] == UInt8(ascii: "~") else { continue }
                // A fence line in ASCII (the usual case) is read from the bytes, without making a string.
                if asciiFastPath, bytes[k] != UInt8(ascii: "<"), let f = asciiFenceMarker(bytes, lineStart: n == 1 && source.hasBOM ? start + 3 : start,
                                                                            lineEnd: n < source.lineCount ? source.lineStarts[n] : bytes.count) {
                    if let marker = f.marker {
                        if let current = fence {
                            if marker.char == current.char, marker.count >= current.count, marker.infoEmpty { fence = nil }
                        } else {
                            fence = (marker.char, marker.count, f.indent)
                        }
                    }
                    continue
                }
            }
            var line = source.line(n)
            if n == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if let o = open {
                if line.trimmingTrailingSpaces == o.kind.closeMarker {
                    blocks.append(Block(kind: o.kind, openLine: o.line, closeLine: n, recordedChecksum: o.checksum,
                                        actualChecksum: checksum(ofLines: content)))
                    open = nil
                } else if let kind = openKind(line) {
                    diagnostics.append(unterminated(o.kind, line: o.line, source: source))
                    open = (kind, n, recordedChecksum(line))
                    content = []
                } else {
                    content.append(line)
                }
                continue
            }
            if let f = fenceMarker(line) {
                if let current = fence {
                    if f.char == current.char, f.count >= current.count, f.infoEmpty { fence = nil }
                } else {
                    fence = (f.char, f.count, line.prefix { $0 == " " }.count)
                }
                continue
            }
            if fence == nil, let kind = openKind(line) {
                open = (kind, n, recordedChecksum(line))
                content = []
            }
        }
        if let o = open { diagnostics.append(unterminated(o.kind, line: o.line, source: source)) }
        return (blocks, diagnostics)
    }

    static func unterminated(_ kind: Kind, line: Int, source: SourceText) -> Diagnostic {
        .error(.managedBlockUnterminated, "the fixlog:\(kind.rawValue) block opened here has no closing '\(kind.closeMarker)' line",
               file: source.path, range: SourceRange(line: line))
    }

    /// ``fenceMarker(_:)`` for a line given by its bytes (`lineEnd` after its line break, if any), when the line
    /// is ASCII; nil when it is not (the caller then reads it as a string). `marker` is nil when the line is
    /// no fence; `indent` is its number of leading spaces.
    static func asciiFenceMarker(_ bytes: [UInt8], lineStart: Int, lineEnd: Int)
        -> (marker: (char: Character, count: Int, infoEmpty: Bool)?, indent: Int)? {
        var end = lineEnd
        if end > lineStart, bytes[end - 1] == 0x0A { end -= 1 }
        if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
        var k = lineStart
        while k < end { if bytes[k] >= 0x80 { return nil }; k += 1 }
        var i = lineStart
        while i < end, bytes[i] == 0x20 { i += 1 }
        let indent = i - lineStart
        guard indent <= 3, i < end, bytes[i] == UInt8(ascii: "`") || bytes[i] == UInt8(ascii: "~") else { return (nil, indent) }
        let c = bytes[i]
        var j = i
        while j < end, bytes[j] == c { j += 1 }
        guard j - i >= 3 else { return (nil, indent) }
        var infoEmpty = true
        var backtick = false
        for b in bytes[j..<end] {
            if b != 0x20 && b != 0x09 { infoEmpty = false }
            if b == UInt8(ascii: "`") { backtick = true }
        }
        if c == UInt8(ascii: "`"), backtick { return (nil, indent) }
        return ((c == UInt8(ascii: "`") ? "`" : "~", j - i, infoEmpty), indent)
    }

    /// A code fence opener/closer: up to three spaces, then three or more backticks or tildes.
    static func fenceMarker(_ line: String) -> (char: Character, count: Int, infoEmpty: Bool)? {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count <= 3, let c = trimmed.first, c == "`" || c == "~" else { return nil }
        let run = trimmed.prefix { $0 == c }
        guard run.count >= 3 else { return nil }
        let info = trimmed.dropFirst(run.count).trimmingCharacters(in: .whitespaces)
        if c == "`", info.contains("`") { return nil }
        return (c, run.count, info.isEmpty)
    }

    /// A copy of the source in which every byte of every managed block (markers included), except line
    /// breaks, is a space: the ingester reads this copy, so status blocks never become records, changes or
    /// steps, while every offset and line number stays that of the real file.
    public static func masked(_ source: SourceText) -> SourceText {
        let blocks = scan(source).blocks
        guard !blocks.isEmpty else { return source }
        var bytes = source.bytes
        for b in blocks {
            let r = source.byteRange(of: source.range(ofLines: b.openLine, through: b.closeLine))
            for i in r where bytes[i] != 0x0A && bytes[i] != 0x0D && !(source.hasBOM && i < 3) { bytes[i] = 0x20 }
        }
        return SourceText(path: source.path, bytes: bytes)
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The HTML blocks of CommonMark that can interrupt a paragraph (kinds 1-6), as far as a line scanner can
/// tell them: how one starts and what ends it. (Kind 7, a lone tag, cannot interrupt a paragraph and is not
/// tracked.)
enum HTMLBlock {
    enum End: Equatable {
        /// A line containing one of these (lower-cased) strings ends the block, that line included.
        case marker([[UInt8]])
        /// A blank line ends the block (kind 6).
        case blankLine
    }

    static let rawTags = ["script", "pre", "style", "textarea"].map { Array($0.utf8) }
    static let rawEnds: End = .marker(["</script>", "</pre>", "</style>", "</textarea>"].map { Array($0.utf8) })
    static let blockTags: Set<[UInt8]> = Set([
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col", "colgroup",
        "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frame",
        "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe", "legend", "li", "link",
        "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p", "param", "section", "source",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
    ].map { Array($0.utf8) })

    static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }

    static func hasPrefix(_ bytes: [UInt8], _ at: Int, _ end: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        guard at + p.count <= end else { return false }
        for (i, c) in p.enumerated() where lower(bytes[at + i]) != c { return false }
        return true
    }

    /// The end condition of an HTML block starting at `at` (a `<`), or nil when none starts there.
    static func start(_ bytes: [UInt8], _ at: Int, _ end: Int) -> End? {
        if hasPrefix(bytes, at, end, "<!--") { return .marker([Array("-->".utf8)]) }
        if hasPrefix(bytes, at, end, "<?") { return .marker([Array("?>".utf8)]) }
        if hasPrefix(bytes, at, end, "<![cdata[") { return .marker([Array("]]>".utf8)]) }
        if at + 2 < end, bytes[at + 1] == UInt8(ascii: "!"), (lower(bytes[at + 2]) >= 97 && lower(bytes[at + 2]) <= 122) {
            return .marker([Array(">".utf8)])
        }
        var i = at + 1
        let closing = i < end && bytes[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        var name: [UInt8] = []
        while i < end, (lower(bytes[i]) >= 97 && lower(bytes[i]) <= 122) || (bytes[i] >= 48 && bytes[i] <= 57) {
            name.append(lower(bytes[i]))
            i += 1
        }
        guard !name.isEmpty else { return nil }
        let after: UInt8? = i < end ? bytes[i] : nil
        let boundary = after == nil || after == 0x20 || after == 0x09 || after == 0x0A || after == 0x0D || after == UInt8(ascii: ">")
        if !closing, rawTags.contains(name), boundary { return rawEnds }
        if blockTags.contains(name), boundary || (after == UInt8(ascii: "/") && i + 1 < end && bytes[i + 1] == UInt8(ascii: ">")) {
            return .blankLine
        }
        return nil
    }

    /// Whether the line `from..<end` ends a block with this end condition.
    static func ends(_ condition: End, _ bytes: [UInt8], _ from: Int, _ end: Int) -> Bool {
        switch condition {
        case .blankLine:
            return bytes[from..<end].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        case .marker(let needles):
            for needle in needles where needle.count <= end - from {
                for i in from...(end - needle.count) where needle.indices.allSatisfy({ lower(bytes[i + $0]) == needle[$0] }) {
                    return true
                }
            }
            return false
        }
    }

    /// fixlog's own markers are HTML comments too; they are handled as markers, not skipped as HTML.
    static func isManagedMarker(_ bytes: [UInt8], _ at: Int, _ end: Int) -> Bool {
        hasPrefix(bytes, at, end, "<!-- fixlog:") || hasPrefix(bytes, at, end, "<!-- /fixlog:")
    }
}
