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
        var claims: [Claim] = []
        var diagnostics: [Diagnostic] = []
        let annotationLines = Set(change.annotations.map(\.line))
        let lines = change.lines.isEmpty ? fallbackLines(change) : change.lines

        // Which code lines make up the present and the absent text.
        var presentRoles: Set<CodeLine.Role> = [.present]
        var absentRoles: Set<CodeLine.Role> = [.absent]
        if change.role == .before {
            presentRoles = []
            absentRoles = [.present, .absent]
        }
        if !presentRoles.isEmpty {
            let (found, diags) = instructions(lines: lines, roles: presentRoles, change: change, logPath: logPath)
            diagnostics += diags
            for f in found {
                var claim = makeClaim(kind: .present, origin: .snippet, original: f.original, change: change,
                                      codeLines: f.codeLines, physical: f.physical, key: f.key)
                claim.leadingComments = leadingComments(above: f.codeLines.first, lines: lines, annotations: annotationLines)
                claim.hadAnnotationMarker = lines.contains {
                    f.codeLines.contains($0.line) && $0.role == .present && hasMarker($0, diff: change.role == .diff)
                }
                claims.append(claim)
            }
        }
        let (gone, goneDiags) = instructions(lines: lines, roles: absentRoles, change: change, logPath: logPath)
        diagnostics += goneDiags
        let absentOrigin: Claim.Origin = change.role == .before ? .before : (change.role == .diff ? .diff : .removed)
        for f in gone {
            claims.append(makeClaim(kind: .absent, origin: absentOrigin, original: f.original, change: change,
                                    codeLines: f.codeLines, physical: f.physical, key: f.key))
        }
        // `# NEW: <image>`: some FROM of that image (usually the snippet's own FROM, deduplicated below).
        let snippetHasFrom = claims.contains { $0.kind == .present && $0.keyword == "from" }
        for annotation in change.annotations where annotation.kind == .new && change.role != .before && !snippetHasFrom {
            let text = annotation.text.trimmedSpaces
            if ImageReference.looksLikeImage(text) {
                let line = change.contentStartLine + annotation.line - 1
                claims.append(imageClaim(kind: .present, origin: .snippet, image: text, change: change,
                                         logLines: LineSpan(line: line)))
            }
        }
        // `# OLD: <image>`: no FROM of that image.
        for annotation in change.annotations where annotation.kind == .old {
            let text = annotation.text.trimmedSpaces
            if ImageReference.looksLikeImage(text) {
                let line = change.contentStartLine + annotation.line - 1
                claims.append(imageClaim(kind: .absent, origin: .oldAnnotation, image: text, change: change,
                                         logLines: LineSpan(line: line)))
            } else if InstructionNormalizer.knownKeywords.contains(InstructionNormalizer.keyword(of: text)) {
                let line = change.contentStartLine + annotation.line - 1
                claims.append(makeClaim(kind: .absent, origin: .oldAnnotation, original: text, change: change,
                                        codeLines: [annotation.line], logLine: line))
            }
        }
        if let r = change.replacement {
            let line = LineSpan(line: r.range.start.line)
            let loose = r.subject.lowercased().containsBytes("image")
            for (kind, text) in [(Claim.Kind.absent, r.from), (.present, r.to)] {
                let t = text.trimmedSpaces
                if InstructionNormalizer.knownKeywords.contains(InstructionNormalizer.keyword(of: t)), t.utf8.contains(UInt8(ascii: " ")) {
                    var c = makeClaim(kind: kind, origin: .replacement, original: t, change: change, codeLines: [])
                    c.logLines = line
                    claims.append(c)
                } else if ImageReference.looksLikeImage(t, loose: loose) {
                    claims.append(imageClaim(kind: kind, origin: .replacement, image: t, change: change, logLines: line))
                }
            }
        }
        return Result(claims: deduplicate(claims), diagnostics: diagnostics)
    }

    // MARK: - Helpers

    struct Found {
        var original: String
        var key: String
        var codeLines: [Int]
        var physical: [String]
    }

    /// Parse the lines with the given roles (others blanked, comments kept as comments) and return the
    /// instructions with known keywords, mapped back to code-block lines.
    static func instructions(lines: [CodeLine], roles: Set<CodeLine.Role>, change: DocumentedChange, logPath: String?)
        -> ([Found], [Diagnostic])
    {
        guard lines.contains(where: { roles.contains($0.role) }) else { return ([], []) }
        var text = ""
        var lineNumbers: [Int] = []
        for l in lines {
            if roles.contains(l.role) {
                text += l.content
            } else if l.role == .comment {
                // Keep comments as written: inside a heredoc body they are content, elsewhere the parser skips them.
                text += l.text.trimmedSpaces.hasPrefix("#") ? l.text : "#"
            }
            text += "\n"
            lineNumbers.append(l.line)
        }
        let source = SourceText(path: logPath ?? "<snippet>", string: text)
        let result = DockerfileParser.parse(source)
        var diagnostics: [Diagnostic] = []
        guard let dockerfile = result.dockerfile else {
            // The snippet is not valid Dockerfile code: locate the problem in the log.
            for d in result.diagnostics where d.severity == .error {
                var moved = d
                moved.id = .snippetNotDockerfile
                moved.file = logPath
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
        var found: [Found] = []
        for inst in dockerfile.instructions where InstructionNormalizer.knownKeywords.contains(inst.command) {
            let covered = (inst.lines.first...max(inst.lines.first, inst.lines.last)).compactMap { n -> Int? in
                n >= 1 && n <= lineNumbers.count ? lineNumbers[n - 1] : nil
            }.filter { n in lines.contains { $0.line == n && roles.contains($0.role) } }
            let physical = lines.filter { covered.contains($0.line) }.map(\.content)
            found.append(Found(original: inst.original, key: InstructionNormalizer.key(inst),
                               codeLines: covered.isEmpty ? [inst.lines.first] : covered,
                               physical: physical.isEmpty ? [inst.original] : physical))
        }
        return (found, diagnostics)
    }

    static func makeClaim(kind: Claim.Kind, origin: Claim.Origin, original: String, change: DocumentedChange,
                          codeLines: [Int], physical: [String]? = nil, logLine: Int? = nil, key: String? = nil) -> Claim {
        let key = key ?? InstructionNormalizer.key(original: original)
        let keyword = InstructionNormalizer.keyword(of: original)
        let first = codeLines.min() ?? 1, last = codeLines.max() ?? first
        let span = logLine.map { LineSpan(line: $0) }
            ?? LineSpan(first: change.contentStartLine + first - 1, last: change.contentStartLine + last - 1)
        var image: String? = nil
        if keyword == "from" { image = InstructionNormalizer.image(ofKey: key) }
        return Claim(kind: kind, origin: origin, instruction: InstructionNormalizer.collapse(original), original: original, keyword: keyword,
                     key: key, image: image, stageHint: change.stage, logLines: span, physicalLines: physical)
    }

    static func imageClaim(kind: Claim.Kind, origin: Claim.Origin, image: String, change: DocumentedChange,
                           logLines: LineSpan) -> Claim {
        Claim(kind: kind, origin: origin, instruction: "FROM " + image, original: image, keyword: "from", key: "",
              image: ImageReference.normalise(image), stageHint: change.stage, logLines: logLines)
    }

    /// Comment lines right above a code line (blank lines end the block; annotations are skipped).
    static func leadingComments(above line: Int?, lines: [CodeLine], annotations: Set<Int>) -> [String] {
        guard let line, var i = lines.firstIndex(where: { $0.line == line }) else { return [] }
        var out: [String] = []
        while i > 0 {
            i -= 1
            let l = lines[i]
            guard l.role == .comment else { break }
            if annotations.contains(l.line) { break }
            out.insert(normaliseComment(l.text), at: 0)
        }
        return out
    }

    /// The line's text and content differ by more than a diff sign: an annotation marker was removed.
    static func hasMarker(_ line: CodeLine, diff: Bool) -> Bool {
        var text = Substring(line.text)
        if diff, let first = text.first, first == "+" || first == "-" || first == " " { text = text.dropFirst() }
        return text.trimmedSpaces != line.content.trimmedSpaces
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

import Foundation
