import Foundation

/// Turns an author's edit annotations in a code block into structure: which lines should be present in the
/// file now, which should be gone, and which are only commentary.
enum CodeAnnotationReader {
    struct Output {
        var lines: [CodeLine] = []
        var annotations: [Annotation] = []
        /// Line references written in comments, with the role of the half they describe.
        var commentRefs: [(ref: LineReferenceReader.Found, line: Int, describesOld: Bool)] = []
        var isDiff = false
    }

    static let dockerfileKeywords: Set<String> = [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
        "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ]

    /// Splits code into lines (no line endings; a final newline does not make an extra line).
    static func splitLines(_ code: String) -> [String] {
        // Byte-wise: a line feed is always a Character of its own except in CRLF, and cmark's literals have
        // no CRLF (it normalises line endings), so this splits where `split(separator: "\n")` would.
        var code = code
        return code.withUTF8 { bytes -> [String] in
            var lines: [String] = []
            func add(_ start: Int, _ end: Int) {
                var end = end
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            }
            var start = 0
            for i in 0..<bytes.count where bytes[i] == 0x0A {
                add(start, i)
                start = i + 1
            }
            add(start, bytes.count)
            if lines.last == "" { lines.removeLast() }
            return lines
        }
    }

    /// True when the first meaningful line starts with a Dockerfile instruction keyword.
    static func looksLikeDockerfile(_ code: String) -> Bool {
        var code = code
        if let decided = code.withUTF8({ looksLikeDockerfileASCII($0) }) { return decided }
        return looksLikeDockerfileCharacters(code)
    }

    private static let dockerfileKeywordBytes: [[UInt8]] = dockerfileKeywords.map { Array($0.utf8) }

    /// ``looksLikeDockerfileCharacters(_:)`` on the bytes of ASCII code without carriage returns (where every
    /// character is one byte and white space is ASCII white space); nil for other code.
    static func looksLikeDockerfileASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if !b.isASCIIWithoutCR { return nil }
        func isKeyword(_ start: Int, _ end: Int, upper: Bool) -> Bool {
            dockerfileKeywordBytes.contains { k in
                k.count == end - start && k.indices.allSatisfy { j in
                    let x = b[start + j]
                    return (upper && x >= 97 && x <= 122 ? x - 32 : x) == k[j]
                }
            }
        }
        // Each line's first word after ASCII white space (`trimmedSpaces` and `isWhitespace` agree on ASCII).
        func lines(_ body: (_ first: Int, _ end: Int) -> Bool?) -> Bool? {
            var start = 0
            while start <= b.count {
                var end = start
                while end < b.count, b[end] != 0x0A { end += 1 }
                var first = start
                while first < end, String.isSpace(b[first]) { first += 1 }
                if first < end, let decided = body(first, end) { return decided }
                start = end + 1
            }
            return nil
        }
        func wordEnd(_ from: Int, _ end: Int) -> Int {
            var j = from
            while j < end, !String.isSpace(b[j]) { j += 1 }
            return j
        }
        if let decided = lines({ first, end in
            b[first] == UInt8(ascii: "#") ? nil : isKeyword(first, wordEnd(first, end), upper: true)
        }) {
            return decided
        }
        // Only comments: a commented-out instruction still counts.
        return lines { first, end in
            guard b[first] == UInt8(ascii: "#") else { return nil }
            var inner = first + 1
            while inner < end, String.isSpace(b[inner]) { inner += 1 }
            return isKeyword(inner, wordEnd(inner, end), upper: false) ? true : nil
        } ?? false
    }

    /// ``looksLikeDockerfile(_:)`` on characters, for any code.
    static func looksLikeDockerfileCharacters(_ code: String) -> Bool {
        for line in splitLines(code) {
            let t = line.trimmedSpaces
            if t.isEmpty || t.hasPrefix("#") { continue }
            let word = t.prefix(while: { !$0.isWhitespace }).uppercased()
            return dockerfileKeywords.contains(word)
        }
        // Only comments: a commented-out instruction still counts.
        for line in splitLines(code) {
            let t = line.trimmedSpaces
            guard t.hasPrefix("#") else { continue }
            let inner = t.dropFirst().trimmedSpaces
            if dockerfileKeywords.contains(String(inner.prefix(while: { !$0.isWhitespace }))) { return true }
        }
        return false
    }

    static func looksLikeDiff(_ code: String) -> Bool {
        let lines = splitLines(code).filter { !$0.isEmpty }
        guard !lines.isEmpty else { return false }
        var signed = 0
        for l in lines {
            if l.hasPrefix("@@") || l.hasPrefix("+++") || l.hasPrefix("---") || l.hasPrefix("diff ") || l.hasPrefix("index ") { signed += 1; continue }
            guard let f = l.first, f == "+" || f == "-" || f == " " else { return false }
            if f != " " { signed += 1 }
        }
        return signed > 0
    }

    /// Guesses a language for an unlabelled block.
    static func guessLanguage(_ code: String) -> String? {
        if looksLikeDiff(code) { return "diff" }
        if looksLikeDockerfile(code) { return "dockerfile" }
        let first = splitLines(code).first { !$0.trimmedSpaces.isEmpty }?.trimmedSpaces ?? ""
        if first.hasPrefix("$ ") || first.hasPrefix("#!/") { return "bash" }
        let commands = ["docker", "podman", "cd", "pip", "python", "python3", "curl", "make", "npm", "git", "echo", "ls", "cat", "grep", "kubectl", "buildah", "export", "sudo", "apt-get"]
        if let word = first.split(separator: " ").first, commands.contains(String(word)) { return "bash" }
        return nil
    }

    enum MarkerKind { case old, new, removed }

    static let markerWords: [String: MarkerKind] = [
        "REMOVED": .removed, "DELETED": .removed, "OLD": .old, "BEFORE": .old, "PREVIOUSLY": .old,
        "WRONG": .old, "BAD": .old, "INCORRECT": .old, "NEW": .new, "AFTER": .new, "CORRECT": .new,
        "GOOD": .new, "FIXED": .new,
    ]

    /// `# OLD: x`, `# NEW: x`, `# REMOVED: x`, `# Before`, `# After (lines 36-50)`, `# ❌ Wrong`, `# ✅ Correct`.
    static func marker(in comment: String) -> (kind: MarkerKind, value: String)? {
        if startsWithoutMarker(comment) { return nil }
        var comment = comment
        if let read = comment.withUTF8({ markerASCII(in: $0) }) { return read }
        return markerCharacters(in: comment)
    }

    private static let shortLabelWords: [[UInt8]] = ["Before", "After", "Old", "New", "Removed"].map { Array($0.utf8) }

    /// ``markerCharacters(in:)`` on the bytes of an ASCII comment without carriage returns (every character one
    /// byte, letters and white space ASCII ones): .some(nil) when it holds no marker; nil for other comments.
    static func markerASCII(in b: UnsafeBufferPointer<UInt8>) -> (kind: MarkerKind, value: String)?? {
        if !b.isASCIIWithoutCR { return nil }
        func text(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[from..<max(from, to)]), as: UTF8.self) }
        func trimmed(_ from: Int, _ to: Int) -> (Int, Int) { b.trimmedSpaces(from, to) }
        guard let body = b.commentBody() else { return .some(nil) }
        let (start, end) = body
        var wordEnd = start
        while wordEnd < end, (b[wordEnd] | 0x20) >= 97, (b[wordEnd] | 0x20) <= 122 { wordEnd += 1 }
        let word = UnsafeBufferPointer(rebasing: b[start..<wordEnd])
        let upper: [UInt8] = word.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        guard let kind = markerWords[String(decoding: upper, as: UTF8.self)] else {
            return .some(nil)
        }
        if wordEnd < end, b[wordEnd] == UInt8(ascii: ":") {
            let (vs, ve) = trimmed(wordEnd + 1, end)
            return .some((kind, text(vs, ve)))
        }
        let (rs, re) = trimmed(wordEnd, end)
        if rs == re || b[rs] == UInt8(ascii: "(") || b[rs] == UInt8(ascii: "-") { return .some((kind, "")) }
        let isUpper = word.allSatisfy { $0 < 97 || $0 > 122 } && word.count > 2
        var isShortLabel = false
        if shortLabelWords.contains(where: { $0.elementsEqual(word) }) {
            var words = 0, inWord = false, comma = false
            for k in rs..<re {
                if b[k] == UInt8(ascii: ",") { comma = true }
                if b[k] == 32 { inWord = false } else if !inWord { inWord = true; words += 1 }
            }
            isShortLabel = words <= 2 && !comma
        }
        guard isUpper || isShortLabel else { return .some(nil) }
        return .some((kind, kind == .removed ? text(rs, re) : ""))
    }

    /// ``marker(in:)`` on characters, for any comment.
    static func markerCharacters(in comment: String) -> (kind: MarkerKind, value: String)? {
        var body = comment.trimmedSpaces
        guard body.hasPrefix("#") else { return nil }
        body = String(body.drop(while: { $0 == "#" })).trimmedSpaces
        if body.hasPrefix("❌") || body.hasPrefix("✗") { return (.old, "") }
        if body.hasPrefix("✅") || body.hasPrefix("✔") { return (.new, "") }
        let word = String(body.prefix(while: { $0.isLetter }))
        guard let kind = Self.markerWords[word.uppercased()] else { return nil }
        let rest = body.dropFirst(word.count)
        if rest.first == ":" {
            return (kind, rest.dropFirst().trimmedSpaces)
        }
        let trimmed = rest.trimmedSpaces
        if trimmed.isEmpty || trimmed.hasPrefix("(") || trimmed.hasPrefix("-") || trimmed.hasPrefix("—") {
            return (kind, "")
        }
        // "# REMOVED PyTorch install" (upper-case marker) or "# Before the fix" (a short label); not prose such
        // as "# Before installing deps, update pip".
        let isUpper = word == word.uppercased() && word.count > 2
        let shortLabel = ["Before", "After", "Old", "New", "Removed"].contains(word) && trimmed.split(separator: " ").count <= 2
            && !trimmed.contains(",")
        guard isUpper || shortLabel else { return nil }
        return (kind, kind == .removed ? trimmed : "")
    }

    private static let markerWordBytes: [[UInt8]] = markerWords.keys.map { Array($0.utf8) }

    /// True when `marker(in:)` surely finds no marker, decided on the bytes: the comment's first word is ASCII
    /// letters followed by an ASCII byte (so bytes and characters agree) and is none of the marker words.
    /// Most comments in code blocks are prose ("# Test build locally"). False means: look closer.
    static func startsWithoutMarker(_ comment: String) -> Bool {
        var comment = comment
        return comment.withUTF8 { b -> Bool in
            var i = 0
            while i < b.count, String.isSpace(b[i]) { i += 1 }
            guard i < b.count, b[i] == UInt8(ascii: "#") else { return false }
            while i < b.count, b[i] == UInt8(ascii: "#") { i += 1 }
            while i < b.count, String.isSpace(b[i]) { i += 1 }
            guard i < b.count, b[i] < 0x80 else { return false }
            var j = i
            while j < b.count, (b[j] | 0x20) >= 97, (b[j] | 0x20) <= 122 { j += 1 }
            guard j == b.count || b[j] < 0x80 else { return false }
            if j == i { return true }  // "# 2.6.0": no word at all
            let word = UnsafeBufferPointer(rebasing: b[i..<j])
            return !markerWordBytes.contains { w in
                w.count == word.count && zip(w, word).allSatisfy { $0 == ($1 & ~0x20) }
            }
        }
    }

    static let trailingWords: [(String, Annotation.Kind)] = [
        ("ADDED", .added), ("NEW", .added), ("ADD ", .added), ("CHANGED", .changed), ("UPDATED", .changed),
        ("MODIFIED", .changed), ("FIX", .changed),
    ]

    /// A trailing marker such as `# <--- ADDED THIS LINE`, `# ← NEW`, `# CHANGED`. Returns the line without it.
    static func trailingMarker(in line: String) -> (content: String, kind: Annotation.Kind, text: String)? {
        guard line.utf8.contains(UInt8(ascii: "#")),
            let found = line.lastByteRange(of: " #") ?? line.lastByteRange(of: "\t#")
        else { return nil }
        let hash = line.index(atByte: found.lowerBound)..<line.index(atByte: found.upperBound)
        let comment = line[hash.upperBound...].trimmedSpaces
        let upper = comment.uppercased()
        let hasArrow = comment.hasPrefix("<") || comment.hasPrefix("←") || comment.hasPrefix("⬅")
        for (word, kind) in Self.trailingWords where upper.containsBytes(word) {
            let uppercaseInSource = comment.containsBytes(word.trimmedSpaces)
            if hasArrow || uppercaseInSource {
                let content = Self.trimTrailing(String(line[..<hash.lowerBound]))
                return (content, kind, comment)
            }
        }
        if hasArrow {
            let content = Self.trimTrailing(String(line[..<hash.lowerBound]))
            return (content, .changed, comment)
        }
        return nil
    }

    static func trimTrailing(_ s: String) -> String {
        var u = Substring(s)
        while let last = u.utf8.last, last == 32 || last == 9 { u = u.dropLast() }
        return String(u)
    }

    /// Reads a change block. `wholeBlockAbsent` is set for `**Before:**` blocks.
    static func read(code: String, isDiff: Bool, wholeBlockAbsent: Bool) -> Output {
        var out = Output()
        let lines = splitLines(code)
        if isDiff {
            out.isDiff = true
            for (i, text) in lines.enumerated() {
                let n = i + 1
                if text.hasPrefix("+++") || text.hasPrefix("---") || text.hasPrefix("@@") || text.hasPrefix("diff ") || text.hasPrefix("index ") {
                    out.lines.append(CodeLine(text: text, content: text, role: .comment, line: n))
                } else if text.hasPrefix("-") {
                    out.lines.append(classify(String(text.dropFirst()), original: text, role: .absent, line: n))
                } else if text.hasPrefix("+") {
                    out.lines.append(classify(String(text.dropFirst()), original: text, role: .present, line: n))
                } else {
                    let body = text.hasPrefix(" ") ? String(text.dropFirst()) : text
                    out.lines.append(classify(body, original: text, role: .present, line: n))
                }
            }
            return out
        }
        enum Mode { case normal, old, removed }
        var mode: Mode = wholeBlockAbsent ? .old : .normal
        for (i, text) in lines.enumerated() {
            let n = i + 1
            let trimmed = text.trimmedSpaces
            if trimmed.isEmpty {
                out.lines.append(CodeLine(text: text, content: "", role: .blank, line: n))
                if mode == .removed { mode = .normal }
                continue
            }
            if trimmed.hasPrefix("#") {
                let found = marker(in: text)
                for ref in LineReferenceReader.scan(text).found {
                    let describesOld = found.map { $0.kind != .new } ?? (mode != .normal)
                    out.commentRefs.append((ref, n, describesOld))
                }
                if let (kind, value) = found {
                    switch kind {
                    case .old:
                        out.annotations.append(Annotation(kind: .old, text: value, line: n))
                        // "# OLD: <value>" annotates a value; a bare "# Before" starts the old half.
                        if value.isEmpty { mode = .old }
                    case .new:
                        out.annotations.append(Annotation(kind: .new, text: value, line: n))
                        mode = wholeBlockAbsent ? .old : .normal
                    case .removed:
                        out.annotations.append(Annotation(kind: .removed, text: value, line: n))
                        mode = .removed
                    }
                    out.lines.append(CodeLine(text: text, content: text, role: .comment, line: n))
                    continue
                }
                if mode == .removed || mode == .old {
                    // A commented-out instruction (or its continuation) under REMOVED / OLD.
                    let inner = uncomment(text)
                    if isCommentedCode(inner, previous: out.lines.last) {
                        out.lines.append(CodeLine(text: text, content: inner, role: .absent, line: n))
                        continue
                    }
                }
                out.lines.append(CodeLine(text: text, content: text, role: .comment, line: n))
                continue
            }
            let role: CodeLine.Role = (mode == .old) ? .absent : .present
            if mode == .removed { mode = .normal }
            var line = classify(text, original: text, role: role, line: n)
            if let marker = trailingMarker(in: text) {
                line.content = marker.content
                out.annotations.append(Annotation(kind: marker.kind, text: marker.text, line: n))
            }
            out.lines.append(line)
        }
        return out
    }

    private static func classify(_ body: String, original: String, role: CodeLine.Role, line: Int) -> CodeLine {
        let t = body.trimmedSpaces
        if t.isEmpty { return CodeLine(text: original, content: "", role: .blank, line: line) }
        if t.hasPrefix("#") { return CodeLine(text: original, content: body, role: .comment, line: line) }
        return CodeLine(text: original, content: body, role: role, line: line)
    }

    /// `# RUN pip install \` → `RUN pip install \`; `#   --index-url x` → `  --index-url x`.
    static func uncomment(_ text: String) -> String {
        guard let hash = text.firstIndex(of: "#") else { return text }
        var rest = text[text.index(after: hash)...]
        if rest.first == " " { rest = rest.dropFirst() }
        return String(rest)
    }

    /// Whether uncommented text is code: an instruction keyword, or a continuation of the previous absent line.
    private static func isCommentedCode(_ inner: String, previous: CodeLine?) -> Bool {
        if startsWithKeyword(inner) { return true }
        if let previous, previous.role == .absent, previous.content.trimmedSpaces.hasSuffix("\\") { return true }
        return false
    }

    /// Whether the first word of `inner` (after white space) is an instruction keyword, as written.
    static func startsWithKeyword(_ inner: String) -> Bool {
        var inner = inner
        let decided = inner.withUTF8 { b -> Bool? in
            if !b.isASCIIWithoutCR { return nil }
            var start = 0
            while start < b.count, String.isSpace(b[start]) { start += 1 }
            var end = start
            while end < b.count, !String.isSpace(b[end]) { end += 1 }
            let word = UnsafeBufferPointer(rebasing: b[start..<end])
            return dockerfileKeywordBytes.contains { $0.elementsEqual(word) }
        }
        return decided ?? startsWithKeywordCharacters(inner)
    }

    /// ``startsWithKeyword(_:)`` on characters, for any text.
    static func startsWithKeywordCharacters(_ inner: String) -> Bool {
        let word = inner.trimmedSpaces.prefix(while: { !$0.isWhitespace })
        return dockerfileKeywords.contains(String(word))
    }
}
