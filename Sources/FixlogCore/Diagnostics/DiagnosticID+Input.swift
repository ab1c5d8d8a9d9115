// MARK: - Input files

// Hardening (issue 8).
extension DiagnosticID {
    public static let loneCarriageReturn = DiagnosticID(rawValue: "lone-carriage-return")
}

extension DiagnosticID {
    public static let fileNotFound = DiagnosticID(rawValue: "file-not-found")
    public static let fileUnreadable = DiagnosticID(rawValue: "file-unreadable")
    public static let fileTooLarge = DiagnosticID(rawValue: "file-too-large")
    public static let invalidUTF8 = DiagnosticID(rawValue: "invalid-utf8")
    public static let nulByte = DiagnosticID(rawValue: "nul-byte")
    public static let emptyInput = DiagnosticID(rawValue: "empty-input")
    public static let notMarkdown = DiagnosticID(rawValue: "not-markdown")
    public static let noRecords = DiagnosticID(rawValue: "no-records")
    public static let duplicateRecordNumber = DiagnosticID(rawValue: "duplicate-record-number")
    public static let recordWithoutDate = DiagnosticID(rawValue: "record-without-date")
    public static let invalidDate = DiagnosticID(rawValue: "invalid-date")
    public static let unreadableLineReference = DiagnosticID(rawValue: "unreadable-line-reference")
    public static let changeWithoutLanguage = DiagnosticID(rawValue: "change-without-language")
    public static let unterminatedFence = DiagnosticID(rawValue: "unterminated-fence")
    public static let unmatchedProblemFix = DiagnosticID(rawValue: "unmatched-problem-fix")
    public static let nestingTooDeep = DiagnosticID(rawValue: "nesting-too-deep")

    static let inputCatalog: [Entry] = [
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
        Entry(.loneCarriageReturn, stage: "ingest", .warning, "A carriage return not followed by a line feed (old Mac line ending or binary junk). Markdown would read it as a line break, fixlog's line numbers do not; it is read as a space."),
        Entry(.unmatchedProblemFix, stage: "ingest", .note, "A problem list and a fix list have different lengths; items are linked by number where possible."),
    ]
}
