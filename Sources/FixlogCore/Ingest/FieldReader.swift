import Foundation

/// Reads `**Name:** value` fields (also `**Name**: value`, `__Name:__ value`) from the source lines of a block.
enum FieldReader {
    struct RawField {
        var name: String
        var value: String
        var line: Int
        /// Byte column (1-based) where the value starts on its line.
        var valueColumn: Int
        var range: SourceRange
    }

    static func fields(in block: MarkdownNode, source: SourceText) -> [RawField] {
        guard let range = block.range else { return [] }
        var out: [RawField] = []
        for line in range.start.line...max(range.start.line, range.end.line) {
            if let f = field(onLine: line, source: source) { out.append(f) }
        }
        return out
    }

    static func field(onLine line: Int, source: SourceText) -> RawField? {
        // Most lines do not start with `**` or `__` (after a quote or bullet marker): rejected on the source
        // bytes, before any string is made. The test below is the one on the line's string, which has the same
        // bytes up to the first non-ASCII one (invalid UTF-8 becomes U+FFFD, also non-ASCII).
        let lineRange = source.lineByteRange(line)
        let startsWithMarkerPair = source.bytes.withUnsafeBufferPointer { all -> Bool in
            markerPairStart(UnsafeBufferPointer(rebasing: all[lineRange])) != nil
        }
        guard startsWithMarkerPair else { return nil }
        let text = source.line(line)
        let b = Array(text.utf8)
        guard let i = b.withUnsafeBufferPointer({ markerPairStart($0) }) else { return nil }
        let marker = b[i]
        let nameStart = i + 2
        var j = nameStart
        while j + 1 < b.count, !(b[j] == marker && b[j + 1] == marker) { j += 1 }
        guard j + 1 < b.count else { return nil }
        var name = String(decoding: b[nameStart..<j], as: UTF8.self).trimmedSpaces
        var k = j + 2
        var hasColon = false
        if name.hasSuffix(":") || name.hasSuffix("：") { name.removeLast(); hasColon = true }
        while k < b.count, b[k] == 32 { k += 1 }
        if !hasColon, k < b.count, b[k] == UInt8(ascii: ":") { hasColon = true; k += 1 }
        guard hasColon, !name.isEmpty, name.count <= 40 else { return nil }
        while k < b.count, b[k] == 32 || b[k] == 9 { k += 1 }
        let value = String(decoding: b[k...], as: UTF8.self).trimmedSpaces
        return RawField(name: TitleReader.stripDecoration(name).trimmedSpaces, value: value,
                        line: line, valueColumn: k + 1,
                        range: SourceRange(start: SourceLocation(line: line, column: 1),
                                            end: SourceLocation(line: line, column: b.count + 1)))
    }

    /// Where a field's `**` or `__` starts on a line (after white space, quote markers and a bullet), or nil
    /// when the line does not start with one followed by at least one more byte.
    static func markerPairStart(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == UInt8(ascii: ">") { i += 1 }
        if i + 1 < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "*") || b[i] == UInt8(ascii: "+"), b[i + 1] == 32 {
            i += 2
            while i < b.count, b[i] == 32 { i += 1 }
        }
        guard i + 2 < b.count, (b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "*"))
            || (b[i] == UInt8(ascii: "_") && b[i + 1] == UInt8(ascii: "_"))
        else { return nil }
        return i
    }

    /// A bold label standing alone: `**Before:**`, `**After** (lines 24-51)`, `**Builder Stage Changes:**`.
    /// Returns the label text and the rest of the line.
    static func label(of block: MarkdownNode) -> (label: String, rest: String)? {
        guard block.kind == .paragraph,
            block.children.withUnsafeBufferPointer({ !$0.isEmpty && ($0[0].kind == .strong || $0[0].kind == .emphasis) })
        else {
            return nil
        }
        let rest: String
        switch block.children.count {
        case 1: rest = ""
        case 2: rest = block.children.withUnsafeBufferPointer { $0[1].plainText.trimmedSpaces }
        default: rest = block.children.dropFirst().map(\.plainText).joined().trimmedSpaces
        }
        // A label paragraph is short: the rest is a colon, a line reference, or nothing. (Counted up to the
        // limit only: the rest of a list item's paragraph can be long.)
        // (A slice: the rest of a long paragraph is not copied to be rejected.)
        let restCore = rest.hasPrefix(":") ? rest.dropFirst().trimmedSpacesSlice : Substring(rest)
        guard restCore.isEmpty || (restCore.hasPrefix("(") && restCore.dropFirst(39).isEmpty) || restCore.dropFirst(2).isEmpty
        else { return nil }
        var label = block.children.withUnsafeBufferPointer { $0[0].plainText.trimmedSpaces }
        if label.hasSuffix(":") || label.hasSuffix("：") { label.removeLast() }
        return (label.trimmedSpaces, String(restCore))
    }

    /// Text inside the first pair of backticks (`Dockerfile`), or nil.
    static func firstCodeSpan(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "`") else { return nil }
        let after = text.index(after: open)
        guard let close = text[after...].firstIndex(of: "`") else { return nil }
        let value = String(text[after..<close]).trimmedSpaces
        return value.isEmpty ? nil : value
    }

    /// The first word that looks like a file path naming a Dockerfile (`backend/Dockerfile`, `Dockerfile.prod`).
    static func dockerfileName(in text: String) -> String? {
        if cannotNameDockerfile(text) { return nil }
        if let code = firstCodeSpan(text), looksLikeDockerfilePath(code) { return code }
        for word in text.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "," || $0 == "`" || $0 == "*" }) {
            var w = String(word)
            while let last = w.last, ":.;".contains(last) { w.removeLast() }
            if looksLikeDockerfilePath(w) { return w }
        }
        return nil
    }

    private static let dockerfileWord = Array("dockerfile".utf8)
    private static let containerfileWord = Array("containerfile".utf8)

    /// True when `text` is ASCII and holds neither "dockerfile" nor "containerfile" in any letter case:
    /// every name `looksLikeDockerfilePath` accepts holds one of them.
    static func cannotNameDockerfile(_ text: String) -> Bool {
        var lower: [UInt8] = []
        lower.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            if b >= 0x80 { return false }
            lower.append(b >= 65 && b <= 90 ? b + 32 : b)
        }
        return String.find(dockerfileWord, in: lower, from: 0) == nil
            && String.find(containerfileWord, in: lower, from: 0) == nil
    }

    static func looksLikeDockerfilePath(_ s: String) -> Bool {
        guard !s.contains(" "), !s.isEmpty else { return false }
        let name = s.split(separator: "/").last.map(String.init) ?? s
        let lower = name.lowercased()
        if s.hasPrefix("docker/dockerfile") { return false }  // syntax directive image
        return name.hasPrefix("Dockerfile") || name.hasPrefix("Containerfile") || lower.hasSuffix(".dockerfile")
            || name.hasSuffix("Dockerfile") || lower == "dockerfile"
    }
}
