import Foundation

/// Reads the verification records of a log for `fixlog verify`.
///
/// INTERIM: until the ingester (`FixLogIngester.load(path:)`) lands on main, this reads the log with a
/// deliberately small rule set: every level-2 heading (level-1 when there is none) starts a record (numbered when it has `#N`),
/// and fenced shell blocks under a heading that mentions "verif" are its steps. Lines after a
/// `# Expected output:` comment are the expected lines (`(if …)` suffix = condition). Options come
/// from `key=value` words in the fence info string or a `<!-- fixlog: … -->` comment right before the block.
public enum InterimLogReader {
    /// The records of the log at `path` that have verification steps (and the others, with none).
    public static func load(path: String) -> (records: [VerificationRecord]?, diagnostics: [Diagnostic]) {
        let (source, diagnostics) = SourceText.load(path: path)
        guard let source else { return (nil, diagnostics) }
        let doc = MarkdownDocument(source: source)
        var records: [VerificationRecord] = []
        var inVerification = false
        var pendingOptions: [String: String] = [:]
        var sectionLabel: String?
        let recordLevel = doc.root.children.contains { $0.kind == .heading && $0.headingLevel == 2 } ? 2 : 1
        for node in doc.root.children {
            switch node.kind {
            case .heading:
                let text = node.plainText
                if node.headingLevel == recordLevel {
                    records.append(VerificationRecord(number: Self.number(in: text), title: text, steps: []))
                }
                inVerification = text.lowercased().contains("verif")
                sectionLabel = text
                pendingOptions = [:]
            case .htmlBlock:
                pendingOptions = Self.commentOptions(node.literal ?? "")
            case .codeBlock where node.isFenced && inVerification:
                let language = node.language?.lowercased()
                guard language == nil || VerificationPlan.shellLanguages.contains(language ?? "") else { continue }
                var options = pendingOptions
                for word in (node.fenceInfo ?? "").split(separator: " ").dropFirst() { Self.addOption(String(word), to: &options) }
                let script = node.literal ?? ""
                let start = (node.range?.start.line ?? 0) + 1
                if records.isEmpty { records.append(VerificationRecord(number: nil, title: nil, steps: [])) }
                records[records.count - 1].steps.append(VerificationStep(
                    language: language, script: script, expectedOutput: Self.expected(in: script), options: options,
                    label: sectionLabel, range: node.range ?? SourceRange(start: SourceLocation(line: 1, column: 1), end: SourceLocation(line: 1, column: 1)),
                    contentStartLine: start))
                pendingOptions = [:]
            default:
                pendingOptions = [:]
            }
        }
        return (records, diagnostics)
    }

    static func number(in heading: String) -> Int? {
        guard let hash = heading.firstIndex(of: "#") else { return nil }
        return Int(heading[heading.index(after: hash)...].prefix(while: { $0.isNumber }))
    }

    static func commentOptions(_ html: String) -> [String: String] {
        let t = html.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix("<!--"), t.hasSuffix("-->") else { return [:] }
        var body = t.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
        guard body.hasPrefix("fixlog:") else { return [:] }
        body = String(body.dropFirst(7))
        var options: [String: String] = [:]
        for word in body.split(whereSeparator: { $0 == " " || $0 == "\n" }) { addOption(String(word), to: &options) }
        return options
    }

    static func addOption(_ word: String, to options: inout [String: String]) {
        if let eq = word.firstIndex(of: "=") {
            options[String(word[..<eq])] = String(word[word.index(after: eq)...])
        } else if !word.isEmpty {
            options[word] = ""
        }
    }

    static func expected(in script: String) -> [ExpectedLine] {
        var out: [ExpectedLine] = []
        var collecting = false
        for raw in script.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.lowercased().hasPrefix("# expected output") { collecting = true; continue }
            guard collecting else { continue }
            guard line.hasPrefix("#") else { collecting = false; continue }
            var text = line.dropFirst().trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            var condition: String?
            if text.hasSuffix(")"), let open = text.range(of: "(if ", options: .backwards) {
                condition = String(text[text.index(after: open.lowerBound)..<text.index(before: text.endIndex)])
                text = text[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            out.append(ExpectedLine(text: text, condition: condition))
        }
        return out
    }
}
