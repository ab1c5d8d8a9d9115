/// A Dockerfile parsed with BuildKit's semantics (moby/buildkit `frontend/dockerfile/parser`).
///
/// Produced by ``DockerfileParser``. Line numbers are 1-based physical lines, as BuildKit counts them.
public struct Dockerfile: Sendable, Hashable {
    /// The path as the user named it.
    public var path: String
    /// `\` by default, or `` ` `` after `# escape=``.
    public var escapeCharacter: Character
    /// Parser directives from the leading comment block (`syntax`, `escape`, `check`).
    public var directives: [ParserDirective]
    /// Top-level instructions in file order (ARG before the first FROM included).
    public var instructions: [Instruction]
    /// Build stages, one per FROM, in order.
    public var stages: [Stage]
    /// Non-fatal findings (e.g. BuildKit's "empty continuation line" warning).
    public var warnings: [Diagnostic]
    /// Number of physical lines in the file.
    public var lineCount: Int

    public init(
        path: String, escapeCharacter: Character = "\\", directives: [ParserDirective] = [],
        instructions: [Instruction], stages: [Stage], warnings: [Diagnostic] = [], lineCount: Int
    ) {
        self.path = path
        self.escapeCharacter = escapeCharacter
        self.directives = directives
        self.instructions = instructions
        self.stages = stages
        self.warnings = warnings
        self.lineCount = lineCount
    }

    /// `ARG` instructions before the first `FROM`.
    public var globalArgs: [Instruction] { instructions.filter { $0.stageIndex == nil } }
}

/// One instruction (a logical line, plus heredoc bodies).
///
/// A parsed instruction keeps its text fields (``original``, ``flags``, ``arguments``, ``previousComments``,
/// ``heredocs``) as spans of its file's text, shared by all instructions of the file; each read makes the
/// Strings. Setting a field stores Swift values instead. Either way the instruction is a value.
public struct Instruction: Sendable, Hashable {
    // (Stored properties in an order that packs the small ones together.)
    /// The keyword as written (`RUN`, `run`, `Copy`).
    public var keyword: String
    /// For ONBUILD: the wrapped instruction (exactly one element); empty otherwise.
    public var nested: [Instruction]
    /// Physical lines from the first line to the last consumed (heredoc terminator included).
    public var lines: LineSpan
    /// The text fields.
    var fields: InstructionFields
    /// Index into ``Dockerfile/stages``; nil for instructions before the first FROM.
    public var stageIndex: Int?
    /// Exec (JSON array) form.
    public var jsonForm: Bool

    /// Flags with quotes and escapes removed, as BuildKit extracts them (`--from=builder`).
    public var flags: [String] {
        get { fields.flags }
        set { change { $0.flags = newValue } }
    }

    /// BuildKit's argument nodes (see the dump format). Empty for ONBUILD, whose instruction is `nested`.
    public var arguments: [String] {
        get { fields.arguments }
        set { change { $0.arguments = newValue } }
    }

    public var heredocs: [Heredoc] {
        get { fields.heredocs }
        set { change { $0.heredocs = newValue } }
    }

    /// The joined logical line (continuations removed), as BuildKit's `original`.
    public var original: String {
        get { fields.original }
        set { change { $0.original = newValue } }
    }

    /// `#` comment lines right before the instruction (BuildKit's `prev_comments`).
    public var previousComments: [String] {
        get { fields.previousComments }
        set { change { $0.previousComments = newValue } }
    }

    /// The exact bytes of each argument node (``arguments`` decodes invalid UTF-8 to U+FFFD; the dump
    /// needs the bytes to print them as `\xHH`).
    public var rawArguments: [[UInt8]] {
        get { fields.rawArguments }
        set { change { $0.rawArgumentBytes = Self.distinctRawBytes(newValue, $0.arguments) } }
    }

    /// Where a parsed instruction's fields are (zeros for one made or changed by a caller).
    var parsedFields: ParsedFields {
        if case .parsed(_, let f) = fields { return f }
        return ParsedFields(first: 0, commentCount: 0, flagCount: 0, argumentCount: 0, heredocFirst: 0, heredocCount: 0)
    }

    /// The fields as Swift values, for a change.
    private struct Values {
        var original: String
        var flags: [String]
        var arguments: [String]
        var previousComments: [String]
        var heredocs: [Heredoc]
        var rawArgumentBytes: [[UInt8]]?
    }

    private mutating func change(_ body: (inout Values) -> Void) {
        let e = fields.explicit
        var v = Values(original: e.original, flags: e.flags, arguments: e.arguments,
                       previousComments: e.previousComments, heredocs: e.heredocs,
                       rawArgumentBytes: e.rawArgumentBytes)
        body(&v)
        fields = .explicit(ExplicitFields(original: v.original, flags: v.flags, arguments: v.arguments,
                                          previousComments: v.previousComments, heredocs: v.heredocs,
                                          rawArgumentBytes: v.rawArgumentBytes))
    }

    static func distinctRawBytes(_ raw: [[UInt8]], _ arguments: [String]) -> [[UInt8]]? {
        guard raw.count == arguments.count else { return raw }
        for (r, a) in zip(raw, arguments) where !r.elementsEqual(a.utf8) { return raw }
        return nil
    }

    /// - Parameter rawArguments: the exact bytes of the arguments; defaults to the UTF-8 of `arguments`.
    public init(
        keyword: String, flags: [String] = [], arguments: [String] = [], nested: [Instruction] = [],
        jsonForm: Bool = false, heredocs: [Heredoc] = [], original: String, lines: LineSpan,
        stageIndex: Int? = nil, previousComments: [String] = [], rawArguments: [[UInt8]]? = nil
    ) {
        self.keyword = keyword
        self.nested = nested
        self.jsonForm = jsonForm
        self.lines = lines
        self.stageIndex = stageIndex
        self.fields = .explicit(ExplicitFields(
            original: original, flags: flags, arguments: arguments, previousComments: previousComments,
            heredocs: heredocs, rawArgumentBytes: rawArguments.flatMap { Self.distinctRawBytes($0, arguments) }))
    }

    /// The parser's initialiser: the text fields are spans of the file's shared text.
    init(keyword: String, nested: [Instruction], jsonForm: Bool, lines: LineSpan, stageIndex: Int?,
         text: DockerfileText, fields: ParsedFields) {
        self.keyword = keyword
        self.nested = nested
        self.jsonForm = jsonForm
        self.lines = lines
        self.stageIndex = stageIndex
        self.fields = .parsed(text, fields)
    }

    /// The keyword in lower case (`run`).
    public var command: String { keyword.lowercased() }

    public static func == (a: Instruction, b: Instruction) -> Bool {
        a.keyword == b.keyword && a.jsonForm == b.jsonForm && a.lines == b.lines && a.stageIndex == b.stageIndex
            && a.nested == b.nested && a.fields.sameValues(as: b.fields)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keyword)
        hasher.combine(nested)
        hasher.combine(jsonForm)
        hasher.combine(lines)
        hasher.combine(stageIndex)
        fields.hash(into: &hasher)
    }
}

/// A heredoc body attached to an instruction (`RUN <<EOF` … `EOF`).
public struct Heredoc: Sendable, Hashable {
    /// The terminator word with quotes and escapes removed (`EOF` for `<<'EOF'`).
    public var name: String
    /// `3` for `3<<EOF`; 0 by default.
    public var fileDescriptor: Int
    /// False when any part of the name was quoted (`<<'EOF'`, `<<"EOF"`): the body is taken literally.
    public var expand: Bool
    /// `<<-EOF`: the terminator may be indented with tabs (the stored content keeps its tabs).
    public var chomp: Bool
    /// The body lines, each with its own line ending, terminator excluded.
    public var content: String

    public init(name: String, fileDescriptor: Int = 0, expand: Bool = true, chomp: Bool = false, content: String) {
        self.name = name
        self.fileDescriptor = fileDescriptor
        self.expand = expand
        self.chomp = chomp
        self.content = content
    }
}

/// A build stage: one FROM and the instructions up to the next FROM.
public struct Stage: Sendable, Hashable {
    public var index: Int
    /// The `AS name`, if any (as written).
    public var name: String?
    /// The base image reference as written (`pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime`, `builder`).
    public var baseImage: String
    /// `--platform=` value, if any.
    public var platform: String?
    /// From the FROM line to the last line of the stage's last instruction.
    public var lines: LineSpan
    /// Indices into ``Dockerfile/instructions`` (the FROM included).
    public var instructionIndices: Range<Int>

    public init(index: Int, name: String?, baseImage: String, platform: String? = nil, lines: LineSpan,
                instructionIndices: Range<Int>) {
        self.index = index
        self.name = name
        self.baseImage = baseImage
        self.platform = platform
        self.lines = lines
        self.instructionIndices = instructionIndices
    }
}

/// A parser directive from the leading comment block (`# escape=\``).
public struct ParserDirective: Sendable, Hashable {
    /// The key in lower case (`syntax`, `escape`, `check`).
    public var name: String
    public var value: String
    /// The 1-based physical line.
    public var line: Int
    public init(name: String, value: String, line: Int) {
        self.name = name
        self.value = value
        self.line = line
    }
}
