// MARK: - Dockerfile parser

extension DiagnosticID {
    public static let dockerfileSyntax = DiagnosticID(rawValue: "dockerfile-syntax")
    public static let dockerfileUnterminatedHeredoc = DiagnosticID(rawValue: "dockerfile-unterminated-heredoc")
    public static let dockerfileDirective = DiagnosticID(rawValue: "dockerfile-directive")
    public static let dockerfileLineTooLong = DiagnosticID(rawValue: "dockerfile-line-too-long")
    public static let dockerfileEmpty = DiagnosticID(rawValue: "dockerfile-empty")
    public static let dockerfileEmptyContinuation = DiagnosticID(rawValue: "dockerfile-empty-continuation")

    static let dockerfileCatalog: [Entry] = [
        Entry(.dockerfileSyntax, stage: "dockerfile", .error, "BuildKit rejects an instruction: a JSON array with a non-string element, ENV/LABEL without a value or without `=`, or an ONBUILD chain nested too deeply."),
        Entry(.dockerfileUnterminatedHeredoc, stage: "dockerfile", .error, "A heredoc (`<<EOF`) is never closed: no line equals its terminator before the end of the file."),
        Entry(.dockerfileDirective, stage: "dockerfile", .error, "A parser directive is repeated (`# escape=` twice) or `# escape=` names something other than a backslash or a backtick."),
        Entry(.dockerfileLineTooLong, stage: "dockerfile", .error, "A physical line is longer than BuildKit's limit of 65535 bytes."),
        Entry(.dockerfileEmpty, stage: "dockerfile", .error, "The Dockerfile holds no instruction (only blank lines, comments or directives)."),
        Entry(.dockerfileEmptyContinuation, stage: "dockerfile", .warning, "A blank line inside a continued instruction; BuildKit warns that empty continuation lines will become errors."),
    ]
}
