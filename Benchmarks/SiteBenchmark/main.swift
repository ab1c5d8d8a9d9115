// Benchmark for `fixlog site` (issue 6, "Performance"): times the stages after ingest — check, model and
// pages (SiteBuilder.render) and writing (SiteBuilder.install) — separately, in process. Not a test:
//     swift run -c release fixlog-site-benchmark LOG [ROOT] [--out DIR] [--runs N]
import FixlogCore
import Foundation

var args = Array(CommandLine.arguments.dropFirst())
var runs = 3
var out: String?
if let i = args.firstIndex(of: "--runs"), i + 1 < args.count { runs = Int(args[i + 1]) ?? 3; args.removeSubrange(i...(i + 1)) }
if let i = args.firstIndex(of: "--out"), i + 1 < args.count { out = args[i + 1]; args.removeSubrange(i...(i + 1)) }
guard let logPath = args.first else {
    FileHandle.standardError.write(Data("usage: fixlog-site-benchmark LOG [ROOT] [--out DIR] [--runs N]\n".utf8))
    exit(2)
}
let root = args.count > 1 ? args[1] : (logPath as NSString).deletingLastPathComponent
let clock = ContinuousClock()
func seconds(_ d: Duration) -> String {
    String(format: "%.3f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
}
let templates = try SiteTemplates.load(base: SiteTemplates.defaultDirectory())
guard let text = SourceText.load(path: logPath).text else { fatalError("cannot read \(logPath)") }
var log: FixLog?
let ingest = clock.measure { log = FixLogIngester.ingest(text) }
var report: CheckReport?
let check = clock.measure { report = CrossLinker.check(log: log!, logPath: logPath, root: root) }
print("ingest \(seconds(ingest)), check \(seconds(check))")
let input = SiteInput(log: log!, logText: text, logName: (logPath as NSString).lastPathComponent, report: report!,
                      results: nil, dockerfiles: SiteInput.loadDockerfiles(for: report!), options: SiteOptions())
let destination = out ?? FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-site-bench-\(UUID().uuidString)").path
defer { if out == nil { try? FileManager.default.removeItem(atPath: destination) } }
for _ in 0..<runs {
    var files: [String: [UInt8]] = [:]
    let render = clock.measure { files = try! SiteBuilder.render(input, templates: templates) }
    let install = clock.measure { try! SiteBuilder.install(files, at: destination) }
    let bytes = files.values.reduce(0) { $0 + $1.count }
    print("render \(seconds(render)), install \(seconds(install)) — \(files.count) files, \(bytes) bytes")
}
