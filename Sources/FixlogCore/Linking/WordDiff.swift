/// A word-level diff between a documented instruction and the closest one in the Dockerfile.
public struct WordDiff: Sendable, Hashable, Codable {
    public enum Operation: String, Sendable, Hashable, Codable { case equal, removed, added }

    public struct Segment: Sendable, Hashable, Codable {
        public var operation: Operation
        public var text: String
        public init(_ operation: Operation, _ text: String) {
            self.operation = operation
            self.text = text
        }
    }

    public var segments: [Segment]

    public init(segments: [Segment]) { self.segments = segments }

    /// Diff two word lists (longest common subsequence; inputs are single instructions, so small).
    public init(from old: [String], to new: [String]) {
        let n = old.count, m = new.count
        // Cap the table for pathological inputs: beyond this, report a whole replacement.
        guard n * m <= 250_000 else {
            self.segments = [Segment(.removed, old.joined(separator: " ")), Segment(.added, new.joined(separator: " "))]
                .filter { !$0.text.isEmpty }
            return
        }
        // One flat table (row i, column j at i * width + j) rather than an array per row.
        let width = m + 1
        var table = [Int](repeating: 0, count: (n + 1) * width)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] = old[i] == new[j] ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
        }
        var raw: [(Operation, String)] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                raw.append((.equal, old[i])); i += 1; j += 1
            } else if j < m, i == n || table[i * width + j + 1] >= table[(i + 1) * width + j] {
                raw.append((.added, new[j])); j += 1
            } else {
                raw.append((.removed, old[i])); i += 1
            }
        }
        // Merge runs; within a change, removed words come before added ones.
        var segments: [Segment] = []
        var pendingRemoved: [String] = [], pendingAdded: [String] = []
        func flush() {
            if !pendingRemoved.isEmpty { segments.append(Segment(.removed, pendingRemoved.joined(separator: " "))) }
            if !pendingAdded.isEmpty { segments.append(Segment(.added, pendingAdded.joined(separator: " "))) }
            pendingRemoved = []; pendingAdded = []
        }
        for (op, word) in raw {
            switch op {
            case .removed: pendingRemoved.append(word)
            case .added: pendingAdded.append(word)
            case .equal:
                flush()
                if let last = segments.last, last.operation == .equal {
                    segments[segments.count - 1].text += " " + word
                } else {
                    segments.append(Segment(.equal, word))
                }
            }
        }
        flush()
        self.segments = segments
    }

    /// `git diff --word-diff=plain` notation: `RUN pip install [-numpy<2-]{+numpy<3+}`.
    public var plain: String {
        segments.map { s -> String in
            switch s.operation {
            case .equal: s.text
            case .removed: "[-" + s.text + "-]"
            case .added: "{+" + s.text + "+}"
            }
        }.joined(separator: " ")
    }

    /// Dice coefficient of two word multisets: 2·|common| / (|a| + |b|), in 0...1.
    public static func similarity(_ a: [String], _ b: [String]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        if a.count <= 32 && b.count <= 32 {
            // Small word lists (every real instruction): pair words off directly, without hashing.
            let common = withUnsafeTemporaryAllocation(of: Bool.self, capacity: a.count) { taken -> Int in
                taken.initialize(repeating: false)
                var common = 0
                for w in b {
                    for k in a.indices where !taken[k] && a[k] == w {
                        taken[k] = true
                        common += 1
                        break
                    }
                }
                return common
            }
            return 2 * Double(common) / Double(a.count + b.count)
        }
        var counts: [String: Int] = [:]
        for w in a { counts[w, default: 0] += 1 }
        var common = 0
        for w in b where (counts[w] ?? 0) > 0 {
            counts[w, default: 0] -= 1
            common += 1
        }
        return 2 * Double(common) / Double(a.count + b.count)
    }
}
