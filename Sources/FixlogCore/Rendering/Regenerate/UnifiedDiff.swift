/// A line-based unified diff (`diff -u` format), for `fixlog regenerate --check`.
public enum UnifiedDiff {
    /// The lines of `bytes`, each without its line break ("\n" or "\r\n"); a missing final newline is
    /// reported as `\ No newline at end of file` like diff(1).
    static func split(_ bytes: [UInt8]) -> (lines: [String], finalNewline: Bool) {
        var lines: [String] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            var end = i
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = i + 1
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return (lines, bytes.isEmpty || bytes.last == 0x0A)
    }

    private enum Op { case same(Int, Int), delete(Int), insert(Int) }

    /// The diff from `old` to `new`, empty when they are equal. `context` lines of context around each change.
    public static func diff(old: [UInt8], new: [UInt8], oldName: String, newName: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let (a, aNL) = split(old)
        let (b, bNL) = split(new)
        // Common prefix and suffix, then an LCS table over the middle.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        if aNL != bNL, prefix > 0, prefix == a.count || prefix == b.count { prefix -= 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        // The last line's newline state counts as part of the line.
        if aNL != bNL, suffix > 0 { suffix -= 1 }
        let am = Array(a[prefix..<(a.count - suffix)]), bm = Array(b[prefix..<(b.count - suffix)])
        var ops: [Op] = (0..<prefix).map { .same($0, $0) }
        if am.count * bm.count <= 4_000_000 {
            let n = am.count, m = bm.count
            var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
            if n > 0 && m > 0 {
                for i in stride(from: n - 1, through: 0, by: -1) {
                    for j in stride(from: m - 1, through: 0, by: -1) {
                        table[i][j] = am[i] == bm[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                    }
                }
            }
            var i = 0, j = 0
            while i < n || j < m {
                if i < n, j < m, am[i] == bm[j] { ops.append(.same(prefix + i, prefix + j)); i += 1; j += 1 }
                else if i < n, j == m || table[i + 1][j] >= table[i][j + 1] { ops.append(.delete(prefix + i)); i += 1 }
                else { ops.append(.insert(prefix + j)); j += 1 }
            }
        } else {
            ops += am.indices.map { .delete(prefix + $0) } + bm.indices.map { .insert(prefix + $0) }
        }
        ops += (0..<suffix).map { .same(a.count - suffix + $0, b.count - suffix + $0) }

        var out = "--- \(oldName)\n+++ \(newName)\n"
        let changed = ops.indices.filter { if case .same = ops[$0] { return false } else { return true } }
        var k = 0
        while k < changed.count {
            var lo = max(0, changed[k] - context)
            var hi = min(ops.count - 1, changed[k] + context)
            var next = k + 1
            while next < changed.count, changed[next] - context <= hi + 1 {
                hi = min(ops.count - 1, changed[next] + context)
                next += 1
            }
            lo = max(0, lo)
            var aStart = 0, bStart = 0, aCount = 0, bCount = 0
            var body = ""
            var first = true
            for op in ops[lo...hi] {
                switch op {
                case .same(let i, let j):
                    if first { aStart = i; bStart = j }
                    aCount += 1; bCount += 1
                    body += " \(a[i])\n"
                    if i == a.count - 1, !aNL { body += "\\ No newline at end of file\n" }
                case .delete(let i):
                    if first { aStart = i; bStart = nextNew(ops, from: lo) }
                    aCount += 1
                    body += "-\(a[i])\n"
                    if i == a.count - 1, !aNL { body += "\\ No newline at end of file\n" }
                case .insert(let j):
                    if first { bStart = j; aStart = nextOld(ops, from: lo) }
                    bCount += 1
                    body += "+\(b[j])\n"
                    if j == b.count - 1, !bNL { body += "\\ No newline at end of file\n" }
                }
                first = false
            }
            let aLabel = aCount == 0 ? "\(aStart),0" : (aCount == 1 ? "\(aStart + 1)" : "\(aStart + 1),\(aCount)")
            let bLabel = bCount == 0 ? "\(bStart),0" : (bCount == 1 ? "\(bStart + 1)" : "\(bStart + 1),\(bCount)")
            out += "@@ -\(aLabel) +\(bLabel) @@\n" + body
            k = next
        }
        return out
    }

    private static func nextNew(_ ops: [Op], from k: Int) -> Int {
        for op in ops[k...] {
            switch op {
            case .same(_, let j), .insert(let j): return j
            case .delete: continue
            }
        }
        return ops.reduce(0) { n, op in if case .delete = op { return n } else { return n + 1 } }
    }

    private static func nextOld(_ ops: [Op], from k: Int) -> Int {
        for op in ops[k...] {
            switch op {
            case .same(let i, _), .delete(let i): return i
            case .insert: continue
            }
        }
        return ops.reduce(0) { n, op in if case .insert = op { return n } else { return n + 1 } }
    }
}
