import Foundation

/// Reads what a verification block says its output should be.
enum ExpectedOutputReader {
    /// `True (if CUDA GPU available)` → (`True`, `if CUDA GPU available`).
    static func splitCondition(_ line: String) -> ExpectedLine {
        let t = line.trimmedSpaces
        guard t.hasSuffix(")"), let open = t.lastIndex(of: "(") else { return ExpectedLine(text: t) }
        let inner = t[t.index(after: open)..<t.index(before: t.endIndex)].trimmedSpaces
        let lower = inner.lowercased()
        let starters = ["if ", "when ", "only if", "only when", "unless ", "requires ", "with ", "on ", "without "]
        guard starters.contains(where: { lower.hasPrefix($0) }) else { return ExpectedLine(text: t) }
        let text = t[..<open].trimmedSpaces
        guard !text.isEmpty else { return ExpectedLine(text: t) }
        return ExpectedLine(text: text, condition: inner)
    }

    /// `# Expected output:` (then one `# line` per expected line), `# Expected: 2.6.0`, `# Output:`, `# Should print: x`.
    static func markerValue(_ line: String) -> String? {
        var line = line
        if let read = line.withUTF8({ markerValueASCII($0) }) { return read }
        return markerValueCharacters(line)
    }

    private static let markerWords = ["expected output", "expected result", "expected", "expect", "output", "should print",
                                      "should output", "should show", "should return", "should see", "prints", "returns", "result",
                                      "salida esperada", "预期输出", "예상 출력"]
    private static let asciiMarkerBytes: [[UInt8]] = markerWords.map { Array($0.utf8) }.filter { $0.allSatisfy { $0 < 0x80 } }

    /// ``markerValueCharacters(_:)`` on the bytes of an ASCII line without carriage returns (every character one
    /// byte; the non-ASCII markers cannot start such a line): .some(nil) for no marker, nil for other lines.
    static func markerValueASCII(_ b: UnsafeBufferPointer<UInt8>) -> String?? {
        if !b.isASCIIWithoutCR { return nil }
        func trimmed(_ from: Int, _ to: Int) -> (Int, Int) { b.trimmedSpaces(from, to) }
        guard let body = b.commentBody() else { return .some(nil) }
        let (start, end) = body
        for m in asciiMarkerBytes where end - start >= m.count {
            var k = 0
            while k < m.count, (b[start + k] >= 65 && b[start + k] <= 90 ? b[start + k] + 32 : b[start + k]) == m[k] { k += 1 }
            guard k == m.count else { continue }
            let (rs, re) = trimmed(start + m.count, end)
            if rs == re { return .some("") }
            if b[rs] == UInt8(ascii: ":") {
                let (vs, ve) = trimmed(rs + 1, re)
                return .some(String(decoding: UnsafeBufferPointer(rebasing: b[vs..<ve]), as: UTF8.self))
            }
            if b[rs] == UInt8(ascii: "("), b[re - 1] == UInt8(ascii: ":") { return .some("") }
            return .some(nil)
        }
        return .some(nil)
    }

    /// ``markerValue(_:)`` on characters, for any line.
    static func markerValueCharacters(_ line: String) -> String? {
        let t = line.trimmedSpaces
        guard t.hasPrefix("#") else { return nil }
        let body = t.drop(while: { $0 == "#" }).trimmedSpaces
        let lower = body.lowercased()
        for m in markerWords where lower.hasPrefix(m) {
            let rest = body.dropFirst(m.count).trimmedSpaces
            if rest.isEmpty { return "" }
            if rest.hasPrefix(":") { return rest.dropFirst().trimmedSpaces }
            if rest.hasPrefix("(") && rest.hasSuffix(":") { return "" }  // "# Expected output (abridged):"
            return nil
        }
        return nil
    }

    struct Read {
        var script: String
        var expected: [ExpectedLine]
    }

    /// Reads expectations from a verification block's code. `firstLine` is the log line of the block's first
    /// content line (for ranges). `console` blocks: `$ ` lines are the script, the other lines the expected output.
    static func read(code: String, language: String?, firstLine: Int) -> Read {
        let lines = CodeAnnotationReader.splitLines(code)
        let lang = (language ?? "").lowercased()
        let promptLines = lines.filter { $0.hasPrefix("$ ") }
        if ["console", "shell-session", "terminal", "sh-session"].contains(lang) || (!promptLines.isEmpty && promptLines.count >= lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }.count / 2 && lines.first?.hasPrefix("$ ") == true) {
            var script: [String] = []
            var expected: [ExpectedLine] = []
            for (i, line) in lines.enumerated() {
                if line.hasPrefix("$ ") {
                    script.append(String(line.dropFirst(2)))
                } else if line.hasPrefix("> "), !script.isEmpty {
                    script.append(String(line.dropFirst(2)))
                } else if !line.trimmedSpaces.isEmpty {
                    var e = splitCondition(line)
                    e.range = SourceRange(start: SourceLocation(line: firstLine + i, column: 1),
                                          end: SourceLocation(line: firstLine + i, column: line.utf8.count + 1))
                    expected.append(e)
                }
            }
            return Read(script: script.joined(separator: "\n") + (script.isEmpty ? "" : "\n"), expected: expected)
        }
        var expected: [ExpectedLine] = []
        var i = 0
        while i < lines.count {
            guard let value = markerValue(lines[i]) else { i += 1; continue }
            if !value.isEmpty {
                var e = splitCondition(value)
                e.range = lineRange(lines[i], firstLine + i)
                expected.append(e)
                i += 1
                continue
            }
            var j = i + 1
            while j < lines.count {
                let t = lines[j].trimmedSpaces
                guard t.hasPrefix("#"), markerValue(lines[j]) == nil else { break }
                var body = String(t.dropFirst())
                if body.hasPrefix(" ") { body.removeFirst() }
                if body.trimmedSpaces.isEmpty { j += 1; continue }
                var e = splitCondition(body)
                e.range = lineRange(lines[j], firstLine + j)
                expected.append(e)
                j += 1
            }
            i = j
        }
        return Read(script: code, expected: expected)
    }

    /// Expected lines from a separate output block (`**Expected output:**` fence, `## Expected Output` section).
    static func readOutputBlock(code: String, firstLine: Int) -> [ExpectedLine] {
        CodeAnnotationReader.splitLines(code).enumerated().compactMap { i, line in
            guard !line.trimmedSpaces.isEmpty else { return nil }
            var e = splitCondition(line)
            e.range = lineRange(line, firstLine + i)
            return e
        }
    }

    private static func lineRange(_ text: String, _ line: Int) -> SourceRange {
        SourceRange(start: SourceLocation(line: line, column: 1), end: SourceLocation(line: line, column: text.utf8.count + 1))
    }

    /// How lines of program output start (lower-cased).
    static let outputPrefixes = ["error", "warning", "traceback", "file \"", "time=", "level=", "step ", "--->", "#0 ", "#1 ", "#2 ",
                              "#3 ", "#4 ", "#5 ", "#6 ", "#7 ", "#8 ", "#9 ", "[+]", "=>", "exit code", "failed", "fatal",
                              "npm err", "e: ", "w: ", "the conflict is caused by", "successfully", "collecting ", "downloading ",
                              "installing ", "requirement already", "info:", "debug:", "panic:", "killed", "at ", "caused by",
                              "the user requested", "cannot ", "could not", "no such", "permission denied", "ok", "true", "false"]
    /// First words of command lines.
    static let commandWords: Set<String> = ["docker", "podman", "cd", "pip", "pip3", "python", "python3", "curl", "make", "npm", "git",
                                         "echo", "ls", "cat", "grep", "kubectl", "buildah", "export", "sudo", "apt-get", "test", "bash",
                                         "sh", "wget", "du", "df", "find", "rm", "cp", "mv", "mkdir", "chmod", "set", "if", "for",
                                         "diff", "sed", "awk", "head", "tail", "wc", "jq", "node", "go", "cargo", "swift", "[", "[["]

    /// Lines that look like a program's output rather than commands (a ```bash block holding an error log).
    static func looksLikeOutput(_ code: String) -> Bool {
        var code = code
        if let decided = code.withUTF8({ looksLikeOutputASCII($0) }) { return decided }
        return looksLikeOutputCharacters(code)
    }

    private static let outputPrefixBytes: [[UInt8]] = outputPrefixes.map { Array($0.utf8) }
    private static let errorWord = Array("Error".utf8)

    /// ``looksLikeOutputCharacters(_:)`` on the bytes of ASCII code without carriage returns (every character one
    /// byte); nil for other code.
    static func looksLikeOutputASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if !b.isASCIIWithoutCR { return nil }
        var outputLike = 0
        var sawLine = false
        var start = 0
        while start <= b.count {
            var end = start
            while end < b.count, b[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            var first = start, last = end
            while first < last, String.isSpace(b[first]) { first += 1 }
            while last > first, String.isSpace(b[last - 1]) { last -= 1 }
            guard first < last else { continue }
            sawLine = true
            let line = UnsafeBufferPointer(rebasing: b[first..<last])
            if line[0] == UInt8(ascii: "#") { continue }
            var wordEnd = 0
            while wordEnd < line.count, line[wordEnd] != 32 { wordEnd += 1 }
            let word = String(decoding: UnsafeBufferPointer(rebasing: line[..<wordEnd]), as: UTF8.self)
            if commandWords.contains(word) || line.starts(with: [UInt8(ascii: "$"), 32]) || line.starts(with: [UInt8(ascii: "."), UInt8(ascii: "/")]) {
                return false
            }
            if outputLike > 0 { continue }
            let prefixed = outputPrefixBytes.contains { p in
                p.count <= line.count && p.indices.allSatisfy { k in
                    (line[k] >= 65 && line[k] <= 90 ? line[k] + 32 : line[k]) == p[k]
                }
            }
            if prefixed || errorWord.withUnsafeBufferPointer({ String.find($0, in: line, from: 0) != nil }) {
                outputLike += 1
            }
        }
        return sawLine && outputLike > 0
    }

    /// ``looksLikeOutput(_:)`` on characters, for any code.
    static func looksLikeOutputCharacters(_ code: String) -> Bool {
        let lines = CodeAnnotationReader.splitLines(code).map { $0.trimmedSpaces }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return false }
        var outputLike = 0
        for l in lines {
            if l.hasPrefix("#") { continue }
            if Self.commandWords.contains(String(l.prefix { $0 != " " })) || l.hasPrefix("$ ") || l.hasPrefix("./") { return false }
            // Counted once one line looks like output; the lines after it only matter if they are commands.
            if outputLike > 0 { continue }
            let lower = l.lowercased()
            if Self.outputPrefixes.contains(where: { lower.hasPrefix($0) }) || l.hasPrefix(" ") || l.containsBytes("Error") { outputLike += 1 }
        }
        return outputLike > 0
    }

    /// Options for a verification block from the fence info string (`bash timeout=30s requires=podman skip`,
    /// `{timeout=30s}`) or an HTML comment before it (`<!-- fixlog: timeout=30s exit=1 -->`).
    static func options(fromInfo info: String) -> [String: String] {
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "}" })
        return parseOptionWords(splitCommas(Array(words.dropFirst())))
    }

    static func options(fromComment html: String) -> [String: String]? {
        let t = html.trimmedSpaces
        guard t.hasPrefix("<!--"), t.hasSuffix("-->") else { return nil }
        let inner = t.dropFirst(4).dropLast(3).trimmedSpaces
        guard inner.lowercased().hasPrefix("fixlog") else { return nil }
        var rest = inner.dropFirst("fixlog".count)
        if rest.first == ":" { rest = rest.dropFirst() }
        return parseOptionWords(splitCommas(rest.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })))
    }

    /// `timeout=30s,skip` separates options; `requires=podman,make` is one option with a list value.
    private static func splitCommas(_ words: [Substring]) -> [Substring] {
        var out: [Substring] = []
        for w in words {
            let parts = w.split(separator: ",", omittingEmptySubsequences: true)
            let flagWords: Set<Substring> = ["skip", "allow-failure"]
            if parts.count > 1, parts.dropFirst().allSatisfy({ $0.contains("=") || flagWords.contains($0) }) || !w.contains("=") {
                out += parts
            } else {
                out.append(parts.count == 1 ? parts[0] : w)
            }
        }
        return out
    }

    private static func parseOptionWords(_ words: [Substring]) -> [String: String] {
        var out: [String: String] = [:]
        for w in words {
            if let eq = w.firstIndex(of: "=") {
                let key = String(w[..<eq]).lowercased()
                var value = String(w[w.index(after: eq)...])
                if value.count >= 2, value.first == "\"" && value.last == "\"" || value.first == "'" && value.last == "'" {
                    value = String(value.dropFirst().dropLast())
                }
                if let existing = out[key] { out[key] = existing + "," + value } else { out[key] = value }
            } else if !w.isEmpty {
                out[String(w).lowercased()] = "true"
            }
        }
        return out
    }
}
