import Foundation

/// What became of a step's expected output lines.
public struct ExpectationOutcome: Sendable, Hashable, Codable {
    /// Expected lines not found in stdout (in the required order).
    public var missingLines: [String]
    /// Conditional lines whose condition fixlog cannot decide; never a failure.
    public var uncheckedLines: [String]
    /// Conditional lines whose condition is known to be false, so they were not looked for.
    public var notApplicableLines: [String]

    public init(missingLines: [String] = [], uncheckedLines: [String] = [], notApplicableLines: [String] = []) {
        self.missingLines = missingLines
        self.uncheckedLines = uncheckedLines
        self.notApplicableLines = notApplicableLines
    }

    /// True when no expected line is missing.
    public var isSatisfied: Bool { missingLines.isEmpty }

    enum CodingKeys: String, CodingKey { case missingLines, uncheckedLines, notApplicableLines }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        missingLines = try c.decodeIfPresent([String].self, forKey: .missingLines) ?? []
        uncheckedLines = try c.decodeIfPresent([String].self, forKey: .uncheckedLines) ?? []
        notApplicableLines = try c.decodeIfPresent([String].self, forKey: .notApplicableLines) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(missingLines, forKey: .missingLines)
        try c.encode(uncheckedLines, forKey: .uncheckedLines)
        if !notApplicableLines.isEmpty { try c.encode(notApplicableLines, forKey: .notApplicableLines) }
    }
}

/// Checks a step's stdout against its expected lines.
///
/// Rules:
/// - Each line is compared with surrounding white space removed; blank lines are ignored on both sides.
/// - A line that is exactly `...` matches any number of output lines (also none). Inside a line,
///   `...` matches any characters (`Successfully tagged ...`).
/// - Expected lines between two `...` (a *run*) must appear on consecutive output lines; the first run
///   may start anywhere and the last may end anywhere, and runs must appear in order.
/// - A conditional line is looked for only when its condition is known and true. When it is known
///   and false it is left out; when unknown it is reported `unchecked`. Either way it acts as `...`.
public enum ExpectationMatcher {
    enum Pattern: Equatable {
        case gap
        case line(String)
    }

    /// Matches `output` against `expected`, using `conditions` for conditional lines (missing entries
    /// count as unknown).
    public static func match(expected: [ExpectedLine], output: String,
                             conditions: [String: ConditionValue]) -> ExpectationOutcome {
        var outcome = ExpectationOutcome()
        var patterns: [Pattern] = []
        for line in expected {
            let text = line.text.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if let condition = line.condition {
                switch conditions[condition] ?? .unknown {
                case .satisfied: break
                case .unsatisfied:
                    outcome.notApplicableLines.append(line.text)
                    patterns.append(.gap)
                    continue
                case .unknown:
                    outcome.uncheckedLines.append(line.text)
                    patterns.append(.gap)
                    continue
                }
            }
            patterns.append(text == "..." || text == "…" ? .gap : .line(text))
        }
        // Split into runs separated by gaps.
        var runs: [[String]] = [[]]
        for p in patterns {
            switch p {
            case .gap: if !(runs.last?.isEmpty ?? true) { runs.append([]) }
            case .line(let s): runs[runs.count - 1].append(s)
            }
        }
        runs.removeAll { $0.isEmpty }
        let lines = output.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var cursor = 0
        for run in runs {
            // The start giving the longest matched prefix of the run (earliest on ties).
            var bestStart = -1
            var bestLength = 0
            var start = cursor
            while start < lines.count {
                var k = 0
                while k < run.count, start + k < lines.count, Self.lineMatches(run[k], lines[start + k]) { k += 1 }
                if k > bestLength { bestLength = k; bestStart = start }
                if k == run.count { break }
                start += 1
            }
            if bestLength == run.count {
                cursor = bestStart + bestLength
            } else {
                outcome.missingLines += run[bestLength...]
                if bestStart >= 0 { cursor = bestStart + bestLength }
            }
        }
        return outcome
    }

    /// Whether an expected line (trimmed) matches an output line (trimmed). `...` inside the expected
    /// line matches any characters.
    public static func lineMatches(_ expected: String, _ actual: String) -> Bool {
        let marker = expected.contains("...") ? "..." : (expected.contains("…") ? "…" : nil)
        guard let marker else { return expected == actual }
        var pieces = expected.components(separatedBy: marker)
        // White space next to `...` is flexible: `Step ... 1` matches `Step 1`.
        for i in pieces.indices {
            if i > 0 { pieces[i] = String(pieces[i].drop(while: { $0 == " " || $0 == "\t" })) }
            if i < pieces.count - 1 { while pieces[i].hasSuffix(" ") || pieces[i].hasSuffix("\t") { pieces[i].removeLast() } }
        }
        guard let first = pieces.first, let last = pieces.last, actual.hasPrefix(first) else { return false }
        var rest = actual[actual.index(actual.startIndex, offsetBy: first.count)...]
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let r = rest.range(of: piece) else { return false }
            rest = rest[r.upperBound...]
        }
        return pieces.count == 1 || (rest.hasSuffix(last) && rest.count >= last.count)
    }
}
