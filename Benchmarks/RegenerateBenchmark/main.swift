// Benchmark for `fixlog regenerate` (issue 5, "Performance"): a log of N records (each with a change and a
// verification step, with results), regenerated from scratch and again when current. Not a test: run it with
//     swift run -c release fixlog-regenerate-benchmark [records]
// or, for an existing log (stage by stage, the way `fixlog regenerate LOG --output …` runs):
//     swift run -c release fixlog-regenerate-benchmark LOG.md [ROOT]
import FixlogCore
import Foundation

if let path = CommandLine.arguments.dropFirst().first, path.hasSuffix(".md") {
    let root = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : (path as NSString).deletingLastPathComponent
    let clock = ContinuousClock()
    func s(_ d: Duration) -> String {
        String(format: "%.3f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
    guard let source = SourceText.load(path: path).text else { print("cannot read \(path)"); exit(2) }
    var log: FixLog?, report: CheckReport?
    let ingest = clock.measure { log = FixLogIngester.ingest(source) }
    guard let log else { exit(2) }
    let check = clock.measure { report = CrossLinker.check(log: log, logPath: path, root: root) }
    guard let report else { exit(2) }
    var fixed: (bytes: [UInt8], applied: [LineReferenceFixer.Edit]) = ([], [])
    let fix = clock.measure { fixed = LineReferenceFixer.apply(LineReferenceFixer.edits(for: report), to: source) }
    let scanTime = clock.measure { _ = ManagedRegions.scan(source) }
    let fixedSource = SourceText(path: path, bytes: fixed.bytes)
    var log2: FixLog?, report2: CheckReport?
    let ingest2 = clock.measure { log2 = FixLogIngester.ingest(fixedSource) }
    guard let log2 else { exit(2) }
    let check2 = clock.measure { report2 = CrossLinker.check(log: log2, logPath: path, root: root) }
    guard let report2 else { exit(2) }
    var bytes: [UInt8] = []
    let blocks = clock.measure {
        bytes = Regenerator.renderBlocks(source: fixedSource, log: log2, report: report2, results: nil, options: .init()).bytes
    }
    var outcome: Regenerator.Outcome?
    let whole = clock.measure {
        outcome = Regenerator.regenerate(source: source, results: nil) { CrossLinker.check(log: $0, logPath: path, root: root) }
    }
    print("""
        \(path): marker scan \(s(scanTime)), ingest \(s(ingest)), check \(s(check)), \(fixed.applied.count) reference edits \(s(fix)), \
        ingest again \(s(ingest2)), check again \(s(check2)), status blocks \(s(blocks)) (\(bytes.count) bytes)
        Regenerator.regenerate as a whole: \(s(whole)) (same bytes: \(outcome?.bytes == bytes))
        """)
    exit(0)
}

let records = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 10_000

func makeLog(_ count: Int) -> String {
    var out = "# Fixes\n\n"
    for r in stride(from: count, to: 0, by: -1) {
        out += "## Fix #\(r): Fix number \(r) (2025-01-01)\n\n**Issue:** Something broke\n\n### Solution\n\n"
        out += "**File:** `Dockerfile` (line \(r % 50 + 1))\n\n```dockerfile\nRUN echo step-\(r % 50)\n```\n\n"
        out += "### Verification Steps\n\n```bash\necho ok\n\n# Expected output:\n# ok\n```\n\n---\n\n"
    }
    return out
}

let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-regen-bench-\(UUID().uuidString)").path
try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }
_ = FileManager.default.createFile(atPath: dir + "/Dockerfile",
                                   contents: Data(("FROM alpine\n" + (0..<60).map { "RUN echo step-\($0)\n" }.joined()).utf8))
let logPath = dir + "/FIXES.md"
let source = SourceText(path: logPath, string: makeLog(records))
let results = VerificationResults(steps: (1...records).map {
    StepResult(incident: records - $0 + 1, record: $0, step: 1, title: "Fix number \(records - $0 + 1)", status: .passed,
               startedAt: "2025-01-02T03:04:05Z", inputsHash: "0123456789abcdef")
})
let clock = ContinuousClock()
var log: FixLog?
let ingest = clock.measure { log = FixLogIngester.ingest(source) }
var report: CheckReport?
let check = clock.measure { report = CrossLinker.check(log: log!, logPath: logPath, root: dir) }
var bytes: [UInt8] = []
let blocks = clock.measure {
    bytes = Regenerator.renderBlocks(source: source, log: log!, report: report!, results: results, options: .init(summary: true)).bytes
}
func regenerate(_ s: SourceText) -> Regenerator.Outcome {
    Regenerator.regenerate(source: s, results: results, options: .init(summary: true)) { l in
        CrossLinker.check(log: l, logPath: logPath, root: dir)
    }
}
var first: Regenerator.Outcome?
let firstTime = clock.measure { first = regenerate(source) }
var again: Regenerator.Outcome?
let againTime = clock.measure { again = regenerate(SourceText(path: logPath, bytes: first!.bytes)) }
print("""
    records \(records): ingest \(ingest), check \(check), status blocks + summary alone \(blocks) (\(bytes.count) bytes)
    full regenerate from scratch (\(first!.fixedReferences.count) references fixed, so ingest + check twice): \(firstTime)
    full regenerate of the current log: \(againTime), changed: \(again!.changed)
    """)
