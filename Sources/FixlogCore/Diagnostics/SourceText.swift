import Foundation

/// The exact bytes of a text input plus a line table, so that every model node can be traced back to
/// (and reproduced from) the bytes it came from.
public struct SourceText: Sendable, Hashable {
    /// The path as the user named it.
    public var path: String
    public var bytes: [UInt8]
    /// Byte offset of the first byte of each line (line 1 at index 0).
    public let lineStarts: [Int]

    /// Inputs larger than this are refused without being read into memory.
    public static let maximumSize = 64 * 1024 * 1024

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        self.lineStarts = Self.lineStarts(of: bytes)
    }

    /// The offset of each line's first byte: the line feeds are found eight bytes at a time; in a file over 64 KiB
    /// they are counted first so the table is allocated once, at its size (a large table grown by doubling leaves
    /// freed blocks behind that can push the heap past the allocator's trim threshold).
    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        bytes.withUnsafeBufferPointer { buffer -> [Int] in
            guard let base = buffer.baseAddress else { return [0] }
            let count = buffer.count
            if count <= 1 << 16 {
                // A small file: one pass, into a table sized for lines of 16 bytes on average (it grows if need be).
                var starts: [Int] = []
                starts.reserveCapacity(count >> 4 + 2)
                starts.append(0)
                var i = 0
                while i + 8 <= count {
                    var mask = lineFeedMask(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                    while mask != 0 {
                        let next = i + (mask.trailingZeroBitCount >> 3) + 1
                        if next < count { starts.append(next) }
                        mask &= mask &- 1
                    }
                    i += 8
                }
                while i < count {
                    if base[i] == 0x0A, i + 1 < count { starts.append(i + 1) }
                    i += 1
                }
                return starts
            }
            var lines = 1
            var i = 0
            while i + 8 <= count {
                // One bit per line-feed byte (bit 0 of the byte): multiplying sums the eight bytes into the top one.
                let ones = lineFeedMask(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))) >> 7
                lines += Int(truncatingIfNeeded: (ones &* 0x0101_0101_0101_0101) >> 56)
                i += 8
            }
            while i < count {
                if base[i] == 0x0A { lines += 1 }
                i += 1
            }
            return [Int](unsafeUninitializedCapacity: lines) { starts, filled in
                // `lines` bounds the entries: one per line feed, plus the first line.
                var n = 1
                starts[0] = 0
                var i = 0
                while i + 8 <= count {
                    var mask = lineFeedMask(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                    while mask != 0 {
                        // Bytes load little-endian: byte k of the word is bits 8k..8k+7.
                        let next = i + (mask.trailingZeroBitCount >> 3) + 1
                        if next < count, n < lines { starts[n] = next; n += 1 }
                        mask &= mask &- 1
                    }
                    i += 8
                }
                while i < count {
                    if base[i] == 0x0A, i + 1 < count, n < lines { starts[n] = i + 1; n += 1 }
                    i += 1
                }
                filled = n
            }
        }
    }

    /// The high bit of every zero byte of `x` (exact: no carry crosses a byte).
    @inline(__always)
    static func zeroByteMask(_ x: UInt64) -> UInt64 {
        let nonzero = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
        return ~nonzero & 0x8080_8080_8080_8080
    }

    /// The high bit of every byte of `word` that is a line feed (exact: no carry crosses a byte).
    @inline(__always)
    static func lineFeedMask(_ word: UInt64) -> UInt64 {
        let x = word ^ 0x0A0A_0A0A_0A0A_0A0A
        let nonzero = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
        return ~nonzero & 0x8080_8080_8080_8080
    }

    /// The text `bytes`, which are `old`'s bytes with `edits` applied (old byte ranges, ascending and not
    /// overlapping, and their replacements): the line table is `old`'s, shifted past each edit, with the line
    /// breaks of the edited ranges taken out and those of the replacements put in — the same table as
    /// ``init(path:bytes:)`` builds, without reading the whole text again.
    init(path: String, bytes: [UInt8], editing old: SourceText, with edits: [(range: Range<Int>, replacement: String)]) {
        var expected = old.bytes.count
        var ascending = true
        var last = 0
        for e in edits {
            if e.range.lowerBound < last || e.range.upperBound > old.bytes.count { ascending = false; break }
            last = e.range.upperBound
            expected += e.replacement.utf8.count - e.range.count
        }
        guard ascending, expected == bytes.count else {
            self.init(path: path, bytes: bytes, lineStarts: Self.lineStarts(of: bytes))
            return
        }
        // The old table, plus the start after a final line feed (the plain table leaves out a start at the very end,
        // but text inserted there begins a line).
        let table = old.lineStarts
        let oldCount = table.count + (old.bytes.last == 0x0A ? 1 : 0)
        let end = old.bytes.count
        @inline(__always) func oldStart(_ k: Int) -> Int { k < table.count ? table[k] : end }
        var starts: [Int] = []
        starts.reserveCapacity(oldCount + 8)
        var delta = 0
        var k = 0
        for e in edits {
            // Line starts up to the edit's start keep their place (their line feed lies before the edit).
            while k < oldCount, oldStart(k) <= e.range.lowerBound {
                starts.append(oldStart(k) + delta)
                k += 1
            }
            // Those whose line feed lies inside the edited range go; the replacement's line feeds start lines.
            while k < oldCount, oldStart(k) <= e.range.upperBound { k += 1 }
            var at = e.range.lowerBound + delta
            for byte in e.replacement.utf8 {
                at += 1
                if byte == 0x0A { starts.append(at) }
            }
            delta += e.replacement.utf8.count - e.range.count
        }
        while k < oldCount {
            starts.append(oldStart(k) + delta)
            k += 1
        }
        // As the plain table: line 1 starts at 0; no line starts at the very end (after a final line feed).
        while starts.count > 1, let l = starts.last, l >= bytes.count { starts.removeLast() }
        if starts.isEmpty { starts = [0] }
        self.init(path: path, bytes: bytes, lineStarts: starts)
    }

    private init(path: String, bytes: [UInt8], lineStarts: [Int]) {
        self.path = path
        self.bytes = bytes
        self.lineStarts = lineStarts
    }

    /// Whether the bytes at `range` read as `text` (compared as bytes; as strings, canonically, only when the
    /// bytes differ and either side is not ASCII — what `text(_:) == text` decides).
    public func holds(_ text: String, at range: Range<Int>) -> Bool {
        let slice = bytes[range]
        if slice.elementsEqual(text.utf8) { return true }
        if !slice.contains(where: { $0 >= 0x80 }) && !text.utf8.contains(where: { $0 >= 0x80 }) { return false }
        return String(decoding: slice, as: UTF8.self) == text
    }

    public init(path: String, string: String) {
        self.init(path: path, bytes: Array(string.utf8))
    }

    public var lineCount: Int { bytes.isEmpty ? 0 : lineStarts.count }
    public var hasBOM: Bool { bytes.starts(with: [0xEF, 0xBB, 0xBF]) }
    public var endsWithNewline: Bool { bytes.last == UInt8(ascii: "\n") }
    /// True when the first line break is CRLF.
    public var usesCRLF: Bool {
        guard let nl = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return false }
        return nl > 0 && bytes[nl - 1] == UInt8(ascii: "\r")
    }

    /// Byte offset of a location (clamped into the file).
    public func offset(of location: SourceLocation) -> Int {
        guard !bytes.isEmpty else { return 0 }
        if location.line > lineStarts.count { return bytes.count }
        let line = max(1, location.line)
        return min(bytes.count, lineStarts[line - 1] + max(0, location.column - 1))
    }

    /// The location of a byte offset.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), bytes.count)
        // binary search for the last line start <= offset
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(line: lo + 1, column: offset - lineStarts[lo] + 1)
    }

    /// The location just past the last byte.
    public var endLocation: SourceLocation { location(ofOffset: bytes.count) }

    public func byteRange(of range: SourceRange) -> Range<Int> {
        let a = offset(of: range.start), b = offset(of: range.end)
        return a..<max(a, b)
    }

    public func slice(_ range: SourceRange) -> ArraySlice<UInt8> { bytes[byteRange(of: range)] }

    public func text(_ range: SourceRange) -> String { String(decoding: slice(range), as: UTF8.self) }

    /// Whether the bytes hold `needle` anywhere (sixteen positions at a time).
    public func contains(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count >= 2 else { return Self.find(first, in: bytes, from: 0) != nil }
        let second = needle[1]
        return bytes.withUnsafeBufferPointer { hay -> Bool in
            guard let base = hay.baseAddress else { return false }
            let count = hay.count
            func matches(at k: Int) -> Bool {
                guard k + needle.count <= count else { return false }
                for j in 2..<needle.count where hay[k + j] != needle[j] { return false }
                return true
            }
            // Sixteen positions at a time (vector compares): where the first two bytes of the needle are, then a compare.
            var i = 0
            let f16 = SIMD16<UInt8>(repeating: first), s16 = SIMD16<UInt8>(repeating: second)
            while i + 17 <= count {
                let a = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
                let b = UnsafeRawPointer(base + i + 1).loadUnaligned(as: SIMD16<UInt8>.self)
                let hit = (a .== f16) .& (b .== s16)
                if any(hit) {
                    for j in 0..<16 where hit[j] && matches(at: i + j) { return true }
                }
                i += 16
            }
            // Then eight at a time.
            let ones: UInt64 = 0x0101_0101_0101_0101
            let f = ones &* UInt64(first), s = ones &* UInt64(second)
            while i + 9 <= count {
                let a = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let b = UInt64(littleEndian: UnsafeRawPointer(base + i + 1).loadUnaligned(as: UInt64.self))
                var mask = Self.zeroByteMask(a ^ f) & Self.zeroByteMask(b ^ s)
                while mask != 0 {
                    if matches(at: i + mask.trailingZeroBitCount >> 3) { return true }
                    mask &= mask &- 1
                }
                i += 8
            }
            while i + 1 < count {
                if hay[i] == first, hay[i + 1] == second, matches(at: i) { return true }
                i += 1
            }
            return false
        }
    }

    /// The byte offsets of line `n` (1-based) without its line ending (empty when there is no such line).
    public func lineByteRange(_ n: Int) -> Range<Int> {
        guard n >= 1, n <= lineStarts.count else { return 0..<0 }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }

    /// Line `n` (1-based) without its line ending.
    public func line(_ n: Int) -> String {
        guard n >= 1, n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The range covering whole lines `first...last` including the final line ending.
    public func range(ofLines first: Int, through last: Int) -> SourceRange {
        let a = offset(of: SourceLocation(line: first, column: 1))
        let b = last < lineStarts.count ? lineStarts[last] : bytes.count
        return SourceRange(start: location(ofOffset: a), end: location(ofOffset: b))
    }
}

extension SourceText {
    /// Reads a file, refusing what is missing, unreadable, too large or not text. Problems come back as
    /// diagnostics located in that file; the text is nil when it cannot be used at all.
    public static func load(path: String, displayPath: String? = nil, maximumSize: Int = SourceText.maximumSize)
        -> (text: SourceText?, diagnostics: [Diagnostic])
    {
        let shown = displayPath ?? path
        // POSIX open/fstat/read straight into the byte array: no Foundation file objects, one stat, one copy.
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR || code == ELOOP || code == ENAMETOOLONG {
                return (nil, [.error(.fileNotFound, "no such file '\(shown)'", file: shown)])
            }
            if code == EISDIR {
                return (nil, [.error(.fileUnreadable, "'\(shown)' is a directory, not a file", file: shown)])
            }
            return (nil, [.error(.fileUnreadable, "cannot read '\(shown)' (permission denied?)", file: shown)])
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return (nil, [.error(.fileUnreadable, "cannot read '\(shown)': \(String(cString: strerror(errno)))", file: shown)])
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return (nil, [.error(.fileUnreadable, "'\(shown)' is a directory, not a file", file: shown)])
        }
        let size = Int(info.st_size)
        if size > maximumSize {
            return (nil, [.error(.fileTooLarge,
                "'\(shown)' is \(size) bytes; fixlog reads files up to \(maximumSize) bytes", file: shown)])
        }
        // Read at most one byte past the limit, in case the file grew since stat (or stat said 0, as for
        // /proc files): the buffer grows until read reports the end.
        let limit = maximumSize + 1
        var bytes = [UInt8](repeating: 0, count: min(limit, max(size + 1, 4096)))
        var count = 0
        var failure: Int32 = 0
        // A regular file's read comes back short only at its end: no second read to hear so (one system call
        // fewer per file, which counts when a command reads hundreds of small Dockerfiles).
        let regular = (info.st_mode & S_IFMT) == S_IFREG
        while true {
            if count == bytes.count {
                if count >= limit { break }
                bytes.append(contentsOf: repeatElement(0, count: min(limit, count * 2) - count))
            }
            let requested = bytes.count - count
            let n = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + count, buffer.count - count)
            }
            if n > 0 {
                count += n
                if regular && n < requested { break }
                continue
            }
            if n == 0 { break }
            if errno == EINTR { continue }
            failure = errno
            break
        }
        bytes.removeLast(bytes.count - count)
        if failure != 0 {
            return (nil, [.error(.fileUnreadable, "cannot read '\(shown)': \(String(cString: strerror(failure)))", file: shown)])
        }
        if bytes.count > maximumSize {
            return (nil, [.error(.fileTooLarge, "'\(shown)' is larger than \(maximumSize) bytes", file: shown)])
        }
        let text = SourceText(path: shown, bytes: bytes)
        return (text, text.validateText())
    }

    /// Errors for bytes that make this not a UTF-8 text file: invalid UTF-8 (with its byte offset) and NUL.
    public func validateText() -> [Diagnostic] {
        var out: [Diagnostic] = []
        if let bad = Self.firstInvalidUTF8Offset(bytes) {
            out.append(.error(.invalidUTF8,
                "invalid UTF-8 at byte offset \(bad) (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)))",
                file: path, range: SourceRange(start: location(ofOffset: bad), end: location(ofOffset: bad + 1))))
        }
        let nulOffset: Int? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        if let nul = nulOffset {
            out.append(.error(.nulByte, "NUL byte at byte offset \(nul); this is not a text file",
                file: path, range: SourceRange(start: location(ofOffset: nul), end: location(ofOffset: nul + 1))))
        }
        return out
    }

    /// Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    public static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        firstInvalidUTF8Offset(bytes, from: 0)
    }

    /// Offset of the first carriage return that is not followed by a line feed, or nil.
    public var firstLoneCarriageReturn: Int? {
        var from = 0
        while let cr = Self.find(0x0D, in: bytes, from: from) {
            if cr + 1 == bytes.count || bytes[cr + 1] != 0x0A { return cr }
            from = cr + 1
        }
        return nil
    }

    /// A copy in which every byte that is not well-formed UTF-8, and every NUL, is replaced by `?`, and
    /// every carriage return not followed by a line feed by a space.
    /// Nothing moves: byte offsets, lines and columns are those of the original, so ranges found in the
    /// copy locate the original bytes (decoding would turn one bad byte into a 3-byte U+FFFD).
    public func replacingInvalidBytes() -> SourceText {
        // Most texts have nothing to replace: no copy of the bytes then.
        let invalid = Self.firstInvalidUTF8Offset(bytes, from: 0)
        if invalid == nil, Self.find(0, in: bytes, from: 0) == nil, Self.find(0x0D, in: bytes, from: 0) == nil { return self }
        var copy = bytes
        var changed = false
        copy.withUnsafeMutableBufferPointer { buffer in
            var from = 0
            while let bad = Self.firstInvalidUTF8Offset(bytes, from: from) {
                buffer[bad] = UInt8(ascii: "?")
                changed = true
                from = bad + 1
            }
            // Only walk the bytes when there is a NUL or a CR at all (memchr is fast even in debug builds).
            guard Self.find(0, in: bytes, from: 0) != nil || Self.find(0x0D, in: bytes, from: 0) != nil else { return }
            for i in buffer.indices {
                if buffer[i] == 0 {
                    buffer[i] = UInt8(ascii: "?")
                    changed = true
                } else if buffer[i] == 0x0D, i + 1 == buffer.count || buffer[i + 1] != 0x0A {
                    // A lone CR is a line break to cmark but not to the line table: read it as a space.
                    buffer[i] = UInt8(ascii: " ")
                    changed = true
                }
            }
        }
        return changed ? SourceText(path: path, bytes: copy) : self
    }

    /// Offset of the first `byte` at or after `start` (memchr).
    static func find(_ byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let hit = memchr(base + start, Int32(byte), buffer.count - start) else {
                return nil
            }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Offset of the first byte at or after `start` that does not belong to a well-formed UTF-8 sequence.
    public static func firstInvalidUTF8Offset(_ bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let count = buffer.count
            var i = max(0, start)
            while i < count {
                // ASCII runs eight bytes at a time.
                if i + 8 <= count,
                   UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                if buffer[i] < 0x80 { i += 1; continue }
                let (scalar, width) = GoText.decodeRune(buffer, i)
                if scalar == GoText.replacement && width == 1 { return i }
                i += width
            }
            return nil
        }
    }
}
