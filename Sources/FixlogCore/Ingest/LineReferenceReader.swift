/// Reads the many ways fix logs refer to lines of a file: `(lines 1-25)`, `(line 21)`, `lines 24–31`,
/// `line 63-64`, `Lines 36 to 43`, `Dockerfile:21`, `backend/Dockerfile.prod:21-25`, `#L21-L25`, `#L21`.
///
/// Decoys are not references: `Lines changed: ~30 lines`, `all-MiniLM-L6-v2`, `Step 1/16`, `localhost:8000`,
/// `chown 1000:1000`, `# syntax=docker/dockerfile:1`, `pipeline 3`.
enum LineReferenceReader {
    /// Larger line numbers are not believable in a Dockerfile; such a reference is reported as unreadable.
    static let maximumLine = 1_000_000

    struct Found: Equatable {
        var first: Int
        var last: Int
        /// The reference's text as written (`lines 1-25`, `21`, `#L21-L25`).
        var text: String
        /// UTF-8 byte range within the scanned string.
        var byteRange: Range<Int>
        /// The file named with the reference (`Dockerfile:21`), if any.
        var file: String?
    }

    struct Unreadable: Equatable {
        var text: String
        var byteRange: Range<Int>
        var reason: String
    }

    struct Result: Equatable {
        var found: [Found] = []
        var unreadable: [Unreadable] = []
    }

    /// All references in a piece of text.
    static func scan(_ text: String) -> Result {
        // Every reference has a digit; most text has none, and a 50 MB line is skipped in one pass.
        guard hasDigit(text) else { return Result() }
        var scanner = Scanner(Array(text.utf8))
        scanner.scanAll()
        return scanner.result
    }

    /// ``scan(_:)`` of the UTF-8 bytes of a text.
    static func scan(bytes: [UInt8]) -> Result {
        guard bytes.contains(where: { $0 >= 48 && $0 <= 57 }) else { return Result() }
        var scanner = Scanner(bytes)
        scanner.scanAll()
        return scanner.result
    }

    /// A field value such as `61`, `61-64`, `61–64`, `lines 61-64`, `Dockerfile:61` (for `**Line:**` fields).
    /// Whether the text holds an ASCII digit (a buffer scan: fast in debug builds too).
    static func hasDigit(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            for byte in buffer where byte >= 48 && byte <= 57 { return true }
            return false
        }
    }

    static func readValue(_ value: String) -> Result {
        var scanner = Scanner(Array(value.utf8))
        scanner.scanAll()
        if !scanner.result.found.isEmpty || !scanner.result.unreadable.isEmpty { return scanner.result }
        var bare = Scanner(Array(value.utf8))
        bare.scanBare()
        return bare.result
    }

    private struct Scanner {
        let b: [UInt8]
        var result = Result()

        init(_ bytes: [UInt8]) { b = bytes }

        static func isDigit(_ x: UInt8) -> Bool { x >= 48 && x <= 57 }
        static func isAlnum(_ x: UInt8) -> Bool { isDigit(x) || ((x | 0x20) >= 97 && (x | 0x20) <= 122) || x == 95 }
        static func lower(_ x: UInt8) -> UInt8 { (x >= 65 && x <= 90) ? x | 0x20 : x }

        /// Digits at k: (value, or nil when it overflows; end). nil when there is no digit.
        func readNumber(_ k: Int) -> (value: Int?, end: Int)? {
            var j = k, v = 0, overflow = false
            while j < b.count, Self.isDigit(b[j]) {
                if !overflow {
                    let (m, o1) = v.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int(b[j] - 48))
                    if o1 || o2 { overflow = true } else { v = a }
                }
                j += 1
            }
            return j > k ? (overflow ? nil : v, j) : nil
        }

        /// After a first number ending at k: `-25`, `–25`, `—25`, ` to 25`, ` through 25`.
        func readRangeTail(_ k: Int) -> (value: Int?, end: Int)? {
            var j = k
            while j < b.count, b[j] == 32 { j += 1 }
            var sepEnd: Int?
            if j < b.count, b[j] == UInt8(ascii: "-") {
                sepEnd = j + 1
            } else if j + 2 < b.count, b[j] == 0xE2, b[j + 1] == 0x80, b[j + 2] == 0x93 || b[j + 2] == 0x94 {
                sepEnd = j + 3
            } else {
                for word in ["to", "through", "thru"] {
                    let w = Array(word.utf8)
                    if j + w.count < b.count, zip(b[j..<j + w.count], w).allSatisfy({ Self.lower($0) == $1 }),
                        b[j + w.count] == 32
                    {
                        sepEnd = j + w.count
                    }
                }
            }
            guard var s = sepEnd else { return nil }
            while s < b.count, b[s] == 32 { s += 1 }
            guard let r = readNumber(s), r.end >= b.count || !Self.isAlnum(b[r.end]) else { return nil }
            return r
        }

        mutating func record(_ start: Int, _ end: Int, _ first: Int?, _ last: Int?, file: String? = nil) {
            let text = String(decoding: b[start..<end], as: UTF8.self)
            guard let first, let last else {
                result.unreadable.append(Unreadable(text: text, byteRange: start..<end, reason: "the number is too large"))
                return
            }
            let reason: String?
            if first < 1 || last < 1 {
                reason = "line numbers start at 1"
            } else if first > maximumLine || last > maximumLine {
                reason = "line \(max(first, last)) is beyond any real file"
            } else if last < first {
                reason = "the range ends (\(last)) before it starts (\(first))"
            } else {
                reason = nil
            }
            if let reason {
                result.unreadable.append(Unreadable(text: text, byteRange: start..<end, reason: reason))
            } else {
                result.found.append(Found(first: first, last: last, text: text, byteRange: start..<end, file: file))
            }
        }

        /// A number or range at the start of the text (after blanks).
        mutating func scanBare() {
            var k = 0
            while k < b.count, b[k] == 32 || b[k] == 9 { k += 1 }
            guard let (first, end) = readNumber(k), end >= b.count || !Self.isAlnum(b[end]) else { return }
            if let (last, end2) = readRangeTail(end) {
                record(k, end2, first, last)
            } else {
                record(k, end, first, first)
            }
        }

        mutating func scanAll() {
            var i = 0
            while i < b.count {
                let c = b[i]
                if Self.lower(c) == UInt8(ascii: "l"), let next = scanLineWord(at: i) {
                    i = next
                    continue
                }
                if c == UInt8(ascii: "L"), let next = scanGitHubAnchor(at: i) {
                    i = next
                    continue
                }
                if c == UInt8(ascii: ":"), let next = scanFileColon(at: i) {
                    i = next
                    continue
                }
                i += 1
            }
        }

        /// `line 21`, `lines 1-25`, `Lines: 36 to 43`, `line **21**`.
        mutating func scanLineWord(at i: Int) -> Int? {
            guard i == 0 || !Self.isAlnum(b[i - 1]), i + 4 <= b.count,
                Self.lower(b[i + 1]) == UInt8(ascii: "i"), Self.lower(b[i + 2]) == UInt8(ascii: "n"),
                Self.lower(b[i + 3]) == UInt8(ascii: "e")
            else { return nil }
            var j = i + 4
            if j < b.count, Self.lower(b[j]) == UInt8(ascii: "s") { j += 1 }
            if j < b.count, Self.isAlnum(b[j]) { return j }
            var k = j
            if k < b.count, b[k] == UInt8(ascii: ":") { k += 1 }
            while k < b.count, b[k] == 32 || b[k] == 9 || b[k] == UInt8(ascii: "*") { k += 1 }
            guard let (first, end) = readNumber(k) else { return j }
            if end < b.count, Self.isAlnum(b[end]) || b[end] == UInt8(ascii: "%") || b[end] == UInt8(ascii: ".")
                && end + 1 < b.count && Self.isDigit(b[end + 1])
            {
                return end
            }
            if let (last, end2) = readRangeTail(end) {
                record(i, end2, first, last)
                return end2
            }
            record(i, end, first, first)
            return end
        }

        /// `#L21`, `#L21-L25`, `L21-L25` (a lone `L6` is not one: `all-MiniLM-L6-v2`).
        mutating func scanGitHubAnchor(at i: Int) -> Int? {
            guard i + 1 < b.count, Self.isDigit(b[i + 1]) else { return nil }
            let hashed = i > 0 && b[i - 1] == UInt8(ascii: "#")
            let wordStart = i == 0 || (!Self.isAlnum(b[i - 1]) && b[i - 1] != UInt8(ascii: "-"))
            guard hashed || wordStart, let (first, end) = readNumber(i + 1) else { return nil }
            if end + 1 < b.count, b[end] == UInt8(ascii: "-"), b[end + 1] == UInt8(ascii: "L"),
                let (last, end2) = readNumber(end + 2), end2 >= b.count || !Self.isAlnum(b[end2])
            {
                record(hashed ? i - 1 : i, end2, first, last)
                return end2
            }
            if hashed, end >= b.count || !Self.isAlnum(b[end]) {
                record(i - 1, end, first, first)
                return end
            }
            return nil
        }

        /// `Dockerfile:21`, `backend/Dockerfile.prod:21-25`, `Containerfile:3`. Not `docker/dockerfile:1`.
        mutating func scanFileColon(at i: Int) -> Int? {
            guard i + 1 < b.count, Self.isDigit(b[i + 1]) else { return nil }
            var s = i
            while s > 0, Self.isAlnum(b[s - 1]) || b[s - 1] == UInt8(ascii: ".") || b[s - 1] == UInt8(ascii: "/")
                || b[s - 1] == UInt8(ascii: "-")
            {
                s -= 1
            }
            let token = String(decoding: b[s..<i], as: UTF8.self)
            let name = token.split(separator: "/").last.map(String.init) ?? token
            guard name.hasPrefix("Dockerfile") || name.hasPrefix("Containerfile") || name.hasSuffix(".Dockerfile")
                || name.hasSuffix(".dockerfile") || name.hasSuffix("Dockerfile"),
                let (first, end) = readNumber(i + 1), end >= b.count || !Self.isAlnum(b[end])
            else { return nil }
            if let (last, end2) = readRangeTail(end) {
                record(i + 1, end2, first, last, file: token)
                return end2
            }
            record(i + 1, end, first, first, file: token)
            return end
        }
    }
}
