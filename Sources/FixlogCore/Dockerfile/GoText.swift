/// Byte-level text helpers that reproduce the Go standard library functions BuildKit's parser relies on
/// (`utf8.DecodeRune`, `unicode.IsSpace`, `strings.TrimSpace`, `strings.ToLower`, `strconv.Quote`).
///
/// BuildKit works on Go strings, which are byte strings that may hold invalid UTF-8. These helpers keep
/// the exact bytes where the dump needs them and decode exactly as Go does elsewhere (one U+FFFD per
/// invalid byte).
enum GoText {
    static let replacement: UInt32 = 0xFFFD

    /// Go `utf8.DecodeRune`: the scalar at `i` and its width; `(0xFFFD, 1)` for an invalid byte.
    @inline(__always)
    static func decodeRune<C: RandomAccessCollection>(_ b: C, _ i: C.Index) -> (UInt32, Int)
    where C.Element == UInt8, C.Index == Int {
        decodeRune(b, i, end: b.endIndex)
    }

    /// ``decodeRune(_:_:)`` of the bytes before `end` (a sub-range, without slicing).
    @inline(__always)
    static func decodeRune<C: RandomAccessCollection>(_ b: C, _ i: Int, end: Int) -> (UInt32, Int)
    where C.Element == UInt8, C.Index == Int {
        let b0 = b[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        let len: Int
        switch b0 {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return (replacement, 1)
        }
        if i + len > end { return (replacement, 1) }
        let b1 = b[i + 1]
        if b1 < lo || b1 > hi { return (replacement, 1) }
        if len == 2 { return (UInt32(b0 & 0x1F) << 6 | UInt32(b1 & 0x3F), 2) }
        let b2 = b[i + 2]
        if b2 & 0xC0 != 0x80 { return (replacement, 1) }
        if len == 3 {
            return (UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(b2 & 0x3F), 3)
        }
        let b3 = b[i + 3]
        if b3 & 0xC0 != 0x80 { return (replacement, 1) }
        return (UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(b2 & 0x3F) << 6 | UInt32(b3 & 0x3F), 4)
    }

    /// Appends the UTF-8 encoding of a scalar value (surrogates and out-of-range values become U+FFFD).
    @inline(__always)
    static func appendRune(_ r: UInt32, to out: inout [UInt8]) {
        var r = r
        if (0xD800...0xDFFF).contains(r) || r > 0x10FFFF { r = replacement }
        switch r {
        case 0..<0x80:
            out.append(UInt8(r))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (r >> 6)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (r >> 12)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (r >> 18)))
            out.append(UInt8(0x80 | ((r >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        }
    }

    /// Go `unicode.IsSpace`.
    @inline(__always)
    static func isSpace(_ r: UInt32) -> Bool {
        if r <= 0xFF {
            switch r {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0: return true
            default: return false
            }
        }
        switch r {
        case 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// A byte read as a Latin-1 rune, tested with `unicode.IsSpace` (BuildKit's byte-wise scans).
    @inline(__always)
    static func isLatin1Space(_ b: UInt8) -> Bool { isSpace(UInt32(b)) }

    /// The characters of BuildKit's `reWhitespace` (`[\t\v\f\r ]`).
    @inline(__always)
    static func isSplitSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x0D
    }

    /// Go regexp `\s` (`[\t\n\f\r ]`).
    @inline(__always)
    static func isRegexSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D
    }

    /// Index of the first byte that does not start a Unicode white-space rune.
    static func leftTrimIndex(_ b: ArraySlice<UInt8>) -> Int {
        var i = b.startIndex
        while i < b.endIndex {
            let (r, w) = decodeRune(b, i)
            if !isSpace(r) { break }
            i += w
        }
        return i
    }

    /// Index of the first byte of `p[lo..<hi]` that does not start a Unicode white-space rune.
    @inline(__always)
    static func leftTrimIndex(_ p: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int {
        var i = lo
        while i < hi {
            let c = p[i]
            if c < 0x80 {
                if c == 0x20 || (c >= 0x09 && c <= 0x0D) { i += 1; continue }
                break
            }
            let (r, w) = decodeRune(p, i, end: hi)
            if !isSpace(r) { break }
            i += w
        }
        return i
    }

    /// Go `strings.TrimSpace` of `p[lo..<hi]`, as the bounds of what is left.
    @inline(__always)
    static func trimSpace(_ p: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> (Int, Int) {
        let start = leftTrimIndex(p, lo, hi)
        // From the end: an ASCII byte is always a rune of its own (also in Go's decoding of invalid UTF-8), so
        // trailing ASCII white space ends at the last ASCII non-space byte; a non-ASCII byte sends the search back
        // to the forward decoding below.
        var k = hi
        while k > start {
            let c = p[k - 1]
            if c >= 0x80 { break }
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { k -= 1; continue }
            return (start, k)
        }
        if k == start { return (start, start) }
        var end = start
        var i = start
        while i < hi {
            let (r, w) = decodeRune(p, i, end: hi)
            i += w
            if !isSpace(r) { end = i }
        }
        return (start, end)
    }

    /// Go `bytes.TrimLeftFunc(b, unicode.IsSpace)`.
    static func trimLeftSpace(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        b[leftTrimIndex(b)...]
    }

    /// Go `strings.TrimSpace`.
    static func trimSpace(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let start = leftTrimIndex(b)
        // Fast path from the end: an ASCII byte is always a rune of its own (also in Go's decoding of invalid
        // UTF-8), so trailing ASCII white space ends at the last ASCII non-space byte. A non-ASCII byte sends
        // the search back to the forward decoding below.
        var k = b.endIndex
        while k > start {
            let c = b[k - 1]
            if c >= 0x80 { break }
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { k -= 1; continue }
            return b[start..<k]
        }
        if k == start { return b[start..<start] }
        var end = start
        var i = start
        while i < b.endIndex {
            let (r, w) = decodeRune(b, i)
            i += w
            if !isSpace(r) { end = i }
        }
        return b[start..<end]
    }

    /// A Go string converted the way Go converts it to runes (one U+FFFD per invalid byte).
    static func string<C: RandomAccessCollection>(_ b: C) -> String where C.Element == UInt8, C.Index == Int {
        if let fast = b.withContiguousStorageIfAvailable({ string(buffer: $0) }) { return fast }
        return Array(b).withUnsafeBufferPointer { string(buffer: $0) }
    }

    /// ``string(_:)`` for an array slice (the parser's common case), without generic dispatch.
    @inline(__always)
    static func string(_ b: ArraySlice<UInt8>) -> String { b.withUnsafeBufferPointer { string(buffer: $0) } }

    /// ``string(_:)`` for an array.
    @inline(__always)
    static func string(_ b: [UInt8]) -> String { b.withUnsafeBufferPointer { string(buffer: $0) } }

    static func string(buffer b: UnsafeBufferPointer<UInt8>) -> String {
        // Valid UTF-8 (Go and Swift agree on validity) decodes identically; Swift's repair of invalid bytes
        // differs from Go's (one U+FFFD per maximal subpart, not per byte), so that case decodes here.
        if isValidUTF8(b) { return String(decoding: b, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < b.count {
            let (r, w) = decodeRune(b, i)
            scalars.append(Unicode.Scalar(r) ?? "\u{FFFD}")
            i += w
        }
        return String(scalars)
    }

    /// Whether the bytes are well-formed UTF-8 (ASCII runs checked eight bytes at a time).
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let count = b.count
        var i = 0
        while i < count {
            if i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            if b[i] < 0x80 { i += 1; continue }
            let (r, w) = decodeRune(b, i)
            if w == 1 && r == replacement { return false }
            i += w
        }
        return true
    }

    /// Runes of a byte string, Go style.
    static func runes<C: RandomAccessCollection>(_ b: C) -> [UInt32] where C.Element == UInt8, C.Index == Int {
        var out: [UInt32] = []
        out.reserveCapacity(b.count)
        var i = b.startIndex
        while i < b.endIndex {
            let (r, w) = decodeRune(b, i)
            out.append(r)
            i += w
        }
        return out
    }

    static func bytes(ofRunes runes: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(runes.count)
        for r in runes { appendRune(r, to: &out) }
        return out
    }

    /// Go `strings.ToLower` (simple case mapping; invalid bytes become U+FFFD).
    static func lower(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if scalar.value == 0x130 { out.append("i"); continue }  // simple mapping of U+0130
            let mapped = scalar.properties.lowercaseMapping.unicodeScalars
            if mapped.count == 1, let m = mapped.first { out.append(m) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// Go `unicode.IsPrint` / `strconv.IsPrint`.
    static func isPrint(_ r: UInt32) -> Bool {
        if r < 0x80 { return r >= 0x20 && r < 0x7F }
        if r < 0x100 { return r >= 0xA1 && r != 0xAD }
        guard let scalar = Unicode.Scalar(r) else { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Go `strconv.Quote` over raw bytes.
    static func quote<C: RandomAccessCollection>(_ b: C) -> String where C.Element == UInt8, C.Index == Int {
        var out: [UInt8] = [0x22]
        out.reserveCapacity(b.count + 2)
        var i = b.startIndex
        while i < b.endIndex {
            let (r, w) = decodeRune(b, i)
            if w == 1 && r == replacement {
                out.append(contentsOf: [0x5C, 0x78, hexDigits[Int(b[i] >> 4)], hexDigits[Int(b[i] & 0xF)]])
                i += 1
                continue
            }
            i += w
            appendQuotedRune(r, to: &out)
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// Go `strconv.Quote` over a valid string.
    static func quote(_ s: String) -> String { quote(Array(s.utf8)) }

    private static func appendQuotedRune(_ r: UInt32, to out: inout [UInt8]) {
        if r == 0x22 || r == 0x5C {
            out.append(0x5C)
            out.append(UInt8(r))
            return
        }
        if isPrint(r) {
            appendRune(r, to: &out)
            return
        }
        switch r {
        case 0x07: out.append(contentsOf: [0x5C, UInt8(ascii: "a")])
        case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x0B: out.append(contentsOf: [0x5C, UInt8(ascii: "v")])
        default:
            if r < 0x20 || r == 0x7F {
                out.append(contentsOf: [0x5C, 0x78, hexDigits[Int(r >> 4)], hexDigits[Int(r & 0xF)]])
            } else if r < 0x10000 {
                out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int((r >> UInt32(shift)) & 0xF)]) }
            } else {
                out.append(contentsOf: [0x5C, UInt8(ascii: "U")])
                for shift in stride(from: 28, through: 0, by: -4) { out.append(hexDigits[Int((r >> UInt32(shift)) & 0xF)]) }
            }
        }
    }

    /// Go `unicode.IsDigit` (category Nd).
    static func isDigit(_ r: UInt32) -> Bool {
        if r < 0x80 { return r >= 0x30 && r <= 0x39 }
        guard let s = Unicode.Scalar(r) else { return false }
        return s.properties.generalCategory == .decimalNumber
    }

    /// Go `unicode.IsLetter` (category L).
    static func isLetter(_ r: UInt32) -> Bool {
        if r < 0x80 { return (r >= 0x41 && r <= 0x5A) || (r >= 0x61 && r <= 0x7A) }
        guard let s = Unicode.Scalar(r) else { return false }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}
