/// A heredoc marker found on a logical line (`<<EOF`, `3<<-'END'`).
struct HeredocMarker {
    /// The terminator (quotes and escapes removed): a span of the line, or of the parser-made bytes.
    var name: TextSpan
    var fileDescriptor: Int
    var expand: Bool
    var chomp: Bool
}

/// BuildKit's heredoc detection: the line is split into shell words with BuildKit's shell lexer
/// (`shell.Lex` with raw quotes and raw escapes, no expansion), and each word matching
/// `^(\d*)<<(-?)\s*([^<]*)$` whose name part is exactly one shell word is a marker.
enum HeredocScanner {
    /// The markers on a line, in order.
    static func markers(inLine line: ArraySlice<UInt8>) throws -> [HeredocMarker] {
        var out = ParseOutput()
        var markers: [HeredocMarker] = []
        try line.withUnsafeBufferPointer { buffer in
            try Self.markers(in: LineBytes(p: buffer, base: 0), into: &markers, output: &out)
        }
        return markers
    }

    /// Appends the markers of `line` to `markers`; names that are not bytes of the line go to `output.fresh`.
    static func markers(in line: LineBytes, into markers: inout [HeredocMarker], output: inout ParseOutput) throws {
        if isPlain(line.p) {
            plainMarkers(line, into: &markers)
        } else {
            for marker in try lexedMarkers(line.p) {
                markers.append(HeredocMarker(name: output.appendFresh(marker.name), fileDescriptor: marker.fileDescriptor,
                                             expand: marker.expand, chomp: marker.chomp))
            }
        }
    }

    /// The markers the shell lexer finds on a line (any line; ``plainMarkers(_:into:)`` is the fast path).
    static func lexedMarkers(_ p: UnsafeBufferPointer<UInt8>) throws -> [LexedMarker] {
        var lexer = ShellLexer(runes: GoText.runes(p), rawQuotes: true, rawEscapes: true, glueHeredocOperator: true)
        // A lexing error anywhere on the line means no heredocs at all (BuildKit ignores the error).
        guard let words = try? lexer.words() else { return [] }
        var out: [LexedMarker] = []
        for word in words {
            if let marker = try parseMarker(word) { out.append(marker) }
        }
        return out
    }

    /// Whether the lexer would only split the line at white space: ASCII without `$`, quotes or `\` (the shell
    /// lexer's escape character, whatever the Dockerfile's), so no word is changed and none can fail to lex.
    static func isPlain(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in p {
            if c >= 0x80 || c == UInt8(ascii: "$") || c == UInt8(ascii: "'") || c == UInt8(ascii: "\"")
                || c == UInt8(ascii: "\\") { return false }
        }
        return true
    }

    /// ``markers(in:into:output:)`` for a plain line (see ``isPlain(_:)``): the words are runs of non-space
    /// bytes, except that blanks after a word `\d*<<` are glued to it; each word `\d*<<-?[blanks]NAME` with a
    /// NAME free of `<` is a marker whose NAME, a single plain word, is taken as is (and expanded).
    static func plainMarkers(_ line: LineBytes, into markers: inout [HeredocMarker]) {
        let p = line.p
        var wordStart = -1
        /// Whether the last byte added to the word was a blank glued to a `\d*<<` word (which stays such a word).
        var glued = false
        var i = 0
        while i < p.count {
            let c = p[i]
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) {
                if wordStart >= 0 {
                    if (c == 0x20 || c == 0x09) && (glued || isHeredocOperator(p, wordStart, i)) {
                        glued = true
                        i += 1
                        continue
                    }
                    plainMarker(line, wordStart, i, into: &markers)
                    wordStart = -1
                }
                glued = false
                i += 1
                continue
            }
            if wordStart < 0 { wordStart = i }
            glued = false
            i += 1
        }
        if wordStart >= 0 { plainMarker(line, wordStart, p.count, into: &markers) }
    }

    /// `^\d*<<[ \t]*$` on `p[lo..<hi]`.
    private static func isHeredocOperator(_ p: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Bool {
        var i = lo
        while i < hi, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        guard i + 1 < hi, p[i] == 0x3C, p[i + 1] == 0x3C else { return false }
        i += 2
        while i < hi, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
        return i == hi
    }

    /// ``parseMarker(_:)`` for a word of a plain line.
    private static func plainMarker(_ line: LineBytes, _ lo: Int, _ hi: Int, into markers: inout [HeredocMarker]) {
        let p = line.p
        var i = lo
        while i < hi, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        let digitsEnd = i
        guard i + 1 < hi, p[i] == 0x3C, p[i + 1] == 0x3C else { return }
        i += 2
        var chomp = false
        if i < hi, p[i] == 0x2D { chomp = true; i += 1 }
        while i < hi, GoText.isRegexSpace(p[i]) { i += 1 }
        if i == hi { return }
        for k in i..<hi where p[k] == 0x3C { return }
        var fd = 0
        for k in lo..<digitsEnd {
            let (m, o1) = fd.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(p[k] - 0x30))
            if o1 || o2 { fd = Int.max; break }
            fd = a
        }
        markers.append(HeredocMarker(name: line.span(i, hi), fileDescriptor: fd, expand: true, chomp: chomp))
    }

    /// A marker found by the shell lexer (its name as bytes).
    struct LexedMarker {
        var name: [UInt8]
        var fileDescriptor: Int
        var expand: Bool
        var chomp: Bool
    }

    private static func isDigit(_ r: UInt32) -> Bool { r >= 0x30 && r <= 0x39 }

    static func parseMarker(_ word: [UInt32]) throws -> LexedMarker? {
        var i = 0
        while i < word.count, isDigit(word[i]) { i += 1 }
        let digits = word[0..<i]
        guard i + 1 < word.count, word[i] == 0x3C, word[i + 1] == 0x3C else { return nil }
        i += 2
        var chomp = false
        if i < word.count, word[i] == 0x2D { chomp = true; i += 1 }
        while i < word.count, word[i] < 0x80, GoText.isRegexSpace(UInt8(word[i])) { i += 1 }
        let rest = Array(word[i...])
        if rest.contains(0x3C) { return nil }
        if rest.isEmpty { return nil }

        var fd = 0
        for d in digits {
            let (m, o1) = fd.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(d - 0x30))
            if o1 || o2 { fd = Int.max; break }
            fd = a
        }

        var plain = ShellLexer(runes: rest, rawQuotes: false, rawEscapes: false, glueHeredocOperator: false)
        let words: [[UInt32]]
        do { words = try plain.words() } catch {
            throw InstructionError(message: "failed to process \(GoText.quote(GoText.bytes(ofRunes: rest))): \(error)")
        }
        guard words.count == 1 else { return nil }
        var raw = ShellLexer(runes: rest, rawQuotes: true, rawEscapes: false, glueHeredocOperator: false)
        let rawWords: [[UInt32]]
        do { rawWords = try raw.words() } catch {
            throw InstructionError(message: "failed to process \(GoText.quote(GoText.bytes(ofRunes: rest))): \(error)")
        }
        guard rawWords.count == words.count else {
            throw InstructionError(message:
                "internal lexing of heredoc produced inconsistent results: \(GoText.string(GoText.bytes(ofRunes: rest)))")
        }
        func quoteCount(_ w: [UInt32]) -> Int { w.reduce(0) { $0 + ($1 == 0x27 || $1 == 0x22 ? 1 : 0) } }
        let expand = quoteCount(words[0]) == quoteCount(rawWords[0])
        return LexedMarker(name: GoText.bytes(ofRunes: words[0]), fileDescriptor: fd, expand: expand, chomp: chomp)
    }
}

struct ShellLexError: Error, CustomStringConvertible {
    var description: String
}

/// The word-splitting part of BuildKit's `shell.Lex` (`processStopOn` and friends) with an empty
/// environment and `SkipUnsetEnv`, so variables stay as written. Escape character `\`.
struct ShellLexer {
    static let maximumNesting = 200
    static let eof: UInt32 = 0xFFFF_FFFF

    let runes: [UInt32]
    var index = 0
    let rawQuotes: Bool
    var rawEscapes: Bool
    /// `<<` followed by blanks is glued onto the next word (so `<< EOF` is one marker).
    let glueHeredocOperator: Bool
    var depth = 0
    let escape: UInt32 = 0x5C

    init(runes: [UInt32], rawQuotes: Bool, rawEscapes: Bool, glueHeredocOperator: Bool) {
        // text/scanner skips a byte order mark at the very beginning.
        var start = 0
        if runes.first == 0xFEFF { start = 1 }
        self.runes = start == 0 ? runes : Array(runes[start...])
        self.rawQuotes = rawQuotes
        self.rawEscapes = rawEscapes
        self.glueHeredocOperator = glueHeredocOperator
    }

    func peek() -> UInt32 { index < runes.count ? runes[index] : Self.eof }

    mutating func next() -> UInt32 {
        guard index < runes.count else { return Self.eof }
        defer { index += 1 }
        return runes[index]
    }

    struct Words {
        var word: [UInt32] = []
        var words: [[UInt32]] = []
        var inWord = false
        let glue: Bool

        private var isHeredocOperator: Bool {
            // ^\d*<<[ \t]*$
            var i = 0
            while i < word.count, word[i] >= 0x30, word[i] <= 0x39 { i += 1 }
            guard i + 1 < word.count, word[i] == 0x3C, word[i + 1] == 0x3C else { return false }
            i += 2
            while i < word.count, word[i] == 0x20 || word[i] == 0x09 { i += 1 }
            return i == word.count
        }

        mutating func addChar(_ ch: UInt32) {
            if GoText.isSpace(ch) && inWord {
                if !word.isEmpty {
                    if glue, ch == 0x20 || ch == 0x09, isHeredocOperator {
                        word.append(ch)
                        return
                    }
                    words.append(word)
                    word = []
                    inWord = false
                }
            } else if !GoText.isSpace(ch) {
                addRawChar(ch)
            }
        }

        mutating func addRawChar(_ ch: UInt32) {
            if word.isEmpty { word.reserveCapacity(24) }
            word.append(ch)
            inWord = true
        }

        mutating func addString(_ s: [UInt32]) { for ch in s { addChar(ch) } }

        mutating func addRawString(_ s: [UInt32]) {
            word.append(contentsOf: s)
            inWord = true
        }

        mutating func getWords() -> [[UInt32]] {
            if !word.isEmpty {
                words.append(word)
                word = []
                inWord = false
            }
            return words
        }
    }

    mutating func words() throws -> [[UInt32]] {
        try processStopOn(Self.eof, rawEscapes: rawEscapes).words
    }

    mutating func processStopOn(_ stop: UInt32, rawEscapes escapesRaw: Bool) throws -> (result: [UInt32], words: [[UInt32]]) {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumNesting { throw ShellLexError(description: "nesting too deep") }
        let saved = rawEscapes
        rawEscapes = escapesRaw
        defer { rawEscapes = saved }

        var result: [UInt32] = []
        var words = Words(glue: glueHeredocOperator)
        while peek() != Self.eof {
            var ch = peek()
            if stop != Self.eof && ch == stop {
                _ = next()
                return (result, words.getWords())
            }
            if ch == 0x24 {  // $
                let tmp = try processDollar()
                result.append(contentsOf: tmp)
                words.addString(tmp)
            } else if ch == 0x27 {
                let tmp = try processSingleQuote()
                result.append(contentsOf: tmp)
                words.addRawString(tmp)
            } else if ch == 0x22 {
                let tmp = try processDoubleQuote()
                result.append(contentsOf: tmp)
                words.addRawString(tmp)
            } else {
                ch = next()
                if ch == escape {
                    if rawEscapes {
                        words.addRawChar(ch)
                        result.append(ch)
                    }
                    ch = next()
                    if ch == Self.eof { break }
                    words.addRawChar(ch)
                } else {
                    words.addChar(ch)
                }
                result.append(ch)
            }
        }
        if stop != Self.eof {
            throw ShellLexError(description:
                "unexpected end of statement while looking for matching \(String(Unicode.Scalar(stop).map(Character.init) ?? "?"))")
        }
        return (result, words.getWords())
    }

    mutating func processSingleQuote() throws -> [UInt32] {
        var result: [UInt32] = []
        let open = next()
        if rawQuotes { result.append(open) }
        while true {
            let ch = next()
            if ch == Self.eof {
                throw ShellLexError(description: "unexpected end of statement while looking for matching single-quote")
            }
            if ch == 0x27 {
                if rawQuotes { result.append(ch) }
                return result
            }
            result.append(ch)
        }
    }

    mutating func processDoubleQuote() throws -> [UInt32] {
        var result: [UInt32] = []
        let open = next()
        if rawQuotes { result.append(open) }
        while true {
            switch peek() {
            case Self.eof:
                throw ShellLexError(description: "unexpected end of statement while looking for matching double-quote")
            case 0x22:
                let ch = next()
                if rawQuotes { result.append(ch) }
                return result
            case 0x24:
                result.append(contentsOf: try processDollar())
            default:
                var ch = next()
                if ch == escape {
                    if rawEscapes { result.append(ch) }
                    let p = peek()
                    if p == Self.eof { continue }
                    if p == 0x22 || p == 0x24 || p == escape { ch = next() }
                }
                result.append(ch)
            }
        }
    }

    private static func isSpecialParam(_ ch: UInt32) -> Bool {
        switch ch {
        case 0x40, 0x2A, 0x23, 0x3F, 0x2D, 0x24, 0x21, 0x30: return true  // @ * # ? - $ ! 0
        default: return false
        }
    }

    mutating func processName() -> [UInt32] {
        var name: [UInt32] = []
        while peek() != Self.eof {
            let ch = peek()
            if name.isEmpty && GoText.isDigit(ch) {
                while peek() != Self.eof && GoText.isDigit(peek()) { name.append(next()) }
                return name
            }
            if name.isEmpty && Self.isSpecialParam(ch) {
                return [next()]
            }
            if !GoText.isLetter(ch) && !GoText.isDigit(ch) && ch != 0x5F { break }
            name.append(next())
        }
        return name
    }

    private static func u(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    mutating func processDollar() throws -> [UInt32] {
        _ = next()
        if peek() != 0x7B {  // {
            let name = processName()
            if name.isEmpty { return [0x24] }
            return [0x24] + name
        }
        _ = next()
        switch peek() {
        case Self.eof: throw ShellLexError(description: "syntax error: missing '}'")
        case 0x7B, 0x7D, 0x3A: throw ShellLexError(description: "syntax error: bad substitution")
        default: break
        }
        let name = processName()
        var ch = next()
        var chs: [UInt32] = [ch == Self.eof ? GoText.replacement : ch]
        switch ch {
        case 0x7D:  // }
            return Self.u("${") + name + [0x7D]
        case 0x3A, 0x2B, 0x2D, 0x3F, 0x23, 0x25:  // : + - ? # %
            if ch == 0x3A {
                ch = next()
                chs.append(ch == Self.eof ? GoText.replacement : ch)
            }
            let raw = ch == 0x23 || ch == 0x25
            let word = try processStopOn(0x7D, rawEscapes: raw).result
            return Self.u("${") + name + chs + word + [0x7D]
        case 0x2F:  // /
            if peek() == 0x2F { _ = next() }
            let pattern = try processStopOn(0x2F, rawEscapes: true).result
            let replacement = try processStopOn(0x7D, rawEscapes: true).result
            return Self.u("${") + name + [0x2F] + pattern + [0x2F] + replacement + [0x7D]
        default:
            throw ShellLexError(description: "unsupported modifier in substitution")
        }
    }
}
