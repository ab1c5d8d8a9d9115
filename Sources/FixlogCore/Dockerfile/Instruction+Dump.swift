import Foundation

extension Instruction {
    /// The instruction as one line of BuildKit's `result` dump format, e.g. `(copy ["--from=build"] "a" "/b")`.
    ///
    /// Keyword in lower case, flags as a Go `%q` list, every argument node quoted with Go `strconv.Quote`
    /// (invalid UTF-8 bytes as `\xHH`), ONBUILD's instruction nested in parentheses.
    public func dump() -> String {
        "(" + dumpBody() + ")"
    }

    private func dumpBody() -> String {
        var s = GoText.lower(keyword)
        if !flags.isEmpty {
            s += " [" + flags.map { GoText.quote($0) }.joined(separator: " ") + "]"
        }
        if let inner = nested.first {
            s += " " + inner.dump()
        } else {
            for arg in rawArguments {
                s += " " + GoText.quote(arg)
            }
        }
        // Go's Dump ends with strings.TrimSpace.
        let bytes = Array(s.utf8)
        let trimmed = GoText.trimSpace(bytes[...])
        return trimmed.count == bytes.count ? s : String(decoding: trimmed, as: UTF8.self)
    }
}

extension Dockerfile {
    /// BuildKit's `result` dump: one line per top-level instruction, each ending in `\n`.
    public func dump() -> String {
        var out = ""
        for instruction in instructions {
            out += instruction.dump()
            out += "\n"
        }
        return out
    }

    /// The pretty-printed JSON document for `fixlog dockerfile --format json` (schema version 1, sorted keys).
    public func jsonDump() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(DockerfileJSON(self)) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The Encodable view behind ``Dockerfile/jsonDump()`` (schema version 1).
public struct DockerfileJSON: Encodable, Sendable {
    /// One instruction: keyword as written, unquoted flags, argument nodes, lines, stage index, BuildKit dump.
    public struct InstructionJSON: Encodable, Sendable {
        public var keyword: String
        public var flags: [String]
        public var arguments: [String]
        public var nested: [InstructionJSON]
        public var jsonForm: Bool
        public var heredocs: [HeredocJSON]
        public var original: String
        public var startLine: Int
        public var endLine: Int
        public var stage: Int?
        public var dump: String

        init(_ i: Instruction) {
            keyword = i.keyword
            flags = i.flags
            arguments = i.arguments
            nested = i.nested.map(InstructionJSON.init)
            jsonForm = i.jsonForm
            heredocs = i.heredocs.map(HeredocJSON.init)
            original = i.original
            startLine = i.lines.first
            endLine = i.lines.last
            stage = i.stageIndex
            dump = i.dump()
        }

        enum CodingKeys: String, CodingKey {
            case keyword, flags, arguments, nested, jsonForm, heredocs, original, startLine, endLine, stage, dump
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(keyword, forKey: .keyword)
            try c.encode(flags, forKey: .flags)
            try c.encode(arguments, forKey: .arguments)
            if !nested.isEmpty { try c.encode(nested, forKey: .nested) }
            try c.encode(jsonForm, forKey: .jsonForm)
            try c.encode(heredocs, forKey: .heredocs)
            try c.encode(original, forKey: .original)
            try c.encode(startLine, forKey: .startLine)
            try c.encode(endLine, forKey: .endLine)
            try c.encode(stage, forKey: .stage)
            try c.encode(dump, forKey: .dump)
        }
    }

    /// A heredoc body (`fd` is the file descriptor of `3<<EOF`).
    public struct HeredocJSON: Encodable, Sendable {
        public var name: String
        public var fd: Int
        public var expand: Bool
        public var chomp: Bool
        public var content: String

        init(_ h: Heredoc) {
            name = h.name
            fd = h.fileDescriptor
            expand = h.expand
            chomp = h.chomp
            content = h.content
        }
    }

    /// A build stage; `name` and `platform` are null when absent.
    public struct StageJSON: Encodable, Sendable {
        public var index: Int
        public var name: String?
        public var baseImage: String
        public var platform: String?
        public var startLine: Int
        public var endLine: Int

        enum CodingKeys: String, CodingKey { case index, name, baseImage, platform, startLine, endLine }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(name, forKey: .name)
            try c.encode(baseImage, forKey: .baseImage)
            try c.encode(platform, forKey: .platform)
            try c.encode(startLine, forKey: .startLine)
            try c.encode(endLine, forKey: .endLine)
        }
    }

    /// A parser directive with its 1-based line.
    public struct DirectiveJSON: Encodable, Sendable {
        public var name: String
        public var value: String
        public var line: Int
    }

    /// A non-fatal finding, e.g. an empty continuation line.
    public struct WarningJSON: Encodable, Sendable {
        public var line: Int?
        public var id: String
        public var message: String
    }

    /// Bumped when a field changes meaning or disappears.
    public var schemaVersion = 1
    public var path: String
    public var escapeCharacter: String
    public var directives: [DirectiveJSON]
    public var instructions: [InstructionJSON]
    public var stages: [StageJSON]
    public var warnings: [WarningJSON]
    public var lineCount: Int

    /// The JSON view of a parsed Dockerfile.
    public init(_ d: Dockerfile) {
        path = d.path
        escapeCharacter = String(d.escapeCharacter)
        directives = d.directives.map { DirectiveJSON(name: $0.name, value: $0.value, line: $0.line) }
        instructions = d.instructions.map(InstructionJSON.init)
        stages = d.stages.map {
            StageJSON(index: $0.index, name: $0.name, baseImage: $0.baseImage, platform: $0.platform,
                      startLine: $0.lines.first, endLine: $0.lines.last)
        }
        warnings = d.warnings.map { WarningJSON(line: $0.range?.start.line, id: $0.id.rawValue, message: $0.message) }
        lineCount = d.lineCount
    }
}
