import Foundation
import Testing
@testable import FixlogCore

/// One generated instruction: its logical line and, for heredocs, the body lines and terminator.
struct GeneratedInstruction {
    var keyword: String
    var rest: String
    var body: [String] = []
    var terminator: String?
}

enum DockerfileGenerator {
    static let wordCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789./-_:=,$%+@é")

    static func word(_ g: inout SeededRandom) -> String {
        String((0..<Int.random(in: 1...8, using: &g)).map { _ in wordCharacters.randomElement(using: &g)! })
    }

    static func words(_ g: inout SeededRandom, _ range: ClosedRange<Int>) -> String {
        (0..<Int.random(in: range, using: &g)).map { _ in word(&g) }
            .joined(separator: Bool.random(using: &g) ? " " : ["  ", "\t", " \t "].randomElement(using: &g)!)
    }

    static func jsonArray(_ g: inout SeededRandom) -> String {
        "[" + (0..<Int.random(in: 0...3, using: &g)).map { _ in "\"\(word(&g))\"" }
            .joined(separator: Bool.random(using: &g) ? ", " : ",") + "]"
    }

    static func key(_ g: inout SeededRandom) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        return String((0..<Int.random(in: 1...6, using: &g)).map { _ in letters.randomElement(using: &g)! })
    }

    static func instruction(_ g: inout SeededRandom) -> GeneratedInstruction {
        switch Int.random(in: 0..<18, using: &g) {
        case 0:
            var rest = (Bool.random(using: &g) ? "--platform=linux/amd64 " : "") + word(&g)
            if Bool.random(using: &g) { rest += " AS " + word(&g) }
            return GeneratedInstruction(keyword: "FROM", rest: rest)
        case 1:
            let flags = Bool.random(using: &g) ? "--mount=type=cache,target=/\(word(&g)) " : ""
            return GeneratedInstruction(keyword: "RUN", rest: flags + words(&g, 1...6))
        case 2:
            return GeneratedInstruction(keyword: "RUN", rest: jsonArray(&g))
        case 3:
            let flags = Bool.random(using: &g) ? "--from=\(word(&g)) --chown=1:1 " : ""
            let args = Bool.random(using: &g) ? words(&g, 2...3) : jsonArray(&g)
            return GeneratedInstruction(keyword: ["COPY", "ADD"].randomElement(using: &g)!, rest: flags + args)
        case 4:
            let rest = Bool.random(using: &g)
                ? (0..<Int.random(in: 1...3, using: &g)).map { _ in "\(key(&g))=\(word(&g))" }.joined(separator: " ")
                : "\(key(&g)) \(words(&g, 1...3))"
            return GeneratedInstruction(keyword: ["ENV", "LABEL"].randomElement(using: &g)!, rest: rest)
        case 5:
            return GeneratedInstruction(keyword: "ARG", rest: key(&g) + (Bool.random(using: &g) ? "=\(word(&g))" : ""))
        case 6:
            return GeneratedInstruction(keyword: ["CMD", "ENTRYPOINT", "SHELL"].randomElement(using: &g)!,
                                        rest: Bool.random(using: &g) ? jsonArray(&g) : words(&g, 1...4))
        case 7:
            return GeneratedInstruction(keyword: "HEALTHCHECK",
                                        rest: Bool.random(using: &g) ? "NONE" : "--interval=5s CMD " + words(&g, 1...3))
        case 8:
            return GeneratedInstruction(keyword: "ONBUILD", rest: "RUN " + words(&g, 1...3))
        case 9:
            let name = ["EOF", "END", "PY"].randomElement(using: &g)!
            let quoted = Bool.random(using: &g) ? "'\(name)'" : name
            let body = (0..<Int.random(in: 0...3, using: &g)).map { _ in words(&g, 0...3) }
            let keyword = ["RUN", "COPY"].randomElement(using: &g)!
            let rest = keyword == "RUN" ? "cat <<\(quoted) && " + word(&g) : "<<\(quoted) /" + word(&g)
            return GeneratedInstruction(keyword: keyword, rest: rest, body: body, terminator: name)
        case 10:
            return GeneratedInstruction(keyword: "EXPOSE", rest: "80 443/tcp")
        case 11:
            return GeneratedInstruction(keyword: ["WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"].randomElement(using: &g)!,
                                        rest: words(&g, 1...2))
        case 12:
            return GeneratedInstruction(keyword: "VOLUME", rest: Bool.random(using: &g) ? jsonArray(&g) : words(&g, 1...2))
        case 13:
            return GeneratedInstruction(keyword: "FOOBAR", rest: words(&g, 0...2))
        default:
            return GeneratedInstruction(keyword: "RUN", rest: words(&g, 1...10))
        }
    }

    static func randomCase(_ keyword: String, _ g: inout SeededRandom) -> String {
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return keyword.lowercased()
        case 1: return keyword.prefix(1) + keyword.dropFirst().lowercased()
        case 2: return String(keyword.map { Bool.random(using: &g) ? Character($0.lowercased()) : $0 })
        default: return keyword
        }
    }

    /// The canonical file: one physical line per instruction, LF endings.
    static func canonical(_ instructions: [GeneratedInstruction], header: [String]) -> String {
        var lines = header
        for i in instructions {
            lines.append(i.rest.isEmpty ? i.keyword : "\(i.keyword) \(i.rest)")
            lines += i.body
            if let t = i.terminator { lines.append(t) }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The same instructions laid out differently: continuation lines cut anywhere, comment and blank
    /// lines inside and between instructions, indentation, keyword case, CRLF or LF per line.
    static func relayout(_ instructions: [GeneratedInstruction], header: [String], escape: Character,
                         _ g: inout SeededRandom) -> (text: String, spans: [LineSpan]) {
        var lines: [String] = header
        var spans: [LineSpan] = []
        let fillers = ["", "   ", "# a comment", "  # indented comment", "#", "# comment ending in escape \(escape)"]
        for i in instructions {
            for _ in 0..<Int.random(in: 0...2, using: &g) { lines.append(fillers.randomElement(using: &g)!) }
            let keyword = randomCase(i.keyword, &g)
            let logical = Array(i.rest.isEmpty ? keyword : "\(keyword) \(i.rest)")
            // Cut points anywhere inside the line (pieces keep their bytes; no piece ends in the escape character).
            var cuts = Set<Int>()
            if logical.count > 1 {
                for _ in 0..<Int.random(in: 0...3, using: &g) { cuts.insert(Int.random(in: 1..<logical.count, using: &g)) }
            }
            var start = 0
            var pieces: [String] = []
            for cut in cuts.sorted() + [logical.count] {
                pieces.append(String(logical[start..<cut]))
                start = cut
            }
            let indent = ["", "  ", "\t", " \t"].randomElement(using: &g)!
            let firstLine = lines.count + 1
            for (n, piece) in pieces.enumerated() {
                let isLast = n == pieces.count - 1
                var line = (n == 0 ? indent : "") + piece
                if !isLast {
                    line += String(escape) + ["", " ", "\t", "  "].randomElement(using: &g)!
                }
                lines.append(line)
                if !isLast {
                    for _ in 0..<Int.random(in: 0...1, using: &g) {
                        lines.append(["# inside", "   # inside \(escape)", "", "  ", String(escape)].randomElement(using: &g)!)
                    }
                }
            }
            // The last piece is the last line appended unless a filler followed it (fillers only go between pieces).
            var lastLine = lines.count
            lines += i.body
            if let t = i.terminator {
                lines.append(t)
                lastLine = lines.count
            }
            spans.append(LineSpan(first: firstLine, last: lastLine))
        }
        for _ in 0..<Int.random(in: 0...2, using: &g) { lines.append(fillers.randomElement(using: &g)!) }
        let text = lines.map { $0 + (Int.random(in: 0..<3, using: &g) == 0 ? "\r\n" : "\n") }.joined()
        return (text, spans)
    }
}

@Suite("Dockerfile parser properties")
struct DockerfilePropertyTests {
    @Test("different layouts of the same instructions parse to the same dump", arguments: 0..<40)
    func relayoutKeepsDump(seed: Int) throws {
        var g = SeededRandom(seed: UInt64(seed) &* 7919 &+ 17)
        let instructions = (0..<Int.random(in: 1...12, using: &g)).map { _ in DockerfileGenerator.instruction(&g) }
        let escape: Character = Bool.random(using: &g) ? "\\" : "`"
        var header: [String] = []
        if Bool.random(using: &g) { header.append("# syntax=docker/dockerfile:1") }
        if escape == "`" { header.append("# escape=`") }
        let canonical = DockerfileGenerator.canonical(instructions, header: header)
        let reference = try #require(parse(canonical).dockerfile, "canonical file must parse:\n\(canonical)")
        #expect(reference.instructions.count == instructions.count)
        for round in 0..<10 {
            let (text, spans) = DockerfileGenerator.relayout(instructions, header: header, escape: escape, &g)
            let result = parse(text)
            let d = try #require(result.dockerfile, "round \(round) did not parse:\n\(text)")
            #expect(d.dump() == reference.dump(), "seed \(seed) round \(round):\n\(text)")
            #expect(d.escapeCharacter == escape)
            #expect(d.instructions.map(\.lines) == spans, "line spans, seed \(seed) round \(round)")
            #expect(d.instructions.map { $0.heredocs.map(\.name) } == reference.instructions.map { $0.heredocs.map(\.name) })
            #expect(d.instructions.map { $0.heredocs.map { $0.content.replacingOccurrences(of: "\r", with: "") } }
                    == reference.instructions.map { $0.heredocs.map(\.content) })
            #expect(d.stages.map(\.baseImage) == reference.stages.map(\.baseImage))
            checkInvariants(d)
        }
    }
}

/// Structural invariants every successful parse must satisfy.
func checkInvariants(_ d: Dockerfile, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    var previousEnd = 0
    for i in d.instructions {
        #expect(i.lines.first >= 1 && i.lines.first <= i.lines.last && i.lines.last <= max(1, d.lineCount),
                "bad span \(i.lines)", sourceLocation: sourceLocation)
        #expect(i.lines.first > previousEnd, "overlapping spans", sourceLocation: sourceLocation)
        previousEnd = i.lines.last
        _ = i.dump()
    }
    for s in d.stages {
        for index in s.instructionIndices {
            #expect(d.instructions[index].stageIndex == s.index, sourceLocation: sourceLocation)
            #expect(s.lines.contains(d.instructions[index].lines), sourceLocation: sourceLocation)
        }
    }
    _ = d.dump()
    _ = d.jsonDump()
}

@Suite("Dockerfile parser fuzz")
struct DockerfileFuzzTests {
    static let alphabet: [UInt8] = Array("\n\n\n\r\\\\`#<<<-\"'[]{}$ \t=:,AEFLNORSUXabcdefimnoprstuy0123".utf8)
        + [0x00, 0x0B, 0x85, 0xA0, 0xC2, 0xC3, 0xE2, 0xEF, 0xBB, 0xBF, 0xFF, 0x80]
    static let keywords = ["RUN ", "FROM ", "COPY ", "ENV ", "ONBUILD ", "HEALTHCHECK ", "ARG ", "LABEL ", "CMD [",
                           "<<EOF", "EOF", "# escape=`", "\\\n", "${a:-", "\"", "'"]

    @Test("random bytes never crash", arguments: 0..<20)
    func randomBytes(seed: Int) {
        var g = SeededRandom(seed: UInt64(seed) &+ 1_000_003)
        for _ in 0..<50 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...300, using: &g) {
                if Int.random(in: 0..<6, using: &g) == 0 {
                    bytes += Array(Self.keywords.randomElement(using: &g)!.utf8)
                } else {
                    bytes.append(Self.alphabet.randomElement(using: &g)!)
                }
            }
            let result = parse(bytes: bytes)
            if let d = result.dockerfile {
                checkInvariants(d)
            } else {
                #expect(result.diagnostics.contains { $0.severity == .error && $0.range != nil })
            }
        }
    }

    @Test("truncated and mutated corpus files never crash", .enabled(if: Corpus.available, Corpus.missingReason))
    func mutatedCorpus() throws {
        var g = SeededRandom(seed: 42)
        let files = Corpus.realWorldFiles.map { Corpus.root.appendingPathComponent("dockerfiles/\($0)") }
            + Corpus.positiveCases.map { Corpus.parserRoot.appendingPathComponent("\($0)/Dockerfile") }
        var parsedCount = 0
        for file in files {
            guard let original = Corpus.read(file), !original.isEmpty else { continue }
            for _ in 0..<3 {
                var bytes = Array(original.prefix(Int.random(in: 0...original.count, using: &g)))
                for _ in 0..<Int.random(in: 0...4, using: &g) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &g)
                    switch Int.random(in: 0..<3, using: &g) {
                    case 0: bytes.remove(at: at)
                    case 1: bytes.insert(Self.alphabet.randomElement(using: &g)!, at: at)
                    default: bytes[at] = Self.alphabet.randomElement(using: &g)!
                    }
                }
                let result = parse(bytes: bytes)
                if let d = result.dockerfile {
                    checkInvariants(d)
                    parsedCount += 1
                } else {
                    #expect(result.diagnostics.contains { $0.severity == .error })
                }
            }
        }
        #expect(parsedCount > 0)
    }

    @Test("every corpus file parses in one pass", .enabled(if: Corpus.available, Corpus.missingReason))
    func wholeCorpusOnce() {
        var instructions = 0, expectedInstructions = 0
        for rel in Corpus.realWorldFiles {
            if let bytes = Corpus.read(Corpus.root.appendingPathComponent("dockerfiles/\(rel)")) {
                instructions += parse(bytes: bytes).dockerfile?.instructions.count ?? 0
            }
            let result = Corpus.read(Corpus.root.appendingPathComponent("dockerfiles-expected/\(rel).result")) ?? []
            expectedInstructions += result.filter { $0 == 0x0A }.count
        }
        #expect(instructions == expectedInstructions)
        #expect(instructions > 4000)
    }
}
