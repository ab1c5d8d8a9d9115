/// Turns a documented change into claims: `present` for each instruction of the snippet's present code
/// (in documented order), `absent` for removed / old / before / `-` code, `# OLD: <image>` annotations and
/// the two sides of a `**Changed:** A → B` replacement.
public enum ClaimExtractor {
    /// Claims of one change, plus diagnostics from parsing its code.
    public struct Result: Sendable {
        public var claims: [Claim]
        public var diagnostics: [Diagnostic]
    }

    public static func claims(for change: DocumentedChange, logPath: String? = nil) -> Result {
        var memo = Memo(logPath: logPath)
        return claims(for: change, memo: &memo)
    }

    /// ``claims(for:logPath:)`` reusing what `memo` already knows: the parse of a snippet text seen before,
    /// the normalised form of an instruction or image seen before (a log repeats them). The claims are the
    /// same as without the memo; their strings are shared rather than built again.
    static func claims(for change: DocumentedChange, memo: inout Memo) -> Result {
        var claims: [Claim] = []
        var diagnostics: [Diagnostic] = []
        // Elements are read in place throughout (`for x in array` and `contains(where:)` copy every element).
        var annotationLines = Set<Int>()
        for a in change.annotations.indices { annotationLines.insert(change.annotations[a].line) }
        let fallback = change.lines.isEmpty ? fallbackLines(change) : nil
        let lines = fallback ?? change.lines

        // Which code lines make up the present and the absent text.
        var presentRoles: RoleSet = [.present]
        var absentRoles: RoleSet = [.absent]
        if change.role == .before {
            presentRoles = []
            absentRoles = [.present, .absent]
        }
        if !presentRoles.isEmpty {
            let (found, diags) = instructions(lines: lines, roles: presentRoles, change: change, memo: &memo)
            diagnostics += diags
            let diff = change.role == .diff
            for f in found {
                var claim = makeClaim(kind: .present, origin: .snippet, normalised: f.normalised, original: f.original,
                                      change: change, codeLines: f.codeLines, physical: f.physical)
                claim.leadingComments = leadingComments(above: f.codeLines.first, lines: lines, annotations: annotationLines)
                for l in lines.indices where f.codeLines.contains(lines[l].line) && lines[l].role == .present {
                    if hasMarker(lines[l], diff: diff) {
                        claim.hadAnnotationMarker = true
                        break
                    }
                }
                claims.append(claim)
            }
        }
        let (gone, goneDiags) = instructions(lines: lines, roles: absentRoles, change: change, memo: &memo)
        diagnostics += goneDiags
        let absentOrigin: Claim.Origin = change.role == .before ? .before : (change.role == .diff ? .diff : .removed)
        for f in gone {
            claims.append(makeClaim(kind: .absent, origin: absentOrigin, normalised: f.normalised, original: f.original,
                                    change: change, codeLines: f.codeLines, physical: f.physical))
        }
        // `# NEW: <image>`: some FROM of that image (usually the snippet's own FROM, deduplicated below).
        var snippetHasFrom = false
        for k in claims.indices where claims[k].kind == .present && claims[k].keyword == "from" {
            snippetHasFrom = true
            break
        }
        for a in change.annotations.indices
        where change.annotations[a].kind == .new && change.role != .before && !snippetHasFrom {
            if ImageReference.looksLikeImage(change.annotations[a].text) {
                let text = change.annotations[a].text.trimmedSpaces
                let line = change.contentStartLine + change.annotations[a].line - 1
                claims.append(imageClaim(kind: .present, origin: .snippet, image: text, change: change,
                                         logLines: LineSpan(line: line), memo: &memo))
            }
        }
        // `# OLD: <image>`: no FROM of that image.
        for a in change.annotations.indices where change.annotations[a].kind == .old {
            let text = change.annotations[a].text.trimmedSpaces
            let line = change.contentStartLine + change.annotations[a].line - 1
            if ImageReference.looksLikeImage(text) {
                claims.append(imageClaim(kind: .absent, origin: .oldAnnotation, image: text, change: change,
                                         logLines: LineSpan(line: line), memo: &memo))
            } else if InstructionNormalizer.knownKeywords.contains(InstructionNormalizer.keyword(of: text)) {
                claims.append(makeClaim(kind: .absent, origin: .oldAnnotation, normalised: memo.normalised(text),
                                        original: text, change: change, codeLines: [change.annotations[a].line],
                                        logLine: line))
            }
        }
        if let r = change.replacement {
            let line = LineSpan(line: r.range.start.line)
            let loose = r.subject.lowercased().containsBytes("image")
            for (kind, text) in [(Claim.Kind.absent, r.from), (.present, r.to)] {
                let t = text.trimmedSpaces
                if InstructionNormalizer.knownKeywords.contains(InstructionNormalizer.keyword(of: t)), t.utf8.contains(UInt8(ascii: " ")) {
                    var c = makeClaim(kind: kind, origin: .replacement, normalised: memo.normalised(t), original: t,
                                      change: change, codeLines: [])
                    c.logLines = line
                    claims.append(c)
                } else if ImageReference.looksLikeImage(t, loose: loose) {
                    claims.append(imageClaim(kind: kind, origin: .replacement, image: t, change: change, logLines: line,
                                             memo: &memo))
                }
            }
        }
        deduplicate(&claims)
        return Result(claims: claims, diagnostics: diagnostics)
    }

    // MARK: - Memo

    /// What claim extraction computes from text alone, kept by text for the next change with the same text.
    /// One memo serves one worker (it is not shared between threads) and one log path.
    struct Memo {
        /// The log's path as diagnostics name it (the snippet parses are located in it).
        let logPath: String?
        /// Snippet text (as handed to the Dockerfile parser) → what the parser read from it.
        private var snippets: [String: Snippet] = [:]
        /// A joined logical line → its normalised form (as ``InstructionNormalizer/key(original:disabling:)`` gives).
        private var lines: [String: Normalised] = [:]
        /// An image reference as written → its claim text and normalised image.
        private var images: [String: Normalised] = [:]

        /// `capacity`: about how many changes the memo will see (its tables are sized for them up front, since
        /// growing a table hashes every text in it again).
        init(logPath: String?, capacity: Int = 0) {
            self.logPath = logPath
            if capacity > 0 {
                snippets.reserveCapacity(capacity)
                lines.reserveCapacity(capacity / 4)
                images.reserveCapacity(capacity / 4)
            }
        }

        /// The parse of a snippet text: its instructions with known keywords, or (when the parser refuses the
        /// text) its error diagnostics.
        mutating func snippet(_ text: String) -> Snippet {
            if let known = snippets[text] { return known }
            let parsed = ClaimExtractor.parseSnippet(text, logPath: logPath)
            snippets[text] = parsed
            return parsed
        }

        /// The normalised form of a joined logical line (no heredocs).
        mutating func normalised(_ original: String) -> Normalised {
            if let known = lines[original] { return known }
            let n = Normalised(original: original, key: InstructionNormalizer.key(original: original))
            lines[original] = n
            return n
        }

        /// Claim text and normalised image of an image reference.
        mutating func image(_ image: String) -> Normalised {
            if let known = images[image] { return known }
            let n = Normalised(key: "", keyword: "from", instruction: "FROM " + image, image: ImageReference.normalise(image))
            images[image] = n
            return n
        }
    }

    /// An instruction's normalised key, lower-case keyword, collapsed text and (for `FROM`) normalised image.
    struct Normalised {
        var key: String
        var keyword: String
        var instruction: String
        var image: String?

        init(key: String, keyword: String, instruction: String, image: String?) {
            self.key = key
            self.keyword = keyword
            self.instruction = instruction
            self.image = image
        }

        /// The normalised form of `original` whose key is `key` (computed with its heredocs, if any).
        init(original: String, key: String) {
            let keyword = InstructionNormalizer.keyword(of: original)
            self.init(key: key, keyword: keyword, instruction: InstructionNormalizer.collapse(original),
                      image: keyword == "from" ? InstructionNormalizer.image(ofKey: key) : nil)
        }
    }

    /// What the Dockerfile parser reads from a snippet text.
    struct Snippet {
        struct Instruction {
            var original: String
            /// Lines of the instruction in the snippet text (1-based).
            var lines: LineSpan
            var normalised: Normalised
        }

        /// The instructions with known keywords, in order; nil when the parser refused the text.
        var instructions: [Instruction]?
        /// The parser's errors when it refused the text.
        var errors: [Diagnostic]
    }

    static func parseSnippet(_ text: String, logPath: String?) -> Snippet {
        let source = SourceText(path: logPath ?? "<snippet>", string: text)
        let result = DockerfileParser.parse(source)
        guard let dockerfile = result.dockerfile else {
            return Snippet(instructions: nil, errors: result.diagnostics.filter { $0.severity == .error })
        }
        var out: [Snippet.Instruction] = []
        for inst in dockerfile.instructions where InstructionNormalizer.knownKeywords.contains(inst.command) {
            out.append(Snippet.Instruction(original: inst.original, lines: inst.lines,
                                           normalised: Normalised(original: inst.original, key: InstructionNormalizer.key(inst))))
        }
        return Snippet(instructions: out, errors: [])
    }

    // MARK: - Helpers

    /// A set of code-line roles.
    struct RoleSet: OptionSet {
        let rawValue: UInt8
        static let present = RoleSet(rawValue: 1)
        static let absent = RoleSet(rawValue: 2)
        static let comment = RoleSet(rawValue: 4)
        static let blank = RoleSet(rawValue: 8)

        @inline(__always) func contains(_ role: CodeLine.Role) -> Bool {
            switch role {
            case .present: contains(RoleSet.present)
            case .absent: contains(RoleSet.absent)
            case .comment: contains(RoleSet.comment)
            case .blank: contains(RoleSet.blank)
            }
        }
    }

    struct Found {
        var original: String
        var normalised: Normalised
        var codeLines: [Int]
        var physical: [String]
    }

    /// Parse the lines with the given roles (others blanked, comments kept as comments) and return the
    /// instructions with known keywords, mapped back to code-block lines.
    static func instructions(lines: [CodeLine], roles: RoleSet, change: DocumentedChange, memo: inout Memo)
        -> ([Found], [Diagnostic])
    {
        var any = false
        var size = 0
        for l in lines.indices {
            let role = lines[l].role
            if roles.contains(role) {
                any = true
                size += lines[l].content.utf8.count
            } else if role == .comment {
                size += lines[l].text.utf8.count
            }
            size += 1
        }
        guard any else { return ([], []) }
        var text = ""
        text.reserveCapacity(size)
        for l in lines.indices {
            if roles.contains(lines[l].role) {
                text += lines[l].content
            } else if lines[l].role == .comment {
                // Keep comments as written: inside a heredoc body they are content, elsewhere the parser skips them.
                if startsWithHash(lines[l].text) { text += lines[l].text } else { text += "#" }
            }
            text += "\n"
        }
        let snippet = memo.snippet(text)
        guard let parsed = snippet.instructions else {
            // The snippet is not valid Dockerfile code: locate the problem in the log.
            var diagnostics: [Diagnostic] = []
            for d in snippet.errors {
                var moved = d
                moved.id = .snippetNotDockerfile
                moved.file = memo.logPath
                if let r = d.range {
                    let line = change.contentStartLine + r.start.line - 1
                    moved.range = SourceRange(line: line)
                }
                moved.severity = .warning
                moved.message = "documented code could not be read as Dockerfile instructions: " + d.message
                diagnostics.append(moved)
            }
            return ([], diagnostics)
        }
        // Code-block line numbers normally increase down the block; then snippet line n is `lines[n - 1]` and no
        // other line carries its number, so the lines an instruction covers are read off directly.
        var increasing = true
        for k in lines.indices.dropFirst() where lines[k].line <= lines[k - 1].line {
            increasing = false
            break
        }
        var found: [Found] = []
        found.reserveCapacity(parsed.count)
        for k in parsed.indices {
            let span = parsed[k].lines
            var covered: [Int] = []
            var physical: [String] = []
            if increasing {
                let lo = max(1, span.first), hi = min(lines.count, max(span.first, span.last))
                if lo <= hi {
                    for n in lo...hi where roles.contains(lines[n - 1].role) {
                        covered.append(lines[n - 1].line)
                        physical.append(lines[n - 1].content)
                    }
                }
            } else {
                covered = (span.first...max(span.first, span.last)).compactMap { n -> Int? in
                    n >= 1 && n <= lines.count ? lines[n - 1].line : nil
                }.filter { n in lines.contains { $0.line == n && roles.contains($0.role) } }
                physical = lines.filter { covered.contains($0.line) }.map(\.content)
            }
            found.append(Found(original: parsed[k].original, normalised: parsed[k].normalised,
                               codeLines: covered.isEmpty ? [span.first] : covered,
                               physical: physical.isEmpty ? [parsed[k].original] : physical))
        }
        return (found, [])
    }

    static func makeClaim(kind: Claim.Kind, origin: Claim.Origin, normalised n: Normalised, original: String,
                          change: DocumentedChange, codeLines: [Int], physical: [String]? = nil,
                          logLine: Int? = nil) -> Claim {
        let first = codeLines.min() ?? 1, last = codeLines.max() ?? first
        let span = logLine.map { LineSpan(line: $0) }
            ?? LineSpan(first: change.contentStartLine + first - 1, last: change.contentStartLine + last - 1)
        return Claim(kind: kind, origin: origin, instruction: n.instruction, original: original, keyword: n.keyword,
                     key: n.key, image: n.image, stageHint: change.stage, logLines: span, physicalLines: physical)
    }

    static func imageClaim(kind: Claim.Kind, origin: Claim.Origin, image: String, change: DocumentedChange,
                           logLines: LineSpan, memo: inout Memo) -> Claim {
        let n = memo.image(image)
        return Claim(kind: kind, origin: origin, instruction: n.instruction, original: image, keyword: n.keyword, key: n.key,
                     image: n.image, stageHint: change.stage, logLines: logLines)
    }

    /// Comment lines right above a code line (blank lines end the block; annotations are skipped).
    static func leadingComments(above line: Int?, lines: [CodeLine], annotations: Set<Int>) -> [String] {
        guard let line, var i = lines.indices.first(where: { lines[$0].line == line }) else { return [] }
        var out: [String] = []
        while i > 0 {
            i -= 1
            guard lines[i].role == .comment else { break }
            if annotations.contains(lines[i].line) { break }
            out.insert(normaliseComment(lines[i].text), at: 0)
        }
        return out
    }

    /// `s.trimmedSpaces.hasPrefix("#")`, read from the bytes when that is certain (a `#` followed by an ASCII
    /// byte, or by nothing, is a character of its own).
    static func startsWithHash(_ s: String) -> Bool {
        let u = s.utf8
        var i = u.startIndex
        while i != u.endIndex, String.isSpace(u[i]) { i = u.index(after: i) }
        guard i != u.endIndex, u[i] == UInt8(ascii: "#") else { return false }
        let next = u.index(after: i)
        if next == u.endIndex || u[next] < 0x80 { return true }
        return s.trimmedSpaces.hasPrefix("#")
    }

    /// The line's text and content differ by more than a diff sign: an annotation marker was removed.
    static func hasMarker(_ line: CodeLine, diff: Bool) -> Bool {
        // Bytes first: equal trimmed bytes are equal strings; different ASCII bytes are different strings.
        // Anything else (a diff sign before a combining mark, non-ASCII text) is asked of the strings.
        let fast = line.text.utf8.withContiguousStorageIfAvailable { text -> Bool? in
            line.content.utf8.withContiguousStorageIfAvailable { content -> Bool? in
                var start = 0
                if diff, let first = text.first,
                   first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: " ") {
                    if text.count > 1, text[1] >= 0x80 { return nil }
                    start = 1
                }
                let a = trimmedBounds(text, from: start), b = trimmedBounds(content, from: 0)
                if a.count == b.count, memcmpEqual(text, a.lowerBound, content, b.lowerBound, a.count) { return false }
                for i in a where text[i] >= 0x80 { return nil }
                for i in b where content[i] >= 0x80 { return nil }
                return true
            } ?? nil
        } ?? nil
        if let fast { return fast }
        var text = Substring(line.text)
        if diff, let first = text.first, first == "+" || first == "-" || first == " " { text = text.dropFirst() }
        return text.trimmedSpaces != line.content.trimmedSpaces
    }

    /// The bytes of `buffer` from `start` without ASCII white space at either end (as ``Swift/String/trimmedSpaces``).
    @inline(__always)
    static func trimmedBounds(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int> {
        var lo = start, hi = buffer.count
        while lo < hi, String.isSpace(buffer[lo]) { lo += 1 }
        while hi > lo, String.isSpace(buffer[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    @inline(__always)
    static func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int, _ n: Int) -> Bool {
        var k = 0
        while k < n {
            if a[i + k] != b[j + k] { return false }
            k += 1
        }
        return true
    }

    /// `#   Foo  bar ` → `# Foo bar`.
    static func normaliseComment(_ s: String) -> String {
        var t = s.trimmedSpaces
        if t.hasPrefix("#") { t.removeFirst() }
        return "# " + InstructionNormalizer.collapse(t)
    }

    /// Drop repeated claims, and absent claims the same change also claims present (a whitespace-only diff).
    /// What makes two claims the same claim (the kind, and the image or the key).
    private struct ClaimIdentity: Hashable {
        var kind: Claim.Kind
        var isImage: Bool
        var text: String
    }

    /// Claims at most this many are deduplicated by comparing them pairwise rather than through sets.
    static let smallClaimCount = 16

    static func deduplicate(_ claims: inout [Claim]) {
        if claims.count <= smallClaimCount {
            // Keep the claims in place, moving the kept ones forward (no claim is copied).
            let keep = keptSmall(claims)
            guard keep.count < claims.count else { return }
            for (w, r) in keep.enumerated() where w != r { claims.swapAt(w, r) }
            claims.removeLast(claims.count - keep.count)
            return
        }
        claims = deduplicate(claims)
    }

    static func deduplicate(_ claims: [Claim]) -> [Claim] {
        // Index-based: a claim is copied only when it is kept.
        var seen = Set<ClaimIdentity>()
        var presentKeys = Set<String>(), presentImages = Set<String>(), snippetImages = Set<String>()
        for i in claims.indices where claims[i].kind == .present {
            if !claims[i].isImageClaim {
                presentKeys.insert(claims[i].key)
                if let image = claims[i].image { snippetImages.insert(image) }
            }
            if let image = claims[i].image { presentImages.insert(image) }
        }
        var out: [Claim] = []
        out.reserveCapacity(claims.count)
        for i in claims.indices {
            let kind = claims[i].kind, isImage = claims[i].isImageClaim
            if kind == .absent {
                if !isImage && presentKeys.contains(claims[i].key) { continue }
                if isImage, let img = claims[i].image, presentImages.contains(img) { continue }
            }
            // A present image claim that a present instruction claim (its FROM) already makes.
            if kind == .present, isImage, let img = claims[i].image, snippetImages.contains(img) { continue }
            let id = ClaimIdentity(kind: kind, isImage: isImage, text: isImage ? (claims[i].image ?? "") : claims[i].key)
            if seen.insert(id).inserted { out.append(claims[i]) }
        }
        return out
    }

    /// Which claims ``deduplicate(_:)`` keeps, for a handful of claims: the same membership questions, asked of
    /// the claims directly (no hashing). Ascending indices.
    static func keptSmall(_ claims: [Claim]) -> [Int] {
        func identityText(_ i: Int) -> String { claims[i].isImageClaim ? (claims[i].image ?? "") : claims[i].key }
        func any(_ test: (Int) -> Bool) -> Bool {
            for j in claims.indices where test(j) { return true }
            return false
        }
        var keep: [Int] = []
        keep.reserveCapacity(claims.count)
        for i in claims.indices {
            let kind = claims[i].kind, isImage = claims[i].isImageClaim
            if kind == .absent {
                if !isImage, any({ claims[$0].kind == .present && !claims[$0].isImageClaim && claims[$0].key == claims[i].key }) { continue }
                if isImage, let img = claims[i].image, any({ claims[$0].kind == .present && claims[$0].image == img }) { continue }
            }
            if kind == .present, isImage, let img = claims[i].image,
               any({ claims[$0].kind == .present && !claims[$0].isImageClaim && claims[$0].image == img }) { continue }
            let text = identityText(i)
            if keep.contains(where: { claims[$0].kind == kind && claims[$0].isImageClaim == isImage && identityText($0) == text }) {
                continue
            }
            keep.append(i)
        }
        return keep
    }

    /// When the ingester gave no line roles, every line of an `after` block is present code.
    static func fallbackLines(_ change: DocumentedChange) -> [CodeLine] {
        change.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, s in
            let t = String(s)
            let trimmed = t.trimmedSpaces
            let role: CodeLine.Role = trimmed.isEmpty ? .blank : (trimmed.hasPrefix("#") ? .comment : .present)
            return CodeLine(text: t, content: t, role: role, line: i + 1)
        }
    }
}
