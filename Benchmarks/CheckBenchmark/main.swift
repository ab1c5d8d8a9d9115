// Benchmark for `fixlog check` (issue 3, "Performance"): a log of N records against a Dockerfile of M
// instructions, at several sizes, to show the time grows linearly. Not a test: run it with
//     swift run -c release fixlog-check-benchmark [records] [instructions]
import FixlogCore
import Foundation

//     swift run -c release fixlog-check-benchmark --log PATH [--runs N]
// times one existing log (e.g. bench/gen.py's logs/10000/DOCKERFILE_FIXES.md, checked against the Dockerfile
// beside it): ingest once, then the check and each renderer N times (process CPU and wall, minimum of the runs).
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }  // --separate: vary one size at a time

/// CPU seconds of this process so far (user + system, every thread).
func processCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Minimum CPU and wall seconds of `runs` calls of `body`.
func time(_ runs: Int, _ body: () -> Void) -> (cpu: Double, wall: Double) {
    var best = (cpu: Double.infinity, wall: Double.infinity)
    for _ in 0..<max(1, runs) {
        let c0 = processCPU(), w0 = DispatchTime.now().uptimeNanoseconds
        body()
        let c1 = processCPU(), w1 = DispatchTime.now().uptimeNanoseconds
        best = (min(best.cpu, c1 - c0), min(best.wall, Double(w1 - w0) / 1e9))
    }
    return best
}

if let at = CommandLine.arguments.firstIndex(of: "--log"), at + 1 < CommandLine.arguments.count {
    let path = CommandLine.arguments[at + 1]
    let runs = CommandLine.arguments.firstIndex(of: "--runs").flatMap { i in
        i + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[i + 1]) : nil
    } ?? 5
    let log = FixLogIngester.load(path: path)
    let root = (path as NSString).deletingLastPathComponent
    var report: CheckReport? = nil
    // `--only check|text|json|sarif|github`: time that part alone (for profiling).
    let only = CommandLine.arguments.firstIndex(of: "--only").flatMap { i in
        i + 1 < CommandLine.arguments.count ? CommandLine.arguments[i + 1] : nil
    }
    func timed(_ name: String, _ runs: Int, _ body: () -> Void) -> (cpu: Double, wall: Double) {
        guard only == nil || only == name || name == "check" else { return (0, 0) }
        return time(name == "check" && only != nil && only != "check" ? 1 : runs, body)
    }
    func show(_ name: String, _ t: (cpu: Double, wall: Double)) {
        guard only == nil || only == name else { return }
        print(name.padding(toLength: 10, withPad: " ", startingAt: 0)
              + String(format: "cpu %.3f s  wall %.3f s", t.cpu, t.wall))
    }
    show("check", timed("check", runs) { report = CrossLinker.check(log: log, logPath: path, root: root) })
    guard let report else { exit(2) }
    var bytes = 0
    show("text", timed("text", runs) { bytes = CheckTextRenderer.render(report).utf8.count })
    show("json", timed("json", runs) { bytes = CheckJSONRenderer.render(report).utf8.count })
    show("sarif", timed("sarif", runs) { bytes = CheckSARIFRenderer.render(report).utf8.count })
    show("github", timed("github", runs) { bytes = CheckGitHubRenderer.render(report).utf8.count })
    let counts = report.changeCounts
    print(CheckStatus.allCases.filter { counts[$0] > 0 }.map { "\($0.rawValue) \(counts[$0])" }.joined(separator: ", "),
          "(\(bytes) bytes of github output)")
    exit(0)
}
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
