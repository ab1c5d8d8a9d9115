/// The instruction keywords the parser treats specially (BuildKit's `dispatch` table), matched in lower case.
enum Keyword {
    case add, copy, volume, run, cmd, entrypoint, shell, from, expose, maintainer, user, workdir, stopsignal, arg,
         env, label, healthcheck, onbuild, other

    /// The keyword of Go `strings.ToLower(word)`.
    static func of(_ word: UnsafeBufferPointer<UInt8>) -> Keyword {
        var ascii = true
        for c in word where c >= 0x80 { ascii = false; break }
        guard ascii else { return of(lowered: GoText.lower(GoText.string(buffer: word))) }
        // ASCII: compare lower-cased bytes (and the length) without making a String.
        guard word.count <= 7 else {
            return word.count == 10 && matches(word, "entrypoint") ? .entrypoint
                : word.count == 10 && matches(word, "stopsignal") ? .stopsignal
                : word.count == 10 && matches(word, "maintainer") ? .maintainer
                : word.count == 11 && matches(word, "healthcheck") ? .healthcheck : .other
        }
        // The length, then the bytes (at most 7), in one integer: the cases below are the keywords packed so.
        var packed = UInt64(word.count)
        for c in word { packed = packed << 8 | UInt64(c >= 0x41 && c <= 0x5A ? c | 0x20 : c) }
        switch packed {
        case 0x372756E: return .run  // run
        case 0x4636F7079: return .copy  // copy
        case 0x3656E76: return .env  // env
        case 0x466726F6D: return .from  // from
        case 0x3617267: return .arg  // arg
        case 0x7776F726B646972: return .workdir  // workdir
        case 0x3616464: return .add  // add
        case 0x56C6162656C: return .label  // label
        case 0x3636D64: return .cmd  // cmd
        case 0x66578706F7365: return .expose  // expose
        case 0x475736572: return .user  // user
        case 0x6766F6C756D65: return .volume  // volume
        case 0x57368656C6C: return .shell  // shell
        case 0x76F6E6275696C64: return .onbuild  // onbuild
        default: return .other
        }
    }

    private static func matches(_ word: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { n in
            guard n.count == word.count else { return false }
            for i in 0..<n.count where (word[i] >= 0x41 && word[i] <= 0x5A ? word[i] | 0x20 : word[i]) != n[i] {
                return false
            }
            return true
        }
    }

    /// A keyword lower-cased as Go does it (non-ASCII keywords).
    static func of(lowered: String) -> Keyword {
        switch lowered {
        case "add": return .add
        case "copy": return .copy
        case "volume": return .volume
        case "run": return .run
        case "cmd": return .cmd
        case "entrypoint": return .entrypoint
        case "shell": return .shell
        case "from": return .from
        case "expose": return .expose
        case "maintainer": return .maintainer
        case "user": return .user
        case "workdir": return .workdir
        case "stopsignal": return .stopsignal
        case "arg": return .arg
        case "env": return .env
        case "label": return .label
        case "healthcheck": return .healthcheck
        case "onbuild": return .onbuild
        default: return .other
        }
    }
}

/// Splits a logical line into keyword, flags and argument nodes (BuildKit's `splitCommand`,
/// `extractBuilderFlags` and the per-keyword line parsers), recording them as spans.
///
/// Positions are byte offsets into the line; spans of the line keep the bytes as written, and bytes BuildKit
/// changes (unquoted flags, decoded JSON strings, words decoded from invalid UTF-8) go to the parser-made region.
struct InstructionBuilder {
    let escape: UInt8
    /// Whether the line is known to be well-formed UTF-8.
    let validUTF8: Bool

    init(escape: UInt8, validUTF8: Bool = false) {
        self.escape = escape
        self.validUTF8 = validUTF8
    }

    /// BuildKit's `newNodeFromLine` on `line[lo..<hi]`: appends the flag and argument spans (and, for ONBUILD, the
    /// wrapped instruction's spans after the flags) to `out.spans`. The caller has appended the original line
    /// and `commentCount` comment spans and sets `fields.first`.
    /// - Returns: the instruction and whether it can contain heredocs (BuildKit's `canContainHeredoc`: RUN, COPY
    ///   and ADD in shell form, or ONBUILD directly wrapping one).
    func node(_ line: LineBytes, _ lo: Int, _ hi: Int, depth: Int, commentCount: Int, into out: inout ParseOutput)
        throws -> (PendingInstruction, canContainHeredoc: Bool)
    {
        if depth > DockerfileParser.maximumOnbuildDepth {
            throw InstructionError(message: "ONBUILD nested more than \(DockerfileParser.maximumOnbuildDepth) levels")
        }
        // splitCommand: TrimSpace, split at the first run of [\t\v\f\r ].
        let (tlo, thi) = GoText.trimSpace(line.p, lo, hi)
        var k = tlo
        while k < thi, !GoText.isSplitSpace(line[k]) { k += 1 }
        let keywordBytes = line.slice(tlo, k)
        var flagCount = 0
        var restLo = thi, restHi = thi
        if k < thi {
            var r = k
            while r < thi, GoText.isSplitSpace(line[r]) { r += 1 }
            let remaining: Int
            (remaining, flagCount) = extractFlags(line, r, thi, into: &out)
            (restLo, restHi) = GoText.trimSpace(line.p, remaining, thi)
        }
        let kind = Keyword.of(keywordBytes)
        let keyword = GoText.string(buffer: keywordBytes)
        let isFrom: Bool
        if keywordBytes.allSatisfy({ $0 < 0x80 }) { isFrom = kind == .from } else { isFrom = keyword.lowercased() == "from" }

        let argumentsStart = out.spans.count
        var jsonForm = false
        var nested: [PendingInstruction] = []
        var canContainHeredoc = false
        switch kind {
        case .add, .copy, .volume:
            jsonForm = try parseMaybeJSONToList(line, restLo, restHi, into: &out)
        case .run, .cmd, .entrypoint, .shell:
            jsonForm = try parseMaybeJSON(line, restLo, restHi, into: &out)
        case .from, .expose:
            splitWhitespace(line, restLo, restHi, into: &out)
        case .maintainer, .user, .workdir, .stopsignal:
            if restLo < restHi { out.spans.append(line.span(restLo, restHi)) }
        case .arg:
            parseWords(line, restLo, restHi, into: &out)
        case .env:
            try parseNameValue(line, restLo, restHi, key: "ENV", into: &out)
        case .label:
            try parseNameValue(line, restLo, restHi, key: "LABEL", into: &out)
        case .healthcheck:
            jsonForm = try parseHealthcheck(line, restLo, restHi, into: &out)
        case .onbuild:
            if restLo < restHi {
                let first = out.spans.count
                out.spans.append(line.span(restLo, restHi))
                var (inner, _) = try node(line, restLo, restHi, depth: depth + 1, commentCount: 0, into: &out)
                inner.fields.first = first
                // The wrapped instruction's own kind decides (not recursively).
                canContainHeredoc = inner.canContainHeredocItself
                jsonForm = inner.jsonForm
                nested = [inner]
            }
        case .other:
            out.spans.append(line.span(0, 0))
        }
        if kind != .onbuild {
            canContainHeredoc = (kind == .add || kind == .copy || kind == .run) && !jsonForm
        }
        let fields = ParsedFields(first: 0, commentCount: commentCount, flagCount: flagCount,
                                  argumentCount: kind == .onbuild ? 0 : out.spans.count - argumentsStart,
                                  heredocFirst: 0, heredocCount: 0)
        return (PendingInstruction(keyword: keyword, fields: fields, jsonForm: jsonForm, isFrom: isFrom,
                                   nested: nested, kind: kind), canContainHeredoc)
    }

    // MARK: flags

    /// `extractBuilderFlags` on `line[lo..<hi]`: byte-wise, every byte a Latin-1 rune; the escape character drops
    /// itself and keeps the byte after it. Appends one span per flag.
    /// - Returns: where the rest of the line starts, and the number of flags.
    func extractFlags(_ line: LineBytes, _ lo: Int, _ end: Int, into out: inout ParseOutput) -> (Int, Int) {
        enum Phase { case spaces, word, quote }
        var count = 0
        var phase = Phase.spaces
        // The word's bytes, each one a Latin-1 rune; while `simple` (no quote, escape or non-ASCII byte) they are
        // also the line's bytes from `wordStart`, and the flag is a span of the line.
        out.word.removeAll(keepingCapacity: true)
        var simple = true
        var wordStart = lo
        var quote: UInt8 = 0
        var blankOK = false
        var pos = lo
        var ch: UInt8 = 0
        func isWordDashDash(_ w: [UInt8]) -> Bool {
            w.count == 2 && w[0] == UInt8(ascii: "-") && w[1] == UInt8(ascii: "-")
        }
        func emit(_ end: Int, _ out: inout ParseOutput) {
            if simple {
                out.spans.append(line.span(wordStart, end))
            } else {
                let span = Self.appendLatin1(out.word, to: &out.fresh)
                out.spans.append(span)
            }
            count += 1
        }
        while pos <= end {
            if pos != end { ch = line[pos] }
            if phase == .spaces {
                if pos == end { break }
                if GoText.isLatin1Space(ch) { pos += 1; continue }
                if ch != UInt8(ascii: "-") || pos + 1 == end || line[pos + 1] != UInt8(ascii: "-") {
                    return (pos, count)
                }
                phase = .word
                wordStart = pos
                simple = true
            }
            if phase == .word || phase == .quote, pos == end {
                if !isWordDashDash(out.word) && (blankOK || !out.word.isEmpty) { emit(pos, &out) }
                break
            }
            if phase == .word {
                if GoText.isLatin1Space(ch) {
                    phase = .spaces
                    if isWordDashDash(out.word) { return (pos, count) }
                    if blankOK || !out.word.isEmpty { emit(pos, &out) }
                    out.word.removeAll(keepingCapacity: true)
                    blankOK = false
                    pos += 1
                    continue
                }
                if ch == UInt8(ascii: "'") || ch == UInt8(ascii: "\"") {
                    quote = ch
                    blankOK = true
                    phase = .quote
                    simple = false
                    pos += 1
                    continue
                }
                if ch == escape {
                    simple = false
                    if pos + 1 == end { pos += 1; continue }
                    pos += 1
                    ch = line[pos]
                }
                if ch >= 0x80 { simple = false }
                out.word.append(ch)
                pos += 1
                continue
            }
            // phase == .quote
            if ch == quote {
                phase = .word
                pos += 1
                continue
            }
            if ch == escape {
                if pos + 1 == end {
                    phase = .word
                    pos += 1
                    continue
                }
                pos += 1
                ch = line[pos]
            }
            out.word.append(ch)
            pos += 1
        }
        return (end, count)
    }

    /// Appends bytes read as Latin-1 runes, UTF-8 encoded (bytes from 0x80 become two bytes); returns the span.
    static func appendLatin1(_ bytes: [UInt8], to fresh: inout [UInt8]) -> TextSpan {
        let start = TextSpan.freshBase + fresh.count
        for b in bytes {
            if b < 0x80 { fresh.append(b) } else {
                fresh.append(0xC0 | (b >> 6))
                fresh.append(0x80 | (b & 0x3F))
            }
        }
        return TextSpan(start: start, end: TextSpan.freshBase + fresh.count)
    }

    // MARK: argument shapes

    /// `parseStringsWhitespaceDelimited`: split on runs of `[\t\v\f\r ]`.
    func splitWhitespace(_ line: LineBytes, _ lo: Int, _ hi: Int, into out: inout ParseOutput) {
        if lo >= hi { return }
        var start = lo
        var i = lo
        while i < hi {
            if GoText.isSplitSpace(line[i]) {
                out.spans.append(line.span(start, i))
                while i < hi, GoText.isSplitSpace(line[i]) { i += 1 }
                start = i
                continue
            }
            i += 1
        }
        out.spans.append(line.span(start, hi))
    }

    /// - Returns: whether the JSON form was used.
    func parseMaybeJSON(_ line: LineBytes, _ lo: Int, _ hi: Int, into out: inout ParseOutput) throws -> Bool {
        if lo >= hi { return false }
        let spans = out.spans.count, fresh = out.fresh.count
        switch JSONArrayParser.parse(line, lo, hi, into: &out) {
        case .strings:
            return true
        case .notStrings:
            throw InstructionError(message: "when using JSON array syntax, arrays must be comprised of strings only")
        case .invalid:
            out.spans.removeSubrange(spans...)
            out.fresh.removeSubrange(fresh...)
            out.spans.append(line.span(lo, hi))
            return false
        }
    }

    func parseMaybeJSONToList(_ line: LineBytes, _ lo: Int, _ hi: Int, into out: inout ParseOutput) throws -> Bool {
        let spans = out.spans.count, fresh = out.fresh.count
        switch JSONArrayParser.parse(line, lo, hi, into: &out) {
        case .strings:
            return true
        case .notStrings:
            throw InstructionError(message: "when using JSON array syntax, arrays must be comprised of strings only")
        case .invalid:
            out.spans.removeSubrange(spans...)
            out.fresh.removeSubrange(fresh...)
            splitWhitespace(line, lo, hi, into: &out)
            return false
        }
    }

    func parseHealthcheck(_ line: LineBytes, _ lo: Int, _ hi: Int, into out: inout ParseOutput) throws -> Bool {
        var sep = lo
        while sep < hi, !GoText.isLatin1Space(line[sep]) { sep += 1 }
        var next = sep
        while next < hi, GoText.isLatin1Space(line[next]) { next += 1 }
        if sep == lo { return false }
        out.spans.append(line.span(lo, sep))
        return try parseMaybeJSON(line, next, hi, into: &out)
    }

    // MARK: words

    /// `parseWords`: split on white space outside quotes; quotes and escapes kept. Appends one span per word.
    func parseWords(_ line: LineBytes, _ lo: Int, _ hi: Int, into out: inout ParseOutput) {
        let start = out.spans.count
        collectWords(line, lo, hi, into: &out.words, fresh: &out.fresh)
        out.spans.append(contentsOf: out.words)
        assert(out.spans.count - start == out.words.count)
    }

    /// ``parseWords(_:_:_:into:)`` into `words` (replacing them): for well-formed UTF-8 every rune re-encodes to
    /// its own bytes, so each word is the span it was read from; otherwise runes are decoded Go style (one U+FFFD
    /// per bad byte) into the parser-made region.
    func collectWords(_ line: LineBytes, _ lo: Int, _ hi: Int, into words: inout [TextSpan], fresh: inout [UInt8]) {
        words.removeAll(keepingCapacity: true)
        // The sinks take the arrays over (swapped, not copied, so appending does not copy them).
        if validUTF8 || GoText.isValidUTF8(line.slice(lo, hi)) {
            var sink = WordSlices(line: line)
            swap(&sink.words, &words)
            walkWords(line.p, lo, hi, escape: escape, into: &sink)
            swap(&sink.words, &words)
        } else {
            var sink = DecodedWords()
            swap(&sink.words, &words)
            swap(&sink.fresh, &fresh)
            walkWords(line.p, lo, hi, escape: escape, into: &sink)
            swap(&sink.words, &words)
            swap(&sink.fresh, &fresh)
        }
    }

    /// `parseNameVal` (ENV, LABEL): `key value` (old form) or `k=v k2=v2` triples.
    func parseNameValue(_ line: LineBytes, _ lo: Int, _ hi: Int, key: String, into out: inout ParseOutput) throws {
        collectWords(line, lo, hi, into: &out.words, fresh: &out.fresh)
        guard let first = out.words.first else { return }
        let equals = UInt8(ascii: "=")
        let fresh = out.fresh
        /// The bytes of a word (a span of the line, or of the parser-made region).
        func withWord<R>(_ w: TextSpan, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            if w.start >= TextSpan.freshBase {
                return fresh.withUnsafeBufferPointer {
                    body(UnsafeBufferPointer(rebasing: $0[(w.start - TextSpan.freshBase)..<(w.end - TextSpan.freshBase)]))
                }
            }
            return body(line.slice(w.start - line.base, w.end - line.base))
        }
        if !withWord(first, { $0.contains(equals) }) {
            var i = lo
            while i < hi, !GoText.isSplitSpace(line[i]) { i += 1 }
            guard i < hi else { throw InstructionError(message: "\(key) must have two arguments") }
            var j = i
            while j < hi, GoText.isSplitSpace(line[j]) { j += 1 }
            out.spans.append(line.span(lo, i))
            out.spans.append(line.span(j, hi))
            out.spans.append(line.span(0, 0))
            return
        }
        out.spans.reserveCapacity(out.spans.count + out.words.count * 3)
        for word in out.words {
            guard let eq = withWord(word, { $0.firstIndex(of: equals) }) else {
                throw InstructionError(message:
                    "Syntax error - can't find = in \(withWord(word) { GoText.quote($0) }). Must be of the form: name=value")
            }
            let at = word.start + eq
            out.spans.append(TextSpan(start: word.start, end: at))
            out.spans.append(TextSpan(start: at + 1, end: word.end))
            // The `=` node: the word's own `=` byte.
            out.spans.append(TextSpan(start: at, end: at + 1))
        }
    }
}

extension PendingInstruction {
    /// BuildKit's `canContainHeredoc` for this instruction itself: RUN, COPY or ADD in shell form.
    var canContainHeredocItself: Bool {
        (kind == .add || kind == .copy || kind == .run) && !jsonForm
    }
}

/// Where ``walkWords(_:_:_:escape:into:)`` puts the words it finds.
protocol WordSink {
    /// A word starts at byte `at`.
    mutating func begin(at: Int)
    /// The rune `rune` read from `from..<to` belongs to the current word.
    mutating func take(_ rune: UInt32, from: Int, to: Int)
    /// The current word ends.
    mutating func end()
}

/// Words as spans of a valid UTF-8 line (every rune is its own bytes, kept in order).
struct WordSlices: WordSink {
    let line: LineBytes
    var words: [TextSpan] = []
    var start = 0
    var last = 0

    init(line: LineBytes) { self.line = line }

    @inline(__always) mutating func begin(at: Int) { start = at; last = at }
    @inline(__always) mutating func take(_ rune: UInt32, from: Int, to: Int) { last = to }
    @inline(__always) mutating func end() { words.append(line.span(start, last)) }
}

/// Words decoded rune by rune (invalid bytes become U+FFFD), appended to the parser-made region.
struct DecodedWords: WordSink {
    var fresh: [UInt8] = []
    var words: [TextSpan] = []
    var start = 0

    @inline(__always) mutating func begin(at: Int) { start = fresh.count }
    @inline(__always) mutating func take(_ rune: UInt32, from: Int, to: Int) { GoText.appendRune(rune, to: &fresh) }
    @inline(__always) mutating func end() {
        words.append(TextSpan(start: TextSpan.freshBase + start, end: TextSpan.freshBase + fresh.count))
    }
}

/// Where ``walkWords(_:_:_:escape:into:)`` is: between words, in a word, inside quotes.
enum WordPhase { case spaces, word, quote }

/// BuildKit's `parseWords` state machine over `p[lo..<hi]`, one walker for both sinks: split on white space
/// outside quotes, quotes and escapes kept; an escape character ending the text is dropped.
@inline(__always)
func walkWords<Sink: WordSink>(_ p: UnsafeBufferPointer<UInt8>, _ lo: Int, _ end: Int, escape: UInt8,
                               into sink: inout Sink) {
    var phase = WordPhase.spaces
    var quote: UInt32 = 0
    var blankOK = false
    var empty = true
    var pos = lo
    var ch: UInt32 = 0
    var width = 1
    let esc = UInt32(escape)
    while pos <= end {
        if pos != end { (ch, width) = GoText.decodeRune(p, pos, end: end) }
        if phase == .spaces {
            if pos == end { break }
            if GoText.isSpace(ch) { pos += width; continue }
            phase = .word
            sink.begin(at: pos)
            empty = true
        }
        if phase == .word || phase == .quote, pos == end {
            if blankOK || !empty { sink.end() }
            break
        }
        if phase == .word {
            if GoText.isSpace(ch) {
                phase = .spaces
                if blankOK || !empty { sink.end() }
                blankOK = false
                pos += width
                continue
            }
            if ch == 0x27 || ch == 0x22 {
                quote = ch
                blankOK = true
                phase = .quote
            }
            if ch == esc {
                if pos + width == end { pos += width; continue }
                sink.take(ch, from: pos, to: pos + width)
                pos += width
                (ch, width) = GoText.decodeRune(p, pos, end: end)
            }
            sink.take(ch, from: pos, to: pos + width)
            empty = false
            pos += width
            continue
        }
        // quote
        if ch == quote { phase = .word }
        if ch == esc && quote != 0x27 {
            if pos + width == end {
                phase = .word
                pos += width
                continue
            }
            sink.take(ch, from: pos, to: pos + width)
            pos += width
            (ch, width) = GoText.decodeRune(p, pos, end: end)
        }
        sink.take(ch, from: pos, to: pos + width)
        empty = false
        pos += width
    }
}

/// Go `json.Unmarshal` into `[]interface{}`, as BuildKit's `parseJSON` uses it.
enum JSONArrayParser {
    enum Result {
        /// A JSON array of strings: one span per string was appended (the string's bytes as written when it has
        /// no escape and no invalid UTF-8, its decoded bytes otherwise).
        case strings
        /// Valid JSON array with a non-string element: BuildKit's error.
        case notStrings
        /// Not a JSON array: BuildKit falls back to shell form.
        case invalid
    }

    static let maximumDepth = 10000

    /// Parses `line[lo..<hi]`. Spans are appended as strings are found; on `.notStrings` and `.invalid` the
    /// caller discards them.
    static func parse(_ line: LineBytes, _ lo: Int, _ hi: Int, into out: inout ParseOutput) -> Result {
        let b = line.p
        var i = GoText.leftTrimIndex(b, lo, hi)
        let end = hi
        guard i < end, b[i] == UInt8(ascii: "[") else { return .invalid }
        var stack: [UInt8] = []  // '[' or '{'
        var allStrings = true

        @inline(__always) func skipWS() {
            while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        }

        /// Scans a string starting at i (on the quote). Returns false on a syntax error. When `record`, the
        /// string's span is appended: the bytes between the quotes when they need no decoding, else decoded bytes.
        func scanString(record: Bool) -> Bool {
            let open = i
            i += 1
            var clean = true
            while i < end {
                let c = b[i]
                if c == 0x22 {
                    i += 1
                    if record {
                        if clean { out.spans.append(line.span(open + 1, i - 1)) } else { decode(open) }
                    }
                    return true
                }
                if c < 0x20 { return false }
                if c == 0x5C {
                    clean = false
                    guard i + 1 < end else { return false }
                    switch b[i + 1] {
                    case 0x22, 0x5C, 0x2F, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
                         UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        guard hex4(i + 2) != nil else { return false }
                        i += 6
                    default:
                        return false
                    }
                    continue
                }
                if c < 0x80 {
                    i += 1
                } else {
                    let (r, w) = GoText.decodeRune(b, i, end: end)
                    if w == 1 && r == GoText.replacement { clean = false }
                    i += w
                }
            }
            return false
        }

        /// Decodes the (already checked) string whose opening quote is at `open` into the parser-made region.
        func decode(_ open: Int) {
            let start = TextSpan.freshBase + out.fresh.count
            var j = open + 1
            while j < end {
                let c = b[j]
                if c == 0x22 { break }
                if c == 0x5C {
                    let e = b[j + 1]
                    switch e {
                    case 0x22, 0x5C, 0x2F: out.fresh.append(e); j += 2
                    case UInt8(ascii: "b"): out.fresh.append(0x08); j += 2
                    case UInt8(ascii: "f"): out.fresh.append(0x0C); j += 2
                    case UInt8(ascii: "n"): out.fresh.append(0x0A); j += 2
                    case UInt8(ascii: "r"): out.fresh.append(0x0D); j += 2
                    case UInt8(ascii: "t"): out.fresh.append(0x09); j += 2
                    default:  // u, checked by scanString
                        let r = hex4(j + 2) ?? GoText.replacement
                        j += 6
                        if (0xD800...0xDFFF).contains(r) {
                            if r < 0xDC00, j + 1 < end, b[j] == 0x5C, b[j + 1] == UInt8(ascii: "u"),
                               let r2 = hex4(j + 2), (0xDC00...0xDFFF).contains(r2)
                            {
                                GoText.appendRune(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00), to: &out.fresh)
                                j += 6
                            } else {
                                GoText.appendRune(GoText.replacement, to: &out.fresh)
                            }
                        } else {
                            GoText.appendRune(r, to: &out.fresh)
                        }
                    }
                    continue
                }
                if c < 0x80 {
                    out.fresh.append(c)
                    j += 1
                } else {
                    let (r, w) = GoText.decodeRune(b, j, end: end)
                    if w == 1 { GoText.appendRune(GoText.replacement, to: &out.fresh) } else { GoText.appendRune(r, to: &out.fresh) }
                    j += w
                }
            }
            out.spans.append(TextSpan(start: start, end: TextSpan.freshBase + out.fresh.count))
        }

        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= end else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = b[k]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }

        func scanNumber() -> Bool {
            if i < end, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end else { return false }
            if b[i] == UInt8(ascii: "0") {
                i += 1
            } else if b[i] >= 0x31 && b[i] <= 0x39 {
                while i < end, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            } else {
                return false
            }
            if i < end, b[i] == UInt8(ascii: ".") {
                i += 1
                guard i < end, b[i] >= 0x30 && b[i] <= 0x39 else { return false }
                while i < end, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            }
            if i < end, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard i < end, b[i] >= 0x30 && b[i] <= 0x39 else { return false }
                while i < end, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            }
            return true
        }

        func scanLiteral(_ word: StaticString) -> Bool {
            word.withUTF8Buffer { w in
                guard i + w.count <= end, b[i..<(i + w.count)].elementsEqual(w) else { return false }
                i += w.count
                return true
            }
        }

        /// After a complete value: `,` continues, a closer pops. Returns true when the top array closed,
        /// false on a syntax error, nil to keep going.
        func afterValue() -> Bool? {
            while true {
                skipWS()
                guard i < end else { return false }
                let top = stack[stack.count - 1]
                let closer: UInt8 = top == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    return nil
                }
                if b[i] == closer {
                    i += 1
                    stack.removeLast()
                    if stack.isEmpty { return true }
                    continue
                }
                return false
            }
        }

        // State machine. `justOpened`: after '[' or '{' the closer is also allowed.
        i += 1
        stack.append(UInt8(ascii: "["))
        var justOpened = true
        while true {
            skipWS()
            guard i < end else { return .invalid }
            let top = stack[stack.count - 1]
            if justOpened {
                let closer: UInt8 = top == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if b[i] == closer {
                    i += 1
                    stack.removeLast()
                    justOpened = false
                    if stack.isEmpty { break }
                    if let done = afterValue() { if done { break } else { return .invalid } }
                    continue
                }
            }
            justOpened = false
            if top == UInt8(ascii: "{") {
                // key : value
                guard b[i] == 0x22, scanString(record: false) else { return .invalid }
                skipWS()
                guard i < end, b[i] == UInt8(ascii: ":") else { return .invalid }
                i += 1
                skipWS()
                guard i < end else { return .invalid }
            }
            // a value
            let atTop = stack.count == 1
            let c = b[i]
            if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                if atTop { allStrings = false }
                stack.append(c)
                if stack.count > maximumDepth { return .invalid }
                i += 1
                justOpened = true
                continue
            }
            if c == 0x22 {
                guard scanString(record: atTop) else { return .invalid }
            } else if c == UInt8(ascii: "t") {
                guard scanLiteral("true") else { return .invalid }
                if atTop { allStrings = false }
            } else if c == UInt8(ascii: "f") {
                guard scanLiteral("false") else { return .invalid }
                if atTop { allStrings = false }
            } else if c == UInt8(ascii: "n") {
                guard scanLiteral("null") else { return .invalid }
                if atTop { allStrings = false }
            } else if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
                guard scanNumber() else { return .invalid }
                if atTop { allStrings = false }
            } else {
                return .invalid
            }
            if let done = afterValue() { if done { break } else { return .invalid } }
        }

        skipWS()
        guard i == end else { return .invalid }
        return allStrings ? .strings : .notStrings
    }
}
