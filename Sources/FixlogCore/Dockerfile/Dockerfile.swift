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
public struct Instruction: Sendable, Hashable {
    /// The keyword as written (`RUN`, `run`, `Copy`).
    public var keyword: String
    /// Flags with quotes and escapes removed, as BuildKit extracts them (`--from=builder`).
    public var flags: [String]
    /// BuildKit's argument nodes (see the dump format). Empty for ONBUILD, whose instruction is `nested`.
    public var arguments: [String]
    /// For ONBUILD: the wrapped instruction (exactly one element); empty otherwise.
    public var nested: [Instruction]
    /// Exec (JSON array) form.
    public var jsonForm: Bool
    public var heredocs: [Heredoc]
    /// The joined logical line (continuations removed), as BuildKit's `original`.
    public var original: String
    /// Physical lines from the first line to the last consumed (heredoc terminator included).
    public var lines: LineSpan
    /// Index into ``Dockerfile/stages``; nil for instructions before the first FROM.
    public var stageIndex: Int?
    /// `#` comment lines right before the instruction (BuildKit's `prev_comments`).
    public var previousComments: [String]
    /// The exact bytes of each argument node (``arguments`` decodes invalid UTF-8 to U+FFFD; the dump
    /// needs the bytes to print them as `\xHH`).
    public var rawArguments: [[UInt8]] {
        get { rawArgumentBytes ?? arguments.map { Array($0.utf8) } }
        set { rawArgumentBytes = Self.distinctRawBytes(newValue, arguments) }
    }
    /// ``rawArguments`` when they are not simply the UTF-8 of ``arguments`` (nil in the common, valid case,
    /// so a parsed file does not hold every argument twice).
    var rawArgumentBytes: [[UInt8]]?

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
        self.flags = flags
        self.arguments = arguments
        self.nested = nested
        self.jsonForm = jsonForm
        self.heredocs = heredocs
        self.original = original
        self.lines = lines
        self.stageIndex = stageIndex
        self.previousComments = previousComments
        self.rawArgumentBytes = rawArguments.flatMap { Self.distinctRawBytes($0, arguments) }
    }

    /// The parser's initialiser: `rawArgumentBytes` is nil when the raw bytes are the UTF-8 of `arguments`.
    init(keyword: String, flags: [String], arguments: [String], nested: [Instruction], jsonForm: Bool,
         heredocs: [Heredoc], original: String, lines: LineSpan, previousComments: [String],
         rawArgumentBytes: [[UInt8]]?) {
        self.keyword = keyword
        self.flags = flags
        self.arguments = arguments
        self.nested = nested
        self.jsonForm = jsonForm
        self.heredocs = heredocs
        self.original = original
        self.lines = lines
        self.stageIndex = nil
        self.previousComments = previousComments
        self.rawArgumentBytes = rawArgumentBytes
    }

    /// The keyword in lower case (`run`).
    public var command: String { keyword.lowercased() }
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
