import Foundation

/// A normalisation that matching may apply to both sides before comparing instructions.
public enum Normalisation: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Runs of spaces and tabs, spacing inside JSON arrays.
    case whitespace
    /// The instruction is split over a different number of physical lines (`\` continuations).
    case continuation
    /// Keyword (and `AS` / stage name) case: `run` = `RUN`.
    case keywordCase
    /// A trailing shell comment (`RUN x  # why`).
    case trailingComment
    /// An author's marker in the log (`# <--- ADDED THIS LINE`), removed by the ingester.
    case annotationMarker
    /// Flags in another order (`--chown=a --from=b` = `--from=b --chown=a`).
    case flagOrder
    /// Image references: `docker.io/`, `docker.io/library/`, `index.docker.io/`, implicit `:latest`.
    case imageReference
    /// `...` / `…` in the log stood for omitted words; the other words were found in order.
    case ellipsis

    public static func < (a: Normalisation, b: Normalisation) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// Turns an instruction into the text that matching compares, applying every ``Normalisation``
/// (or all but one, to find out which ones a match needed).
public enum InstructionNormalizer {
    /// Dockerfile instruction keywords (lower case).
    public static let knownKeywords: Set<String> = [
        "from", "run", "cmd", "label", "maintainer", "expose", "env", "add", "copy", "entrypoint", "volume",
        "user", "workdir", "arg", "onbuild", "stopsignal", "healthcheck", "shell",
    ]

    /// The normalised text of an instruction: keyword, flags and arguments, plus heredoc bodies.
    public static func key(_ instruction: Instruction, disabling: Normalisation? = nil) -> String {
        var text = key(original: instruction.original, disabling: disabling)
        for heredoc in instruction.heredocs {
            text += "\n<<" + (disabling == .whitespace ? heredoc.content : collapse(heredoc.content))
        }
        return text
    }

    /// The normalised text of a joined logical line.
    public static func key(original: String, disabling: Normalisation? = nil) -> String {
        let ws = disabling != .whitespace
        var tokens = tokenize(original)
        guard !tokens.isEmpty else { return "" }
        var keyword = tokens[0].text
        if disabling != .keywordCase { keyword = keyword.lowercased() }
        tokens.removeFirst()
        if keyword.lowercased() == "onbuild" {
            let rest = join(tokens, whitespace: ws, dropLeading: true)
            return keyword + (ws ? " " : (tokens.first?.leading ?? " ")) + key(original: rest, disabling: disabling)
        }
        // Trailing comment: an unquoted word starting with `#` after at least one argument.
        if disabling != .trailingComment, tokens.count > 1,
           let hash = tokens.indices.dropFirst().first(where: { tokens[$0].text.hasPrefix("#") }) {
            tokens.removeSubrange(hash...)
        }
        // Flags: leading `--name[=value]` words.
        var flagCount = 0
        while flagCount < tokens.count, tokens[flagCount].text.hasPrefix("--") { flagCount += 1 }
        var flags = Array(tokens[0..<flagCount])
        var args = Array(tokens[flagCount...])
        if disabling != .imageReference {
            for i in flags.indices where flags[i].text.lowercased().hasPrefix("--from=") {
                let value = String(flags[i].text.dropFirst("--from=".count))
                if value.utf8.contains(UInt8(ascii: "/")) || value.utf8.contains(UInt8(ascii: ":")) {
                    flags[i].text = "--from=" + ImageReference.normalise(value)
                }
            }
        }
        if disabling != .flagOrder {
            let sortedTexts = flags.map(\.text).sorted()
            for i in flags.indices { flags[i].text = sortedTexts[i] }
        }
        let lower = keyword.lowercased()
        if lower == "from", !args.isEmpty {
            if disabling != .imageReference { args[0].text = ImageReference.normalise(args[0].text) }
            if disabling != .keywordCase, args.count >= 3, args[1].text.lowercased() == "as" {
                args[1].text = "as"
                args[2].text = args[2].text.lowercased()
            }
        }
        var rest = join(flags + args, whitespace: ws, dropLeading: true)
        if ws, let json = compactJSONArray(rest) { rest = json }
        if ws, !flags.isEmpty, let json = compactJSONArray(join(args, whitespace: true, dropLeading: true)) {
            rest = join(flags, whitespace: true, dropLeading: true) + " " + json
        }
        if rest.isEmpty { return keyword }
        let separator = ws ? " " : ((flags + args).first?.leading ?? " ")
        return keyword + separator + rest
    }

    /// `...`, `…` and the like: an author's "and so on".
    public static func isEllipsis(_ word: String) -> Bool {
        word == "..." || word == "…" || word == "[...]" || word == "(...)" || word == "\\..."
    }

    /// The keyword of a joined logical line, lower-cased.
    public static func keyword(of original: String) -> String {
        tokenize(original, limit: 1).first?.text.lowercased() ?? ""
    }

    /// The normalised image of a `FROM` key (`from python:3.11 as builder` → `python:3.11`), else nil.
    public static func image(ofKey key: String) -> String? {
        guard key.hasPrefix("from ") else { return nil }
        return words(ofKey: key).first { !$0.hasPrefix("--") }
    }

    /// `python:3.11-slim` → `python`, `3.11-slim`: an image's repository and tag (or digest) as separate words.
    public static func imageWords(_ image: String) -> [String] {
        // Byte positions: `@`, `:` and `/` are ASCII, so they are the same characters in the text.
        let utf8 = image.utf8
        guard let cut = utf8.firstIndex(of: UInt8(ascii: "@")) ?? utf8.lastIndex(of: UInt8(ascii: ":")),
              !utf8[utf8.index(after: cut)...].contains(UInt8(ascii: "/")) else { return [image] }
        return [String(image[..<cut]), String(image[utf8.index(after: cut)...])]
    }

    /// Words for similarity: ``words(ofKey:)``, with a `FROM` image split into repository and tag, so
    /// `python:3.10-slim` and `python:3.11-slim` share a word.
    public static func similarityWords(ofKey key: String) -> [String] {
        let w = words(ofKey: key)
        guard key.hasPrefix("from "), let i = w.firstIndex(where: { !$0.hasPrefix("--") }) else { return w }
        return Array(w[..<i]) + imageWords(w[i]) + Array(w[(i + 1)...])
    }

    /// The words of the arguments after normalisation (used for word diffs).
    public static func words(ofKey key: String) -> [String] {
        // ASCII without CR (every key in practice): each character is one byte, so splitting the bytes is
        // splitting the characters.
        if let fast = key.utf8.withContiguousStorageIfAvailable({ bytes -> [String]? in
            var words: [String] = []
            var start = 0
            var first = true
            for i in 0...bytes.count {
                if i < bytes.count {
                    let b = bytes[i]
                    if b >= 0x80 || b == 13 { return nil }
                    if b != 32 && b != 10 { continue }
                }
                if i > start {
                    if first { first = false } else {
                        words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                    }
                }
                start = i + 1
            }
            return words
        }), let words = fast {
            return words
        }
        let parts = key.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        return Array(parts.dropFirst())
    }

    /// Which normalisations a match between two instructions with equal full keys needed.
    /// `claimLines` / `targetLines` are the physical lines of each side (continuations included).
    public static func normalisationsNeeded(claimLines: [String], targetLines: [String]) -> [Normalisation] {
        let a = layout(claimLines), b = layout(targetLines)
        var needed: [Normalisation] = []
        for n in [Normalisation.whitespace, .keywordCase, .trailingComment, .flagOrder, .imageReference]
        where key(original: a.joined, disabling: n) != key(original: b.joined, disabling: n) {
            needed.append(n)
        }
        if a.breaks != b.breaks { needed.append(.continuation) }
        return needed.sorted()
    }

    /// Physical lines joined with single spaces (continuation characters and line-edge white space
    /// removed, comment lines inside the continuation skipped), and where the lines break (word counts of
    /// every line but the last).
    static func layout(_ physical: [String]) -> (joined: String, breaks: [Int]) {
        var parts: [String] = []
        var counts: [Int] = []
        for (i, line) in physical.enumerated() {
            var t = line.trimmedSpaces
            if t.isEmpty || (i > 0 && t.hasPrefix("#")) { continue }
            if t.hasSuffix("\\") || t.hasSuffix("`") {
                t.removeLast()
                t = t.trimmedSpaces
            }
            parts.append(t)
            counts.append(tokenize(t).count)
        }
        return (parts.joined(separator: " "), Array(counts.dropLast()))
    }

    // MARK: - Tokens

    struct Token: Equatable {
        var leading: String
        var text: String
    }

    /// Split on unquoted white space, keeping quotes and the white space before each word.
    /// Works on UTF-8 bytes: every delimiter is ASCII, so multi-byte characters pass through whole.
    static func tokenize(_ s: String, limit: Int = .max) -> [Token] {
        if let tokens = s.utf8.withContiguousStorageIfAvailable({ tokenize($0, limit: limit) }) { return tokens }
        return Array(s.utf8).withUnsafeBufferPointer { tokenize($0, limit: limit) }
    }

    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> [Token] {
        var tokens: [Token] = []
        var leadingStart = 0
        var i = 0
        let n = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
        while i < n, tokens.count < limit {
            while i < n, isSpace(bytes[i]) { i += 1 }
            guard i < n else { break }
            let start = i
            var quote: UInt8? = nil
            while i < n {
                let b = bytes[i]
                if let q = quote {
                    if b == 92 /* \ */ && q == 34 /* " */ && i + 1 < n { i += 2; continue }
                    if b == q { quote = nil }
                    i += 1
                    continue
                }
                if isSpace(b) { break }
                if b == 92, i + 1 < n { i += 2; continue }
                if b == 34 || b == 39 { quote = b }
                i += 1
            }
            let end = min(i, n)
            tokens.append(Token(leading: start == leadingStart ? "" : String(decoding: UnsafeBufferPointer(rebasing: bytes[leadingStart..<start]), as: UTF8.self),
                                text: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)))
            leadingStart = end
        }
        return tokens
    }

    static func join(_ tokens: [Token], whitespace: Bool, dropLeading: Bool) -> String {
        var out = ""
        for (i, t) in tokens.enumerated() {
            if i > 0 || !dropLeading { out += whitespace ? (i > 0 ? " " : "") : t.leading }
            out += t.text
        }
        return out
    }

    /// `[ "a",  "b" ]` → `["a","b"]` when the text is a JSON array of strings.
    static func compactJSONArray(_ s: String) -> String? {
        guard s.first(where: { $0 != " " && $0 != "\t" }) == "[" else { return nil }
        let t = s.trimmedSpaces
        guard t.hasPrefix("["), t.hasSuffix("]"), let data = t.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [String] else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let out = try? encoder.encode(array) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Collapse runs of white space (spaces, tabs, newlines) to one space and trim.
    static func collapse(_ s: String) -> String {
        // ASCII without CR (the usual case): characters are bytes, so collapse the bytes.
        if let fast = s.utf8.withContiguousStorageIfAvailable({ bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var space = false
            for b in bytes {
                if b >= 0x80 || b == 13 { return nil }
                if b == 32 || b == 9 || b == 10 {
                    space = !out.isEmpty
                    continue
                }
                if space { out.append(32); space = false }
                out.append(b)
            }
            return String(decoding: out, as: UTF8.self)
        }), let collapsed = fast {
            return collapsed
        }
        return s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
