import Foundation

/// The outcome of parsing a Dockerfile: the model (nil on a fatal error, as BuildKit refuses the file)
/// and every finding, warnings included.
public struct DockerfileParseResult: Sendable {
    public var dockerfile: Dockerfile?
    public var diagnostics: [Diagnostic]
    /// The lines BuildKit itself reports for the fatal error, quirks included (directive errors one line
    /// early, `file with no instructions` at the number of lines read, a too-long line at the last line read
    /// successfully). nil when the parse succeeded. The diagnostics carry the real lines.
    public var buildkitErrorLines: ClosedRange<Int>?

    public init(dockerfile: Dockerfile?, diagnostics: [Diagnostic], buildkitErrorLines: ClosedRange<Int>? = nil) {
        self.dockerfile = dockerfile
        self.diagnostics = diagnostics
        self.buildkitErrorLines = buildkitErrorLines
    }
}

/// A hand-written parser with the semantics of BuildKit's Dockerfile parser
/// (moby/buildkit `frontend/dockerfile/parser`, the behaviour documented in the conformance corpus'
/// FORMAT.md): directives, continuations, comments, heredocs, flags, JSON form, ONBUILD, line numbers.
///
/// It works on bytes and never traps on any input. Files without FROM (fragments) parse too; their
/// `stages` are empty.
public enum DockerfileParser {
    /// BuildKit's `bufio.MaxScanTokenSize - 1`.
    public static let maximumLineLength = 65535
    /// ONBUILD chains deeper than this are refused (BuildKit has no limit; fixlog keeps its stack bounded).
    public static let maximumOnbuildDepth = 64

    /// Parses the text with BuildKit's rules.
    public static func parse(_ source: SourceText) -> DockerfileParseResult {
        parse(source, knownValidUTF8: false)
    }

    /// ``parse(_:)``; `knownValidUTF8` skips the UTF-8 check when the caller has already made it.
    static func parse(_ source: SourceText, knownValidUTF8: Bool) -> DockerfileParseResult {
        guard source.bytes.count <= TextSpan.maximumSource else {
            return DockerfileParseResult(dockerfile: nil, diagnostics: [.error(.fileTooLarge,
                "'\(source.path)' is \(source.bytes.count) bytes; the Dockerfile parser reads files up to \(TextSpan.maximumSource) bytes",
                file: source.path)])
        }
        let valid = knownValidUTF8 || source.bytes.withUnsafeBufferPointer { GoText.isValidUTF8($0) }
        return source.bytes.withUnsafeBufferPointer { buffer in
            var parser = LineParser(source: source, buffer: buffer, validUTF8: valid)
            return parser.run()
        }
    }
}

/// A fatal parse error, as BuildKit reports it.
struct DockerfileFailure: Error {
    var id: DiagnosticID
    var message: String
    /// Real 1-based lines of the problem.
    var lines: ClosedRange<Int>
    /// What BuildKit reports.
    var buildkitLines: ClosedRange<Int>
}

/// An error raised while building one instruction (located by the caller).
struct InstructionError: Error {
    var message: String
    var id: DiagnosticID = .dockerfileSyntax
}

/// An instruction as ``InstructionBuilder`` makes it, before it gets its lines.
struct PendingInstruction {
    var keyword: String
    var fields: ParsedFields
    var jsonForm: Bool
    /// Whether its `command` is `from`.
    var isFrom: Bool
    /// ONBUILD's instruction (at most one element).
    var nested: [PendingInstruction]
    var kind: Keyword
}

/// What the parser makes besides the instruction records: the spans of every text field, the bytes it had
/// to make itself, the heredoc records, and scratch space reused from line to line.
struct ParseOutput {
    var spans: [TextSpan] = []
    var fresh: [UInt8] = []
    var heredocs: [HeredocRecord] = []
    /// Scratch: the words of an ENV or LABEL line.
    var words: [TextSpan] = []
    /// Scratch: the bytes of a flag being unquoted.
    var word: [UInt8] = []

    /// Appends bytes to the parser-made region and returns their span.
    @inline(__always)
    mutating func appendFresh(_ bytes: UnsafeBufferPointer<UInt8>) -> TextSpan {
        let start = TextSpan.freshBase + fresh.count
        fresh.append(contentsOf: bytes)
        return TextSpan(start: start, end: TextSpan.freshBase + fresh.count)
    }

    @inline(__always)
    mutating func appendFresh(_ bytes: [UInt8]) -> TextSpan {
        bytes.withUnsafeBufferPointer { appendFresh($0) }
    }
}

/// The logical line being parsed: its bytes and where byte 0 is in the ``TextSpan`` index space.
struct LineBytes {
    let p: UnsafeBufferPointer<UInt8>
    let base: Int

    @inline(__always) var count: Int { p.count }
    @inline(__always) subscript(_ i: Int) -> UInt8 { p[i] }
    @inline(__always) func span(_ lo: Int, _ hi: Int) -> TextSpan { TextSpan(start: base + lo, end: base + hi) }
    @inline(__always) func slice(_ lo: Int, _ hi: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: p[lo..<hi])
    }
}

struct LineParser {
    let source: SourceText
    let bytes: [UInt8]
    /// The file's bytes, valid for the whole parse (``DockerfileParser/parse(_:knownValidUTF8:)`` holds them).
    let src: UnsafeBufferPointer<UInt8>
    /// Whether the file is well-formed UTF-8 (then no piece of it needs Go's decoding).
    let validUTF8: Bool
    /// Byte offset of the next unread physical line.
    var position = 0
    /// Physical lines consumed so far (BuildKit's `currentLine`).
    var currentLine = 0
    /// Set when a physical line longer than 64 KiB stopped the scanner.
    var tooLong = false
    var escape: UInt8 = UInt8(ascii: "\\")

    /// The source's line table: the physical lines BuildKit's scanner reads, already found.
    let lineStarts: [Int]
    /// Index into `lineStarts` of the line starting at `position`.
    var lineIndex = 0

    init(source: SourceText, buffer: UnsafeBufferPointer<UInt8>, validUTF8: Bool) {
        self.source = source
        self.bytes = source.bytes
        self.src = buffer
        self.validUTF8 = validUTF8
        self.lineStarts = source.lineStarts
    }

    /// The next physical line including its `\n`, or nil at the end (or after a too-long line).
    @inline(__always)
    mutating func scan() -> Range<Int>? {
        if tooLong || position >= src.count { return nil }
        let start = position
        // Every line but the last ends with `\n` just before the next line's start; the last one may lack it.
        let end = lineIndex + 1 < lineStarts.count ? lineStarts[lineIndex + 1] : src.count
        let contentEnd = src[end - 1] == 0x0A ? end - 1 : end
        if contentEnd - start > DockerfileParser.maximumLineLength {
            tooLong = true
            return nil
        }
        position = end
        lineIndex += 1
        return start..<position
    }

    /// Go `bytes.TrimRight(b, "\r\n")` as a range.
    @inline(__always)
    func trimNewlineRange(_ r: Range<Int>) -> Range<Int> {
        var end = r.upperBound
        while end > r.lowerBound, src[end - 1] == 0x0A || src[end - 1] == 0x0D { end -= 1 }
        return r.lowerBound..<end
    }

    /// Go `bytes.TrimLeftFunc(b, unicode.IsSpace)` on a range of the file.
    @inline(__always)
    func trimLeftSpaceRange(_ r: Range<Int>) -> Range<Int> {
        GoText.leftTrimIndex(src, r.lowerBound, r.upperBound)..<r.upperBound
    }

    /// BuildKit's continuation test on a range of the file: `([^E])E[ \t]*$|^E[ \t]*$`, replaced by `$1`.
    @inline(__always)
    func trimContinuationRange(_ r: Range<Int>) -> (Range<Int>, continues: Bool) {
        var j = r.upperBound
        while j > r.lowerBound, src[j - 1] == 0x20 || src[j - 1] == 0x09 { j -= 1 }
        guard j > r.lowerBound, src[j - 1] == escape else { return (r, false) }
        if j - 1 == r.lowerBound { return (r.lowerBound..<r.lowerBound, true) }
        if src[j - 2] == escape { return (r, false) }
        return (r.lowerBound..<(j - 1), true)
    }

    func fail(_ id: DiagnosticID, _ message: String, lines: ClosedRange<Int>, buildkit: ClosedRange<Int>? = nil)
        -> DockerfileFailure
    {
        Self.fail(id, message, lines: lines, buildkit: buildkit)
    }

    static func fail(_ id: DiagnosticID, _ message: String, lines: ClosedRange<Int>, buildkit: ClosedRange<Int>? = nil)
        -> DockerfileFailure
    {
        DockerfileFailure(id: id, message: message, lines: lines, buildkitLines: buildkit ?? lines)
    }

    /// Bytes on physical line `n` without its line ending (0 past the end of the file).
    func lineLength(_ n: Int) -> Int {
        guard n >= 1, n <= source.lineStarts.count, !bytes.isEmpty else { return 0 }
        let start = source.lineStarts[n - 1]
        var end = n < source.lineStarts.count ? source.lineStarts[n] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return end - start
    }

    /// Leading blanks on physical line `n`, so errors point at the instruction's keyword.
    func indentation(_ n: Int) -> Int {
        guard n >= 1, n <= source.lineStarts.count, !bytes.isEmpty else { return 0 }
        var i = source.lineStarts[n - 1]
        let start = i
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        if i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D { return 0 }
        return i - start
    }

    mutating func run() -> DockerfileParseResult {
        do {
            return try parseAll()
        } catch let failure as DockerfileFailure {
            let first = max(1, failure.lines.lowerBound)
            let last = max(first, failure.lines.upperBound)
            let range = SourceRange(
                start: SourceLocation(line: first, column: indentation(first) + 1),
                end: SourceLocation(line: last, column: lineLength(last) + 1))
            let diagnostic = Diagnostic.error(failure.id, failure.message, file: source.path, range: range)
            return DockerfileParseResult(dockerfile: nil, diagnostics: [diagnostic],
                                         buildkitErrorLines: failure.buildkitLines)
        } catch {
            let diagnostic = Diagnostic.error(.dockerfileSyntax, "\(error)", file: source.path,
                                              range: SourceRange(line: max(1, currentLine)))
            return DockerfileParseResult(dockerfile: nil, diagnostics: [diagnostic])
        }
    }

    private static let knownDirectives: Set<String> = ["syntax", "escape", "check"]

    /// Matches `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
    static func matchDirective(_ b: ArraySlice<UInt8>) -> (key: String, value: ArraySlice<UInt8>)? {
        var i = b.startIndex
        let end = b.endIndex
        guard i < end, b[i] == UInt8(ascii: "#") else { return nil }
        i += 1
        while i < end, GoText.isRegexSpace(b[i]) { i += 1 }
        func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        guard i < end, isAlpha(b[i]) else { return nil }
        let keyStart = i
        while i < end, isAlpha(b[i]) || (b[i] >= 0x30 && b[i] <= 0x39) { i += 1 }
        let key = String(decoding: b[keyStart..<i], as: UTF8.self)
        while i < end, GoText.isRegexSpace(b[i]) { i += 1 }
        guard i < end, b[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        let afterEquals = i
        guard afterEquals < end else { return nil }
        while i < end, GoText.isRegexSpace(b[i]) { i += 1 }
        var valueEnd = end
        while valueEnd > i, GoText.isRegexSpace(b[valueEnd - 1]) { valueEnd -= 1 }
        if i < valueEnd { return (key, b[i..<valueEnd]) }
        // Only white space after '=': the lazy group takes the last character.
        return (key, b[(end - 1)..<end])
    }

    /// Whether `<<` occurs in the bytes.
    static func containsDoubleLess(_ b: ArraySlice<UInt8>) -> Bool {
        b.withUnsafeBufferPointer { containsDoubleLess($0) }
    }

    /// Whether `<<` occurs in the bytes.
    static func containsDoubleLess(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        var i = 0
        // memchr to each `<`, then look at the byte after it.
        while i + 1 < buffer.count, let hit = memchr(base + i, 0x3C, buffer.count - i - 1) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if buffer[at + 1] == 0x3C { return true }
            i = at + 1
        }
        return false
    }

    /// Whether the file bytes in `candidate` equal the bytes of `span` (in the file or the parser-made bytes).
    func fileBytes(_ candidate: Range<Int>, equal span: TextSpan, fresh: [UInt8]) -> Bool {
        guard candidate.count == span.end - span.start else { return false }
        let a = UnsafeBufferPointer(rebasing: src[candidate])
        if span.start >= TextSpan.freshBase {
            let lo = span.start - TextSpan.freshBase
            return fresh.withUnsafeBufferPointer { a.elementsEqual($0[lo..<(lo + a.count)]) }
        }
        return a.elementsEqual(src[span.start..<span.end])
    }

    /// Builds the node of the logical line `buffer` (whose byte 0 is at `base` in the span index space; its
    /// original and comment spans start at `first`) and finds its heredoc markers.
    /// - Returns: the node, and the line as text when an empty continuation line was found in it.
    /// (Static, so that calling it from a closure does not copy the parser.)
    static func buildNode(_ buffer: UnsafeBufferPointer<UInt8>, base: Int, first: Int, commentCount: Int,
                          startLine: Int, currentLine: Int, escape: UInt8, validUTF8: Bool,
                          emptyContinuationLine: Bool, out: inout ParseOutput, markers: inout [HeredocMarker]) throws
        -> (PendingInstruction, emptyLineWarning: String?)
    {
        let line = LineBytes(p: buffer, base: base)
        let builder = InstructionBuilder(escape: escape, validUTF8: validUTF8)
        var node: PendingInstruction
        let canContainHeredoc: Bool
        do {
            (node, canContainHeredoc) = try builder.node(line, 0, line.count, depth: 0, commentCount: commentCount,
                                                         into: &out)
        } catch let error as InstructionError {
            throw fail(error.id, error.message, lines: startLine...currentLine)
        }
        node.fields.first = first
        markers.removeAll(keepingCapacity: true)
        // A marker is a shell word starting `\d*<<`; the lexer keeps a word's characters in order (quotes and
        // escapes raw, only `${…}` may drop escapes, and it starts with `$`), so a line without two adjacent `<`
        // has no marker.
        if canContainHeredoc, Self.containsDoubleLess(buffer) {
            do {
                try HeredocScanner.markers(in: line, into: &markers, output: &out)
            } catch let error as InstructionError {
                throw fail(error.id, error.message, lines: startLine...currentLine)
            }
        }
        return (node, emptyContinuationLine ? GoText.string(buffer: buffer) : nil)
    }

    mutating func parseAll() throws -> DockerfileParseResult {
        // Made with a placeholder text (the file's text is complete only at the end; the stage pass swaps it in).
        var instructions: [Instruction] = []
        instructions.reserveCapacity(min(lineStarts.count, 1 << 20))
        var fromIndices: [Int] = []
        var warnings: [Diagnostic] = []
        var directives: [ParserDirective] = []
        var seenDirectives: Set<String> = []
        var directivesDone = false
        /// Spans of the comment lines before the next instruction.
        var comments: [TextSpan] = []
        var out = ParseOutput()
        // An original line per instruction and an argument or two: fewer spans than twice the lines, mostly.
        out.spans.reserveCapacity(min(lineStarts.count, 1 << 20) * 2)
        /// Scratch for the logical line being joined (its bytes are also copied to the parser-made bytes, where its
        /// spans point; the scratch copy is what the line is parsed from, as the parser-made bytes grow meanwhile).
        var joining: [UInt8] = []
        var markers: [HeredocMarker] = []

        // Line-level work uses ranges of the file; spans are recorded for what is kept.
        while let token = scan() {
            var rawRange = token
            if currentLine == 0, token.count >= 3, src[token.lowerBound] == 0xEF, src[token.lowerBound + 1] == 0xBB,
               src[token.lowerBound + 2] == 0xBF {
                rawRange = (token.lowerBound + 3)..<token.upperBound
            }
            let trimmed = trimNewlineRange(rawRange)
            let stripped = trimLeftSpaceRange(trimmed)
            let isComment = !stripped.isEmpty && src[stripped.lowerBound] == UInt8(ascii: "#")

            var isDirective = false
            if !directivesDone {
                if let (key, value) = Self.matchDirective(bytes[stripped]),
                   Self.knownDirectives.contains(key.lowercased())
                {
                    let name = key.lowercased()
                    let realLine = currentLine + 1
                    if seenDirectives.contains(name) {
                        throw fail(.dockerfileDirective, "only one \(name) parser directive can be used",
                                   lines: realLine...realLine, buildkit: currentLine...currentLine)
                    }
                    seenDirectives.insert(name)
                    let valueString = GoText.string(value)
                    if name == "escape" {
                        guard value.count == 1, value.first == UInt8(ascii: "`") || value.first == UInt8(ascii: "\\")
                        else {
                            throw fail(.dockerfileDirective,
                                       "invalid escape token '\(valueString)' does not match ` or \\",
                                       lines: realLine...realLine, buildkit: currentLine...currentLine)
                        }
                        escape = value[value.startIndex]
                    }
                    directives.append(ParserDirective(name: name, value: valueString, line: realLine))
                    isDirective = true
                } else {
                    directivesDone = true
                }
            }
            if isComment && !isDirective {
                // Go's `strings.TrimSpace(string(bytesRead[1:]))`: the line's first byte goes, whatever it is.
                let (lo, hi) = GoText.trimSpace(src, rawRange.lowerBound + 1, rawRange.upperBound)
                if lo == hi { comments.removeAll(keepingCapacity: true) } else { comments.append(TextSpan(start: lo, end: hi)) }
            }

            let firstPiece = isComment ? trimmed.upperBound..<trimmed.upperBound : stripped
            currentLine += 1
            let startLine = currentLine
            var (piece, continues) = trimContinuationRange(firstPiece)
            if !continues && piece.isEmpty { continue }

            // The logical line: a range of the file, or a joined copy once a continuation line adds to it.
            let firstRange = piece
            var isJoined = false
            var hasEmptyContinuationLine = false
            while continues, let next = scan() {
                currentLine += 1
                let t = trimNewlineRange(next)
                let s = trimLeftSpaceRange(t)
                if !s.isEmpty && src[s.lowerBound] == UInt8(ascii: "#") { continue }
                if s.isEmpty {
                    hasEmptyContinuationLine = true
                    continue
                }
                (piece, continues) = trimContinuationRange(t)
                if !isJoined {
                    isJoined = true
                    joining.removeAll(keepingCapacity: true)
                    joining.append(contentsOf: UnsafeBufferPointer(rebasing: src[firstRange]))
                }
                joining.append(contentsOf: UnsafeBufferPointer(rebasing: src[piece]))
            }

            let lineBase = isJoined ? TextSpan.freshBase + out.fresh.count : firstRange.lowerBound
            if isJoined { out.fresh.append(contentsOf: joining) }

            let instructionFirst = out.spans.count
            let lineSpan = TextSpan(start: lineBase, end: lineBase + (isJoined ? joining.count : firstRange.count))
            out.spans.append(lineSpan)
            let commentCount = comments.count
            if commentCount > 0 {
                out.spans.append(contentsOf: comments)
                comments.removeAll(keepingCapacity: true)
            }

            let lineCount = isJoined ? joining.count : firstRange.count
            let (escape, validUTF8, lineNow) = (self.escape, self.validUTF8, self.currentLine)
            var (node, emptyLineWarning) = isJoined
                ? try joining.withUnsafeBufferPointer {
                    try Self.buildNode(
                        UnsafeBufferPointer(rebasing: $0[0..<lineCount]), base: lineBase, first: instructionFirst,
                        commentCount: commentCount, startLine: startLine, currentLine: lineNow, escape: escape,
                        validUTF8: validUTF8, emptyContinuationLine: hasEmptyContinuationLine, out: &out,
                        markers: &markers)
                }
                : try Self.buildNode(
                    UnsafeBufferPointer(rebasing: src[firstRange]), base: lineBase, first: instructionFirst,
                    commentCount: commentCount, startLine: startLine, currentLine: lineNow, escape: escape,
                    validUTF8: validUTF8, emptyContinuationLine: hasEmptyContinuationLine, out: &out, markers: &markers)
            if let original = emptyLineWarning {
                warnings.append(.warning(
                    .dockerfileEmptyContinuation, "Empty continuation line found in: \(original)",
                    file: source.path, range: SourceRange(line: currentLine)))
            }

            if !markers.isEmpty {
                node.fields.heredocFirst = out.heredocs.count
                node.fields.heredocCount = markers.count
                do {
                    for marker in markers {
                        let contentStart = position
                        var contentEnd = position
                        var terminated = false
                        while let bodyLine = scan() {
                            currentLine += 1
                            var candidate = trimNewlineRange(bodyLine)
                            if marker.chomp {
                                while !candidate.isEmpty, src[candidate.lowerBound] == 0x09 {
                                    candidate = (candidate.lowerBound + 1)..<candidate.upperBound
                                }
                            }
                            if fileBytes(candidate, equal: marker.name, fresh: out.fresh) {
                                terminated = true
                                break
                            }
                            contentEnd = bodyLine.upperBound
                        }
                        if !terminated {
                            throw fail(.dockerfileUnterminatedHeredoc, "unterminated heredoc",
                                       lines: startLine...max(startLine, currentLine))
                        }
                        out.heredocs.append(HeredocRecord(
                            name: marker.name, content: TextSpan(start: contentStart, end: contentEnd),
                            fileDescriptor: marker.fileDescriptor, expand: marker.expand, chomp: marker.chomp))
                    }
                }
            }

            if node.isFrom { fromIndices.append(instructions.count) }
            instructions.append(StageBuilder.make(node, lines: LineSpan(first: startLine, last: currentLine)))
        }

        if instructions.isEmpty {
            let shown = max(1, currentLine + (tooLong ? 1 : 0))
            throw fail(.dockerfileEmpty, "file with no instructions", lines: shown...shown,
                       buildkit: currentLine...currentLine)
        }
        if tooLong {
            let line = currentLine + 1
            throw fail(.dockerfileLineTooLong,
                       "dockerfile line greater than max allowed size of \(DockerfileParser.maximumLineLength)",
                       lines: line...line, buildkit: currentLine...currentLine)
        }

        let text = DockerfileText(source: bytes, fresh: out.fresh, spans: out.spans,
                                  heredocs: out.heredocs, isValidUTF8: validUTF8)
        let stages = StageBuilder.assign(&instructions, fromIndices: fromIndices, text: text)
        let dockerfile = Dockerfile(
            path: source.path, escapeCharacter: Character(Unicode.Scalar(escape)), directives: directives,
            instructions: instructions, stages: stages, warnings: warnings, lineCount: source.lineCount)
        return DockerfileParseResult(dockerfile: dockerfile, diagnostics: warnings)
    }
}
