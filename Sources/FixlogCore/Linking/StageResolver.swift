/// Resolves a change's stage hint ("Builder Stage", "Runtime", "stage `deps`") to a stage of the Dockerfile.
public enum StageResolver {
    /// Hints that mean the last stage (when no stage carries that name).
    static let lastStageWords: Set<String> = ["runtime", "final", "production", "prod", "release", "deploy", "runner"]

    /// The stage index the hint names, or nil when it does not resolve (then the whole file is searched).
    public static func resolve(_ hint: String?, in stages: [Stage]) -> Int? {
        guard let hint, !stages.isEmpty else { return nil }
        let name = simplify(hint)
        guard !name.isEmpty else { return nil }
        if let byName = stages.first(where: { ($0.name ?? "").lowercased() == name }) { return byName.index }
        // Hints with several words: try each word as a stage name (`deps stage changes` → `deps`).
        let words = name.split(separator: " ").map(String.init)
        for w in words {
            if let s = stages.first(where: { ($0.name ?? "").lowercased() == w }) { return s.index }
        }
        if words.count == 1, let n = Int(name) {
            // "stage 2": 1-based as people count, unless 0 is used.
            if n == 0 { return 0 }
            if n >= 1 && n <= stages.count { return n - 1 }
        }
        if words.contains(where: { lastStageWords.contains($0) }) { return stages.count - 1 }
        if words.contains(where: { $0 == "builder" || $0 == "build" }) {
            if let s = stages.first(where: { ["builder", "build"].contains(($0.name ?? "").lowercased()) }) { return s.index }
        }
        return nil
    }

    /// `Builder Stage Changes` → `builder`; `stage \`deps\`` → `deps`.
    static func simplify(_ hint: String) -> String {
        var s = hint.lowercased()
        if let open = s.firstIndex(of: "`"), let close = s[s.index(after: open)...].firstIndex(of: "`") {
            return String(s[s.index(after: open)..<close]).trimmedSpaces
        }
        for ch in ["(", ")", ":", "*", "_", "\"", "'", ","] { s = s.replacingOccurrences(of: ch, with: " ") }
        let drop: Set<String> = ["stage", "stages", "changes", "change", "the", "in", "of", "section", "dockerfile"]
        return s.split(separator: " ").map(String.init).filter { !drop.contains($0) }.joined(separator: " ")
    }
}

import Foundation
