/// A stable, documented identifier for a kind of diagnostic (printed as `[id]`).
///
/// New identifiers are added as static members; existing ones never change their raw value.
/// `docs/diagnostics.md` is generated from ``DiagnosticID/catalog`` (a test fails when it is stale).
public struct DiagnosticID: RawRepresentable, Sendable, Hashable, Codable, Comparable,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static func < (lhs: DiagnosticID, rhs: DiagnosticID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Documentation for one identifier.
    public struct Entry: Sendable {
        public var id: DiagnosticID
        public var stage: String
        public var severity: Diagnostic.Severity
        public var summary: String

        public init(_ id: DiagnosticID, stage: String, _ severity: Diagnostic.Severity, _ summary: String) {
            self.id = id
            self.stage = stage
            self.severity = severity
            self.summary = summary
        }
    }
}

// MARK: - Input files

extension DiagnosticID {
    public static let fileNotFound = DiagnosticID(rawValue: "file-not-found")
    public static let fileUnreadable = DiagnosticID(rawValue: "file-unreadable")
    public static let fileTooLarge = DiagnosticID(rawValue: "file-too-large")
    public static let invalidUTF8 = DiagnosticID(rawValue: "invalid-utf8")
    public static let nulByte = DiagnosticID(rawValue: "nul-byte")
    public static let emptyInput = DiagnosticID(rawValue: "empty-input")
    public static let notMarkdown = DiagnosticID(rawValue: "not-markdown")
}

// MARK: - Ingest (fix log structure)

extension DiagnosticID {
    public static let noRecords = DiagnosticID(rawValue: "no-records")
    public static let duplicateRecordNumber = DiagnosticID(rawValue: "duplicate-record-number")
    public static let recordWithoutDate = DiagnosticID(rawValue: "record-without-date")
    public static let invalidDate = DiagnosticID(rawValue: "invalid-date")
    public static let unreadableLineReference = DiagnosticID(rawValue: "unreadable-line-reference")
    public static let changeWithoutLanguage = DiagnosticID(rawValue: "change-without-language")
    public static let unterminatedFence = DiagnosticID(rawValue: "unterminated-fence")
    public static let unmatchedProblemFix = DiagnosticID(rawValue: "unmatched-problem-fix")
    public static let nestingTooDeep = DiagnosticID(rawValue: "nesting-too-deep")
}

// MARK: - Dockerfile parser

extension DiagnosticID {
    public static let dockerfileSyntax = DiagnosticID(rawValue: "dockerfile-syntax")
    public static let dockerfileUnterminatedHeredoc = DiagnosticID(rawValue: "dockerfile-unterminated-heredoc")
    public static let dockerfileDirective = DiagnosticID(rawValue: "dockerfile-directive")
    public static let dockerfileLineTooLong = DiagnosticID(rawValue: "dockerfile-line-too-long")
    public static let dockerfileEmpty = DiagnosticID(rawValue: "dockerfile-empty")
    public static let dockerfileEmptyContinuation = DiagnosticID(rawValue: "dockerfile-empty-continuation")
}

// MARK: - Verification

extension DiagnosticID {
    public static let invalidVerifyConfig = DiagnosticID(rawValue: "invalid-verify-config")
    public static let invalidStepOptions = DiagnosticID(rawValue: "invalid-step-options")
    public static let unreadableResults = DiagnosticID(rawValue: "unreadable-results")
}

extension DiagnosticID {
    /// Every identifier fixlog can report, with its documentation. Append new entries; never remove one.
    public static let catalog: [Entry] = [
        Entry(.fileNotFound, stage: "input", .error, "A file named on the command line or in the log does not exist."),
        Entry(.fileUnreadable, stage: "input", .error, "A file exists but could not be read (permissions, a directory, an I/O error)."),
        Entry(.fileTooLarge, stage: "input", .error, "A file is larger than fixlog's input limit; it is refused without being read into memory."),
        Entry(.invalidUTF8, stage: "input", .error, "The file is not valid UTF-8; the message gives the byte offset of the first bad byte."),
        Entry(.nulByte, stage: "input", .error, "The file contains a NUL byte, so it is not a text file."),
        Entry(.emptyInput, stage: "input", .error, "The file is empty or holds only white space."),
        Entry(.notMarkdown, stage: "input", .error, "The file does not look like Markdown: it has no heading, list, paragraph or code block fixlog can read."),
        Entry(.noRecords, stage: "ingest", .warning, "The log parsed, but no fix record was recognised in it."),
        Entry(.duplicateRecordNumber, stage: "ingest", .warning, "Two records carry the same number; both are kept."),
        Entry(.recordWithoutDate, stage: "ingest", .warning, "A record has no date in its heading, its fields or an enclosing date group."),
        Entry(.invalidDate, stage: "ingest", .warning, "Something shaped like a date is not a real calendar date (e.g. 2025-02-30)."),
        Entry(.unreadableLineReference, stage: "ingest", .warning, "Text that refers to Dockerfile lines could not be read as a line number or range."),
        Entry(.changeWithoutLanguage, stage: "ingest", .warning, "A code block documenting a change has no language tag; fixlog guesses from its content."),
        Entry(.unterminatedFence, stage: "ingest", .warning, "A fenced code block is still open at the end of the file; it runs to the end."),
        Entry(.nestingTooDeep, stage: "ingest", .warning, "Lists or block quotes are nested more than 128 levels deep; deeper levels are read as if they were at level 128."),
        Entry(.unmatchedProblemFix, stage: "ingest", .note, "A problem list and a fix list have different lengths; items are linked by number where possible."),
        Entry(.dockerfileSyntax, stage: "dockerfile", .error, "BuildKit rejects an instruction: a JSON array with a non-string element, ENV/LABEL without a value or without `=`, or an ONBUILD chain nested too deeply."),
        Entry(.dockerfileUnterminatedHeredoc, stage: "dockerfile", .error, "A heredoc (`<<EOF`) is never closed: no line equals its terminator before the end of the file."),
        Entry(.dockerfileDirective, stage: "dockerfile", .error, "A parser directive is repeated (`# escape=` twice) or `# escape=` names something other than a backslash or a backtick."),
        Entry(.dockerfileLineTooLong, stage: "dockerfile", .error, "A physical line is longer than BuildKit's limit of 65535 bytes."),
        Entry(.dockerfileEmpty, stage: "dockerfile", .error, "The Dockerfile holds no instruction (only blank lines, comments or directives)."),
        Entry(.dockerfileEmptyContinuation, stage: "dockerfile", .warning, "A blank line inside a continued instruction; BuildKit warns that empty continuation lines will become errors."),
        Entry(.invalidVerifyConfig, stage: "verify", .error, "`.fixlog.yml` beside the log is not valid YAML or a setting has the wrong type (exec, timeout, env)."),
        Entry(.invalidStepOptions, stage: "verify", .error, "A verification block's options (fence info string or `<!-- fixlog: … -->`) name an unknown option or an unreadable value; the step errors."),
        Entry(.unreadableResults, stage: "verify", .error, "A results file is not valid JSON, not a fixlog results file, or has a newer schemaVersion."),
    ]

    /// The catalog entry for this identifier, if documented.
    public var entry: Entry? { Self.catalog.first { $0.id == self } }
}
