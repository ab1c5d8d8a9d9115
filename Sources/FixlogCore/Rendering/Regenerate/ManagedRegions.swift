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
        // Every marker, opening or closing, holds `fixlog:`; most logs have none (one memchr pass).
        guard source.contains(Self.markerWord) else { return ([], []) }
        // Which lines are code or HTML content is cmark's call, not a line scanner's: fences in list items,
        // fences indented 1-3 spaces, fence lines inside HTML blocks all fooled the earlier scanner (fuzz
        // regressions regenerate/unclosed-fence-in-list-…, fence-inside-html-block-…, indented-fences-in-list-…).
        let hidden = hiddenLines(source)
        var blocks: [Block] = []
        var diagnostics: [Diagnostic] = []
        var open: (kind: Kind, line: Int, checksum: String?)?
        var content: [String] = []
        let bytes = source.bytes
        for n in stride(from: 1, through: source.lineCount, by: 1) {
            // Only lines inside a block, and lines that could be a marker, become strings.
            if open == nil {
                if hidden[n] { continue }
                let start = source.lineStarts[n - 1]
                var k = start
                if n == 1, source.hasBOM { k += 3 }
                guard k < bytes.count, bytes[k] == UInt8(ascii: "<") else { continue }
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
            if let kind = openKind(line) {
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

    /// Per line (index = line number): true when cmark reads it as the content of a code block (fences
    /// included) or as a later line of an HTML block — a marker there is text, not a marker.
    static func hiddenLines(_ source: SourceText) -> [Bool] {
        var hidden = [Bool](repeating: false, count: source.lineCount + 2)
        let document = MarkdownDocument(source: source.replacingInvalidBytes())
        func mark(_ node: MarkdownNode) {
            guard node.kind.isBlock else { return }
            if let r = node.range, r.start.line >= 1 {
                let last = min(r.end.line, source.lineCount)
                switch node.kind {
                case .codeBlock:
                    if r.start.line <= last { for n in r.start.line...last { hidden[n] = true } }
                    return
                case .htmlBlock:
                    if r.start.line + 1 <= last { for n in (r.start.line + 1)...last { hidden[n] = true } }
                    return
                default: break
                }
            }
            for child in node.children { mark(child) }
        }
        mark(document.root)
        return hidden
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
