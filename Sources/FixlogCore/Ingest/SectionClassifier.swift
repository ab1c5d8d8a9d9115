import Foundation

/// Classifies headings by what they name: sections of a record, lists of records, groups of records.
enum SectionClassifier {
    /// Lower-cased keyword → kind, checked in order (the first match wins).
    private static let rules: [(SectionKind, [String])] = [
        (.expectedOutput, ["expected output", "expected result", "expected behavior", "expected behaviour", "salida esperada", "预期输出", "예상 출력", "output atteso"]),
        (.rootCause, ["root cause", "cause", "why it happened", "why it failed", "diagnosis", "analysis", "causa", "原因", "원인", "ursache"]),
        (.alternatives, ["alternative", "options considered", "other options", "approaches considered", "considered", "alternativa", "替代", "대안"]),
        (.verification, ["verification", "verify", "validation", "testing", "test plan", "tests", "how to test", "how to check", "checking", "smoke test", "verificación", "verificacion", "prueba", "pruebe", "验证", "测试", "검증", "테스트", "verifica", "test"]),
        (.lessons, ["lesson", "takeaway", "learning", "learned", "key insight", "prevention", "lecciones", "经验", "教训", "교훈", "lezioni"]),
        (.impact, ["impact", "metrics", "performance", "improvement", "before/after", "before and after", "impacto", "影响", "영향", "impatto"]),
        (.result, ["result", "outcome", "status", "resultado", "结果", "결과", "risultato"]),
        (.rationale, ["why this works", "why it works", "how it works", "explanation", "rationale", "why", "por qué", "por que", "为什么", "perché"]),
        (.benefits, ["benefit", "advantages", "beneficio", "优点", "장점", "vantaggi"]),
        (.files, ["files modified", "files changed", "modified files", "changed files", "affected files", "archivos modificados", "修改的文件", "file modificati"]),
        (.nextSteps, ["next step", "follow-up", "follow up", "todo", "to do", "future work", "future improvement", "recommendation", "próximos pasos", "后续", "다음 단계", "prossimi passi"]),
        (.changes, ["implementation", "change", "code", "dockerfile", "builder stage", "runtime stage", "final stage", "build stage", "stage", "step", "diff", "patch", "modification", "update", "cambios", "更改", "变更", "修改", "변경", "modifiche"]),
        (.solution, ["solution", "fix", "resolution", "remedy", "workaround", "approach", "how we fixed", "what we did", "solución", "solucion", "解决", "修复", "해결", "soluzione", "correzione", "lösung"]),
        (.problem, ["problem", "issue", "symptom", "error", "bug", "what happened", "description", "context", "background", "failure", "problema", "síntoma", "问题", "错误", "症状", "문제", "오류", "증상", "problemi"]),
        (.notes, ["note", "reference", "related", "see also", "links", "notas", "备注", "참고"]),
    ]

    private static let compiledRules: [(SectionKind, [[UInt8]])] = rules.map { ($0.0, $0.1.map { Array($0.utf8) }) }

    /// The kind of a section heading, from its text (numbering and decoration already stripped).
    static func kind(of heading: String) -> SectionKind {
        let lower = heading.lowercased()
        // Most section headings and labels are exactly one of the keywords ("Root Cause", "Solution").
        if let known = exactKinds[lower] { return known }
        return classify(lower)
    }

    /// `kind(of:)` of every keyword itself, computed once by the general rule.
    private static let exactKinds: [String: SectionKind] = {
        var out: [String: SectionKind] = [:]
        for (_, words) in rules { for w in words { out[w] = classify(w) } }
        return out
    }()

    private static func classify(_ lower: String) -> SectionKind {
        let t = Haystack(Array(lower.utf8))
        // "What Was NOT Changed" is not a changes section.
        if t.matches(notChanged) || t.matches(unchanged) { return .other }
        for (kind, words) in compiledRules where words.contains(where: { t.matches($0) }) {
            return kind
        }
        return .other
    }

    /// A text to look for many keywords in. An ASCII keyword only matches where a word starts, so a keyword
    /// whose first byte starts no word of the text is rejected without a search (most are).
    struct Haystack {
        let bytes: [UInt8]
        /// Bit b set: some word of the text starts with byte b (ASCII only).
        private var starts: (UInt64, UInt64) = (0, 0)
        private let ascii: Bool

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var ascii = true
            var previous: UInt8 = 0x20
            for b in bytes {
                if b >= 0x80 { ascii = false } else if !isWordByte(previous) {
                    if b < 64 { starts.0 |= 1 << UInt64(b) } else { starts.1 |= 1 << UInt64(b - 64) }
                }
                previous = b
            }
            self.ascii = ascii
        }

        func matches(_ needle: [UInt8]) -> Bool {
            guard let first = needle.first else { return SectionClassifier.matches(bytes, needle) }
            if first >= 0x80 {
                if ascii { return false }  // a non-ASCII keyword cannot occur in ASCII text
            } else if ascii {
                let bit = first < 64 ? starts.0 & (1 << UInt64(first)) : starts.1 & (1 << UInt64(first - 64))
                if bit == 0 { return false }
            }
            return SectionClassifier.matches(bytes, needle)
        }

        /// The search alone, without the first-byte rejection (tests compare the two).
        func searched(_ needle: [UInt8]) -> Bool { SectionClassifier.matches(bytes, needle) }
    }

    /// Every keyword the classifier looks for, as bytes (tests).
    static var allKeywords: [[UInt8]] {
        [notChanged, unchanged] + compiledRules.flatMap(\.1) + listDecoys + listFixWords + listProblemWords + listGroupWords
    }

    private static let notChanged = Array("not changed".utf8)
    private static let unchanged = Array("unchanged".utf8)

    /// Word-prefix match: "lessons learned" matches "lesson", "testing" matches "test", but "latest" does not.
    /// Non-ASCII keywords (CJK) match anywhere.
    private static func matches(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        let ascii = needle.first.map { $0 < 0x80 } ?? true
        var from = 0
        while let r = String.find(needle, in: hay, from: from) {
            if !ascii || r.lowerBound == 0 || !isWordByte(hay[r.lowerBound - 1]) { return true }
            from = r.lowerBound + 1
        }
        return false
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b >= 0x80
    }

    enum ListKind { case fixes, problems, group, decoy, none }

    // The words of `listKind(of:)`, as bytes once.
    private static let listDecoys = utf8([
        "test", "lesson", "next step", "not changed", "unchanged", "option", "verification", "verify",
        "step", "todo", "to do", "how to", "usage", "setup", "set up", "install", "prerequisite",
        "recommendation", "future", "reference", "alternative", "checklist", "command", "appendix",
        "prueba", "lecciones", "próximos", "测试", "经验", "下一步", "테스트", "교훈", "다음", "lezioni", "prossimi"])
    private static let listFixWords = utf8([
        "fix", "fixes", "solution", "resolved", "correction", "solved", "applied", "remediation", "patch",
        "soluci", "correcci", "arreglo", "修复", "解决", "해결", "수정", "correzion", "soluzion", "corrections", "korrektur", "lösung"])
    private static let listProblemWords = utf8([
        "issue", "problem", "bug", "error", "incident", "failure", "symptom", "problema", "errores",
        "incidencia", "问题", "错误", "故障", "문제", "오류", "이슈", "problemi", "errori", "fehler", "probleme", "problème"])
    private static let listGroupWords = utf8([
        "critical", "high", "medium", "low", "major", "minor", "severity", "priority", "blocker",
        "urgent", "p0", "p1", "p2", "p3", "crítico", "严重", "紧急", "심각", "critico"])

    private static func utf8(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    /// Whether a heading introduces a list of records ("Issues Fixed", "Fixes Applied", "Problemas"), a group
    /// of records (severity, date), or a list whose numbered items are not records ("Testing", "Next Steps").
    static func listKind(of heading: String) -> ListKind {
        let t = Haystack(Array(heading.lowercased().utf8))
        if listDecoys.contains(where: { t.matches($0) }) { return .none }
        if listFixWords.contains(where: { t.matches($0) }) { return .fixes }
        if listProblemWords.contains(where: { t.matches($0) }) { return .problems }
        if listGroupWords.contains(where: { t.matches($0) }) { return .group }
        if DateReader.firstDate(in: heading).match != nil { return .group }
        return .none
    }
}

/// `SectionClassifier.kind(of:)` remembered for the readers of one log: field names and labels repeat from
/// record to record. Safe to share between the threads reading records.
final class SectionKindCache: @unchecked Sendable {
    private var kinds: [String: SectionKind] = [:]
    private let lock = NSLock()

    func kind(of text: String) -> SectionKind {
        lock.lock()
        let known = kinds[text]
        lock.unlock()
        if let known { return known }
        let kind = SectionClassifier.kind(of: text)
        lock.lock()
        kinds[text] = kind
        lock.unlock()
        return kind
    }
}
