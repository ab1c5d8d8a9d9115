// Benchmark for `fixlog check` (issue 3, "Performance"): a log of N records against a Dockerfile of M
// instructions, at several sizes, to show the time grows linearly. Not a test: run it with
//     swift run -c release fixlog-check-benchmark [records] [instructions]
import FixlogCore
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }  // --separate: vary one size at a time
let records = arguments.first ?? 10_000
let instructions = arguments.dropFirst().first ?? 5_000

/// A Dockerfile of `count` instructions in 5 stages.
func makeDockerfile(_ count: Int) -> String {
    var out = ""
    let perStage = max(1, count / 5)
    for i in 0..<count {
        if i % perStage == 0 { out += "FROM python:3.\(i / perStage)-slim AS stage\(i / perStage)\n"; continue }
        switch i % 4 {
        case 0: out += "RUN echo step-\(i) && make target-\(i) \\\n    && rm -rf /var/cache/build-\(i)\n"
        case 1: out += "COPY --chown=app:app src-\(i)/ /dst-\(i)/\n"
        case 2: out += "ENV KEY_\(i)=value-\(i)\n"
        default: out += "# step \(i)\nRUN pip install --no-cache-dir package-\(i)==1.\(i)\n"
        }
    }
    return out
}

/// A log of `count` records, newest first, each documenting one change with present and absent claims.
func makeLog(_ count: Int, instructions: Int) -> String {
    var out = "# Fixes\n\n"
    for r in stride(from: count, to: 0, by: -1) {
        let i = (r * 7) % instructions
        let k = i - i % 4 + 3  // a `pip install` instruction
        out += "## Fix #\(r): Fix number \(r) (2025-01-01)\n\n**Issue:** Something broke\n\n### Solution\n\n"
        out += "**File:** `Dockerfile` (line \(r % 9000 + 1))\n\n```dockerfile\n"
        out += "# REMOVED: old install\n# RUN pip install package-\(k)==0.\(r)\n"
        out += r % 3 == 0 ? "RUN pip install --no-cache-dir package-\(k)==1.\(k)\n" : "RUN pip install --no-cache-dir package-\(k)==2.\(r)\n"
        out += "```\n\n"
    }
    return out
}

func measure(records: Int, instructions: Int) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-bench-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = FileManager.default.createFile(atPath: dir + "/Dockerfile", contents: Data(makeDockerfile(instructions).utf8))
    _ = FileManager.default.createFile(atPath: dir + "/FIXES.md", contents: Data(makeLog(records, instructions: instructions).utf8))
    let clock = ContinuousClock()
    var log: FixLog? = nil
    let ingest = clock.measure { log = FixLogIngester.load(path: dir + "/FIXES.md") }
    guard let log else { return }
    var report: CheckReport? = nil
    let check = clock.measure { report = CrossLinker.check(log: log, logPath: dir + "/FIXES.md", root: dir) }
    let counts = report?.changeCounts
    let statuses = CheckStatus.allCases.filter { (counts?[$0] ?? 0) > 0 }.map { "\($0.rawValue) \(counts?[$0] ?? 0)" }
    print("records \(records), instructions \(instructions): ingest \(ingest), check \(check) — \(statuses.joined(separator: ", "))")
}

for scale in [8, 4, 2, 1] {
    measure(records: records / scale, instructions: instructions / scale)
}
if CommandLine.arguments.contains("--separate") {
    for scale in [4, 2, 1] { measure(records: records / scale, instructions: instructions) }
    for scale in [4, 2, 1] { measure(records: records, instructions: instructions / scale) }
}
