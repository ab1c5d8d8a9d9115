import Foundation
import Testing
@testable import FixlogCore

func parse(_ text: String, path: String = "Dockerfile") -> DockerfileParseResult {
    DockerfileParser.parse(SourceText(path: path, string: text))
}

func parse(bytes: [UInt8], path: String = "Dockerfile") -> DockerfileParseResult {
    DockerfileParser.parse(SourceText(path: path, bytes: bytes))
}

@Suite("Dockerfile model")
struct DockerfileModelTests {
    @Test func stagesAndStageIndices() throws {
        let d = try #require(parse("""
            ARG GO=1.22
            # builder
            FROM --platform=$BUILDPLATFORM golang:${GO} AS Builder
            RUN go build \\
              ./...

            from alpine:3.20 as runtime
            COPY --from=Builder /out /app
            # trailing comment

            FROM runtime
            CMD ["/app"]
            """).dockerfile)
        #expect(d.instructions.map(\.stageIndex) == [nil, 0, 0, 1, 1, 2, 2])
        #expect(d.globalArgs.map(\.original) == ["ARG GO=1.22"])
        #expect(d.stages.count == 3)
        let s0 = d.stages[0]
        #expect(s0.index == 0 && s0.name == "Builder" && s0.baseImage == "golang:${GO}")
        #expect(s0.platform == "$BUILDPLATFORM")
        #expect(s0.lines == LineSpan(first: 3, last: 5))
        #expect(s0.instructionIndices == 1..<3)
        let s1 = d.stages[1]
        #expect(s1.name == "runtime" && s1.baseImage == "alpine:3.20" && s1.platform == nil)
        #expect(s1.lines == LineSpan(first: 7, last: 8))
        #expect(s1.instructionIndices == 3..<5)
        #expect(d.stages[2].name == nil && d.stages[2].baseImage == "runtime")
        #expect(d.stages[2].lines == LineSpan(first: 11, last: 12))
        #expect(d.stages[2].instructionIndices == 5..<7)
        #expect(d.instructions[1].previousComments == ["builder"])
        #expect(d.lineCount == 12)
    }

    @Test("a parsed instruction equals one made from its values; setting a field keeps the others")
    func parsedAndMadeInstructionsAgree() throws {
        let d = try #require(parse("""
            FROM a
            # note
            COPY --chown=1:1 ["x y", "/z"]
            RUN <<EOF
            echo hi
            EOF
            ENV A=1 B="2 3"
            ONBUILD RUN echo x
            """).dockerfile)
        for parsed in d.instructions {
            let made = Instruction(
                keyword: parsed.keyword, flags: parsed.flags, arguments: parsed.arguments, nested: parsed.nested,
                jsonForm: parsed.jsonForm, heredocs: parsed.heredocs, original: parsed.original, lines: parsed.lines,
                stageIndex: parsed.stageIndex, previousComments: parsed.previousComments,
                rawArguments: parsed.rawArguments)
            #expect(made == parsed)
            #expect(made.hashValue == parsed.hashValue)
            #expect(made.dump() == parsed.dump())
        }
        var copy = d.instructions[1]
        #expect(copy.previousComments == ["note"] && copy.flags == ["--chown=1:1"] && copy.arguments == ["x y", "/z"])
        copy.arguments = ["a"]
        #expect(copy.arguments == ["a"] && copy.flags == ["--chown=1:1"] && copy.original == d.instructions[1].original)
        #expect(copy.previousComments == ["note"] && copy.jsonForm)
        #expect(copy != d.instructions[1])
        #expect(d.instructions[1].arguments == ["x y", "/z"])
        copy.rawArguments = [[0x61, 0xFF]]
        #expect(copy.dump() == #"(copy ["--chown=1:1"] "a\xff")"#)
        #expect(d.instructions[2].heredocs.map(\.content) == ["echo hi\n"])
        #expect(d.instructions[3].arguments == ["A", "1", "=", "B", "\"2 3\"", "="])
        #expect(d.instructions[4].nested.first?.arguments == ["echo x"] && d.instructions[4].nested.first?.stageIndex == 0)
        // Two parses of the same text hold different shared texts: they compare by value.
        let again = try #require(parse("FROM a\n# note\nCOPY --chown=1:1 [\"x y\", \"/z\"]\n").dockerfile)
        #expect(again.instructions[1] == d.instructions[1])
        #expect(again.instructions[1].hashValue == d.instructions[1].hashValue)
        #expect(again.instructions[0] != d.instructions[1])
    }

    @Test func fragmentWithoutFromParses() throws {
        let result = parse("RUN apt-get update && \\\n    apt-get install -y curl\nENV A=1\n")
        #expect(result.diagnostics.isEmpty)
        let d = try #require(result.dockerfile)
        #expect(d.stages.isEmpty)
        #expect(d.instructions.allSatisfy { $0.stageIndex == nil })
        #expect(d.instructions.map(\.lines) == [LineSpan(first: 1, last: 2), LineSpan(first: 3, last: 3)])
        #expect(d.dump() == "(run \"apt-get update &&     apt-get install -y curl\")\n(env \"A\" \"1\" \"=\")\n")
    }

    @Test func onbuildNestedInstruction() throws {
        let d = try #require(parse("FROM a\nONBUILD --x RUN [\"echo\", \"hi\"]\nonbuild copy <<EOF /x\nbody\nEOF\n").dockerfile)
        let onbuild = d.instructions[1]
        #expect(onbuild.arguments.isEmpty)
        #expect(onbuild.flags == ["--x"])
        #expect(onbuild.nested.count == 1)
        #expect(onbuild.nested[0].keyword == "RUN" && onbuild.nested[0].arguments == ["echo", "hi"])
        #expect(onbuild.jsonForm)
        #expect(onbuild.dump() == "(onbuild [\"--x\"] (run \"echo\" \"hi\"))")
        #expect(d.instructions[2].heredocs.map(\.content) == ["body\n"])
        #expect(d.instructions[2].lines == LineSpan(first: 3, last: 5))
        #expect(d.instructions[2].nested[0].stageIndex == 0)
    }

    @Test func directivesAndEscape() throws {
        let d = try #require(parse("# Escape = `\n# syntax=docker/dockerfile:1\nFROM x\nRUN a `\n  b\n# escape=\\\n").dockerfile)
        #expect(d.escapeCharacter == "`")
        #expect(d.directives == [ParserDirective(name: "escape", value: "`", line: 1),
                                 ParserDirective(name: "syntax", value: "docker/dockerfile:1", line: 2)])
        #expect(d.dump() == "(from \"x\")\n(run \"a   b\")\n")
    }

    @Test func heredocMarkers() throws {
        let d = try #require(parse("""
            FROM a
            RUN 3<<-'END' cat <<EOF>/etc/x
            \tone
            \tEND
            two
            EOF>/etc/x
            RUN echo $((1<<2)) cat<<NO "<<Q"
            RUN << SPACED
            x
            SPACED
            RUN <<- EOF
            """).dockerfile)
        let h = d.instructions[1].heredocs
        #expect(h.map(\.name) == ["END", "EOF>/etc/x"])
        #expect(h.map(\.fileDescriptor) == [3, 0])
        #expect(h.map(\.expand) == [false, true])
        #expect(h.map(\.chomp) == [true, false])
        #expect(h.map(\.content) == ["\tone\n", "two\n"])
        #expect(d.instructions[1].lines == LineSpan(first: 2, last: 6))
        #expect(d.instructions[2].heredocs.isEmpty)
        #expect(d.instructions[3].heredocs.map(\.name) == ["SPACED"])
        // `<<- EOF` is not a marker, so no body is read.
        #expect(d.instructions[4].heredocs.isEmpty)
    }

    @Test func jsonForms() throws {
        let d = try #require(parse(#"""
            CMD ["a\u00e9", "\/x", "\u0000", "\ud83d\ude00", "\ud800"]
            CMD ['a']
            CMD ["a"] trailing
            ENTRYPOINT []
            COPY ["a b", "c"]
            EXPOSE ["80"]
            """#).dockerfile)
        #expect(d.instructions[0].dump() == #"(cmd "aé" "/x" "\x00" "😀" "�")"#)
        #expect(d.instructions[0].jsonForm)
        #expect(d.instructions[1].dump() == #"(cmd "['a']")"#)
        #expect(!d.instructions[1].jsonForm)
        #expect(d.instructions[2].dump() == #"(cmd "[\"a\"] trailing")"#)
        #expect(d.instructions[3].dump() == "(entrypoint)" && d.instructions[3].jsonForm)
        #expect(d.instructions[4].arguments == ["a b", "c"])
        #expect(d.instructions[5].dump() == #"(expose "[\"80\"]")"#)
        let bad = parse("FROM a\nCMD [\"a\", 1]\n")
        #expect(bad.dockerfile == nil)
        #expect(bad.diagnostics.first?.id == .dockerfileSyntax)
        #expect(bad.diagnostics.first?.range?.start.line == 2)
    }

    @Test func goQuoting() {
        #expect(GoText.quote(Array("a\"b\\c".utf8)) == #""a\"b\\c""#)
        #expect(GoText.quote([0x07, 0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x0B, 0x01, 0x7F]) == #""\a\b\f\n\r\t\v\x01\x7f""#)
        #expect(GoText.quote(Array("é☃😀".utf8)) == "\"é☃😀\"")
        #expect(GoText.quote(Array("\u{A0}\u{200B}\u{AD}\u{E000}\u{F0000}".utf8)) == #""\u00a0\u200b\u00ad\ue000\U000f0000""#)
        #expect(GoText.quote([0x61, 0xFF, 0xC3, 0x62]) == #""a\xff\xc3b""#)
    }

    @Test func invalidUTF8KeepsBytesInDump() throws {
        let bytes: [UInt8] = Array("FROM a\nRUN x".utf8) + [0xFF, 0xC3] + Array(" y\nLABEL k=v".utf8) + [0xE9] + [0x0A]
        let d = try #require(parse(bytes: bytes).dockerfile)
        #expect(d.dump() == "(from \"a\")\n(run \"x\\xff\\xc3 y\")\n(label \"k\" \"v\u{FFFD}\" \"=\")\n")
        #expect(d.instructions[1].original == "RUN x\u{FFFD}\u{FFFD} y")
    }

    @Test func flagsAreByteWise() throws {
        let d = try #require(parse("COPY --chown=\"a b\" --x=é -- --y z\nRUN -x --y z\nRUN --\n").dockerfile)
        #expect(d.instructions[0].flags == ["--chown=a b", "--x=Ã©"])
        #expect(d.instructions[0].arguments == ["--y", "z"])
        #expect(d.instructions[1].flags.isEmpty)
        #expect(d.instructions[2].dump() == "(run)")
    }

    @Test func crlfAndBOMParseLikeLF() throws {
        let lf = "# syntax=x\nFROM a\nRUN b \\\n  c\nRUN <<EOF\nbody\nEOF\n"
        let crlf = "\u{FEFF}" + lf.replacingOccurrences(of: "\n", with: "\r\n")
        let a = try #require(parse(lf).dockerfile)
        let b = try #require(parse(crlf).dockerfile)
        #expect(a.dump() == b.dump())
        #expect(a.instructions.map(\.lines) == b.instructions.map(\.lines))
        #expect(b.instructions[2].heredocs[0].content == "body\r\n")
    }

    @Test func emptyContinuationWarning() throws {
        let result = parse("FROM a\nRUN a \\\n\n  \\\n   \n  b\nRUN c\n")
        let d = try #require(result.dockerfile)
        #expect(d.warnings.count == 1)
        let w = try #require(result.diagnostics.first)
        #expect(w.severity == .warning && w.id == .dockerfileEmptyContinuation)
        #expect(w.range?.start.line == 6)
        #expect(w.message == "Empty continuation line found in: RUN a     b")
        #expect(d.instructions[1].lines == LineSpan(first: 2, last: 6))
    }
}

@Suite("Dockerfile errors")
struct DockerfileErrorTests {
    @Test(arguments: [
        ("", DiagnosticID.dockerfileEmpty, 1, "file with no instructions"),
        ("# only\n\n   \n", .dockerfileEmpty, 3, "file with no instructions"),
        ("# escape=x\nFROM a\n", .dockerfileDirective, 1, "invalid escape token 'x' does not match ` or \\"),
        ("# syntax=a\n# SYNTAX=b\nFROM a\n", .dockerfileDirective, 2, "only one syntax parser directive can be used"),
        ("FROM a\nENV A\n", .dockerfileSyntax, 2, "ENV must have two arguments"),
        ("FROM a\nLABEL a=b c\n", .dockerfileSyntax, 2, "Syntax error - can't find = in \"c\". Must be of the form: name=value"),
        ("FROM a\nRUN cat <<EOF \\\n  > x\nbody\n", .dockerfileUnterminatedHeredoc, 2, "unterminated heredoc"),
        ("FROM a\nRUN echo $((x << 2))\n", .dockerfileUnterminatedHeredoc, 2, "unterminated heredoc"),
    ])
    func rejected(_ text: String, _ id: DiagnosticID, _ line: Int, _ message: String) throws {
        let result = parse(text, path: "dir/Dockerfile")
        #expect(result.dockerfile == nil)
        let error = try #require(result.diagnostics.first)
        #expect(error.severity == .error)
        #expect(error.id == id)
        #expect(error.message == message)
        #expect(error.range?.start.line == line)
        #expect(error.formatted.hasPrefix("dir/Dockerfile:\(line):1: error: [\(id.rawValue)] "))
        #expect(id.entry?.stage == "dockerfile")
    }

    @Test func errorsPointAtTheKeyword() throws {
        let result = parse("FROM a\n   RUN [\"a\", {}]\n")
        #expect(result.diagnostics.first?.formatted.hasPrefix("Dockerfile:2:4: error: [dockerfile-syntax]") == true)
    }

    @Test func lineTooLong() throws {
        let ok = parse("FROM a\nRUN " + String(repeating: "x", count: 65531) + "\n")
        #expect(ok.dockerfile != nil)
        let long = parse("FROM a\nRUN " + String(repeating: "x", count: 65532) + "\nRUN b\n")
        #expect(long.dockerfile == nil)
        let error = try #require(long.diagnostics.first)
        #expect(error.id == .dockerfileLineTooLong)
        #expect(error.range?.start.line == 2)
        #expect(long.buildkitErrorLines == 1...1)
    }

    @Test func deepOnbuildIsRefusedNotCrashing() throws {
        let deep = parse("FROM a\n" + String(repeating: "ONBUILD ", count: 5000) + "RUN x\n")
        #expect(deep.dockerfile == nil)
        #expect(deep.diagnostics.first?.id == .dockerfileSyntax)
        let fine = try #require(parse("FROM a\n" + String(repeating: "ONBUILD ", count: 10) + "RUN x\n").dockerfile)
        #expect(fine.instructions[1].dump().hasSuffix("(run \"x\")))))))))))"))
    }

    @Test func catalogDocumentsEveryDockerfileID() {
        for id in [DiagnosticID.dockerfileSyntax, .dockerfileUnterminatedHeredoc, .dockerfileDirective,
                   .dockerfileLineTooLong, .dockerfileEmpty, .dockerfileEmptyContinuation] {
            #expect(id.entry != nil, "\(id) has no catalog entry")
        }
    }
}

@Suite("Dockerfile lookups")
struct DockerfileLookupTests {
    static let text = "ARG A\nFROM x AS Build\nRUN a \\\n  b\n\n# c\nFROM y\nRUN <<EOF\nz\nEOF\n"

    @Test func stagesByNameAndLine() throws {
        let d = try #require(parse(Self.text).dockerfile)
        #expect(d.stage(named: "build")?.index == 0)
        #expect(d.stage(named: "nope") == nil)
        #expect(d.finalStage?.baseImage == "y")
        #expect(d.instructions(in: d.stages[1]).map(\.keyword) == ["FROM", "RUN"])
        #expect((1...10).map { d.instructionIndex(containingLine: $0) } == [0, 1, 2, 2, nil, nil, 3, 4, 4, 4])
    }

    @Test func loadFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-df-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("Dockerfile")
        try Data([0x46, 0x52, 0x4F, 0x4D, 0x20, 0x61, 0xFF, 0x0A]).write(to: file)
        let result = DockerfileParser.load(path: file.path, displayPath: "Dockerfile")
        #expect(result.dockerfile?.dump() == "(from \"a\\xff\")\n")
        #expect(result.diagnostics.map(\.severity) == [.warning])
        let missing = DockerfileParser.load(path: dir.appendingPathComponent("nope").path)
        #expect(missing.dockerfile == nil)
        #expect(missing.diagnostics.first?.id == .fileNotFound)
    }
}
