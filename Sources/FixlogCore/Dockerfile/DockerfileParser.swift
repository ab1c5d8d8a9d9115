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
        var parser = LineParser(source: source)
        return parser.run()
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

struct LineParser {
    let source: SourceText
    let bytes: [UInt8]
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

    init(source: SourceText) {
        self.source = source
        self.bytes = source.bytes
        self.lineStarts = source.lineStarts
    }

    /// The next physical line including its `\n`, or nil at the end (or after a too-long line).
    mutating func scan() -> Range<Int>? {
        if tooLong || position >= bytes.count { return nil }
        let start = position
        // Every line but the last ends with `\n` just before the next line's start; the last one may lack it.
        let end = lineIndex + 1 < lineStarts.count ? lineStarts[lineIndex + 1] : bytes.count
        let contentEnd = bytes[end - 1] == 0x0A ? end - 1 : end
        if contentEnd - start > DockerfileParser.maximumLineLength {
            tooLong = true
            return nil
        }
        position = end
        lineIndex += 1
        return start..<position
    }

    /// Go `bytes.TrimRight(b, "\r\n")`.
    func trimNewline(_ r: Range<Int>) -> ArraySlice<UInt8> {
        var end = r.upperBound
        while end > r.lowerBound, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return bytes[r.lowerBound..<end]
    }

    /// ``trimNewline(_:)`` as a range.
    @inline(__always)
    func trimNewlineRange(_ r: Range<Int>) -> Range<Int> {
        var end = r.upperBound
        while end > r.lowerBound, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return r.lowerBound..<end
    }

    /// Go `bytes.TrimLeftFunc(b, unicode.IsSpace)` on a range of the file.
    @inline(__always)
    func trimLeftSpaceRange(_ r: Range<Int>) -> Range<Int> {
        var i = r.lowerBound
        while i < r.upperBound {
            let c = bytes[i]
            if c < 0x80 {
                if c == 0x20 || (c >= 0x09 && c <= 0x0D) { i += 1; continue }
                break
            }
            let (rune, width) = GoText.decodeRune(bytes, i, end: r.upperBound)
            if !GoText.isSpace(rune) { break }
            i += width
        }
        return i..<r.upperBound
    }

    /// BuildKit's continuation test on a range of the file: `([^E])E[ \t]*$|^E[ \t]*$`, replaced by `$1`.
    @inline(__always)
    func trimContinuationRange(_ r: Range<Int>) -> (Range<Int>, continues: Bool) {
        var j = r.upperBound
        while j > r.lowerBound, bytes[j - 1] == 0x20 || bytes[j - 1] == 0x09 { j -= 1 }
        guard j > r.lowerBound, bytes[j - 1] == escape else { return (r, false) }
        if j - 1 == r.lowerBound { return (r.lowerBound..<r.lowerBound, true) }
        if bytes[j - 2] == escape { return (r, false) }
        return (r.lowerBound..<(j - 1), true)
    }

    func fail(_ id: DiagnosticID, _ message: String, lines: ClosedRange<Int>, buildkit: ClosedRange<Int>? = nil)
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
        b.withUnsafeBufferPointer { buffer in
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
    }

    mutating func parseAll() throws -> DockerfileParseResult {
        var instructions: [Instruction] = []
        var warnings: [Diagnostic] = []
        var directives: [ParserDirective] = []
        var seenDirectives: Set<String> = []
        var directivesDone = false
        var comments: [String] = []
        /// Whether each instruction's `command` is `from` (computed from the already lower-cased keyword).
        var isFrom: [Bool] = []

        // Line-level work uses ranges of `bytes` (no slice per step); slices are made only for what is kept.
        while let token = scan() {
            var rawRange = token
            if currentLine == 0, token.count >= 3, bytes[token.lowerBound] == 0xEF, bytes[token.lowerBound + 1] == 0xBB,
               bytes[token.lowerBound + 2] == 0xBF {
                rawRange = (token.lowerBound + 3)..<token.upperBound
            }
            let trimmed = trimNewlineRange(rawRange)
            let stripped = trimLeftSpaceRange(trimmed)
            let isComment = !stripped.isEmpty && bytes[stripped.lowerBound] == UInt8(ascii: "#")

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
                let text = GoText.trimSpace(bytes[rawRange].dropFirst())
                if text.isEmpty { comments = [] } else { comments.append(GoText.string(text)) }
            }

            let firstPiece = isComment ? trimmed.upperBound..<trimmed.upperBound : stripped
            currentLine += 1
            let startLine = currentLine
            var (piece, continues) = trimContinuationRange(firstPiece)
            if !continues && piece.isEmpty { continue }

            // The logical line: a slice of the file, or a joined copy once a continuation line adds to it.
            let firstRange = piece
            var joined: [UInt8] = []
            var isJoined = false
            var hasEmptyContinuationLine = false
            while continues, let next = scan() {
                currentLine += 1
                let t = trimNewlineRange(next)
                let s = trimLeftSpaceRange(t)
                if !s.isEmpty && bytes[s.lowerBound] == UInt8(ascii: "#") { continue }
                if s.isEmpty {
                    hasEmptyContinuationLine = true
                    continue
                }
                (piece, continues) = trimContinuationRange(t)
                bytes.withUnsafeBufferPointer { buffer in
                    if !isJoined {
                        isJoined = true
                        joined.reserveCapacity(firstRange.count + 4 * piece.count)
                        joined.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[firstRange]))
                    }
                    joined.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[piece]))
                }
            }
            let line = isJoined ? joined[...] : bytes[firstRange]

            let original = GoText.string(line)
            if hasEmptyContinuationLine {
                warnings.append(.warning(
                    .dockerfileEmptyContinuation, "Empty continuation line found in: \(original)",
                    file: source.path, range: SourceRange(line: currentLine)))
            }

            var node: ParsedNode
            do {
                node = try InstructionBuilder(escape: escape).node(fromLine: line, depth: 0)
            } catch let error as InstructionError {
                throw fail(error.id, error.message, lines: startLine...currentLine)
            }

            var heredocs: [Heredoc] = []
            // A marker is a shell word starting `\d*<<`; the lexer keeps a word's characters in order (quotes and
            // escapes raw, only `${…}` may drop escapes, and it starts with `$`), so a line without two adjacent
            // `<` has no marker.
            if node.canContainHeredoc, Self.containsDoubleLess(line) {
                let markers: [HeredocMarker]
                do {
                    markers = try HeredocScanner.markers(inLine: line)
                } catch let error as InstructionError {
                    throw fail(error.id, error.message, lines: startLine...currentLine)
                }
                for marker in markers {
                    var content: [UInt8] = []
                    var terminated = false
                    while let bodyLine = scan() {
                        currentLine += 1
                        var candidate = trimNewline(bodyLine)
                        if marker.chomp {
                            while candidate.first == 0x09 { candidate = candidate.dropFirst() }
                        }
                        if candidate.elementsEqual(marker.name) {
                            terminated = true
                            break
                        }
                        content.append(contentsOf: bytes[bodyLine])
                    }
                    if !terminated {
                        throw fail(.dockerfileUnterminatedHeredoc, "unterminated heredoc",
                                   lines: startLine...max(startLine, currentLine))
                    }
                    heredocs.append(Heredoc(name: GoText.string(marker.name), fileDescriptor: marker.fileDescriptor,
                                            expand: marker.expand, chomp: marker.chomp,
                                            content: GoText.string(content)))
                }
            }

            let span = LineSpan(first: startLine, last: currentLine)
            isFrom.append(node.keyword.allSatisfy { $0 < 0x80 } ? node.lowerKeyword == "from"
                : GoText.string(node.keyword).lowercased() == "from")
            instructions.append(node.instruction(original: original, lines: span, comments: comments, heredocs: heredocs))
            comments = []
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

        let stages = StageBuilder.assignStages(&instructions, isFrom: isFrom)
        let dockerfile = Dockerfile(
            path: source.path, escapeCharacter: Character(Unicode.Scalar(escape)), directives: directives,
            instructions: instructions, stages: stages, warnings: warnings, lineCount: source.lineCount)
        return DockerfileParseResult(dockerfile: dockerfile, diagnostics: warnings)
    }
}
