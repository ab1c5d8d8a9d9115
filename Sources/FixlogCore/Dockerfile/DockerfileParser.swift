// TEMPORARY STUB (untracked) until branch `dockerfile` lands. Not committed.
public struct DockerfileParseResult: Sendable {
    public var dockerfile: Dockerfile?
    public var diagnostics: [Diagnostic]
}

public enum DockerfileParser {
    public static func parse(_ source: SourceText) -> DockerfileParseResult {
        var instructions: [Instruction] = []
        var stages: [Stage] = []
        var comments: [String] = []
        var i = 1
        let n = source.lineCount
        while i <= n {
            let raw = source.line(i)
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { i += 1; comments = []; continue }
            if t.hasPrefix("#") { comments.append(t); i += 1; continue }
            let start = i
            var joined = ""
            var line = raw
            while true {
                let tr = line.trimmingCharacters(in: .whitespaces)
                if tr.hasPrefix("#") && !joined.isEmpty { i += 1; if i > n { break }; line = source.line(i); continue }
                if tr.hasSuffix("\\") {
                    var l = line
                    while l.last == " " || l.last == "\t" { l.removeLast() }
                    l.removeLast()
                    joined += l
                    i += 1
                    if i > n { break }
                    line = source.line(i)
                } else { joined += line; break }
            }
            let end = min(i, n)
            i += 1
            let trimmed = joined.trimmingCharacters(in: .whitespaces)
            let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            let kw = parts.first.map(String.init) ?? ""
            let rest = parts.count > 1 ? String(parts[1]) : ""
            var flags: [String] = []
            var args = rest.split(separator: " ").map(String.init)
            while let f = args.first, f.hasPrefix("--") { flags.append(f); args.removeFirst() }
            var inst = Instruction(keyword: kw, flags: flags, arguments: args,
                                   jsonForm: rest.hasPrefix("["), original: trimmed,
                                   lines: LineSpan(first: start, last: end), previousComments: comments)
            comments = []
            if kw.lowercased() == "from" {
                let idx = stages.count
                var name: String? = nil
                if args.count >= 3, args[1].lowercased() == "as" { name = args[2] }
                stages.append(Stage(index: idx, name: name, baseImage: args.first ?? "",
                                    lines: inst.lines, instructionIndices: instructions.count..<instructions.count))
            }
            if !stages.isEmpty {
                inst.stageIndex = stages.count - 1
                stages[stages.count - 1].instructionIndices = stages[stages.count - 1].instructionIndices.lowerBound..<(instructions.count + 1)
                stages[stages.count - 1].lines.last = end
            }
            instructions.append(inst)
        }
        return DockerfileParseResult(dockerfile: Dockerfile(path: source.path, instructions: instructions,
            stages: stages, lineCount: n), diagnostics: [])
    }
}
import Foundation
