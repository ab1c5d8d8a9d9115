/// Byte-level string helpers for the ingester's hot paths (Foundation's string search is far slower and
/// locale-aware, which fixlog does not want anyway).
extension StringProtocol {
    /// Trims ASCII white space (space, tab, CR, LF, FF, VT) at both ends.
    var trimmedSpaces: String { String(trimmedSpacesSlice) }

    /// ``trimmedSpaces`` without a copy.
    var trimmedSpacesSlice: Substring {
        let s = Substring(self)
        let u = s.utf8
        guard let first = u.firstIndex(where: { !String.isSpace($0) }) else { return s[s.endIndex...] }
        let last = u.lastIndex(where: { !String.isSpace($0) }) ?? first
        return s[first...last]
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The offsets `from..<to` without the ASCII white space (``String/isSpace(_:)``) at both ends.
    func trimmedSpaces(_ from: Int, _ to: Int) -> (Int, Int) {
        var from = from, to = to
        while from < to, String.isSpace(self[from]) { from += 1 }
        while to > from, String.isSpace(self[to - 1]) { to -= 1 }
        return (from, to)
    }

    /// Whether every byte is ASCII and none is a carriage return: then every character is one byte (no CRLF
    /// grapheme, no multi-byte scalar) and every white-space character an ASCII one, so byte tests decide as
    /// character tests do.
    var isASCIIWithoutCR: Bool { !contains { $0 >= 0x80 || $0 == 0x0D } }

    /// The text of a comment line (`# …`, `## …`): the offsets after its leading `#`s, trimmed; nil when the
    /// trimmed line does not start with `#`.
    func commentBody() -> (Int, Int)? {
        var (start, end) = trimmedSpaces(0, count)
        guard start < end, self[start] == UInt8(ascii: "#") else { return nil }
        while start < end, self[start] == UInt8(ascii: "#") { start += 1 }
        return trimmedSpaces(start, end)
    }
}

extension String {
    /// Trims ASCII white space at both ends; the string itself when there is none (no copy).
    var trimmedSpaces: String {
        let u = utf8
        guard let first = u.first, let last = u.last else { return self }
        if !Self.isSpace(first) && !Self.isSpace(last) { return self }
        return Substring(self).trimmedSpaces
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// The byte range of the first occurrence of `needle`, or nil.
    func byteRange(of needle: String) -> Range<Int>? {
        var hay = self, needle = needle
        return hay.withUTF8 { h in needle.withUTF8 { n in Self.find(n, in: h, from: 0) } }
    }

    func containsBytes(_ needle: String) -> Bool { byteRange(of: needle) != nil }

    /// The byte range of the last occurrence of `needle`, or nil.
    func lastByteRange(of needle: String) -> Range<Int>? {
        var hay = self, needle = needle
        return hay.withUTF8 { h in
            needle.withUTF8 { n -> Range<Int>? in
                guard !n.isEmpty, h.count >= n.count else { return nil }
                var i = h.count - n.count
                while i >= 0 {
                    if h[i] == n[0] {
                        var k = 1
                        while k < n.count, h[i + k] == n[k] { k += 1 }
                        if k == n.count { return i..<i + n.count }
                    }
                    i -= 1
                }
                return nil
            }
        }
    }

    /// The string index of a byte offset (which must fall on a scalar boundary).
    func index(atByte offset: Int) -> String.Index {
        utf8.index(utf8.startIndex, offsetBy: offset)
    }

    /// Replaces every occurrence of `target` (byte-wise).
    func replacingBytes(_ target: String, with replacement: String) -> String {
        let hay = Array(utf8), t = Array(target.utf8), r = Array(replacement.utf8)
        guard !t.isEmpty, hay.count >= t.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(hay.count)
        var i = 0
        var changed = false
        while i < hay.count {
            if hay[i] == t[0], i + t.count <= hay.count, hay[i..<i + t.count].elementsEqual(t) {
                out += r
                i += t.count
                changed = true
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : self
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int = 0) -> Range<Int>? {
        needle.withUnsafeBufferPointer { n in hay.withUnsafeBufferPointer { h in find(n, in: h, from: start) } }
    }

    static func find(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int>? {
        guard !needle.isEmpty, hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let end = hay.count - needle.count
        while i <= end {
            if hay[i] == first {
                var k = 1
                while k < needle.count, hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i..<i + needle.count }
            }
            i += 1
        }
        return nil
    }
}
