/// One instruction as BuildKit's `newNodeFromLine` builds it, before line numbers are attached.
struct ParsedNode {
    var keyword: ArraySlice<UInt8>
    /// The keyword in lower case (Go `strings.ToLower`), computed once.
    var lowerKeyword: String
    var flags: [String]
    /// Argument nodes: slices of the line where BuildKit keeps the bytes as written, fresh bytes otherwise.
    var arguments: [ArraySlice<UInt8>]
    /// ONBUILD's instruction (at most one element).
    var nested: [ParsedNode]
    var jsonForm: Bool
    /// The text this node was built from (the logical line, or ONBUILD's rest).
    var line: ArraySlice<UInt8>

    /// Go `strings.ToLower` of a keyword: ASCII keywords (all real ones) without building a String twice.
    static func lower(_ keyword: ArraySlice<UInt8>) -> String {
        var ascii = true
        for c in keyword where c >= 0x80 { ascii = false; break }
        guard ascii else { return GoText.lower(GoText.string(keyword)) }
        return String(unsafeUninitializedCapacity: keyword.count) { buffer in
            var n = 0
            for c in keyword {
                buffer[n] = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
                n += 1
            }
            return n
        }
    }

    /// BuildKit's `canContainHeredoc`: RUN/COPY/ADD in shell form, or ONBUILD directly wrapping one.
    var canContainHeredoc: Bool {
        if lowerKeyword == "onbuild", let inner = nested.first { return inner.canContainHeredocItself }
        return canContainHeredocItself
    }

    private var canContainHeredocItself: Bool {
        guard lowerKeyword == "add" || lowerKeyword == "copy" || lowerKeyword == "run" else { return false }
        return !jsonForm
    }

    func instruction(original: String, lines: LineSpan, comments: [String], heredocs: [Heredoc] = []) -> Instruction {
        let inner = nested.map { $0.instruction(original: GoText.string($0.line), lines: lines, comments: []) }
        var allValid = true
        let strings = arguments.map { bytes -> String in
            bytes.withUnsafeBufferPointer { buffer in
                if GoText.isValidUTF8(buffer) { return String(decoding: buffer, as: UTF8.self) }
                allValid = false
                return GoText.string(buffer: buffer)
            }
        }
        // Raw bytes are kept only when they differ from the UTF-8 of the decoded arguments.
        return Instruction(
            keyword: GoText.string(keyword), flags: flags, arguments: strings,
            nested: inner, jsonForm: inner.isEmpty ? jsonForm : inner[0].jsonForm, heredocs: heredocs, original: original,
            lines: lines, previousComments: comments, rawArgumentBytes: allValid ? nil : arguments.map { Array($0) })
    }
}

/// Splits a logical line into keyword, flags and argument nodes (BuildKit's `splitCommand`,
/// `extractBuilderFlags` and the per-keyword line parsers).
struct InstructionBuilder {
    let escape: UInt8

    func node(fromLine line: ArraySlice<UInt8>, depth: Int) throws -> ParsedNode {
        if depth > DockerfileParser.maximumOnbuildDepth {
            throw InstructionError(message: "ONBUILD nested more than \(DockerfileParser.maximumOnbuildDepth) levels")
        }
        // splitCommand: TrimSpace, split at the first run of [\t\v\f\r ].
        let trimmed = GoText.trimSpace(line)
        var k = trimmed.startIndex
        while k < trimmed.endIndex, !GoText.isSplitSpace(trimmed[k]) { k += 1 }
        let keyword = trimmed[trimmed.startIndex..<k]
        var flags: [String] = []
        var rest = trimmed[trimmed.endIndex...]
        if k < trimmed.endIndex {
            var r = k
            while r < trimmed.endIndex, GoText.isSplitSpace(trimmed[r]) { r += 1 }
            let (remaining, extracted) = Self.extractFlags(trimmed[r...], escape: escape)
            flags = extracted
            rest = GoText.trimSpace(remaining)
        }
        let lower = ParsedNode.lower(keyword)
        // Built in locals and assembled once (no copy of a half-built node).
        var arguments: [ArraySlice<UInt8>] = []
        var jsonForm = false
        var nested: [ParsedNode] = []
        switch lower {
        case "add", "copy", "volume":
            (arguments, jsonForm) = try parseMaybeJSONToList(rest)
        case "run", "cmd", "entrypoint", "shell":
            (arguments, jsonForm) = try parseMaybeJSON(rest)
        case "from", "expose":
            arguments = Self.splitWhitespace(rest)
        case "maintainer", "user", "workdir", "stopsignal":
            if !rest.isEmpty { arguments = [rest] }
        case "arg":
            arguments = parseWords(rest)
        case "env":
            arguments = try parseNameValue(rest, key: "ENV")
        case "label":
            arguments = try parseNameValue(rest, key: "LABEL")
        case "healthcheck":
            (arguments, jsonForm) = try parseHealthcheck(rest)
        case "onbuild":
            if !rest.isEmpty { nested = [try self.node(fromLine: rest, depth: depth + 1)] }
        default:
            arguments = [ArraySlice()]
        }
        return ParsedNode(keyword: keyword, lowerKeyword: lower, flags: flags, arguments: arguments,
                          nested: nested, jsonForm: jsonForm, line: line)
    }

    /// Argument nodes and whether they came from the JSON (exec) form.
    typealias Arguments = (arguments: [ArraySlice<UInt8>], jsonForm: Bool)

    // MARK: flags

    /// `extractBuilderFlags`: byte-wise, every byte a Latin-1 rune; the escape character drops itself and keeps
    /// the byte after it.
    static func extractFlags(_ line: ArraySlice<UInt8>, escape: UInt8) -> (ArraySlice<UInt8>, [String]) {
        enum Phase { case spaces, word, quote }
        var words: [String] = []
        var phase = Phase.spaces
        // The word's bytes, each one a Latin-1 rune (made a String when the word ends).
        var word: [UInt8] = []
        var quote: UInt8 = 0
        var blankOK = false
        let end = line.endIndex
        var pos = line.startIndex
        var ch: UInt8 = 0
        func isWordDashDash(_ w: [UInt8]) -> Bool {
            w.count == 2 && w[0] == UInt8(ascii: "-") && w[1] == UInt8(ascii: "-")
        }
        while pos <= end {
            if pos != end { ch = line[pos] }
            if phase == .spaces {
                if pos == end { break }
                if GoText.isLatin1Space(ch) { pos += 1; continue }
                if ch != UInt8(ascii: "-") || pos + 1 == end || line[pos + 1] != UInt8(ascii: "-") {
                    return (line[pos...], words)
                }
                phase = .word
            }
            if phase == .word || phase == .quote, pos == end {
                if !isWordDashDash(word) && (blankOK || !word.isEmpty) { words.append(latin1String(word)) }
                break
            }
            if phase == .word {
                if GoText.isLatin1Space(ch) {
                    phase = .spaces
                    if isWordDashDash(word) { return (line[pos...], words) }
                    if blankOK || !word.isEmpty { words.append(latin1String(word)) }
                    word.removeAll(keepingCapacity: true)
                    blankOK = false
                    pos += 1
                    continue
                }
                if ch == UInt8(ascii: "'") || ch == UInt8(ascii: "\"") {
                    quote = ch
                    blankOK = true
                    phase = .quote
                    pos += 1
                    continue
                }
                if ch == escape {
                    if pos + 1 == end { pos += 1; continue }
                    pos += 1
                    ch = line[pos]
                }
                word.append(ch)
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
            word.append(ch)
            pos += 1
        }
        return (line[end...], words)
    }

    /// Bytes read as Latin-1 runes, as a String (bytes from 0x80 become two-byte UTF-8).
    static func latin1String(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            if b < 0x80 { out.append(b) } else {
                out.append(0xC0 | (b >> 6))
                out.append(0x80 | (b & 0x3F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: argument shapes

    /// `parseStringsWhitespaceDelimited`: split on runs of `[\t\v\f\r ]`.
    static func splitWhitespace(_ rest: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        if rest.isEmpty { return [] }
        var out: [ArraySlice<UInt8>] = []
        var start = rest.startIndex
        var i = rest.startIndex
        while i < rest.endIndex {
            if GoText.isSplitSpace(rest[i]) {
                out.append(rest[start..<i])
                while i < rest.endIndex, GoText.isSplitSpace(rest[i]) { i += 1 }
                start = i
                continue
            }
            i += 1
        }
        out.append(rest[start..<rest.endIndex])
        return out
    }

    func parseMaybeJSON(_ rest: ArraySlice<UInt8>) throws -> Arguments {
        if rest.isEmpty { return ([], false) }
        switch JSONArrayParser.parse(rest) {
        case .strings(let items):
            return (items.map { $0[...] }, true)
        case .notStrings:
            throw InstructionError(message: "when using JSON array syntax, arrays must be comprised of strings only")
        case .invalid:
            return ([rest], false)
        }
    }

    func parseMaybeJSONToList(_ rest: ArraySlice<UInt8>) throws -> Arguments {
        switch JSONArrayParser.parse(rest) {
        case .strings(let items):
            return (items.map { $0[...] }, true)
        case .notStrings:
            throw InstructionError(message: "when using JSON array syntax, arrays must be comprised of strings only")
        case .invalid:
            return (Self.splitWhitespace(rest), false)
        }
    }

    func parseHealthcheck(_ rest: ArraySlice<UInt8>) throws -> Arguments {
        var sep = rest.startIndex
        while sep < rest.endIndex, !GoText.isLatin1Space(rest[sep]) { sep += 1 }
        var next = sep
        while next < rest.endIndex, GoText.isLatin1Space(rest[next]) { next += 1 }
        if sep == rest.startIndex { return ([], false) }
        let command = try parseMaybeJSON(rest[next...])
        return ([rest[rest.startIndex..<sep]] + command.arguments, command.jsonForm)
    }

    /// `parseWords`: split on white space outside quotes; quotes and escapes kept.
    func parseWords(_ rest: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        if rest.withUnsafeBufferPointer({ GoText.isValidUTF8($0) }) { return parseWordSlices(rest) }
        return parseWordsDecoding(rest).map { $0[...] }
    }

    /// ``parseWords(_:)`` for valid UTF-8: every rune re-encodes to its own bytes, so each word is the slice
    /// it was read from (an escape character ending the text is the only byte left out, and it can only end
    /// the last word).
    func parseWordSlices(_ rest: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        enum Phase { case spaces, word, quote }
        var words: [ArraySlice<UInt8>] = []
        var phase = Phase.spaces
        var wordStart = rest.startIndex
        var wordEnd = rest.startIndex
        var quote: UInt32 = 0
        var blankOK = false
        let end = rest.endIndex
        var pos = rest.startIndex
        var ch: UInt32 = 0
        var width = 1
        let esc = UInt32(escape)
        while pos <= end {
            if pos != end { (ch, width) = GoText.decodeRune(rest, pos) }
            if phase == .spaces {
                if pos == end { break }
                if GoText.isSpace(ch) { pos += width; continue }
                phase = .word
                wordStart = pos
                wordEnd = pos
            }
            if phase == .word || phase == .quote, pos == end {
                if blankOK || wordEnd > wordStart { words.append(rest[wordStart..<wordEnd]) }
                break
            }
            if phase == .word {
                if GoText.isSpace(ch) {
                    phase = .spaces
                    if blankOK || wordEnd > wordStart { words.append(rest[wordStart..<wordEnd]) }
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
                    pos += width
                    (ch, width) = GoText.decodeRune(rest, pos)
                }
                pos += width
                wordEnd = pos
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
                pos += width
                (ch, width) = GoText.decodeRune(rest, pos)
            }
            pos += width
            wordEnd = pos
        }
        return words
    }

    /// `parseWords` on text with invalid UTF-8: runes decoded Go style (one U+FFFD per bad byte).
    func parseWordsDecoding(_ rest: ArraySlice<UInt8>) -> [[UInt8]] {
        enum Phase { case spaces, word, quote }
        var words: [[UInt8]] = []
        var phase = Phase.spaces
        var word: [UInt8] = []
        var quote: UInt32 = 0
        var blankOK = false
        let end = rest.endIndex
        var pos = rest.startIndex
        var ch: UInt32 = 0
        var width = 1
        let esc = UInt32(escape)
        while pos <= end {
            if pos != end { (ch, width) = GoText.decodeRune(rest, pos) }
            if phase == .spaces {
                if pos == end { break }
                if GoText.isSpace(ch) { pos += width; continue }
                phase = .word
            }
            if phase == .word || phase == .quote, pos == end {
                if blankOK || !word.isEmpty { words.append(word) }
                break
            }
            if phase == .word {
                if GoText.isSpace(ch) {
                    phase = .spaces
                    if blankOK || !word.isEmpty { words.append(word) }
                    word = []
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
                    GoText.appendRune(ch, to: &word)
                    pos += width
                    (ch, width) = GoText.decodeRune(rest, pos)
                }
                GoText.appendRune(ch, to: &word)
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
                pos += width
                GoText.appendRune(ch, to: &word)
                (ch, width) = GoText.decodeRune(rest, pos)
            }
            GoText.appendRune(ch, to: &word)
            pos += width
        }
        return words
    }

    /// `parseNameVal` (ENV, LABEL): `key value` (old form) or `k=v k2=v2` triples.
    func parseNameValue(_ rest: ArraySlice<UInt8>, key: String) throws -> [ArraySlice<UInt8>] {
        let words = parseWords(rest)
        guard let first = words.first else { return [] }
        let equals = UInt8(ascii: "=")
        if !first.contains(equals) {
            var i = rest.startIndex
            while i < rest.endIndex, !GoText.isSplitSpace(rest[i]) { i += 1 }
            guard i < rest.endIndex else { throw InstructionError(message: "\(key) must have two arguments") }
            var j = i
            while j < rest.endIndex, GoText.isSplitSpace(rest[j]) { j += 1 }
            return [rest[rest.startIndex..<i], rest[j...], ArraySlice()]
        }
        var out: [ArraySlice<UInt8>] = []
        out.reserveCapacity(words.count * 3)
        for word in words {
            guard let eq = word.firstIndex(of: equals) else {
                throw InstructionError(message:
                    "Syntax error - can't find = in \(GoText.quote(word)). Must be of the form: name=value")
            }
            out.append(word[..<eq])
            out.append(word[(eq + 1)...])
            out.append(Self.equalsSign)
        }
        return out
    }

    /// The `=` node of a `k=v` triple.
    static let equalsSign: ArraySlice<UInt8> = [UInt8(ascii: "=")][...]
}

/// Go `json.Unmarshal` into `[]interface{}`, as BuildKit's `parseJSON` uses it.
enum JSONArrayParser {
    enum Result {
        case strings([[UInt8]])
        /// Valid JSON array with a non-string element: BuildKit's error.
        case notStrings
        /// Not a JSON array: BuildKit falls back to shell form.
        case invalid
    }

    static let maximumDepth = 10000

    static func parse(_ input: ArraySlice<UInt8>) -> Result {
        let b = GoText.trimLeftSpace(input)
        guard b.first == UInt8(ascii: "[") else { return .invalid }
        var i = b.startIndex
        let end = b.endIndex
        var stack: [UInt8] = []  // '[' or '{'
        var topItems: [[UInt8]] = []
        var allStrings = true

        @inline(__always) func skipWS() {
            while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        }

        // Parses a string starting at i (on the quote); returns decoded bytes if `decode`.
        func scanString(decode: Bool) -> [UInt8]?? {
            i += 1
            var out: [UInt8] = []
            while i < end {
                let c = b[i]
                if c == 0x22 { i += 1; return .some(decode ? out : nil) }
                if c < 0x20 { return nil }
                if c == 0x5C {
                    guard i + 1 < end else { return nil }
                    let e = b[i + 1]
                    switch e {
                    case 0x22, 0x5C, 0x2F: if decode { out.append(e) }; i += 2
                    case UInt8(ascii: "b"): if decode { out.append(0x08) }; i += 2
                    case UInt8(ascii: "f"): if decode { out.append(0x0C) }; i += 2
                    case UInt8(ascii: "n"): if decode { out.append(0x0A) }; i += 2
                    case UInt8(ascii: "r"): if decode { out.append(0x0D) }; i += 2
                    case UInt8(ascii: "t"): if decode { out.append(0x09) }; i += 2
                    case UInt8(ascii: "u"):
                        guard let r = hex4(i + 2) else { return nil }
                        i += 6
                        if decode {
                            if (0xD800...0xDFFF).contains(r) {
                                if r < 0xDC00, i + 1 < end, b[i] == 0x5C, b[i + 1] == UInt8(ascii: "u"),
                                   let r2 = hex4(i + 2), (0xDC00...0xDFFF).contains(r2)
                                {
                                    GoText.appendRune(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00), to: &out)
                                    i += 6
                                } else {
                                    GoText.appendRune(GoText.replacement, to: &out)
                                }
                            } else {
                                GoText.appendRune(r, to: &out)
                            }
                        }
                    default:
                        return nil
                    }
                    continue
                }
                if decode {
                    if c < 0x80 {
                        out.append(c)
                        i += 1
                    } else {
                        let (r, w) = GoText.decodeRune(b, i)
                        if w == 1 { GoText.appendRune(GoText.replacement, to: &out) } else { GoText.appendRune(r, to: &out) }
                        i += w
                    }
                } else {
                    i += 1
                }
            }
            return nil
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

        func scanLiteral(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= end, b[i..<(i + w.count)].elementsEqual(w) else { return false }
            i += w.count
            return true
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

        // State machine. `expectValue`: a value must come next (after '[' the closer is also allowed).
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
                guard b[i] == 0x22, case .some = scanString(decode: false) else { return .invalid }
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
                guard case .some(let decoded) = scanString(decode: atTop) else { return .invalid }
                if atTop, let decoded { topItems.append(decoded) }
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
        return allStrings ? .strings(topItems) : .notStrings
    }
}
